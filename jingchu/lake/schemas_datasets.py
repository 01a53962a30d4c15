"""Pydantic shapes of the lake's datasets API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field


class ColumnIn(Schema):
    name: str = Field(description="lower-case letters, digits and underscores")
    type: str = Field(default="string",
                      description="string, integer, decimal, date, datetime or boolean")
    label: str = ""
    required: bool = False
    mask: str = Field(default="", description="id_number, phone, address, name, full or empty")


class ColumnOut(Schema):
    name: str
    type: str
    label: str = ""
    required: bool = False
    mask: str = ""


class VersionOut(Schema):
    uid: str
    number: int
    row_count: int
    rejected_count: int
    byte_size: int
    checksum: str = Field(description="SM3 of the Parquet file, hex")
    columns: list[dict[str, str]] = Field(description="the stored schema: name and type")
    source_kind: str
    source_name: str
    loaded_at: dt.datetime
    loaded_by: str


class DatasetOut(Schema):
    uid: str
    code: str
    name: str
    description: str
    owner: str
    owner_uid: str
    update_frequency: str
    status: str
    key_column: str
    audit_threshold: int
    columns: list[ColumnOut]
    current_version: VersionOut | None


class DatasetPage(Schema):
    count: int
    page: int
    pages: int
    items: list[DatasetOut]


class DatasetIn(Schema):
    owner: str = Field(description="the owning organization: uid or credit code")
    code: str = Field(description="<owner>/<name>, e.g. hb-rst/si-enrolment")
    name: str
    description: str = ""
    update_frequency: str = "monthly"
    columns: list[ColumnIn] = Field(default_factory=list,
                                    description="empty: the first load infers them")
    key_column: str = ""
    audit_threshold: int = 80


class DatasetPatch(Schema):
    name: str | None = None
    description: str | None = None
    update_frequency: str | None = None
    columns: list[ColumnIn] | None = None
    key_column: str | None = None
    audit_threshold: int | None = None


class PreviewOut(Schema):
    version: int
    columns: list[str]
    rows: list[list[Any]] = Field(description="masked by the dataset's declared rules")
    offset: int
    limit: int
    row_count: int


class JobOut(Schema):
    uid: str
    dataset: str
    status: str
    stage: str
    source_kind: str
    source_name: str
    encoding: str
    rows_done: int
    rows_total: int | None
    rejected_count: int
    error: str
    version: int | None
    created_at: dt.datetime
    finished_at: dt.datetime | None
