"""Demo seals for `jingchu demo`: the platform's root certificate, and an official seal and a
licence-issuing seal for the departments the demo cases run through. Idempotent: a seal that
exists is left alone, and a second run writes nothing."""

from __future__ import annotations

from typing import Any

from jingchu.seals import actions, service
from jingchu.seals.choices import SealKind
from jingchu.seals.models import Seal

ROOT_ORG = "hb-zwb"
SEALS: list[tuple[str, str]] = [
    ("hb-zwb", SealKind.OFFICIAL),
    ("hb-scjg", SealKind.OFFICIAL),
    ("hb-scjg", SealKind.LICENSE),
    ("hb-gat", SealKind.LICENSE),
    ("wh-scjg", SealKind.OFFICIAL),
    ("wh-scjg", SealKind.LICENSE),
    ("wh-rsj", SealKind.OFFICIAL),
    ("wh-rsj", SealKind.LICENSE),
    ("wh-mzj", SealKind.LICENSE),
]


def load_seals(orgs: dict[str, Any]) -> int:
    """The root and the demo seals; returns how many seals were made now."""
    actions.do_create_root(None, organization=orgs.get(ROOT_ORG))
    made = 0
    for key, kind in SEALS:
        org = orgs.get(key)
        if org is None or service.seal_for(org, kind) is not None:
            continue
        actions.do_create_seal(None, org, kind=kind)
        made += 1
    return made


def load_demo(ctx: Any) -> None:
    made = load_seals(ctx.orgs)
    ctx.report.append(f"Electronic seals: root certificate and {Seal.objects.count()} seals "
                      f"({made} new)")
