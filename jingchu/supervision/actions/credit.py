"""信用分级分类: credit events recorded by departments, the declared rules, and computed grades.

`actor=None` is the platform itself: the loaders of `jingchu supervision load-rules` and the
demo, the nightly computation (Celery beat), and the recomputation after an inspection result.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.core import audit
from jingchu.core.errors import ActionError, NotPermitted, clean_text
from jingchu.core.models import Organization
from jingchu.identity.models import LegalEntity
from jingchu.supervision import credit, permissions
from jingchu.supervision.choices import CreditRecordKind, CreditSource, Grade, Outcome
from jingchu.supervision.models import (
    CreditBand,
    CreditGrade,
    CreditRecord,
    CreditRule,
    SupervisedEntity,
)

logger = logging.getLogger(__name__)

RULES_FILE = Path(__file__).resolve().parent.parent / "data" / "credit_rules.json"
REFERENCE_LIMIT = 80
SUMMARY_LIMIT = 500
HOTLINE_KINDS = ("complaint", "report")
AUDITED_ENTITIES = 10  # a computation over at most this many entities names them in its audit
Progress = Callable[[str, int, int], None]


# --- recording credit events --------------------------------------------------------------


def _date(raw: Any, field: str, *, required: bool) -> dt.date | None:
    if raw in (None, ""):
        if required:
            raise ActionError(f"{field}_required", _("This field is required."),
                              {"field": field})
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise ActionError(f"{field}_invalid", _("Give a date as YYYY-MM-DD."),
                          {"field": field}) from None


def _check_dates(decided: dt.date, ended: dt.date | None, today: dt.date) -> None:
    if decided > today:
        raise ActionError("decided_on_future", _("The decision date cannot be in the future."),
                          {"field": "decided_on"})
    if ended is not None and ended < decided:
        raise ActionError("ended_on_before", _("The end date is before the decision date."),
                          {"field": "ended_on"})


def _recompute_one(legal_entity: LegalEntity) -> str | None:
    """Recompute one entity's grade inside the caller's action (its own audit covers it);
    the new grade when it changed."""
    changed = _compute([legal_entity.pk], timezone.localdate())
    return changed.get(legal_entity.pk)


@transaction.atomic
def do_record_credit_event(actor: Any, *, legal_entity: LegalEntity, kind: str,
                           organization: Organization, reference: str, summary: str,
                           decided_on: dt.date | str, ended_on: dt.date | str | None = None,
                           ) -> CreditRecord:
    """A department records a penalty decision or an abnormal-operations listing about an
    entity, in its own name; the entity's grade is recomputed at once."""
    if actor is not None and not permissions.can_record_credit(actor, organization):
        raise NotPermitted(_("You may not record credit events for this department."),
                           {"field": "organization"})
    if kind not in CreditRecordKind.values:
        raise ActionError("kind_invalid", _("Unknown kind of credit event."), {"field": "kind"})
    if legal_entity is None or legal_entity.pk is None:
        raise ActionError("legal_entity_required", _("Choose the entity."),
                          {"field": "legal_entity"})
    ref = clean_text(reference, "reference", required=True, limit=REFERENCE_LIMIT)
    text = clean_text(summary, "summary", required=True, limit=SUMMARY_LIMIT)
    decided = _date(decided_on, "decided_on", required=True)
    assert decided is not None  # required above
    ended = _date(ended_on, "ended_on", required=False)
    _check_dates(decided, ended, timezone.localdate())
    if CreditRecord.objects.filter(kind=kind, reference=ref).exists():
        raise ActionError("reference_exists",
                          _("A credit event of this kind with this decision number is already "
                            "recorded."), {"field": "reference"}, status=409)
    record = CreditRecord.objects.create(
        legal_entity=legal_entity, kind=kind, organization=organization, reference=ref,
        summary=text, decided_on=decided, ended_on=ended,
        created_by=actor if getattr(actor, "is_authenticated", False) else None)
    grade = _recompute_one(legal_entity)
    audit.record("supervision.credit_record.create", actor, record, {
        "kind": kind, "entity": legal_entity.uscc, "organization": str(organization.uid),
        "decided_on": decided.isoformat(), "ended_on": ended.isoformat() if ended else None,
        "grade": grade})
    return record


