"""Setting the hotline up: centres, the category list, the routing table and time limits.

Only centre supervisors (and platform superusers) change these; `actor=None` is the loader of
`jingchu demo` and the tests' fixtures.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jingchu.core import audit
from jingchu.core.errors import ActionError, NotPermitted, clean_text
from jingchu.core.models import Organization, Region
from jingchu.hotline import permissions
from jingchu.hotline.choices import AttributeType, TicketKind, Urgency
from jingchu.hotline.models import Category, Centre, RoutingRule, TimeLimit

CATEGORIES_FILE = Path(__file__).resolve().parent.parent / "data" / "categories.json"


def _require_manager(actor: Any) -> None:
    if actor is not None and not permissions.can_manage_configuration(actor):
        raise NotPermitted(_("Only a supervisor of a hotline centre may change this."))


@transaction.atomic
def do_create_centre(actor: Any, *, organization: Organization, region: Region,
                     name: str) -> Centre:
    """Make `organization` the 12345 centre for `region` (idempotent per organization)."""
    if actor is not None and not getattr(actor, "is_superuser", False):
        raise NotPermitted(_("Only a platform administrator may set up a hotline centre."))
    label = clean_text(name, "name", required=True, limit=100)
    centre, created = Centre.objects.update_or_create(
        organization=organization, defaults={"region": region, "name": label})
    audit.record("hotline.centre.save", actor, centre,
                 {"region": region.code, "created": created})
    return centre


def _clean_attributes(raw: Any, code: str) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        raise ActionError("attributes_invalid", _("Extra questions must be a list."),
                          {"category": code})
    cleaned: list[dict[str, Any]] = []
    for attr in raw:
        if (not isinstance(attr, dict) or not attr.get("code")
                or attr.get("datatype") not in AttributeType.values):
            raise ActionError("attributes_invalid",
                              _("Each extra question needs a code and a known data type."),
                              {"category": code})
        cleaned.append({
            "code": str(attr["code"]), "datatype": attr["datatype"],
            "required": bool(attr.get("required", False)),
            "description": str(attr.get("description", "")),
            "order": int(attr.get("order", len(cleaned) + 1)),
            "values": [{"key": str(v["key"]), "name": str(v["name"])}
                       for v in attr.get("values", [])],
        })
    return cleaned


@transaction.atomic
def do_load_categories(actor: Any, path: Path | None = None) -> int:
    """Create or update the categories listed in a JSON file (the shipped one by default)."""
    _require_manager(actor)
    spec = json.loads((path or CATEGORIES_FILE).read_text(encoding="utf-8"))
    count = 0
    for row in spec["categories"]:
        code = clean_text(row.get("code"), "code", required=True, limit=40)
        Category.objects.update_or_create(code=code, defaults={
            "name": clean_text(row.get("name"), "name", required=True, limit=100),
            "group": clean_text(row.get("group"), "group", limit=100),
            "department": clean_text(row.get("department"), "department", required=True,
                                     limit=40),
            "description": str(row.get("description", "")),
            "keywords": clean_text(row.get("keywords"), "keywords", limit=300),
            "attributes": _clean_attributes(row.get("attributes", []), code),
        })
        count += 1
    audit.record("hotline.categories.load", actor, None, {"count": count})
    return count


@transaction.atomic
def do_set_route(actor: Any, *, category: Category | None, region: Region | None,
                 organization: Organization) -> RoutingRule:
    """Set one cell of the routing table; a blank category or region makes it a default."""
    _require_manager(actor)
    if not organization.is_active:
        raise ActionError("organization_inactive", _("That organization is not active."),
                          {"field": "organization"})
    # Locks the cell (or, for the all-blank default, every all-blank row) so two supervisors
    # saving the same cell at once leave one rule.
    existing = RoutingRule.objects.select_for_update().filter(
        category=category, region=region).order_by("pk")
    rule = existing.first()
    if rule is None:
        rule = RoutingRule.objects.create(category=category, region=region,
                                          organization=organization)
    else:
        rule.organization = organization
        rule.save(update_fields=["organization"])
    audit.record("hotline.route.set", actor, rule, {
        "category": category.code if category else None,
        "region": region.code if region else None,
        "organization": str(organization.uid)})
    return rule


@transaction.atomic
def do_delete_route(actor: Any, rule: RoutingRule) -> None:
    _require_manager(actor)
    details = {"category": rule.category.code if rule.category else None,
               "region": rule.region.code if rule.region else None}
    audit.record("hotline.route.delete", actor, None, details)
    rule.delete()


def _limit_value(raw: Any, field: str) -> int | None:
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = -1
    if not 1 <= value <= 365:
        raise ActionError(f"{field}_invalid", _("Give a whole number from 1 to 365."),
                          {"field": field})
    return value


@transaction.atomic
def do_set_time_limit(actor: Any, *, kind: str, urgency: str, working_days: Any = None,
                      hours: Any = None, sign_working_days: Any = 1) -> TimeLimit:
    """Set the time limit of a kind and urgency: working days or hours, not both."""
    _require_manager(actor)
    if kind not in TicketKind.values:
        raise ActionError("kind_invalid", _("Unknown kind of ticket."), {"field": "kind"})
    if urgency not in Urgency.values:
        raise ActionError("urgency_invalid", _("Unknown urgency."), {"field": "urgency"})
    days, hrs = _limit_value(working_days, "working_days"), _limit_value(hours, "hours")
    if (days is None) == (hrs is None):
        raise ActionError("limit_invalid", _("Give either working days or hours."),
                          {"field": "working_days"})
    sign = _limit_value(sign_working_days, "sign_working_days") or 1
    limit, _created = TimeLimit.objects.update_or_create(
        kind=kind, urgency=urgency,
        defaults={"working_days": days, "hours": hrs, "sign_working_days": sign})
    audit.record("hotline.time_limit.set", actor, limit,
                 {"working_days": days, "hours": hrs, "sign_working_days": sign})
    return limit
