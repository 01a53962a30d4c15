"""Pydantic shapes of the cockpit API (/api/v1/cockpit/). Regions are their 12-digit division
codes, KPIs their dotted codes, days ISO dates; a rate's value and target are fractions (0–1),
other figures are in their unit (days, a count…). A value is None when nothing was counted."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field


class CockpitRegionOut(Schema):
    code: str = Field(description="12-digit division code")
    name: str
    level: str = Field(description="province, city or county")


class CockpitPeriodOut(Schema):
    start: str = Field(description="first day, YYYY-MM-DD")
    end: str = Field(description="last day, YYYY-MM-DD (never after today)")


class CockpitKpiOut(Schema):
    code: str
    name: str
    definition: str
    source: str = Field(description="the app and records the figure comes from")
    unit: str = Field(description="rate, count, days, hours, steps or score")
    target: float | None = Field(description="the plan's target (a rate as 0–1), if any")
    higher_is_better: bool
    snapshot: bool = Field(description="a state of the day: over a period, the latest day's")
    value: float | None = Field(description="the figure over the period")
    numerator: float
    denominator: float
    previous_value: float | None = Field(description="the figure over the period before (环比)")
    meets_target: bool | None = Field(description="None when there is no target or no value")


class CockpitKpiListOut(Schema):
    region: CockpitRegionOut
    period: CockpitPeriodOut
    previous_period: CockpitPeriodOut
    kpis: list[CockpitKpiOut]


class CockpitChildOut(Schema):
    name: str
    region: str | None = Field(description="division code of a region below, else None")
    organization_id: int | None = Field(description="an organization's id, else None")
    value: float | None
    numerator: float
    denominator: float


class CockpitPointOut(Schema):
    day: str = Field(description="YYYY-MM-DD")
    value: float | None


class CockpitKpiDetailOut(Schema):
    region: CockpitRegionOut
    period: CockpitPeriodOut
    previous_period: CockpitPeriodOut
    kpi: CockpitKpiOut
    children: list[CockpitChildOut] = Field(
        description="the drill-down: the cities under the province, a city's counties and its "
                    "city-level organizations, a county's organizations")
    series: list[CockpitPointOut] = Field(description="the figure day by day over the period")


class CockpitMapOut(Schema):
    kpi: str
    period: CockpitPeriodOut
    values: dict[str, float | None] = Field(
        description="city-level division code → value, only the cities the caller may read")
