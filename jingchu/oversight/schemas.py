"""Pydantic shapes of the oversight API (/api/v1/oversight/). Tasks are addressed by their
number, assignments and extension requests by their uid, organizations by their uid."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

# --- out --------------------------------------------------------------------------------------


class OversightOrganizationOut(Schema):
    uid: str
    name: str
    region: str = Field(description="12-digit region code")


class OversightAttachmentOut(Schema):
    uid: str
    name: str
    content_type: str
    size: int
    url: str = Field(description="download address (a signed-in page, permission-checked)")


class OversightReportOut(Schema):
    uid: str
    percent: int
    final: bool
    text: str
    created_at: dt.datetime
    attachments: list[OversightAttachmentOut]


class OversightExtensionOut(Schema):
    uid: str
    status: str
    previous_deadline: dt.date | None
    requested_deadline: dt.date
    reason: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    decision_note: str


class OversightAssignmentOut(Schema):
    uid: str
    parent: str | None = Field(description="uid of the assignment this one was passed on from")
    organization: OversightOrganizationOut
    role: str = Field(description="lead or co")
    status: str
    status_label: str
    deadline: dt.date
    progress_percent: int
    signed_at: dt.datetime | None
    completed_at: dt.datetime | None
    escalation: int = Field(description="0 none; 1 assignee reminded; 2 assigning "
                                        "organization told; 3 parent organization told")
    escalated_at: dt.datetime | None
    overdue: bool
    reports: list[OversightReportOut]
    extensions: list[OversightExtensionOut]


class OversightEventOut(Schema):
    action: str
    at: dt.datetime
    assignment: str | None
    organization: str | None
    note: str


class OversightTaskOut(Schema):
    number: str
    title: str
    status: str
    status_label: str
    issuer: OversightOrganizationOut
    deadline: dt.date
    created_at: dt.datetime
    closed_at: dt.datetime | None
    closing_note: str


class OversightTaskDetailOut(OversightTaskOut):
    instruction: str
    attachments: list[OversightAttachmentOut]
    assignments: list[OversightAssignmentOut]
    events: list[OversightEventOut]


class OversightTaskPage(Schema):
    count: int
    page: int
    pages: int
    items: list[OversightTaskOut]


# --- in ---------------------------------------------------------------------------------------


class OversightTaskIn(Schema):
    issuer: str = Field(description="uid of the issuing organization (one you lead)")
    title: str = Field(max_length=200)
    instruction: str = Field(max_length=5000)
    deadline: dt.date = Field(description="a day after today")
    lead: str = Field(description="uid of the lead organization")
    co_organizations: list[str] = Field(default_factory=list,
                                        description="uids of co-organizing organizations")


class OversightReportIn(Schema):
    text: str = Field(max_length=5000)
    percent: int = Field(ge=0, le=100)
    final: bool = Field(default=False, description="the completion report (percent 100)")


class OversightSubAssignIn(Schema):
    organizations: list[str] = Field(description="uids, in your organization's region or below")
    deadline: dt.date = Field(description="no later than your own")
    note: str = ""


class OversightExtensionIn(Schema):
    deadline: dt.date = Field(description="the deadline asked for")
    reason: str


class OversightDecisionIn(Schema):
    approve: bool
    note: str = Field(default="", description="required when refusing")


class OversightReviewIn(Schema):
    accept: bool = Field(description="true: close the task; false: send it back")
    note: str = Field(default="", description="required when sending back")


class OversightCancelIn(Schema):
    reason: str
