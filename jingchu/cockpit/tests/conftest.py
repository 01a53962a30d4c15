"""Fixtures of the cockpit's tests.

Users (all staff but `citizen`):
- hb_leader   湖北省政务服务和大数据管理局, approver: the whole province
- hb_steward  湖北省政务服务和大数据管理局, data steward: the province, may refresh
- wh_leader   武汉市政务服务和大数据管理局, approver: Wuhan and below
- ja_auditor  武汉市江岸区市场监督管理局, auditor: 江岸区 and below
- xy_leader   襄阳市政务服务和大数据管理局, approver: Xiangyang only
- wh_clerk    武汉市民之家, window clerk: no access
- citizen     a signed-in user who is no staff

`rollup` stores KPI rows through the rollups' own writer (as a refresh would), for tests that
need figures without building every app's records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from jingchu.cases.tests.conftest import make_staff
from jingchu.cockpit import rollups
from jingchu.core.kpi import KpiRow
from jingchu.core.models import Region
from jingchu.identity.choices import StaffRole
from jingchu.identity.models import User

PROVINCE = "420000000000"
WUHAN = "420100000000"
JIANGAN = "420102000000"
HONGSHAN = "420111000000"
YICHANG = "420500000000"
XIANGYANG = "420600000000"
XIANTAO = "429004000000"
USERS = {
    "hb_leader": ("hb-zwb", StaffRole.APPROVER),
    "hb_steward": ("hb-zwb", StaffRole.DATA_STEWARD),
    "wh_leader": ("wh-zwb", StaffRole.APPROVER),
    "ja_auditor": ("wh-ja-scjg", StaffRole.AUDITOR),
    "xy_leader": ("xy-zwb", StaffRole.APPROVER),
    "wh_clerk": ("wh-smzj", StaffRole.WINDOW_CLERK),
}


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """The home page caches its cards per rollup state; tests start from an empty cache."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def people(demo_orgs: dict[str, Any]) -> dict[str, Any]:
    users: dict[str, Any] = {name: make_staff(name, demo_orgs[key], role)
                             for name, (key, role) in USERS.items()}
    users["citizen"] = User.objects.create_user(username="citizen", password="x" * 12)
    return users


def region(code: str) -> Region:
    return Region.objects.get(code=code)


Store = Callable[[str, dt.date, list[tuple[Any, float, float]]], None]


@pytest.fixture
def rollup(demo_orgs: dict[str, Any]) -> Store:
    """store(code, day, [(org key or Region code, numerator, denominator), ...]): the rows of
    one KPI's day, each for a demo organization (by key) or a region alone (by code)."""

    def store(code: str, day: dt.date, parts: list[tuple[Any, float, float]]) -> None:
        rows = []
        for who, numerator, denominator in parts:
            if who in demo_orgs:
                org = demo_orgs[who]
                rows.append(KpiRow(day, org.pk, org.region_id, numerator, denominator))
            else:
                rows.append(KpiRow(day, None, region(who).pk, numerator, denominator))
        rollups._store(code, day, rows, rollups._Regions(), timezone.now())

    return store
