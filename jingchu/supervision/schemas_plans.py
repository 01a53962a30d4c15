"""Pydantic shapes of plans and draws in the JSON API (/api/v1/supervision/plans, /draws)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field


class PlanIn(Schema):
    organization: str = Field(description="uid of the lead department")
    name: str = Field(max_length=200)
    items: list[str] = Field(description="codes of regulatory items of the plan's departments")
    regions: list[str] = Field(description="12-digit region codes; entities below count too")
    industries: list[str] = Field(default_factory=list, description="none: any industry")
    ratio_percent: Decimal = Field(description="base sampling ratio, 0 < r ≤ 100, 2 decimals")
    inspectors_per_entity: int = 2
    starts_on: dt.date
    ends_on: dt.date
    partners: list[str] = Field(default_factory=list,
                                description="uids of the joint departments (a joint plan)")


class PlanDrawIn(Schema):
    witness: str = Field("", description=(
        "jingchu-draw-v2: the witness code, 1–64 printable characters, supplied at the draw by "
        "someone other than the platform (e.g. announced by the supervising officer); mixed "
        "into the seed and published. Ignored for a draw committed as jingchu-draw-v1."))


class PlanCancelIn(Schema):
    reason: str = Field(max_length=500)


class PlanDepartmentOut(Schema):
    uid: str
    name: str
    uscc: str


class PlanItemOut(Schema):
    code: str
    name: str
    department: str = Field(description="the item's department, by credit code")
    is_key: bool


class PlanRegionOut(Schema):
    code: str
    name: str


class PlanDrawOut(Schema):
    algorithm: str
    inputs_sm3: str
    seed_sm3: str
    seed: str | None = Field(description="hex; null until the draw is run (or cancelled)")
    witness: str | None = Field(description="jingchu-draw-v2: the witness code given at the "
                                            "draw; null before it and for v1 draws")
    result_sm3: str | None
    commit_entry: int | None = Field(description="ledger index of the commitment")
    reveal_entry: int | None = Field(description="ledger index of the reveal (or cancel)")
    committed_at: dt.datetime
    drawn_at: dt.datetime | None


class PlanInspectionOut(Schema):
    number: str
    uscc: str
    name: str
    grade: str = Field(description="credit grade at the draw")
    status: str
    inspectors: list[str] = Field(description="enforcement certificate numbers, in order")


class PlanOut(Schema):
    number: str
    name: str
    status: str
    status_label: str
    organization: PlanDepartmentOut
    partners: list[PlanDepartmentOut]
    items: list[PlanItemOut]
    regions: list[PlanRegionOut]
    industries: list[str]
    ratio_percent: str
    inspectors_per_entity: int
    starts_on: dt.date
    ends_on: dt.date
    created_at: dt.datetime


class PlanDetailOut(PlanOut):
    draw: PlanDrawOut | None
    inspections: list[PlanInspectionOut]


class PlanPage(Schema):
    count: int
    page: int
    pages: int
    items: list[PlanOut]


class PlanGradeOut(Schema):
    grade: str
    in_scope: int
    ratio_percent: str = Field(description="effective ratio of the grade, decimal text")
    drawn: int


class PlanProblemOut(Schema):
    uscc: str
    name: str
    eligible: int = Field(description="eligible inspectors after exclusions")
    missing_departments: list[str] = Field(description="joint plan: departments with none")


class PlanPreviewOut(Schema):
    entities: int
    inspectors: int
    team_size: int
    drawn: int
    grades: list[PlanGradeOut]
    problems: list[PlanProblemOut]


class DrawListItemOut(Schema):
    plan: str = Field(description="plan number")
    name: str
    department: str
    status: str
    inputs_sm3: str
    seed_sm3: str
    seed: str | None
    witness: str | None
    result_sm3: str | None
    commit_entry: int | None
    reveal_entry: int | None
    committed_at: dt.datetime
    drawn_at: dt.datetime | None
    inspections: int


class DrawPage(Schema):
    count: int
    page: int
    pages: int
    items: list[DrawListItemOut]
