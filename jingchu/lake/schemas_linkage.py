"""Pydantic shapes of the lake's linkage API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field


class LinkageRunIn(Schema):
    name: str
    datasets: list[str] = Field(
        default_factory=list,
        description="dataset codes, the population base first; each dataset's current version")
    versions: list[str] = Field(
        default_factory=list,
        description="or dataset version uids, the base first (instead of `datasets`)")
    threshold: float = Field(0.95, description="match probability threshold, 0.5 to 0.9999")


class LinkageRunOut(Schema):
    uid: str
    name: str
    status: str
    datasets: list[str]
    versions: list[str]
    threshold: float
    record_count: int
    pair_count: int
    cluster_count: int
    output_path: str
    duration_ms: int
    error: str
    created_by: str
    started_at: dt.datetime
    finished_at: dt.datetime | None


class LinkageRunDetail(LinkageRunOut):
    report: dict[str, Any] = Field(
        description="counts, match-weight histogram, cluster sizes, per-dataset counts, the "
                    "trained model and sample clusters (personal data masked)")


class LinkageRunPage(Schema):
    count: int
    page: int
    pages: int
    items: list[LinkageRunOut]
