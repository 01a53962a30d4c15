"""Pydantic shapes of the 好差评 API."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field


class RatingIn(Schema):
    event: str = Field(description="consultation, submission, correction, payment or completion")
    level: int = Field(description="5 非常满意 … 1 非常不满意")
    scores: dict[str, int] = Field(default_factory=dict,
                                   description="indicator → score 1–5 (attitude, efficiency, "
                                               "convenience, disclosure, overall)")
    comment: str = ""


class PhoneRatingIn(RatingIn):
    """The rating the applicant gave on the phone, as the recording staff member entered it."""


class SmsInboundIn(BaseModel):
    """One SMS the gateway received, as it posts it to the inbound webhook."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    sender: str = Field(alias="from", max_length=40,
                        description="the sender's mobile number, e.g. 13907151234 or "
                                    "+8613907151234")
    text: str = Field(max_length=1000, description="the reply, e.g. \"482913 5\" or \"满意\"")
    received_at: dt.datetime | None = Field(
        default=None, description="when the gateway received it (ISO 8601); empty: now")


class SmsInboundOut(Schema):
    result: str = Field(description="rated")
    review_uid: str
    case_number: str | None
    level: int
    rectification_opened: bool


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
    recorded_by: str | None = Field(default=None,
                                    description="uid of the staff member who recorded a phone "
                                                "rating")


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
