"""Demo service items from data/demo/service_items.json. Idempotent: an item whose content is
unchanged is not republished, and unchanged implementations are not rewritten."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from jingchu.core.demo import demo_file
from jingchu.core.models import Organization
from jingchu.services import actions
from jingchu.services.models import ServiceItem


def implementation_code(item_code: str, organization: Organization) -> str:
    """实施编码: the item's basic code followed by the implementing organization's credit code."""
    return f"{item_code}{organization.uscc}"


def _load_item(spec: dict[str, Any], orgs: dict[str, Organization], actor: Any) -> bool:
    """Publish one item if its content changed; returns True when a version was published."""
    code = spec["code"]
    item = ServiceItem.objects.select_related("current_version").filter(code=code).first()
    published = False
    if (item is None or item.current_version is None or not actions.same_content(
            item.current_version, spec["content"], spec["materials"])):
        item = actions.do_publish_item(actor, code=code, content=spec["content"],
                                       materials=spec["materials"], change_note="demo data").item
        published = True
    for impl in spec.get("implementations", []):
        organization = orgs[impl["org"]]
        fee = impl.get("fee")
        actions.do_upsert_implementation(
            actor, item=item, organization=organization,
            code=implementation_code(code, organization), service_area=impl["service_area"],
            address=impl.get("address", ""), hours=impl.get("hours", ""),
            phone=impl.get("phone", ""), promised_days=impl.get("promised_days"),
            fee=Decimal(str(fee)) if fee is not None else None,
        )
    return published


def load_service_items(orgs: dict[str, Organization], actor: Any = None) -> int:
    """Load the demo catalog; returns how many items the file holds (all now current)."""
    spec = json.loads(demo_file("service_items.json").read_text(encoding="utf-8"))
    for item in spec["items"]:
        _load_item(item, orgs, actor)
    return len(spec["items"])


def load_demo(ctx: Any) -> None:
    """The services app's part of `jingchu demo`."""
    ctx.report.append(f"Service items: {load_service_items(ctx.orgs)}")
