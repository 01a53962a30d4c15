"""信用分级分类: how a credit grade is computed from the declared rules.

Every entity starts at 100. Each active CreditRule deducts `points` for every event of its
source found in its look-back window — the `window_days` days ending on the day of the
computation, that day included — at most `max_points` (no limit when blank):

    score = max(0, 100 − Σ min(points × events, max_points))

and the grade is the CreditBand with the highest `min_score` at or below the score.

Events, by source:
- penalty: CreditRecords of kind penalty decided in the window, unless their publicity has
  ended (ended_on on or before the day: 信用修复);
- abnormal: CreditRecords of kind abnormal listed on or before the day and not yet removed
  (ended_on blank or after the day), however old: the listing counts while it lasts;
- hotline: complaints and reports to 12345 about the entity (Ticket.reported_entity) received
  in the window, of the rule's `kinds` (complaint and report when empty), merged duplicates
  left out (jingchu.hotline.stats.complaints_about);
- inspection: Inspections whose result is recorded or published, whose outcome is one of the
  rule's `outcomes`, and which ended (ended_on) in the window.

The explanation lists each rule that applied: its code and name, the number of events, the
points deducted, and the evidence (decision numbers, ticket numbers, inspection numbers; the
newest EVIDENCE_LIMIT of them). The functions here read; jingchu.supervision.actions.credit
writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from jingchu.supervision.choices import CreditRecordKind, CreditSource, Grade, InspectionStatus
from jingchu.supervision.models import CreditBand, CreditGrade, CreditRecord, CreditRule

DEFAULT_GRADE = Grade.B  # an entity never graded is basically trustworthy
START_SCORE = 100
EVIDENCE_LIMIT = 20
CHUNK = 500  # entities per query
HOTLINE_KINDS = ("complaint", "report")
RESULT_STATUSES = (InspectionStatus.RECORDED, InspectionStatus.PUBLISHED)


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    source: str
    points: int
    max_points: int | None
    window_days: int
    outcomes: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()

    @classmethod
    def of(cls, rule: CreditRule) -> Rule:
        return cls(code=rule.code, name=rule.name, source=rule.source, points=rule.points,
                   max_points=rule.max_points, window_days=rule.window_days,
                   outcomes=tuple(str(o) for o in rule.outcomes or ()),
                   kinds=tuple(str(k) for k in rule.kinds or ()))

    def since(self, today: dt.date) -> dt.date:
        """The first day of the window."""
        return today - dt.timedelta(days=max(self.window_days, 1) - 1)

    @property
    def hotline_kinds(self) -> tuple[str, ...]:
        return self.kinds or HOTLINE_KINDS


@dataclass(frozen=True)
class Event:
    """One thing a rule may count: its source, the day it happened (decided, listed, received,
    inspection ended), its reference, its detail (outcome or ticket kind) and, for credit
    records, when it ended."""

    source: str
    day: dt.date
    reference: str
    detail: str = ""
    ended_on: dt.date | None = None


@dataclass(frozen=True)
class Evaluation:
    score: int
    grade: str
    explanation: list[dict[str, Any]]


# --- the rules --------------------------------------------------------------------------


def active_rules() -> list[Rule]:
    return [Rule.of(r) for r in CreditRule.objects.filter(is_active=True).order_by("code")]


def bands() -> list[tuple[str, int]]:
    """(grade, lowest score), highest first."""
    return [(b.grade, b.min_score) for b in CreditBand.objects.order_by("-min_score", "grade")]


def grade_for(score: int, band_list: list[tuple[str, int]]) -> str:
    """The grade of the highest band at or below the score; the lowest band's below them all."""
    for grade, low in sorted(band_list, key=lambda b: -b[1]):
        if score >= low:
            return grade
    return min(band_list, key=lambda b: b[1])[0] if band_list else DEFAULT_GRADE


# --- which events a rule counts ----------------------------------------------------------


def counts(rule: Rule, event: Event, today: dt.date) -> bool:
    if event.source != rule.source or event.day > today:
        return False
    if rule.source == CreditSource.ABNORMAL:
        return event.ended_on is None or event.ended_on > today
    if event.day < rule.since(today):
        return False
    if rule.source == CreditSource.PENALTY:
        return event.ended_on is None or event.ended_on > today
    if rule.source == CreditSource.HOTLINE:
        return event.detail in rule.hotline_kinds
    if rule.source == CreditSource.INSPECTION:
        return event.detail in rule.outcomes
    return False


def evaluate(rules: Iterable[Rule], events: Iterable[Event], today: dt.date,
             band_list: list[tuple[str, int]]) -> Evaluation:
    """The score, grade and explanation from the events of one entity."""
    found = list(events)
    deducted, explanation = 0, []
    for rule in sorted(rules, key=lambda r: r.code):
        matched = sorted((e for e in found if counts(rule, e, today)),
                         key=lambda e: (e.day, e.reference), reverse=True)
        if not matched:
            continue
        points = rule.points * len(matched)
        if rule.max_points is not None:
            points = min(points, rule.max_points)
        deducted += points
        explanation.append({
            "rule": rule.code, "name": rule.name, "source": rule.source,
            "events": len(matched), "per_event": rule.points, "max_points": rule.max_points,
            "points": points,
            "evidence": [e.reference for e in matched[:EVIDENCE_LIMIT]]})
    score = max(0, START_SCORE - deducted)
    return Evaluation(score, grade_for(score, band_list), explanation)


