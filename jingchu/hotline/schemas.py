"""Pydantic shapes of the hotline's JSON API (/api/v1/hotline/)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

# --- tickets ----------------------------------------------------------------------------


class TicketIn(Schema):
    kind: str = Field(description="consult, help, complaint, report or suggestion")
    title: str = Field(max_length=200)
    content: str = Field(max_length=5000)
    urgency: str = Field(default="normal", description="normal or urgent")
    address: str = Field(default="", max_length=300,
                         description="where it happened; matched to a Hubei region")
    latitude: float | None = Field(default=None, description="WGS-84")
    longitude: float | None = Field(default=None, description="WGS-84")
    caller_name: str = Field(default="", max_length=100,
                             description="blank: the signed-in citizen's name")
    caller_phone: str = Field(default="", max_length=20,
                              description="blank: the signed-in citizen's phone")
    category: str = Field(default="", description="category code; blank: classified")
    reported_org: str = Field(default="",
                              description="uid of the organization complained about, if any")
    reported_entity_uscc: str = Field(
        default="", max_length=40,
        description="complaints and reports: the unified social credit code of the registered "
                    "enterprise complained about, if any")
    attributes: dict[str, Any] = Field(default_factory=dict,
                                       description="answers to the category's extra questions")


class HotlineNamedOut(Schema):
    code: str
    name: str


class HotlineOrganizationOut(Schema):
    uid: str
    name: str


class HotlineEntityOut(Schema):
    uscc: str
    name: str


class HotlineCallerOut(Schema):
    name: str
    phone: str
    hidden: bool = Field(description="true: the caller's identity is not shown to you")


class TicketEventOut(Schema):
    action: str
    at: dt.datetime
    organization: str | None
    note: str


class TicketOut(Schema):
    number: str
    status: str
    status_label: str
    kind: str
    urgency: str
    channel: str
    title: str
    content: str
    category: HotlineNamedOut | None
    region: HotlineNamedOut | None
    address: str
    organization: HotlineOrganizationOut | None
    created_at: dt.datetime
    sign_deadline: dt.datetime | None
    deadline: dt.datetime | None
    overdue: bool
    reply: str
    replied_at: dt.datetime | None
    replied_on_time: bool | None
    satisfaction: str
    closed_at: dt.datetime | None
    reopen_count: int
    merged_into: str | None = Field(description="number of the ticket this one follows")
    reported_entity: HotlineEntityOut | None = Field(
        default=None, description="the registered enterprise a complaint or report is about")


class TicketDetailOut(TicketOut):
    caller: HotlineCallerOut
    events: list[TicketEventOut]


class TicketPage(Schema):
    count: int
    page: int
    pages: int
    items: list[TicketOut]


# --- actions on a ticket ------------------------------------------------------------------


class TicketDispatchIn(Schema):
    organization: str = Field(default="", description="uid; blank: by the routing table")
    category: str = Field(default="", description="category code; blank: the ticket's")
    note: str = ""


class TicketReasonIn(Schema):
    reason: str


class TicketReplyIn(Schema):
    reply: str


class TicketRateIn(Schema):
    satisfaction: str = Field(description="satisfied, basically or unsatisfied")
    comment: str = ""


class TicketNoteIn(Schema):
    note: str = ""


# --- knowledge and classification ---------------------------------------------------------


class KnowledgeArticleOut(Schema):
    uid: str
    title: str
    answer: str
    keywords: str
    category: HotlineNamedOut | None
    item_code: str | None
    policy: str
    use_count: int


class ClassifyIn(Schema):
    text: str = Field(max_length=5000)
    address: str = Field(default="", max_length=300)


class ClassifySuggestionOut(Schema):
    code: str
    name: str
    department: str
    score: float


class ClassifyOut(Schema):
    suggestions: list[ClassifySuggestionOut]
    region: HotlineNamedOut | None
    route: HotlineOrganizationOut | None = Field(
        description="where the top suggestion in that region would be dispatched")


# --- statistics ------------------------------------------------------------------------


class StatsScopeOut(Schema):
    date_from: dt.date
    date_to: dt.date
    region: HotlineNamedOut | None
    organization: HotlineOrganizationOut | None


class StatsSummaryOut(Schema):
    scope: StatsScopeOut
    received: int
    by_status: dict[str, int]
    open_now: int
    overdue_now: int
    answered_at_once: int
    replied: int
    replied_on_time: int
    on_time_rate: float | None
    rated: int
    satisfied: int
    satisfaction_rate: float | None


class StatsVolumeRowOut(Schema):
    key: str
    label: str
    count: int


class StatsDayRowOut(Schema):
    day: dt.date
    count: int


class StatsVolumesOut(Schema):
    scope: StatsScopeOut
    by_kind: list[StatsVolumeRowOut]
    by_category: list[StatsVolumeRowOut]
    by_region: list[StatsVolumeRowOut]
    by_day: list[StatsDayRowOut]


class StatsDepartmentRowOut(Schema):
    organization_uid: str
    organization_name: str
    replied: int
    replied_on_time: int
    on_time_rate: float | None
    rated: int
    satisfied: int
    satisfaction_rate: float | None
    average_hours: float | None
    overdue_open: int
    returns: int


class StatsDepartmentsOut(Schema):
    scope: StatsScopeOut
    rows: list[StatsDepartmentRowOut]


class StatsKeywordRowOut(Schema):
    word: str
    current: int
    previous: int
    growth: float


class StatsKeywordsOut(Schema):
    scope: StatsScopeOut
    days: int
    rows: list[StatsKeywordRowOut]
