"""Pydantic shapes of the business-environment API (/api/v1/bizenv/). Months are YYYY-MM,
cities their 12-digit division codes, indicators their codes."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field


class BizenvIndicatorOut(Schema):
    code: str
    topic: str = Field(description="topic code")
    topic_name: str
    name: str
    unit: str
    direction: str = Field(description="higher or lower (is better)")
    frontier: float
    worst: float
    weight: float
    source: str = Field(description="import, or kpi:<code> for a platform figure")
    is_local: bool
    is_active: bool


class BizenvCityRowOut(Schema):
    city: str = Field(description="12-digit division code")
    name: str
    overall: float | None = Field(description="None when no topic has a figure")
    overall_low: float = Field(description="overall with every missing value at worst")
    overall_high: float = Field(description="overall with every missing value at frontier")
    rank: int | None
    change: float | None = Field(description="overall minus last month's")
    rank_change: int | None = Field(description="places gained since last month")
    missing: int


class BizenvEvaluationOut(Schema):
    month: str
    computed_at: str
    unavailable_kpis: list[str]
    cities: list[BizenvCityRowOut]


class BizenvScoreOut(Schema):
    indicator: str
    name: str
    unit: str
    value: float | None
    source: str = Field(description="platform, import, or empty when missing")
    score: float | None = Field(description="distance to frontier, 0–100")
    missing_reason: str


class BizenvTopicOut(Schema):
    topic: str
    name: str
    score: float | None
    low: float
    high: float
    missing: list[str] = Field(description="codes of the indicators without a value")
    indicators: list[BizenvScoreOut]


class BizenvCityOut(Schema):
    month: str
    city: BizenvCityRowOut
    topics: list[BizenvTopicOut]
    missing_topics: list[str]
    trend: list[dict[str, object]]
