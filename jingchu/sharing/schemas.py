"""Pydantic shapes of the data-sharing API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field


class FieldIn(Schema):
    name: str = Field(description="lower-case letters, digits and underscores")
    label: str = ""
    data_type: str = "string"
    description: str = ""
    sensitivity: int = Field(default=2, description="1 public … 4 restricted")
    mask: str = Field(default="", description="id_number, phone, address, name, full or empty")


class FieldOut(Schema):
    name: str
    label: str
    data_type: str
    description: str
    sensitivity: int
    mask: str


class ResourceIn(Schema):
    owner: str = Field(description="the owning organization: uid or credit code")
    code: str = Field(description="catalog code, e.g. HB-GAT-0001")
    name: str
    description: str = ""
    share_type: str = Field(description="unconditional, conditional or not_shared")
    share_conditions: str = ""
    legal_basis: str = ""
    open_type: str = "not_open"
    update_frequency: str = "daily"
    fields: list[FieldIn]


class ResourcePatch(Schema):
    name: str | None = None
    description: str | None = None
    share_type: str | None = None
    share_conditions: str | None = None
    legal_basis: str | None = None
    open_type: str | None = None
    update_frequency: str | None = None
    fields: list[FieldIn] | None = Field(default=None, description="new fields are added, "
                                         "named ones described anew; none is removed")


class MountIn(Schema):
    kind: str = Field(description="table, lake or api")
    target: str = Field(description="table name, lake dataset or upstream URL")
    key_field: str
    subject_kind: str = Field(default="", description="person, legal_entity or empty")


class ResourceOut(Schema):
    uid: str
    code: str
    name: str
    description: str
    owner: str
    owner_uid: str
    share_type: str
    share_conditions: str
    legal_basis: str
    open_type: str
    update_frequency: str
    status: str
    mount_kind: str
    mount_target: str
    key_field: str
    subject_kind: str
    on_negative_list: bool
    fields: list[FieldOut]


class ResourcePage(Schema):
    count: int
    page: int
    pages: int
    items: list[ResourceOut]


class ListEntryIn(Schema):
    kind: str = Field(description="responsibility, demand or negative")
    name: str = ""
    description: str = ""
    legal_basis: str = ""
    fields_wanted: list[str] = []
    provider: str | None = Field(default=None, description="organization uid or credit code")
    resource: str | None = Field(default=None, description="catalog code")


class ListEntryPatch(Schema):
    name: str | None = None
    description: str | None = None
    legal_basis: str | None = None
    fields_wanted: list[str] | None = None
    provider: str | None = None
    resource: str | None = None


class ListEntryOut(Schema):
    uid: str
    organization: str
    kind: str
    name: str
    description: str
    legal_basis: str
    fields_wanted: list[str]
    provider: str
    resource: str


class RequestIn(Schema):
    consumer: str = Field(description="the requesting organization: uid or credit code")
    resource: str = Field(description="catalog code")
    fields: list[str]
    purpose: str
    legal_basis: str = ""
    valid_from: dt.date
    valid_until: dt.date
    expected_daily_calls: int = 0


class ApproveIn(Schema):
    fields: list[str] | None = Field(default=None, description="some of the requested fields; "
                                     "all when omitted")
    masked_fields: list[str] | None = Field(default=None, description="granted fields returned "
                                            "masked; by default those with a masking rule")
    rate_limit: int | None = Field(default=None, description="calls per minute")
    reason: str = ""


class ReasonIn(Schema):
    reason: str = ""


class RequestOut(Schema):
    uid: str
    consumer: str
    resource: str
    resource_name: str
    fields: list[str]
    purpose: str
    legal_basis: str
    valid_from: dt.date
    valid_until: dt.date
    expected_daily_calls: int
    status: str
    requested_at: dt.datetime
    review_deadline: dt.date | None
    reviewed_at: dt.datetime | None
    granted_fields: list[str]
    decision_reason: str
    grant_uid: str | None


class GrantOut(Schema):
    uid: str
    consumer: str
    resource: str
    resource_name: str
    fields: list[str]
    masked_fields: list[str]
    purpose: str
    valid_from: dt.date
    valid_until: dt.date
    rate_limit: int
    status: str
    change_reason: str


class ErrorReportIn(Schema):
    reporter: str = Field(description="the reporting organization: uid or credit code")
    resource: str = Field(description="catalog code")
    record_key: str = ""
    field_name: str = ""
    description: str


class AnswerIn(Schema):
    answer: str


class ErrorReportOut(Schema):
    uid: str
    resource: str
    reporter: str
    record_key: str
    field_name: str
    description: str
    status: str
    reported_at: dt.datetime
    answer: str
    answered_at: dt.datetime | None


Report = list[dict[str, Any]]
