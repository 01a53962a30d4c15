"""Pydantic shapes of the inspections and results API (/api/v1/supervision/inspections,
/results, /kpis)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

# --- in -----------------------------------------------------------------------------------


class ResultIn(Schema):
    inspected_on: dt.date = Field(description="the first day of the inspection")
    ended_on: dt.date = Field(description="the last day; the publication deadline counts 20 "
                                          "working days from it")
    outcome: str = Field(description="passed, rectify, case_filed, not_reachable or "
                                     "no_activity")
    findings: str = Field(default="", max_length=5000,
                          description="required when a problem was found")
    follow_up_due: dt.date | None = Field(default=None,
                                          description="rectify by; only with rectify")


class FollowUpIn(Schema):
    rectified: bool
    note: str = Field(max_length=2000)


# --- out ----------------------------------------------------------------------------------


class NamedOut(Schema):
    code: str
    name: str


class PlanRefOut(Schema):
    number: str
    name: str
    status: str


class InspectionEntityOut(Schema):
    uscc: str
    name: str = Field(description="in a public result, empty for an individual business "
                                  "(个体工商户), whose name may be a person's")
    region: str


class InspectionInspectorOut(Schema):
    certificate_number: str
    name: str
    organization: str


class EvidenceOut(Schema):
    uid: str
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime


class InspectionOut(Schema):
    number: str
    status: str
    status_label: str
    plan: PlanRefOut
    entity: InspectionEntityOut
    grade: str = Field(description="the credit grade at the draw")
    inspected_on: dt.date | None
    ended_on: dt.date | None
    outcome: str
    publish_due: dt.date | None
    published_at: dt.datetime | None


class InspectionDetailOut(InspectionOut):
    departments: list[str]
    items: list[NamedOut]
    inspectors: list[InspectionInspectorOut]
    outcome_label: str
    findings: str
    follow_up: str
    follow_up_due: dt.date | None
    follow_up_note: str
    working_days_left: int | None = Field(
        description="until the publication deadline, while unpublished; negative: late")
    evidence: list[EvidenceOut]


class InspectionPage(Schema):
    count: int
    page: int
    pages: int
    items: list[InspectionOut]


class ResultOut(Schema):
    """A published result: official codes and dates, no personal data."""

    number: str
    plan: PlanRefOut
    departments: list[str]
    entity: InspectionEntityOut
    items: list[NamedOut]
    inspected_on: dt.date | None
    ended_on: dt.date | None
    outcome: str
    outcome_label: str
    published_on: dt.date | None
    ledger_index: int | None = Field(description="the ledger entry of the publication")


class ResultPage(Schema):
    count: int
    page: int
    pages: int
    items: list[ResultOut]


class CoverageOut(Schema):
    active: int
    covered: int
    rate: float | None
    target: float
    meets_target: bool
    uncovered: list[str]


class DepartmentKpiOut(Schema):
    organization_uid: str
    organization_name: str
    drawn: int
    ended: int
    with_problems: int
    joint: int
    published: int
    published_on_time: int
    on_time_rate: float | None
    awaiting_publication: int
    past_deadline: int


class TimelinessOut(Schema):
    due: int
    on_time: int
    late: int
    overdue: int
    pending: int
    rate: float | None


class OutcomeRowOut(Schema):
    outcome: str
    label: str
    count: int
    share: float | None


class KpisOut(Schema):
    date_from: dt.date
    date_to: dt.date
    organization: str | None
    coverage: CoverageOut
    timeliness: TimelinessOut
    outcomes: list[OutcomeRowOut]
    departments: list[DepartmentKpiOut]
