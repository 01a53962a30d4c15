"""Pydantic shapes of the lake's quality API (api_quality.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema


class RuleOut(Schema):
    name: str
    check: str
    columns: list[str]
    params: dict[str, Any]
    dimension: str
    weight: int
    enabled: bool
    description: str
    source: str


class RulesOut(Schema):
    dataset: str
    threshold: int
    rules_yaml: str
    rules: list[RuleOut]


class RulesIn(Schema):
    rules_yaml: str


class ResultOut(Schema):
    rule: str
    check: str
    dimension: str
    weight: int
    checked: int
    failed: int
    sample: list[dict[str, Any]]


class RunOut(Schema):
    uid: str
    dataset: str
    version: int | None
    status: str
    trigger: str
    row_count: int
    scores: dict[str, float]
    score: float | None
    threshold: int
    started_at: dt.datetime
    finished_at: dt.datetime | None
    duration_ms: int
    error: str
    rectification: str | None


class RunDetailOut(RunOut):
    results: list[ResultOut]
    sql: str
    spark_sql: str


class RunPage(Schema):
    count: int
    page: int
    pages: int
    items: list[RunOut]


class RectificationOut(Schema):
    uid: str
    dataset: str
    organization: str
    run: str
    status: str
    score: float
    threshold: int
    due_on: dt.date
    note: str
    created_at: dt.datetime
    resolved_at: dt.datetime | None


class RectificationPage(Schema):
    count: int
    page: int
    pages: int
    items: list[RectificationOut]


class ResolveIn(Schema):
    note: str
