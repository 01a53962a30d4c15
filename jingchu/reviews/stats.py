"""Public statistics of 好差评, by item, organization or region, as aggregate queries.

Definitions (published with the figures):
- count: ratings in the period, ratings excluded by an upheld appeal left out;
- good-rating rate (好评率): share of 非常满意 + 满意 + 基本满意 among them;
- average per indicator: mean score of each indicator over the ratings that scored it;
- rectified-on-time rate (整改及时率): among bad ratings whose rectification is due (closed, or
  past its deadline), the share closed with a fix or explanation by the deadline.

Each figure is computed by the database (GROUP BY with filtered counts), never by reading rows
into Python; the regional breakdown groups by the prefix of the region path at the child depth,
so a city's row includes every county and township under it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from jingchu.core.models import Organization, Region
from jingchu.reviews.choices import INDICATORS, Level, RectificationStatus, Resolution
from jingchu.reviews.models import Review, ReviewScore
from jingchu.services.models import ServiceItem

DIMENSIONS = ("organization", "item", "region")
CODE_LEN = 12  # every region code has 12 digits; the path joins them with "/"


@dataclass
class StatsFilter:
    by: str = "organization"
    region: Region | None = None
    organization: Organization | None = None
    item: ServiceItem | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass
class StatsRow:
    key: str
    label: str
    count: int
    good: int
    bad: int
    rectified_on_time: int
    rectification_due: int
    averages: dict[str, float | None] = field(default_factory=dict)

    @property
    def good_rate(self) -> float | None:
        return round(self.good / self.count, 4) if self.count else None

    @property
    def on_time_rate(self) -> float | None:
        if not self.rectification_due:
            return None
        return round(self.rectified_on_time / self.rectification_due, 4)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def counted(f: StatsFilter) -> QuerySet[Review]:
    """The ratings the statistics count under the filter."""
    qs = Review.objects.filter(excluded_from_stats=False)
    if f.region is not None:
        qs = qs.filter(Q(region=f.region) | Q(region__path__startswith=f.region.path + "/"))
    if f.organization is not None:
        qs = qs.filter(organization=f.organization)
    if f.item is not None:
        qs = qs.filter(item=f.item)
    if f.date_from is not None:
        qs = qs.filter(created_at__gte=_day_start(f.date_from))
    if f.date_to is not None:
        qs = qs.filter(created_at__lt=_day_start(f.date_to + dt.timedelta(days=1)))
    if f.by == "item":
        qs = qs.filter(item__isnull=False)
    return qs


def _aggregates(prefix: str = "") -> dict[str, Any]:
    bad = Q(**{f"{prefix}level__lte": Level.DISSATISFIED})
    rect = f"{prefix}rectification__"
    due = (Q(**{f"{rect}status": RectificationStatus.CLOSED,
                f"{rect}resolution__in": [Resolution.FIXED, Resolution.EXPLAINED]})
           | Q(**{f"{rect}deadline__lt": timezone.localdate()}))
    return {
        "n": Count("id"),
        "good": Count("id", filter=Q(**{f"{prefix}level__gte": Level.BASICALLY_SATISFIED})),
        "bad": Count("id", filter=bad),
        "on_time": Count("id", filter=bad & Q(**{f"{rect}closed_on_time": True})),
        "due": Count("id", filter=bad & due),
    }


def _parent_for_regions(f: StatsFilter) -> Region:
    if f.region is not None:
        return f.region
    return Region.objects.filter(parent__isnull=True).order_by("code").first() or Region()


def _group_key(f: StatsFilter, prefix: str = "") -> tuple[dict[str, Any], list[str]]:
    """Annotations and value names that form the grouping key of each dimension."""
    if f.by == "item":
        return {}, [f"{prefix}item__code", f"{prefix}item__current_version__name"]
    if f.by == "region":
        # A child's path is the parent's path, "/", and its own code.
        length = len(_parent_for_regions(f).path) + 1 + CODE_LEN
        return {"bucket": Substr(f"{prefix}region__path", 1, length)}, ["bucket"]
    return {}, [f"{prefix}organization__uid", f"{prefix}organization__name"]


def _label_rows(f: StatsFilter, raw: list[dict[str, Any]], names: list[str]) -> list[StatsRow]:
    region_names: dict[str, str] = {}
    if f.by == "region":
        codes = {r["bucket"][-CODE_LEN:] for r in raw}
        region_names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    rows = []
    for r in raw:
        if f.by == "region":
            key = r["bucket"][-CODE_LEN:]
            label = region_names.get(key, key)
        else:
            key, label = str(r[names[0]]), str(r[names[1]] or "")
        rows.append(StatsRow(key=key, label=label, count=r["n"], good=r["good"], bad=r["bad"],
                             rectified_on_time=r["on_time"], rectification_due=r["due"]))
    return rows


def _indicator_averages(f: StatsFilter, reviews: QuerySet[Review]) -> dict[str, dict[str, float]]:
    annotations, names = _group_key(f, prefix="review__")
    scores = (ReviewScore.objects.filter(review__in=reviews.values("pk"))
              .annotate(**annotations).values(*names, "indicator").annotate(avg=Avg("score"))
              .order_by())
    out: dict[str, dict[str, float]] = {}
    for r in scores:
        raw_key = r["bucket"][-CODE_LEN:] if f.by == "region" else str(r[names[0]])
        out.setdefault(raw_key, {})[r["indicator"]] = round(float(r["avg"]), 2)
    return out


def rows(f: StatsFilter) -> list[StatsRow]:
    """One row per item, organization or region (child of the filter's region) with ratings."""
    reviews = counted(f)
    annotations, names = _group_key(f)
    raw = list(reviews.annotate(**annotations).values(*names).annotate(**_aggregates())
               .order_by())
    result = _label_rows(f, raw, names)
    averages = _indicator_averages(f, reviews)
    for row in result:
        found = averages.get(row.key, {})
        row.averages = {name: found.get(name) for name in INDICATORS}
    result.sort(key=lambda r: (-r.count, r.label))
    return result


def total(f: StatsFilter) -> StatsRow:
    reviews = counted(f)
    agg = reviews.aggregate(**_aggregates())
    row = StatsRow(key="", label="", count=agg["n"], good=agg["good"], bad=agg["bad"],
                   rectified_on_time=agg["on_time"], rectification_due=agg["due"])
    found = dict(ReviewScore.objects.filter(review__in=reviews.values("pk"))
                 .values("indicator").annotate(avg=Avg("score")).order_by()
                 .values_list("indicator", "avg"))
    row.averages = {name: round(float(found[name]), 2) if found.get(name) is not None else None
                    for name in INDICATORS}
    return row
