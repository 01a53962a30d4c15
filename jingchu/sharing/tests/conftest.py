"""Fixtures of the sharing tests. Shared by the helpers of the sharing app: add, never remove.

`sharing_world`: the demo organizations, a data steward at 省公安厅 (owner of the population
resource), at 省市场监管局, at 武汉市市场监管局 (a consumer), at 省大数据中心 (province level, with
the platform administrator at 省政务办), an outsider (a reviewer without the steward role) and a
citizen; a published conditional resource of 省公安厅 and a published unconditional one of
省市场监管局.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jingchu.core.identifiers import make_id_number
from jingchu.core.models import AuditEvent
from jingchu.identity import actions as identity_actions
from jingchu.identity.choices import StaffRole
from jingchu.identity.models import User
from jingchu.sharing.models import (
    DataResource,
    ErrorReport,
    Grant,
    ListEntry,
    ResourceField,
    ShareRequest,
)

PASSWORD = "Sharing@2026-test"


def make_user(username: str, org: Any = None, *roles: str) -> User:
    staff = identity_actions.do_create_staff(None, username=username, password=PASSWORD,
                                             name=username)
    for role in roles:
        identity_actions.do_assign_role(None, staff=staff, organization=org, role=role)
    return staff.user


POPULATION_FIELDS: list[dict[str, Any]] = [
    {"name": "id_number", "label": "公民身份号码", "sensitivity": 3, "mask": "id_number"},
    {"name": "name", "label": "姓名", "sensitivity": 3},
    {"name": "gender", "label": "性别"},
    {"name": "phone", "label": "联系电话", "sensitivity": 3, "mask": "phone"},
    {"name": "address", "label": "住址", "sensitivity": 3, "mask": "address"},
]
ENTITY_FIELDS: list[dict[str, Any]] = [
    {"name": "uscc", "label": "统一社会信用代码", "sensitivity": 1},
    {"name": "name", "label": "名称", "sensitivity": 1},
    {"name": "legal_representative", "label": "法定代表人"},
    {"name": "status", "label": "登记状态", "sensitivity": 1},
]


def resource_data(code: str, fields: list[dict[str, Any]], share_type: str = "conditional",
                  **extra: Any) -> dict[str, Any]:
    return {"code": code, "name": f"资源 {code}", "description": "测试资源",
            "share_type": share_type, "legal_basis": "《政务信息资源共享管理暂行办法》",
            "fields": fields} | extra


def request_data(fields: list[str], **extra: Any) -> dict[str, Any]:
    today = dt.date.today()
    return {"fields": fields, "purpose": "企业开办核验", "legal_basis": "《行政许可法》",
            "valid_from": today, "valid_until": today + dt.timedelta(days=365),
            "expected_daily_calls": 100} | extra


@pytest.fixture
def sharing_world(demo_orgs: dict[str, Any]) -> dict[str, Any]:
    from jingchu.sharing import actions

    orgs = demo_orgs
    users: dict[str, Any] = {
        "gat": make_user("st_gat", orgs["hb-gat"], StaffRole.DATA_STEWARD),
        "scjg": make_user("st_scjg", orgs["hb-scjg"], StaffRole.DATA_STEWARD),
        "wh": make_user("st_wh_scjg", orgs["wh-scjg"], StaffRole.DATA_STEWARD),
        "whgaj": make_user("st_wh_gaj", orgs["wh-gaj"], StaffRole.DATA_STEWARD),
        "dsj": make_user("st_dsj", orgs["hb-dsj"], StaffRole.DATA_STEWARD),
        "admin": make_user("st_admin", orgs["hb-zwb"], StaffRole.ADMINISTRATOR),
        "outsider": make_user("st_outsider", orgs["wh-scjg"], StaffRole.REVIEWER),
    }
    users["citizen"] = identity_actions.do_register_person(
        None, name="测试", id_number=make_id_number("420102", dt.date(1990, 1, 2), 7, True),
        phone="13800000000",
        address="武汉市", username="citizen_s", password=PASSWORD).user
    population = actions.do_register_resource(
        users["gat"], orgs["hb-gat"], resource_data("HB-GAT-0001", POPULATION_FIELDS))
    actions.do_publish_resource(users["gat"], population)
    entities = actions.do_register_resource(
        users["scjg"], orgs["hb-scjg"], resource_data("HB-SCJG-0001", ENTITY_FIELDS,
                                                     "unconditional"))
    actions.do_publish_resource(users["scjg"], entities)
    return {"orgs": orgs, "users": users,
            "population": DataResource.objects.get(pk=population.pk),
            "entities": DataResource.objects.get(pk=entities.pk)}


def row_counts() -> tuple[int, ...]:
    """Rows a refused action must not have written."""
    return tuple(m.objects.count() for m in (DataResource, ResourceField, ListEntry,
                                             ShareRequest, Grant, ErrorReport, AuditEvent))


@pytest.fixture
def mount_tables(monkeypatch: Any) -> list[str]:
    """`sharing.mounts.table_names()` answering the demo bases' tables, whether or not the
    gateway's mounts module is installed yet."""
    import sys
    import types
    from importlib.util import find_spec

    import jingchu.sharing

    names = ["population", "legal_entities"]
    if find_spec("jingchu.sharing.mounts") is not None:
        from jingchu.sharing import mounts
    else:  # pragma: no cover - depends on the other helper's module
        mounts = types.ModuleType("jingchu.sharing.mounts")
        monkeypatch.setitem(sys.modules, "jingchu.sharing.mounts", mounts)
        monkeypatch.setattr(jingchu.sharing, "mounts", mounts, raising=False)
    monkeypatch.setattr(mounts, "table_names", lambda: names, raising=False)
    return names