@transaction.atomic
def do_end_credit_record(actor: Any, record: CreditRecord, *,
                         ended_on: dt.date | str) -> CreditRecord:
    """The entity left the abnormal-operations list, or the penalty's publicity ended (信用修复):
    from that day on the record no longer counts. The grade is recomputed at once."""
    record = CreditRecord.objects.select_for_update().select_related(
        "legal_entity", "organization").get(pk=record.pk)
    if actor is not None and not permissions.can_record_credit(actor, record.organization):
        raise NotPermitted(_("Only the deciding department may end this credit event."))
    ended = _date(ended_on, "ended_on", required=True)
    assert ended is not None
    if ended < record.decided_on:
        raise ActionError("ended_on_before", _("The end date is before the decision date."),
                          {"field": "ended_on"})
    previous = record.ended_on
    record.ended_on = ended
    record.save(update_fields=["ended_on"])
    grade = _recompute_one(record.legal_entity)
    audit.record("supervision.credit_record.end", actor, record, {
        "ended_on": ended.isoformat(), "previous": previous.isoformat() if previous else None,
        "grade": grade})
    return record


# --- the declared rules -----------------------------------------------------------------


def _check_rule(row: dict[str, Any]) -> dict[str, Any]:
    code = clean_text(row.get("code"), "code", required=True, limit=40)
    source = str(row.get("source", ""))
    if source not in CreditSource.values:
        raise ActionError("source_invalid", _("Rule %(code)s: unknown source.")
                          % {"code": code}, {"rule": code})
    points, most = row.get("points"), row.get("max_points")
    window = row.get("window_days", 365)
    numbers_ok = (isinstance(points, int) and 0 < points <= 100
                  and (most is None or (isinstance(most, int) and points <= most <= 100))
                  and isinstance(window, int) and 0 < window <= 3650)
    outcomes, kinds = list(row.get("outcomes", [])), list(row.get("kinds", []))
    if (not numbers_ok or any(o not in Outcome.values for o in outcomes)
            or any(k not in HOTLINE_KINDS for k in kinds)
            or (source == CreditSource.INSPECTION and not outcomes)):
        raise ActionError("rule_invalid", _("Rule %(code)s: check its points, limit, window, "
                                            "outcomes and kinds.") % {"code": code},
                          {"rule": code})
    return {"name": clean_text(row.get("name"), "name", required=True, limit=200),
            "source": source, "points": points, "max_points": most, "window_days": window,
            "outcomes": outcomes, "kinds": kinds, "code": code}


def _check_bands(rows: list[Any]) -> list[tuple[str, int]]:
    found = [(str(b.get("grade")), b.get("min_score")) for b in rows]
    grades = [g for g, _low in found]
    if (sorted(grades) != sorted(Grade.values)
            or any(not isinstance(low, int) or not 0 <= low <= 100 for _g, low in found)):
        raise ActionError("bands_invalid", _("Declare one band for each of the grades A, B, C "
                                             "and D, each with a lowest score from 0 to 100."))
    ordered = sorted(found, key=lambda b: b[0])  # A, B, C, D: lowest scores must fall
    lows = [int(low) for _g, low in ordered]
    if any(a <= b for a, b in itertools.pairwise(lows)) or lows[-1] != 0:
        raise ActionError("bands_invalid", _("The lowest scores must fall from A to D, and D "
                                             "must start at 0."))
    return [(g, int(low)) for g, low in ordered]


