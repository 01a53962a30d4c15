"""Fixtures of the open-data tests: the lake's world (stewards of 省公安厅, 省人社厅 and
省大数据中心, the platform administrator, an outsider and a citizen) and a lake dataset of
省人社厅 with a personal column, ready to be opened."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from jingchu.lake.tests.conftest import PASSWORD, lake_world, put_dataset
from jingchu.opendata import actions
from jingchu.opendata.models import OpenDataset

__all__ = ["lake_world", "put_dataset"]

COLUMNS = [
    {"name": "unit_code", "type": "string", "label": "单位编码"},
    {"name": "district", "type": "string", "label": "区"},
    {"name": "staff", "type": "integer", "label": "参保人数"},
    {"name": "paid", "type": "decimal", "label": "缴费金额（万元）"},
    {"name": "reported_on", "type": "date", "label": "统计日期"},
    {"name": "contact_phone", "type": "string", "label": "联系电话", "mask": "phone"},
]
DISTRICTS = ["江岸区", "江汉区", "硚口区", "汉阳区"]


def rows(count: int = 12) -> list[dict[str, Any]]:
    return [{"unit_code": f"U{i:04d}", "district": DISTRICTS[i % 4], "staff": 10 * (i + 1),
             "paid": 1.5 * (i + 1), "reported_on": dt.date(2025, 1, 1) + dt.timedelta(days=i),
             "contact_phone": f"1380000{i:04d}"} for i in range(count)]


def draft_data(**extra: Any) -> dict[str, Any]:
    return {"name": "si-units", "title": "参保单位统计", "notes": "各区参保单位人数与缴费",
            "licence": "CC-BY-4.0", "update_frequency": "monthly",
            "fields": ["unit_code", "district", "staff", "paid", "reported_on"],
            "topics": ["society"], "tags": ["社保", "统计"]} | extra


@pytest.fixture
def si_dataset(lake_world: dict[str, Any], put_dataset: Callable[..., Any]) -> Any:
    return put_dataset(lake_world["orgs"]["hb-rst"], "hb-rst/si-units", rows(),
                       columns=COLUMNS, name="参保单位")


@pytest.fixture
def published(lake_world: dict[str, Any], si_dataset: Any) -> OpenDataset:
    users = lake_world["users"]
    ds = actions.do_create_open_dataset(users["rst"], si_dataset, draft_data())
    actions.do_submit_open_dataset(users["rst"], ds)
    return actions.do_approve_open_dataset(users["dsj"], ds, "同意开放")


def login(client: Client, user: Any) -> Client:
    assert client.login(username=user.username, password=PASSWORD)
    return client
