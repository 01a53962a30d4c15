"""Pydantic shapes of the directories and credit under /api/v1/supervision/."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field


class SupervisionOrgOut(Schema):
    uid: str
    name: str


class SupervisionRegionOut(Schema):
    code: str
    name: str


# --- regulatory items ---------------------------------------------------------------------


class ItemIn(Schema):
    organization: str = Field(description="uid of the department")
    code: str = Field(max_length=40, description="capital letters, digits and hyphens")
    name: str = Field(max_length=200)
    legal_basis: str = Field(max_length=2000)
    method: str = Field(description="on_site, documents, sampling or online")
    is_key: bool = Field(default=False, description="重点事项: no upper limit on sampling")
    industries: list[str] = Field(default_factory=list, description="empty: every industry")


class ItemUpdateIn(Schema):
    name: str = Field(max_length=200)
    legal_basis: str = Field(max_length=2000)
    method: str
    is_key: bool = False
    industries: list[str] = Field(default_factory=list)
    is_active: bool = True


class ItemOut(Schema):
    code: str
    organization: SupervisionOrgOut
    name: str
    legal_basis: str
    method: str
    is_key: bool
    industries: list[str]
    is_active: bool


# --- entities -----------------------------------------------------------------------------


class EntityIn(Schema):
    uscc: str = Field(max_length=40, description="unified social credit code (GB 32100)")
    industry: str


class EntityUpdateIn(Schema):
    industry: str
    is_active: bool = True


class GradeOut(Schema):
    grade: str
    score: int
    computed_at: dt.datetime
    explanation: list[dict[str, Any]] = Field(
        description="each rule that applied: rule, name, events, points, evidence")


class EntityOut(Schema):
    uscc: str
    name: str
    industry: str
    region: SupervisionRegionOut
    is_active: bool
    grade: str = Field(description="the current credit grade; B for an entity never graded")
    score: int | None


class EntityPage(Schema):
    count: int
    page: int
    pages: int
    items: list[EntityOut]


class LicenceOut(Schema):
    identifier: str
    type_name: str
    number: str
    issuer: str
    valid_from: dt.date
    valid_until: dt.date | None


class InspectionBriefOut(Schema):
    number: str
    plan: str
    status: str
    outcome: str
    ended_on: dt.date | None


class CreditRecordOut(Schema):
    uid: str
    uscc: str
    entity_name: str
    kind: str
    organization: SupervisionOrgOut
    reference: str
    summary: str
    decided_on: dt.date
    ended_on: dt.date | None
    created_at: dt.datetime


class EntityDetailOut(EntityOut):
    current: GradeOut | None
    history: list[GradeOut]
    licences: list[LicenceOut]
    inspections: list[InspectionBriefOut]
    credit_records: list[CreditRecordOut]


# --- inspectors and conflicts -------------------------------------------------------------


class InspectorIn(Schema):
    staff: str = Field(description="uid of the staff member")
    organization: str = Field(description="uid of the department")
    certificate_number: str = Field(max_length=40, description="执法证号")
    qualified_until: dt.date


class InspectorUpdateIn(Schema):
    certificate_number: str = Field(max_length=40)
    qualified_until: dt.date
    is_active: bool = True


class ConflictOut(Schema):
    uid: str
    uscc: str
    entity_name: str
    relation: str
    note: str
    declared_at: dt.datetime
    withdrawn_at: dt.datetime | None


class InspectorOut(Schema):
    certificate_number: str
    name: str
    organization: SupervisionOrgOut
    qualified_until: dt.date
    is_active: bool
    conflicts: list[ConflictOut]


class ConflictIn(Schema):
    uscc: str = Field(max_length=40)
    relation: str = Field(description="kin, employment, interest or other")
    note: str = Field(default="", max_length=300)


class WithdrawIn(Schema):
    reason: str = Field(max_length=500)


# --- sampling rules -----------------------------------------------------------------------


class SamplingRuleIn(Schema):
    factor: Decimal = Field(description="multiplies the plan's base ratio")
    cap_percent: Decimal | None = Field(default=None, description="upper limit; null: none")
    frequency_per_year: Decimal = Field(default=Decimal(1))


class SamplingRuleOut(Schema):
    organization: SupervisionOrgOut
    grade: str
    factor: str
    cap_percent: str | None
    frequency_per_year: str


# --- credit -------------------------------------------------------------------------------


class CreditRecordIn(Schema):
    uscc: str = Field(max_length=40)
    kind: str = Field(description="penalty or abnormal")
    organization: str = Field(description="uid of the deciding department")
    reference: str = Field(max_length=80, description="decision number")
    summary: str = Field(max_length=500)
    decided_on: dt.date
    ended_on: dt.date | None = None


class EndRecordIn(Schema):
    ended_on: dt.date


class CreditRuleOut(Schema):
    code: str
    name: str
    source: str
    points: int
    max_points: int | None
    window_days: int
    outcomes: list[str]
    kinds: list[str]
    is_active: bool


class CreditBandOut(Schema):
    grade: str
    min_score: int


class CreditRulesOut(Schema):
    rules: list[CreditRuleOut]
    bands: list[CreditBandOut]


class ComputeIn(Schema):
    uscc: list[str] = Field(default_factory=list,
                            description="the entities to recompute; empty: every one")


class ComputeOut(Schema):
    changed: int
