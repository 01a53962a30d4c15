"""Pydantic shapes of the cases API (GovStack Registration's applications and tasks)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import BaseModel

from jingchu.services.schemas import MaterialOut


class Plain(BaseModel):
    """A plain pydantic model, for the shapes the API only ever fills from JSON or from dicts
    it builds itself. django-ninja's `Schema` reads each field of its input through a getter
    written in Python (made for ORM objects): for a case answer and an application that cost
    more than all the rest of their validation. Same fields, same checks, same OpenAPI."""


# Base64 text of the largest upload accepted in a JSON body (10 MiB of content).
MAX_BASE64_CHARS = 14_000_000


class ImplementationRef(Schema):
    code: str
    organization_uid: str
    organization_name: str
    region_code: str
    service_area: str


class ServiceFormOut(Schema):
    """What an applicant must supply for one service: the form and the materials."""

    code: str
    name: str
    version: int
    version_uid: str
    applicant_kind: str
    form_schema: dict[str, Any]
    materials: list[MaterialOut]
    implementations: list[ImplementationRef]
    service_url: str = Field(description="The full catalog entry in the services API.")


class MaterialIn(Plain):
    requirement: str = Field(description="uid of the material requirement")
    filename: str = Field("", max_length=200)
    content_type: str = Field("", max_length=100)
    content_base64: str = Field("", max_length=MAX_BASE64_CHARS)


class ApplicationIn(Plain):
    """Apply in one call: the draft is created, the form saved and, unless `submit` is false,
    the application submitted. Anything refused leaves nothing behind."""

    service: str = Field(description="basic code of the service item", max_length=40)
    implementation: str = Field(
        "", max_length=60,
        description="implementation code; may be left out when there is only one")
    on_behalf_of: str = Field(
        "", max_length=18, description="credit code of the legal entity acted for")
    form: dict[str, Any]
    materials: list[MaterialIn] = Field(default_factory=list, max_length=50)
    submit: bool = True


class FormIn(Schema):
    form: dict[str, Any]


class TransitionIn(Schema):
    transition: str = Field(max_length=40, description="name of the step, e.g. accept")
    reason: str = Field("", max_length=2000)


class StepOut(Plain):
    name: str
    target: str
    needs_reason: bool


class CaseSummaryOut(Plain):
    uid: str
    number: str | None
    service_code: str
    service_name: str
    version: int
    status: str
    status_label: str
    channel: str
    applicant_name: str
    on_behalf_of: str | None
    on_behalf_of_name: str | None
    handling_org: str
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    deadline: dt.date | None
    sla_state: str
    steps: list[StepOut]


class EventOut(Plain):
    at: dt.datetime
    action: str
    from_status: str
    to_status: str
    note: str


class CaseMaterialOut(Plain):
    uid: str
    requirement: str
    name: str
    source: str
    filename: str
    size: int


class CaseOut(CaseSummaryOut):
    version_uid: str
    implementation: str
    accepting_org: str | None
    form: dict[str, Any]
    materials: list[CaseMaterialOut]
    decision: str
    decision_reason: str
    events: list[EventOut]


class CasePageOut(Schema):
    items: list[CaseSummaryOut]
    count: int


class TaskPageOut(Schema):
    items: list[CaseSummaryOut]
    next_offset: int | None
