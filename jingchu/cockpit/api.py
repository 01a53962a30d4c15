"""The cockpit's JSON API under /api/v1/cockpit/: every KPI of a region over a period with the
period before, one KPI with its drill-down and daily series, and a KPI on the map of the cities.
Read-only, from the rollups; every endpoint names its permission check first, and a region or a
city the caller may not read is refused (403) or left out (the map), never sent.

`region` is a 12-digit division code (the caller's home region when empty); `period` is YYYY-MM,
YYYY or YYYY-MM-DD..YYYY-MM-DD (the current month when empty); bad input answers 400."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.security import django_auth

from jingchu.cockpit import catalog, periods, permissions, queries
from jingchu.cockpit.schemas import (
    CockpitChildOut,
    CockpitKpiDetailOut,
    CockpitKpiListOut,
    CockpitKpiOut,
    CockpitMapOut,
    CockpitPeriodOut,
    CockpitPointOut,
    CockpitRegionOut,
)
from jingchu.cockpit.views.screen import map_values, region_for
from jingchu.core import kpi
from jingchu.core.errors import NotPermitted
from jingchu.core.models import Region
from jingchu.core.periods import Period

router = Router(tags=["cockpit"])


def require(allowed: bool) -> None:
    if not allowed:
        raise NotPermitted(_("You may not read the cockpit."))


def _region(region: Region) -> CockpitRegionOut:
    return CockpitRegionOut(code=region.code, name=region.name, level=region.level)


def _period(period: Period) -> CockpitPeriodOut:
    return CockpitPeriodOut(start=period.start.isoformat(), end=period.end.isoformat())


def _kpi(spec: kpi.KpiSpec, now: queries.Figure, before: queries.Figure) -> CockpitKpiOut:
    return CockpitKpiOut(
        code=spec.code, name=str(spec.name), definition=str(spec.definition), source=spec.source,
        unit=spec.unit, target=spec.target, higher_is_better=spec.higher_is_better,
        snapshot=spec.snapshot, value=now.value, numerator=now.numerator,
        denominator=now.denominator, previous_value=before.value,
        meets_target=catalog.meets(now.value, spec))


def _scope(request: HttpRequest, region: str, period: str) -> tuple[Region, periods.Span]:
    """The permission checks and inputs every endpoint shares."""
    require(permissions.can_use_cockpit(request.user))
    return region_for(request.user, region), periods.parse(period)


@router.get("/kpis", response=CockpitKpiListOut, auth=django_auth)
def list_kpis(request: HttpRequest, region: str = "", period: str = "") -> Any:
    """Every KPI of the region over the period, with its value over the period before."""
    where, span = _scope(request, region, period)
    specs = kpi.registry()
    before = periods.previous(span)
    now_figures = queries.figures(specs, where, span.period)
    then_figures = queries.figures(specs, where, before)
    return CockpitKpiListOut(
        region=_region(where), period=_period(span.period), previous_period=_period(before),
        kpis=[_kpi(spec, now_figures[code], then_figures[code])
              for code, spec in sorted(specs.items())])


@router.get("/kpis/{code}", response=CockpitKpiDetailOut, auth=django_auth)
def get_kpi(request: HttpRequest, code: str, region: str = "", period: str = "") -> Any:
    """One KPI of the region: its value and the period before's, the drill-down one level
    below, and the daily series over the period."""
    where, span = _scope(request, region, period)
    spec = catalog.spec_or_404(code)
    before = periods.previous(span)
    children = [CockpitChildOut(
        name=c.name, region=c.region.code if c.region else None,
        organization_id=c.organization_id, value=c.figure.value,
        numerator=c.figure.numerator, denominator=c.figure.denominator)
        for c in queries.children(code, where, span.period)]
    series = queries.series(code, where, span.period.start, span.period.end)
    return CockpitKpiDetailOut(
        region=_region(where), period=_period(span.period), previous_period=_period(before),
        kpi=_kpi(spec, queries.figure(code, where, span.period),
                 queries.figure(code, where, before)),
        children=children,
        series=[CockpitPointOut(day=d.isoformat(), value=v) for d, v in series])


@router.get("/map/{code}", response=CockpitMapOut, auth=django_auth)
def get_map(request: HttpRequest, code: str, period: str = "") -> Any:
    """The KPI of each city-level division the caller may read (a city's leader: their city)."""
    require(permissions.can_use_cockpit(request.user))
    span = periods.parse(period)
    catalog.spec_or_404(code)
    return CockpitMapOut(kpi=code, period=_period(span.period),
                         values=map_values(request.user, code, span.period))

