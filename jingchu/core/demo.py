"""Demo reference data: regions and organizations. Idempotent: loading twice changes nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings

from jingchu.core import actions
from jingchu.core.models import Organization, Region


def demo_file(name: str) -> Path:
    return Path(settings.DATA_DIR) / "demo" / name


def org_uscc(region_code: str, index: int) -> str:
    """A valid credit code for the demo's government bodies (authority 1, kind 1: 机关)."""
    from jingchu.identity.validators import make_uscc

    return make_uscc("1", "1", region_code[:6], f"{index:08d}")


def load_organizations(actor: Any = None) -> dict[str, Organization]:
    spec = json.loads(demo_file("organizations.json").read_text(encoding="utf-8"))
    orgs: dict[str, Organization] = {}
    for index, item in enumerate(spec["organizations"], start=1):
        region = Region.objects.get(code=item["region"])
        orgs[item["key"]] = actions.do_upsert_organization(
            actor,
            uscc=org_uscc(item["region"], index),
            name=item["name"],
            short_name=item.get("short", ""),
            kind=item["kind"],
            region=region,
            parent=orgs.get(item["parent"]) if item.get("parent") else None,
        )
    return orgs