@transaction.atomic
def do_load_credit_rules(actor: Any, path: Path | None = None) -> int:
    """Create or update the rules and bands declared in the JSON file (the shipped
    data/credit_rules.json by default), by rule code and grade; rules the file does not name
    are left as they are. Answers how many rules the file declares."""
    if actor is not None and not getattr(actor, "is_superuser", False):
        raise NotPermitted(_("Only a platform administrator may load the credit rules."))
    try:
        spec = json.loads((path or RULES_FILE).read_text(encoding="utf-8"))
        raw_rules, raw_bands = list(spec["rules"]), list(spec["bands"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ActionError("rules_unreadable", _("The credit rules file cannot be read: "
                                                "%(error)s") % {"error": exc}) from None
    rules = [_check_rule(row) for row in raw_rules]
    band_list = _check_bands(raw_bands)
    codes = [r["code"] for r in rules]
    for row in rules:
        CreditRule.objects.update_or_create(code=row.pop("code"),
                                            defaults={**row, "is_active": True})
    for grade, low in band_list:
        CreditBand.objects.update_or_create(grade=grade, defaults={"min_score": low})
    audit.record("supervision.credit_rules.load", actor, None, {
        "rules": codes, "bands": dict(band_list)},
        actor_label="" if actor is not None else "system")
    return len(rules)


# --- computing grades ---------------------------------------------------------------------


def _entity_ids(entities: Iterable[LegalEntity] | None) -> list[int]:
    if entities is None:
        return list(SupervisedEntity.objects.filter(is_active=True).order_by("legal_entity_id")
                    .values_list("legal_entity_id", flat=True))
    return sorted({e.pk for e in entities if e is not None and e.pk is not None})


def _compute(ids: list[int], today: dt.date, progress: Progress | None = None) -> dict[int, str]:
    """Write a new current grade for each entity whose grade, score or explanation changed;
    answers {entity pk: new grade} of those. Nothing when no rule or no band is declared."""
    rules, band_list = credit.active_rules(), credit.bands()
    if not rules or not band_list:
        logger.warning("credit grades not computed: no active rule or no band declared")
        return {}
    changed: dict[int, str] = {}
    now = timezone.now()
    for done, chunk in enumerate(credit.chunks(ids)):
        # Lock the entities so two computations cannot both replace the same current grade
        # (FOR NO KEY UPDATE: rows referring to the entities may still be inserted).
        list(LegalEntity.objects.select_for_update(no_key=True).filter(pk__in=chunk)
             .order_by("pk").values_list("pk", flat=True))
        events = credit.gather(chunk, rules, today)
        current = {g.legal_entity_id: g for g in CreditGrade.objects.filter(
            legal_entity_id__in=chunk, is_current=True)}
        new = []
        for pk in chunk:
            result = credit.evaluate(rules, events.get(pk, []), today, band_list)
            old = current.get(pk)
            if old is not None and (old.grade, old.score, old.explanation) == (
                    result.grade, result.score, result.explanation):
                continue
            new.append(CreditGrade(legal_entity_id=pk, grade=result.grade, score=result.score,
                                   explanation=result.explanation, computed_at=now))
            changed[pk] = result.grade
        CreditGrade.objects.filter(legal_entity_id__in=[g.legal_entity_id for g in new],
                                   is_current=True).update(is_current=False)
        CreditGrade.objects.bulk_create(new)
        if progress is not None:
            progress("grades", min((done + 1) * credit.CHUNK, len(ids)), len(ids))
    return changed


@transaction.atomic
def do_compute_grades(actor: Any, *, entities: Iterable[LegalEntity] | None = None,
                      today: dt.date | None = None, progress: Progress | None = None) -> int:
    """Compute the grades of `entities` (every active supervised entity when None) as of
    `today` (default: today); a new current CreditGrade is written only for an entity whose
    grade, score or explanation changed, the old one kept as history. Answers how many
    changed. Until rules and bands are loaded it changes nothing."""
    if actor is not None and not permissions.can_recompute_grades(actor):
        raise NotPermitted(_("You may not recompute credit grades."))
    day = today or timezone.localdate()
    ids = _entity_ids(entities)
    changed = _compute(ids, day, progress)
    details: dict[str, Any] = {"day": day.isoformat(), "entities": len(ids),
                               "changed": len(changed)}
    if entities is not None and len(ids) <= AUDITED_ENTITIES:
        details["uscc"] = list(LegalEntity.objects.filter(pk__in=ids).order_by("uscc")
                               .values_list("uscc", flat=True))
    audit.record("supervision.credit.compute", actor, None, details,
                 actor_label="" if actor is not None else "system")
    return len(changed)
