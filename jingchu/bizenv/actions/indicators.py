"""The indicator system: loading the shipped default set, local indicators (本地特色指标) and the
evaluation office."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jingchu.bizenv import permissions, scoring
from jingchu.bizenv.choices import IMPORT_SOURCE, KPI_PREFIX, Direction
from jingchu.bizenv.models import EvaluationOffice, Indicator, Topic
from jingchu.core import audit
from jingchu.core.errors import ActionError, NotPermitted, clean_text
from jingchu.core.models import Organization

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / "indicators.json"
INDICATOR_FIELDS = ("name", "unit", "direction", "frontier", "worst", "weight", "source",
                    "kpi_scale", "valid_min", "valid_max", "order")


def _require(allowed: bool) -> None:
    if not allowed:
        raise NotPermitted(_("You may not manage the business-environment evaluation."))


@transaction.atomic
def do_load_default_indicators(actor: Any = None, path: Path = DEFAULT_FILE) -> dict[str, int]:
    """Load the shipped topics and indicators (idempotent: matched by code, values updated,
    local ones untouched). Actor None: the system (demo, command line)."""
    if actor is not None:
        _require(permissions.can_manage(actor))
    spec = json.loads(path.read_text(encoding="utf-8"))
    created = updated = 0
    for item in spec["topics"]:
        topic, _new = Topic.objects.update_or_create(
            code=item["code"], defaults={"name": item["name"], "order": item["order"],
                                         "weight": item.get("weight", 1), "is_local": False})
        for entry in item["indicators"]:
            scoring.check_bounds(entry["direction"], entry["frontier"], entry["worst"])
            defaults = {k: entry[k] for k in INDICATOR_FIELDS if k in entry}
            _ind, new = Indicator.objects.update_or_create(
                code=entry["code"], defaults={**defaults, "topic": topic, "is_local": False})
            created += int(new)
            updated += int(not new)
    audit.record("bizenv.indicators_loaded", actor, None,
                 {"created": created, "updated": updated})
    return {"created": created, "updated": updated}


def _float(raw: Any, field: str, *, required: bool = True) -> float | None:
    if raw in (None, "") and not required:
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise ActionError("invalid_number", _("Give a number."), {"field": field}) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ActionError("invalid_number", _("Give a number."), {"field": field})
    return value


def _source(raw: Any) -> str:
    source = clean_text(raw, "source", limit=100) or IMPORT_SOURCE
    if source == IMPORT_SOURCE:
        return source
    code = source.removeprefix(KPI_PREFIX)
    if not source.startswith(KPI_PREFIX) or not code or " " in code:
        raise ActionError("invalid_source",
                          _("The source is “import” or “kpi:” followed by a KPI code."),
                          {"field": "source"})
    return source


def _clean_indicator(data: dict[str, Any]) -> dict[str, Any]:
    direction = str(data.get("direction") or "")
    if direction not in Direction.values:
        raise ActionError("invalid_direction", _("Choose a direction."), {"field": "direction"})
    frontier = _float(data.get("frontier"), "frontier")
    worst = _float(data.get("worst"), "worst")
    assert frontier is not None and worst is not None
    try:
        scoring.check_bounds(direction, frontier, worst)
    except ValueError:
        raise ActionError("invalid_bounds", _(
            "For “lower is better” the frontier must be below the worst value; for “higher is "
            "better”, above it."), {"field": "frontier"}) from None
    weight = _float(data.get("weight", 1), "weight")
    if weight is None or weight <= 0:
        raise ActionError("invalid_weight", _("The weight must be above zero."),
                          {"field": "weight"})
    low = _float(data.get("valid_min"), "valid_min", required=False)
    high = _float(data.get("valid_max"), "valid_max", required=False)
    if low is not None and high is not None and low > high:
        raise ActionError("invalid_range", _("The smallest valid value is above the largest."),
                          {"field": "valid_min"})
    return {"name": clean_text(data.get("name"), "name", required=True, limit=150),
            "unit": clean_text(data.get("unit"), "unit", required=True, limit=30),
            "direction": direction, "frontier": frontier, "worst": worst, "weight": weight,
            "source": _source(data.get("source")),
            "kpi_scale": _float(data.get("kpi_scale") or 1, "kpi_scale"),
            "valid_min": low, "valid_max": high,
            "description": clean_text(data.get("description"), "description", limit=1000)}


def _local_topic(data: dict[str, Any]) -> Topic:
    topic = data.get("topic")
    if isinstance(topic, Topic):
        return topic
    name = clean_text(data.get("new_topic"), "new_topic", limit=100)
    if not name:
        raise ActionError("topic_required", _("Choose a topic or name a new local one."),
                          {"field": "topic"})
    code = f"local-{Topic.objects.filter(is_local=True).count() + 1}"
    while Topic.objects.filter(code=code).exists():
        code += "-x"
    last = Topic.objects.order_by("-order").values_list("order", flat=True).first() or 0
    return Topic.objects.create(code=code, name=name, order=last + 1, is_local=True)


@transaction.atomic
def do_add_local_indicator(actor: Any, data: dict[str, Any]) -> Indicator:
    """Add a local indicator (本地特色指标) to a topic, or to a new local topic."""
    _require(permissions.can_manage(actor))
    code = clean_text(data.get("code"), "code", required=True, limit=60)
    if not all(c.isalnum() or c in "._-" for c in code):
        raise ActionError("invalid_code", _("Use letters, digits, dots, dashes and "
                                            "underscores only."), {"field": "code"})
    code = f"local.{code}" if not code.startswith("local.") else code
    if Indicator.objects.filter(code=code).exists():
        raise ActionError("duplicate_code", _("An indicator with this code exists."),
                          {"field": "code"})
    fields = _clean_indicator(data)
    topic = _local_topic(data)
    last = topic.indicators.order_by("-order").values_list("order", flat=True).first() or 0
    indicator = Indicator.objects.create(code=code, topic=topic, is_local=True,
                                         order=last + 1, **fields)
    audit.record("bizenv.indicator_added", actor, indicator,
                 {"code": code, "topic": topic.code})
    return indicator


@transaction.atomic
def do_set_indicator_active(actor: Any, indicator: Indicator, active: bool) -> Indicator:
    """Take an indicator out of the evaluations from the next computation on, or back in."""
    _require(permissions.can_manage(actor))
    if indicator.is_active != active:
        indicator.is_active = active
        indicator.save(update_fields=["is_active"])
        audit.record("bizenv.indicator_activated" if active else "bizenv.indicator_retired",
                     actor, indicator, {"code": indicator.code})
    return indicator


@transaction.atomic
def do_set_office(actor: Any, organization: Organization) -> EvaluationOffice:
    """Name an organization whose leaders manage the evaluation (superusers or the system)."""
    if actor is not None and not getattr(actor, "is_superuser", False):
        raise NotPermitted(_("Only an administrator of the platform names the office."))
    office, _new = EvaluationOffice.objects.get_or_create(organization=organization)
    audit.record("bizenv.office_set", actor, organization, {})
    return office
