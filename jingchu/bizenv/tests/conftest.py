"""Fixtures of the business-environment tests.

Users (all staff but `citizen`):
- manager      湖北省政务服务和大数据管理局 (the evaluation office), approver
- hb_auditor   湖北省政务服务和大数据管理局, auditor: reads the province, manages nothing
- wh_leader    武汉市政务服务和大数据管理局, approver: reads Wuhan
- ja_auditor   武汉市江岸区市场监督管理局, auditor: reads Wuhan (its city)
- xy_leader    襄阳市政务服务和大数据管理局, approver: reads Xiangyang only
- wh_clerk     武汉市民之家, window clerk: no access
- citizen      a signed-in user who is no staff
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jingchu.bizenv.actions.indicators import do_set_office
from jingchu.bizenv.models import ImportBatch, ImportedValue, Indicator, Topic
from jingchu.cases.tests.conftest import make_staff
from jingchu.core.models import Region
from jingchu.identity.choices import StaffRole
from jingchu.identity.models import User

WUHAN = "420100000000"
YICHANG = "420500000000"
XIANGYANG = "420600000000"
JIANGAN = "420102000000"
MAY = dt.date(2026, 5, 1)
JUNE = dt.date(2026, 6, 1)
USERS = {
    "manager": ("hb-zwb", StaffRole.APPROVER),
    "hb_auditor": ("hb-zwb", StaffRole.AUDITOR),
    "wh_leader": ("wh-zwb", StaffRole.APPROVER),
    "ja_auditor": ("wh-ja-scjg", StaffRole.AUDITOR),
    "xy_leader": ("xy-zwb", StaffRole.APPROVER),
    "wh_clerk": ("wh-smzj", StaffRole.WINDOW_CLERK),
}


@pytest.fixture
def people(demo_orgs: dict[str, Any]) -> dict[str, Any]:
    do_set_office(None, demo_orgs["hb-zwb"])
    users: dict[str, Any] = {name: make_staff(name, demo_orgs[key], role)
                             for name, (key, role) in USERS.items()}
    users["citizen"] = User.objects.create_user(username="citizen", password="x" * 12)
    return users


def city(code: str) -> Region:
    return Region.objects.get(code=code)


@pytest.fixture
def small_set(db: Any) -> dict[str, Indicator]:
    """Two topics, three indicators with round bounds (scores are easy to compute by hand):
    T1: i1 lower is better (frontier 0, worst 10), i2 higher (frontier 100, worst 50);
    T2: i3 lower (frontier 1, worst 5), a platform figure no app registers."""
    t1 = Topic.objects.create(code="t1", name="T1", order=1)
    t2 = Topic.objects.create(code="t2", name="T2", order=2)
    return {
        "i1": Indicator.objects.create(topic=t1, code="t1.i1", name="i1", unit="天",
                                       direction="lower", frontier=0, worst=10, order=1,
                                       valid_min=0, valid_max=100),
        "i2": Indicator.objects.create(topic=t1, code="t1.i2", name="i2", unit="%",
                                       direction="higher", frontier=100, worst=50, order=2,
                                       valid_min=0, valid_max=100),
        "i3": Indicator.objects.create(topic=t2, code="t2.i3", name="i3", unit="个",
                                       direction="lower", frontier=1, worst=5, order=1,
                                       source="kpi:test.unknown"),
    }


def put(month: dt.date, values: dict[tuple[str, str], float]) -> None:
    """Imported figures by (city code, indicator code), as an accepted import would leave."""
    batch = ImportBatch.objects.create(month=month, filename="t.xlsx", sha256="0" * 64)
    for (code, indicator), value in values.items():
        ImportedValue.objects.update_or_create(
            month=month, region=city(code), indicator=Indicator.objects.get(code=indicator),
            defaults={"value": value, "batch": batch})


def login(client: Any, user: User) -> Any:
    client.force_login(user)
    return client
