"""Schemas of the exchange API: call records, "who read my data", gateway clients."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema


class ReadOut(Schema):
    """One read of my data: which organization, when, why, which resource and fields."""

    at: dt.datetime
    organization: str
    system: str
    resource_code: str
    resource_name: str
    fields: list[str]
    purpose: str
    case_number: str
    on_behalf_of: str


class CallOut(ReadOut):
    request_id: str
    result: str
    result_label: str
    status_code: int
    duration_us: int


class StatisticsOut(Schema):
    days: int
    total: int
    answered: int
    by_result: dict[str, int]
    by_resource: list[dict[str, Any]]
    by_consumer: list[dict[str, Any]]


class ClientIn(Schema):
    code: str
    name: str
    organization: str  # the organization's uid


class ClientOut(Schema):
    uid: str
    code: str
    name: str
    organization: str
    client_id: str
    created_at: dt.datetime
    disabled_at: dt.datetime | None


class ClientSecretOut(ClientOut):
    client_secret: str
