"""Fixtures of the services tests: a small valid item, and staff with and without the role."""

from __future__ import annotations

import copy
from typing import Any

import pytest

FORM = {
    "type": "object",
    "title": "申请表",
    "properties": {
        "applicant_name": {"type": "string", "title": "申请人姓名", "maxLength": 30},
        "phone": {"type": "string", "title": "联系电话", "pattern": "^1[3-9][0-9]{9}$",
                  "errorMessage": "请输入11位手机号码"},
        "birth_date": {"type": "string", "title": "出生日期", "format": "date"},
        "persons": {"type": "integer", "title": "随迁人数", "minimum": 0, "maximum": 20},
        "area": {"type": "number", "title": "面积（平方米）", "minimum": 0},
        "kind": {"type": "string", "title": "类别", "enum": ["a", "b"],
                 "enumNames": ["甲类", "乙类"]},
        "scope": {"type": "string", "title": "经营范围", "maxLength": 500},
        "pledge": {"type": "boolean", "title": "承诺属实", "const": True},
    },
    "required": ["applicant_name", "phone", "pledge"],
}

CONTENT = {
    "name": "个体工商户设立登记",
    "item_type": "01",
    "competent_department": "市场监督管理部门",
    "applicant_kind": "person",
    "legal_basis": "《中华人民共和国市场主体登记管理条例》",
    "acceptance_conditions": "有经营能力的自然人。",
    "case_kind": "promised",
    "legal_days": 15,
    "promised_days": 3,
    "fee": "0",
    "fee_basis": "不收费",
    "online_depth": 4,
    "onsite_visits": 0,
    "legal_steps": 4,
    "steps": 2,
    "legal_materials": 4,
    "result_type": "license",
    "result_name": "营业执照",
    "topics": ["starting_business"],
    "keywords": "个体户 开店",
    "form_schema": FORM,
    "eligibility": {"min_age": 16},
}

MATERIALS = [
    {"name": "居民身份证", "source": "license", "license_type_code": "ID_CARD"},
    {"name": "户籍信息", "source": "data_resource", "data_resource_code": "HB-GA-HJ-001"},
    {"name": "经营场所使用证明"},
    {"name": "委托书", "necessity": "conditional", "condition": "委托他人办理的"},
]


@pytest.fixture
def content() -> dict[str, Any]:
    return copy.deepcopy(CONTENT)


@pytest.fixture
def materials() -> list[dict[str, Any]]:
    return copy.deepcopy(MATERIALS)


def make_staff(username: str, orgs: dict[str, Any], role: str) -> Any:
    from jingchu.identity import actions

    staff = actions.do_create_staff(None, username=username, password="Jingchu@2026",
                                    name=username)
    actions.do_assign_role(None, staff=staff, organization=orgs["hb-zwb"], role=role)
    return staff.user


@pytest.fixture
def catalog_admin(demo_orgs: dict[str, Any]) -> Any:
    """An administrator by role, not a superuser: the role alone must be enough."""
    from jingchu.identity.choices import StaffRole

    return make_staff("svc_admin", demo_orgs, StaffRole.ADMINISTRATOR)


@pytest.fixture
def clerk(demo_orgs: dict[str, Any]) -> Any:
    from jingchu.identity.choices import StaffRole

    return make_staff("svc_clerk", demo_orgs, StaffRole.WINDOW_CLERK)


@pytest.fixture
def citizen(db: Any) -> Any:
    import datetime as dt

    from jingchu.core.identifiers import make_id_number
    from jingchu.identity import actions

    person = actions.do_register_person(
        None, name="陈晨", id_number=make_id_number("420102", dt.date(1990, 1, 2), 11, True),
        phone="13800000000", username="svc_citizen", password="Jingchu@2026",
    )
    return person.user
