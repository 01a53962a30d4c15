"""Reading the cockpit's figures from the rollups (never from the apps' tables).

A figure over a period is Σ numerator / Σ denominator of its daily rows (Σ numerator for a
count); for a snapshot KPI it is the latest day's rows in the period instead (a catalog share
is not added up over days). Regions read `RegionDay`; the organization level of a drill-down
reads `OrgDay`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Q, QuerySet, Sum

from jingchu.cockpit.models import OrgDay, RefreshRun, RegionDay
from jingchu.core import kpi
from jingchu.core.choices import RegionLevel
from jingchu.core.models import Organization, Region
from jingchu.core.periods import Period

Grain = Literal["day", "month"]


@dataclass(frozen=True)
class Figure:
    code: str
    value: float | None
    numerator: float = 0.0
    denominator: float = 0.0


@dataclass(frozen=True)
class Child:
    """One line of a drill-down: a region below, or an organization."""

    name: str
    figure: Figure
    region: Region | None = None
    organization_id: int | None = None


def _value(numerator: float, denominator: float, unit: str) -> float | None:
    if unit == "count":
        return numerator
    return numerator / denominator if denominator else None


def _sums(qs: QuerySet[Any], key: str, snapshot: bool) -> dict[Any, tuple[float, float]]:
    """Σ numerator and Σ denominator per `key`; for a snapshot, of each key's latest day."""
    if not snapshot:
        return {r[key]: (r["n"] or 0.0, r["d"] or 0.0) for r in
                qs.values(key).annotate(n=Sum("numerator"), d=Sum("denominator")).order_by()}
    latest: dict[Any, tuple[dt.date, float, float]] = {}
    for r in qs.values(key, "day").annotate(n=Sum("numerator"), d=Sum("denominator")).order_by():
        if r[key] not in latest or r["day"] > latest[r[key]][0]:
            latest[r[key]] = (r["day"], r["n"] or 0.0, r["d"] or 0.0)
    return {k: (n, d) for k, (_, n, d) in latest.items()}


def _in_period(period: Period) -> Q:
    return Q(day__gte=period.start, day__lte=period.end)


def figures(codes: Iterable[str], region: Region, period: Period) -> dict[str, Figure]:
    """Each KPI's figure over the period in the region (its whole subtree)."""
    specs = kpi.registry()
    codes = [c for c in codes if c in specs]
    base = RegionDay.objects.filter(_in_period(period), region=region)
    found: dict[str, tuple[float, float]] = {}
    for snapshot in (False, True):
        wanted = [c for c in codes if specs[c].snapshot is snapshot]
        if wanted:
            found.update(_sums(base.filter(kpi_code__in=wanted), "kpi_code", snapshot))
    out = {}
    for code in codes:
        numerator, denominator = found.get(code, (0.0, 0.0))
        value = _value(numerator, denominator, specs[code].unit) if code in found else None
        out[code] = Figure(code, value, numerator, denominator)
    return out


def figure(code: str, region: Region, period: Period) -> Figure:
    return figures([code], region, period).get(code, Figure(code, None))


def _refreshed(codes: list[str], start: dt.date, end: dt.date) -> set[tuple[str, dt.date]]:
    if not codes:
        return set()
    return set(RefreshRun.objects.filter(kpi_code__in=codes, day__gte=start, day__lte=end,
                                         error="").values_list("kpi_code", "day"))


def _bucketed(spec: kpi.KpiSpec, daily: dict[dt.date, tuple[float, float]],
              refreshed: set[dt.date], start: dt.date, end: dt.date,
              grain: Grain) -> list[tuple[dt.date, float | None]]:
    buckets: dict[dt.date, list[tuple[dt.date, float, float]]] = {}
    day = start
    while day <= end:
        key = day if grain == "day" else day.replace(day=1)
        bucket = buckets.setdefault(key, [])
        if day in daily:
            bucket.append((day, *daily[day]))
        elif day in refreshed:
            bucket.append((day, 0.0, 0.0))
        day += dt.timedelta(days=1)
    out: list[tuple[dt.date, float | None]] = []
    for key, parts in buckets.items():
        if spec.snapshot and parts:
            parts = [max(parts)]
        if not parts:
            out.append((key, None))
            continue
        out.append((key, _value(sum(p[1] for p in parts), sum(p[2] for p in parts), spec.unit)))
    return out


