"""KPI feeds of 双随机一公开 for the cockpit (the contract: jingchu.core.kpi), with the
definitions of jingchu.supervision.stats, grouped per day and department by the database.

- Coverage of regulatory items (事项覆盖率, target stats.COVERAGE_TARGET): for each day asked
  for, a snapshot over the 365 days ending on that day, per department owning the items: active
  items with at least one inspection that ended in those days (Inspection.ended_on) in a plan
  including the item / active items. "Active" is the catalog's state now (an item's history of
  being active is not kept). One query for the active items and one per day asked for.
- Inspections ended: inspections per day of ending (ended_on) and department of their plan; as
  in stats, an inspection counts for every department of the plan (the lead department and,
  in a joint plan, each partner).
- Publication timeliness (公示及时率): inspections whose publication deadline (publish_due)
  is the day, per department of the plan: published on or before the deadline (the local day of
  published_at) / decided, where decided = published (on time or late) + not published with the
  deadline passed (before today). Results not published while the deadline has not passed are
  pending and counted in neither part, so the figure of today or a later day grows as results
  are published or their deadline passes: the cockpit should compute the recent days again.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingchu.core.kpi import KpiRow, KpiSpec
from jingchu.core.periods import Period, local_day
from jingchu.supervision.choices import InspectionStatus
from jingchu.supervision.models import Inspection, RegulatoryItem
from jingchu.supervision.stats import COVERAGE_TARGET

COVERAGE_DAYS = 365
Key = tuple[dt.date, int, int]  # day, department, its region


def coverage_window(day: dt.date) -> Period:
    """The 365 days ending on `day` (both included)."""
    return Period(day - dt.timedelta(days=COVERAGE_DAYS - 1), day)


def item_coverage(start: dt.date, end: dt.date) -> list[KpiRow]:
    """Per day and department: (active items covered in the window ending that day, active
    items), for every department with active items."""
    items = RegulatoryItem.objects.filter(is_active=True).order_by()
    active = list(items.values("organization_id", "organization__region_id")
                  .annotate(n=Count("id"))
                  .values_list("organization_id", "organization__region_id", "n"))
    rows = []
    for day in Period(start, end).days():
        window = coverage_window(day)
        covered = dict(items.filter(plans__inspections__ended_on__gte=window.start,
                                    plans__inspections__ended_on__lte=window.end)
                       .values("organization_id").annotate(n=Count("id", distinct=True))
                       .values_list("organization_id", "n"))
        rows += [KpiRow(day, org, region, float(covered.get(org, 0)), float(n))
                 for org, region, n in active]
    return rows


def _per_department(qs: QuerySet[Inspection], day: str, **counts: Any) -> dict[Key, Counter[str]]:
    """`counts` of the inspections per `day` (a field or annotation) and department of their
    plan: one GROUP BY for the lead departments, one for the partners of joint plans (never the
    lead as well: the plan actions refuse that)."""
    found: dict[Key, Counter[str]] = {}
    for org, region in (("plan__organization_id", "plan__organization__region_id"),
                        ("plan__partners__id", "plan__partners__region_id")):
        grouped = qs.filter(**{f"{org}__isnull": False}).order_by().values(day, org, region)
        for row in grouped.annotate(**counts):
            slot = found.setdefault((row[day], row[org], row[region]), Counter())
            slot.update({name: int(row[name]) for name in counts})
    return found


def inspections_ended(start: dt.date, end: dt.date) -> list[KpiRow]:
    """Inspections per day of ending and department of the plan (count; denominator 1)."""
    found = _per_department(Inspection.objects.filter(ended_on__gte=start, ended_on__lte=end),
                            "ended_on", n=Count("id"))
    return [KpiRow(day, org, region, float(c["n"]), 1.0)
            for (day, org, region), c in sorted(found.items())]


def publication_timeliness(start: dt.date, end: dt.date,
                           today: dt.date | None = None) -> list[KpiRow]:
    """Per deadline day and department: (published on time, decided); days with nothing
    decided are left out."""
    today = today or timezone.localdate()
    published = Q(status=InspectionStatus.PUBLISHED)
    due = (Inspection.objects.filter(publish_due__gte=start, publish_due__lte=end)
           .annotate(published_day=local_day("published_at")))
    found = _per_department(
        due, "publish_due",
        on_time=Count("id", filter=published & Q(published_day__lte=F("publish_due"))),
        decided=Count("id", filter=published | Q(publish_due__lt=today)))
    return [KpiRow(day, org, region, float(c["on_time"]), float(c["decided"]))
            for (day, org, region), c in sorted(found.items()) if c["decided"]]


KPIS: list[KpiSpec] = [
    KpiSpec(
        code="supervision.item_coverage", name=_("Coverage of regulatory items"),
        definition=_(
            "Per department, for each day a snapshot over the 365 days ending on it: the "
            "department's active regulatory items with at least one inspection that ended in "
            "those days in a plan including the item, divided by its active regulatory items "
            "(active as the catalog says now)."),
        source="supervision: RegulatoryItem, InspectionPlan.items, Inspection.ended_on",
        unit="rate", compute=item_coverage, target=COVERAGE_TARGET,
        snapshot=True),
    KpiSpec(
        code="supervision.inspections_ended", name=_("Inspections ended"),
        definition=_(
            "Inspections whose result was recorded with the day the inspection ended, per that "
            "day and department of the plan; an inspection of a joint plan counts for the lead "
            "department and for each joint department."),
        source="supervision: Inspection.ended_on, InspectionPlan", unit="count",
        compute=inspections_ended),
    KpiSpec(
        code="supervision.publication_timeliness", name=_("Publication timeliness"),
        definition=_(
            "Inspection results whose publication deadline is the day, per department of the "
            "plan: those published on or before the deadline (local day of publication), "
            "divided by those decided — published, on time or late, or not published with the "
            "deadline passed. Results not yet published whose deadline has not passed are "
            "pending and not counted."),
        source="supervision: Inspection.publish_due, Inspection.published_at", unit="rate",
        compute=publication_timeliness),
]
