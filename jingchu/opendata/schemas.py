"""Pydantic shapes of the open-data API (/api/v1/opendata/)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field


class FieldIn(Schema):
    name: str
    label: str = ""
    description: str = ""


class FieldOut(Schema):
    name: str
    label: str
    type: str
    description: str = ""


class DatasetIn(Schema):
    source: str = Field(description="the lake dataset's code, e.g. hb-scjg/food-licences")
    name: str = Field(description="public name: 2-100 of a-z, 0-9, - and _")
    title: str
    notes: str = Field(description="the description")
    licence: str = Field(description="CC-BY-4.0, CC0-1.0, ODC-BY-1.0 or gov-open")
    update_frequency: str = ""
    fields: list[FieldIn] = Field(description="columns of the lake dataset to publish")
    topics: list[str] = []
    tags: list[str] = []


class DatasetPatch(Schema):
    name: str | None = None
    title: str | None = None
    notes: str | None = None
    licence: str | None = None
    update_frequency: str | None = None
    fields: list[FieldIn] | None = None
    topics: list[str] | None = None
    tags: list[str] | None = None


class NoteIn(Schema):
    note: str = ""


class ReasonIn(Schema):
    reason: str


class DatasetOut(Schema):
    uid: str
    name: str
    title: str
    notes: str
    licence: str
    licence_title: str
    licence_url: str
    publisher: str
    publisher_uid: str
    publisher_uscc: str
    status: str
    version: int | None
    fields: list[FieldOut]
    topics: list[str]
    tags: list[str]
    update_frequency: str
    row_count: int
    byte_size: int
    sm3: str
    published_at: dt.datetime | None
    modified_at: dt.datetime | None
    downloads: dict[str, str] = Field(description="format → download address")
    page: str
    review_note: str = ""


class FacetItem(Schema):
    name: str
    display_name: str
    count: int


class DatasetPage(Schema):
    count: int
    page: int
    pages: int
    items: list[DatasetOut]
    facets: dict[str, list[FacetItem]]


class RecordsOut(Schema):
    fields: list[FieldOut]
    records: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


class UsageDay(Schema):
    day: str
    views: int
    downloads: int
    api_calls: int


class UsageOut(Schema):
    totals: dict[str, int]
    days: list[UsageDay]
