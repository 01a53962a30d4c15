"""Pydantic shapes of the 好差评 API."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field


class RatingIn(Schema):
    event: str = Field(description="consultation, submission, correction, payment or completion")
    level: int = Field(description="5 非常满意 … 1 非常不满意")
    scores: dict[str, int] = Field(default_factory=dict,
                                   description="indicator → score 1–5 (attitude, efficiency, "
                                               "convenience, disclosure, overall)")
    comment: str = ""


class RectificationOut(Schema):
    status: str
    deadline: str
    overdue: bool
    called_back_at: str | None
    resolution: str
    resolution_text: str
    closed_at: str | None


class ReviewOut(Schema):
    uid: str
    level: int
    level_label: str
    event: str
    channel: str
    case_number: str | None
    organization_uid: str
    organization_name: str
    item_code: str | None
    scores: dict[str, int]
    comment: str
    created_at: str
    excluded_from_stats: bool
    rectification: RectificationOut | None


class StatsRowOut(Schema):
    key: str
    label: str
    count: int
    good: int
    bad: int
    good_rate: float | None
    rectified_on_time: int
    rectification_due: int
    on_time_rate: float | None
    averages: dict[str, float | None]


class StatsOut(Schema):
    by: str
    total: StatsRowOut
    rows: list[StatsRowOut]