# --- gathering events from the database --------------------------------------------------


def chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _earliest(rules: list[Rule], source: str, today: dt.date) -> dt.date | None:
    days = [r.since(today) for r in rules if r.source == source]
    return min(days) if days else None


def _record_events(ids: list[int], rules: list[Rule], today: dt.date,
                   found: dict[int, list[Event]]) -> None:
    penalty_since = _earliest(rules, CreditSource.PENALTY, today)
    wanted = Q()
    if penalty_since is not None:
        wanted |= Q(kind=CreditRecordKind.PENALTY, decided_on__gte=penalty_since)
    if any(r.source == CreditSource.ABNORMAL for r in rules):
        wanted |= Q(kind=CreditRecordKind.ABNORMAL)
    if not wanted:
        return
    rows = (CreditRecord.objects.filter(wanted, legal_entity_id__in=ids, decided_on__lte=today)
            .exclude(ended_on__lte=today)
            .values_list("legal_entity_id", "kind", "decided_on", "reference", "ended_on"))
    for entity_id, kind, decided_on, reference, ended_on in rows:
        found.setdefault(entity_id, []).append(Event(kind, decided_on, reference,
                                                     ended_on=ended_on))


def _hotline_events(ids: list[int], rules: list[Rule], today: dt.date,
                    found: dict[int, list[Event]]) -> None:
    since = _earliest(rules, CreditSource.HOTLINE, today)
    if since is None:
        return
    from jingchu.hotline.stats import complaints_about

    kinds = sorted({k for r in rules if r.source == CreditSource.HOTLINE
                    for k in r.hotline_kinds})
    for entity_id, tickets in complaints_about(ids, since, kinds).items():
        for number, kind, created_at in tickets:
            found.setdefault(entity_id, []).append(
                Event(CreditSource.HOTLINE, timezone.localdate(created_at), number, kind))


def _inspection_events(ids: list[int], rules: list[Rule], today: dt.date,
                       found: dict[int, list[Event]]) -> None:
    since = _earliest(rules, CreditSource.INSPECTION, today)
    if since is None:
        return
    from jingchu.supervision.models import Inspection

    outcomes = sorted({o for r in rules if r.source == CreditSource.INSPECTION
                       for o in r.outcomes})
    rows = (Inspection.objects.filter(legal_entity_id__in=ids, status__in=RESULT_STATUSES,
                                      outcome__in=outcomes, ended_on__gte=since,
                                      ended_on__lte=today)
            .values_list("legal_entity_id", "ended_on", "number", "outcome"))
    for entity_id, ended_on, number, outcome in rows:
        if ended_on is not None:  # always, by the filter; for the type checker
            found.setdefault(entity_id, []).append(
                Event(CreditSource.INSPECTION, ended_on, number, outcome))


def gather(entity_ids: Iterable[int], rules: list[Rule],
           today: dt.date) -> dict[int, list[Event]]:
    """The events of every source the rules read, per LegalEntity pk (a few queries per
    CHUNK entities, whatever the number of events)."""
    found: dict[int, list[Event]] = {}
    for ids in chunks(sorted(set(entity_ids))):
        _record_events(ids, rules, today, found)
        _hotline_events(ids, rules, today, found)
        _inspection_events(ids, rules, today, found)
    return found


def evaluate_entities(entity_ids: Iterable[int], *, today: dt.date | None = None,
                      ) -> dict[int, Evaluation]:
    """What the current rules would give each entity on `today` (default: today), without
    writing anything. Empty when no rule is active or no band is declared."""
    rules, band_list = active_rules(), bands()
    if not rules or not band_list:
        return {}
    day = today or timezone.localdate()
    ids = sorted(set(entity_ids))
    events = gather(ids, rules, day)
    return {pk: evaluate(rules, events.get(pk, []), day, band_list) for pk in ids}


# --- reading grades -----------------------------------------------------------------------


def current_grades(entity_ids: Iterable[int]) -> dict[int, str]:
    """The current grade of each LegalEntity pk; DEFAULT_GRADE for an entity never graded."""
    ids = sorted(set(entity_ids))
    grades = dict.fromkeys(ids, str(DEFAULT_GRADE))
    for chunk in chunks(ids):
        grades.update(CreditGrade.objects.filter(legal_entity_id__in=chunk, is_current=True)
                      .values_list("legal_entity_id", "grade"))
    return grades


def current_grade(legal_entity: Any) -> CreditGrade | None:
    return CreditGrade.objects.filter(legal_entity=legal_entity, is_current=True).first()


def grade_label(grade: str) -> str:
    return str(Grade(grade).label) if grade in Grade.values else grade