def series_many(codes: Iterable[str], region: Region, start: dt.date, end: dt.date,
                grain: Grain = "day") -> dict[str, list[tuple[dt.date, float | None]]]:
    """Each KPI day by day (or month by month, keyed by the month's first day) in the region,
    in two queries whatever the number of KPIs. A day never refreshed has no value; a
    refreshed day without rows is 0 for a count."""
    specs = kpi.registry()
    wanted = [c for c in codes if c in specs]
    daily: dict[str, dict[dt.date, tuple[float, float]]] = defaultdict(dict)
    for code, day, n, d in RegionDay.objects.filter(
            kpi_code__in=wanted, region=region, day__gte=start, day__lte=end).values_list(
            "kpi_code", "day", "numerator", "denominator"):
        daily[code][day] = (n, d)
    counted = _refreshed([c for c in wanted if specs[c].unit == "count"], start, end)
    return {code: _bucketed(specs[code], daily[code], {d for c, d in counted if c == code},
                            start, end, grain) for code in wanted}


def series(code: str, region: Region, start: dt.date, end: dt.date,
           grain: Grain = "day") -> list[tuple[dt.date, float | None]]:
    """One KPI's series (see series_many)."""
    return series_many([code], region, start, end, grain)[code]


def _figure(code: str, unit: str, sums: tuple[float, float] | None) -> Figure:
    if sums is None:
        return Figure(code, None)
    return Figure(code, _value(sums[0], sums[1], unit), sums[0], sums[1])


def subregions(region: Region) -> list[Region]:
    """The regions one level down: the 17 cities under the province, a city's counties (none
    for a directly administered city, whose next level is townships)."""
    below = Region.objects.filter(path__startswith=region.path + "/")
    if region.level == RegionLevel.PROVINCE:
        return list(below.cities().order_by("code"))
    return list(below.filter(level=RegionLevel.COUNTY, is_statistical=False).order_by("code"))


def _org_children(spec: kpi.KpiSpec, period: Period, where: Q) -> list[Child]:
    sums = _sums(OrgDay.objects.filter(_in_period(period), where, kpi_code=spec.code)
                 .exclude(organization=None), "organization_id", spec.snapshot)
    names = dict(Organization.objects.filter(pk__in=sums).values_list("pk", "name"))
    return sorted((Child(names.get(org, str(org)), _figure(spec.code, spec.unit, parts),
                         organization_id=org) for org, parts in sums.items()),
                  key=lambda c: c.name)


def children(code: str, region: Region, period: Period) -> list[Child]:
    """The drill-down below a region: the cities under the province; a city's counties and the
    organizations at city level itself; a county's organizations (every one below it)."""
    spec = kpi.registry()[code]
    if region.level == RegionLevel.COUNTY or region.level == RegionLevel.TOWNSHIP:
        return _org_children(spec, period, Q(region_path=region.path)
                             | Q(region_path__startswith=region.path + "/"))
    below = subregions(region)
    sums = _sums(RegionDay.objects.filter(_in_period(period), kpi_code=code,
                                          region__in=below), "region_id", spec.snapshot)
    out = [Child(r.name, _figure(code, spec.unit, sums.get(r.pk)), region=r) for r in below]
    if region.level == RegionLevel.CITY:
        if not below:  # a directly administered city has townships, not counties
            return _org_children(spec, period, Q(region_path=region.path)
                                 | Q(region_path__startswith=region.path + "/"))
        out += _org_children(spec, period, Q(region=region))
    return out


def map_values(code: str, period: Period) -> dict[str, float | None]:
    """The KPI for each of the 17 city-level divisions, by region code."""
    province = Region.objects.filter(level=RegionLevel.PROVINCE).order_by("code").first()
    if province is None:
        return {}
    return {c.region.code: c.figure.value for c in children(code, province, period)
            if c.region is not None}


def top_organizations(code: str, region: Region, period: Period, count: int = 5,
                      min_denominator: float = 5.0) -> list[Child]:
    """Organizations in the region ranked best first by the KPI (rates need at least
    `min_denominator` cases behind them, so one case does not make a 100%)."""
    spec = kpi.registry()[code]
    ranked = [c for c in _org_children(spec, period, Q(region_path=region.path)
                                       | Q(region_path__startswith=region.path + "/"))
              if c.figure.value is not None
              and (spec.unit == "count" or c.figure.denominator >= min_denominator)]
    ranked.sort(key=lambda c: c.figure.value or 0.0, reverse=spec.higher_is_better)
    return ranked[:count]
