"""Figures of 双随机一公开 for the KPI page and the cockpit: the public interface the cockpit
calls.

Every function takes a `Period` (local Asia/Shanghai calendar days, both ends included) and,
optionally, a department, and returns frozen dataclasses. The counting is done by the database
(GROUP BY with filtered counts).

Definitions (what each figure counts):
- item coverage (事项覆盖率): active regulatory items with at least one inspection that ended in
  the period (Inspection.ended_on, set with the result) in a plan that included the item,
  divided by the active items (of the department, when one is given). Target COVERAGE_TARGET.
- per department: an inspection counts for every department of its plan (the lead department
  and, in a joint plan, each partner), so a joint inspection appears in each row:
  - drawn: inspections of plans whose draw ran in the period;
  - ended: inspections that ended in the period; with a problem: of those, ordered to rectify
    or case filed; joint: of those, in a joint plan;
  - published: results published in the period (published_at, local day), and of those on
    time (on or before publish_due);
  - awaiting publication now, and of those past their deadline now (figures of the present
    moment, not of the period).
- publication timeliness (公示及时率): inspections whose deadline (publish_due) falls in the
  period, split into on time (published on or before the deadline), late (published after),
  overdue (not published, deadline passed) and pending (not published, deadline not passed
  yet). rate = on_time / (on_time + late + overdue): pending ones are not decided yet.
- outcomes: inspections that ended in the period, per outcome, every outcome listed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from jingchu.core.models import Organization
from jingchu.core.periods import Period, local_day
from jingchu.core.periods import parse_period as parse_period  # the pages and API read it here
from jingchu.supervision.choices import InspectionStatus, Outcome
from jingchu.supervision.models import Inspection, InspectionPlan, RegulatoryItem

COVERAGE_TARGET = 0.8
PROBLEMS = (Outcome.RECTIFY, Outcome.CASE_FILED)


# --- inputs -------------------------------------------------------------------------------


# --- results ------------------------------------------------------------------------------


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass(frozen=True)
class ItemCoverage:
    active: int
    covered: int
    target: float = COVERAGE_TARGET
    uncovered: tuple[str, ...] = field(default=())  # codes of the active items not covered

    @property
    def rate(self) -> float | None:
        return _rate(self.covered, self.active)

    @property
    def meets_target(self) -> bool:
        rate = self.rate
        return rate is not None and rate >= self.target


@dataclass(frozen=True)
class DepartmentRow:
    organization_uid: str
    organization_name: str
    drawn: int
    ended: int
    with_problems: int
    joint: int
    published: int
    published_on_time: int
    awaiting_publication: int
    past_deadline: int

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.published_on_time, self.published)


@dataclass(frozen=True)
class Timeliness:
    due: int
    on_time: int
    late: int
    overdue: int
    pending: int

    @property
    def decided(self) -> int:
        return self.on_time + self.late + self.overdue

    @property
    def rate(self) -> float | None:
        return _rate(self.on_time, self.decided)


@dataclass(frozen=True)
class OutcomeRow:
    outcome: str
    label: str
    count: int
    share: float | None


# --- helpers ------------------------------------------------------------------------------


def _of_department(qs: QuerySet[Inspection],
                   organization: Organization | None) -> QuerySet[Inspection]:
    if organization is None:
        return qs
    return qs.filter(Q(plan__organization=organization)
                     | Q(plan__partners=organization)).distinct()


def _ended_in(period: Period, organization: Organization | None = None) -> QuerySet[Inspection]:
    return _of_department(Inspection.objects.filter(ended_on__gte=period.start,
                                                    ended_on__lte=period.end), organization)


def _published_day() -> TruncDate:
    return local_day("published_at")


# --- figures ------------------------------------------------------------------------------


def item_coverage(period: Period, organization: Organization | None = None) -> ItemCoverage:
    """Active regulatory items (of `organization`) covered by an inspection that ended in the
    period in a plan including the item, against all active items."""
    items = RegulatoryItem.objects.filter(is_active=True)
    if organization is not None:
        items = items.filter(organization=organization)
    ended = Inspection.objects.filter(ended_on__gte=period.start, ended_on__lte=period.end)
    covered = set(items.filter(plans__inspections__in=ended).values_list("pk", flat=True))
    codes = items.order_by("code").values_list("pk", "code")
    return ItemCoverage(active=len(codes), covered=len(covered),
                        uncovered=tuple(code for pk, code in codes if pk not in covered))


def _plan_departments(plan_ids: set[int]) -> dict[int, set[int]]:
    """The departments of each plan: its lead department and its partners."""
    found: dict[int, set[int]] = {
        pk: {org} for pk, org in InspectionPlan.objects.filter(pk__in=plan_ids)
        .values_list("pk", "organization_id")}
    through = InspectionPlan.partners.through
    for plan_id, org_id in (through.objects.filter(inspectionplan_id__in=plan_ids)
                            .values_list("inspectionplan_id", "organization_id")):
        found[plan_id].add(org_id)
    return found


def _grouped(qs: QuerySet[Inspection], **counts: Any) -> dict[int, dict[str, int]]:
    """`counts` per plan, added up per department of the plan (each department once)."""
    per_plan = list(qs.order_by().values("plan_id").annotate(**counts))
    departments = _plan_departments({int(row["plan_id"]) for row in per_plan})
    totals: dict[int, dict[str, int]] = {}
    for row in per_plan:
        plan_id = int(row["plan_id"])
        joint = len(departments[plan_id]) > 1
        for org_id in departments[plan_id]:
            slot = totals.setdefault(org_id, dict.fromkeys([*counts, "joint"], 0))
            for name in counts:
                slot[name] += int(row[name])
            if joint and "ended" in counts:
                slot["joint"] += int(row["ended"])
    return totals


def inspections_by_department(period: Period,
                              today: dt.date | None = None) -> list[DepartmentRow]:
    """Per department of the plans: drawn, ended, with problems, joint, published and on time
    in the period; awaiting publication and past the deadline now. Most ended first."""
    today = today or timezone.localdate()
    drawn = _grouped(Inspection.objects.filter(plan__draw__drawn_at__gte=period.since,
                                               plan__draw__drawn_at__lt=period.until),
                     drawn=Count("id"))
    ended = _grouped(_ended_in(period), ended=Count("id"),
                     with_problems=Count("id", filter=Q(outcome__in=PROBLEMS)))
    published = _grouped(
        Inspection.objects.filter(published_at__gte=period.since, published_at__lt=period.until)
        .annotate(day=_published_day()),
        published=Count("id"), on_time=Count("id", filter=Q(day__lte=F("publish_due"))))
    waiting = _grouped(Inspection.objects.filter(status=InspectionStatus.RECORDED),
                       waiting=Count("id"), late=Count("id", filter=Q(publish_due__lt=today)))
    ids = set(drawn) | set(ended) | set(published) | set(waiting)
    orgs = Organization.objects.in_bulk(list(ids))

    def get(table: dict[int, dict[str, int]], pk: int, name: str) -> int:
        return table.get(pk, {}).get(name, 0)

    rows = [DepartmentRow(
        organization_uid=str(orgs[pk].uid), organization_name=orgs[pk].name,
        drawn=get(drawn, pk, "drawn"), ended=get(ended, pk, "ended"),
        with_problems=get(ended, pk, "with_problems"), joint=get(ended, pk, "joint"),
        published=get(published, pk, "published"),
        published_on_time=get(published, pk, "on_time"),
        awaiting_publication=get(waiting, pk, "waiting"), past_deadline=get(waiting, pk, "late"))
        for pk in ids if pk in orgs]
    return sorted(rows, key=lambda r: (-r.ended, -r.drawn, r.organization_name))


def publication_timeliness(period: Period, organization: Organization | None = None,
                           today: dt.date | None = None) -> Timeliness:
    """Results due (publish_due) in the period: published on time, late, overdue unpublished,
    and pending (deadline not passed yet)."""
    today = today or timezone.localdate()
    due = _of_department(Inspection.objects.filter(
        publish_due__gte=period.start, publish_due__lte=period.end), organization)
    published = Q(status=InspectionStatus.PUBLISHED)
    figures = due.annotate(day=_published_day()).aggregate(
        due=Count("id", distinct=True),
        on_time=Count("id", distinct=True, filter=published & Q(day__lte=F("publish_due"))),
        late=Count("id", distinct=True, filter=published & Q(day__gt=F("publish_due"))),
        overdue=Count("id", distinct=True, filter=~published & Q(publish_due__lt=today)),
        pending=Count("id", distinct=True, filter=~published & Q(publish_due__gte=today)))
    return Timeliness(**{k: int(v or 0) for k, v in figures.items()})


def outcomes(period: Period, organization: Organization | None = None) -> list[OutcomeRow]:
    """Inspections that ended in the period, per outcome (every outcome listed)."""
    counts = dict(_ended_in(period, organization).exclude(outcome="").order_by()
                  .values_list("outcome").annotate(n=Count("id", distinct=True)))
    total = sum(int(n) for n in counts.values())
    return [OutcomeRow(o.value, str(o.label), int(counts.get(o.value, 0)),
                       _rate(int(counts.get(o.value, 0)), total)) for o in Outcome]
