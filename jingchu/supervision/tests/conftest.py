"""Fixtures of the supervision tests: two Wuhan departments with regulatory items, inspectors
and sampling rules, forty supervised entities with credit grades, and the people who play the
parts. Rows are made directly (the fixture sets a stage; the tests exercise the actions).

Users (password `PASSWORD` of the case tests):
- amr_leader     武汉市市场监督管理局, approver      (plans, draws, publishes)
- amr_clerk      武汉市市场监督管理局, reviewer      (records credit events)
- env_leader     武汉市生态环境局, approver          (joint partner)
- outsider       宜昌市市场监督管理局, approver      (no business with Wuhan's plans)
- amr_insp1..6   武汉市市场监督管理局, inspector role, each an Inspector (ZF-SC-0001..6)
- env_insp1..3   武汉市生态环境局, inspector role, each an Inspector (ZF-HJ-0001..3)

Entities: ENTITY_COUNT legal entities in 江岸区 and 洪山区 with industries cycling through
food, catering, retail, environment; grades by index: 0–9 A, 10–29 B, 30–35 C, 36–39 D.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from jingchu.cases.tests.conftest import make_staff
from jingchu.conftest import SharedDemo, share_world
from jingchu.core.identifiers import make_id_number, make_uscc
from jingchu.core.models import Region
from jingchu.identity import actions as identity_actions
from jingchu.identity.choices import LegalEntityKind, StaffRole
from jingchu.supervision.choices import Grade, Industry, InspectionMethod
from jingchu.supervision.models import (
    CreditBand,
    CreditGrade,
    Inspector,
    RegulatoryItem,
    SamplingRule,
    SupervisedEntity,
)

ENTITY_COUNT = 40
INDUSTRIES = [Industry.FOOD, Industry.CATERING, Industry.RETAIL, Industry.ENVIRONMENT]
# grade, factor, cap percent (None: no upper limit)
RULES = [(Grade.A, "0.5", "5"), (Grade.B, "1", "10"), (Grade.C, "2", "30"), (Grade.D, "3", None)]
BANDS = [(Grade.A, 90), (Grade.B, 75), (Grade.C, 60), (Grade.D, 0)]


def grade_of(index: int) -> str:
    if index < 10:
        return Grade.A
    if index < 30:
        return Grade.B
    return Grade.C if index < 36 else Grade.D


def make_entity(index: int, region: Region, industry: str, grade: str | None) -> Any:
    """A registered enterprise with its legal representative, in the directory."""
    person = identity_actions.do_register_person(
        None, name=f"代表{index}",
        id_number=make_id_number("420102", dt.date(1980, 1, 1) + dt.timedelta(days=index),
                                 index % 900 + 1, male=index % 2 == 0))
    entity = identity_actions.do_register_legal_entity(
        None, uscc=make_uscc("9", "1", region.code[:6], f"{70000000 + index:08d}"),
        name=f"武汉测试{index:03d}有限公司", kind=LegalEntityKind.ENTERPRISE, region=region,
        legal_representative=person)
    SupervisedEntity.objects.create(legal_entity=entity, industry=industry, region=region)
    if grade is not None:
        score = {"A": 95, "B": 80, "C": 65, "D": 40}[grade]
        CreditGrade.objects.create(legal_entity=entity, grade=grade, score=score,
                                   explanation=[], computed_at=timezone.now())
    return entity


def make_inspector(username: str, org: Any, certificate: str) -> tuple[Any, Inspector]:
    user = make_staff(username, org, StaffRole.INSPECTOR)
    inspector = Inspector.objects.create(staff=user.staff, organization=org,
                                         certificate_number=certificate,
                                         qualified_until=dt.date(2030, 12, 31))
    return user, inspector


def build_world(demo_orgs: dict[str, Any]) -> dict[str, Any]:
    """The world of `supervision_world` on the demo organizations."""
    amr, env, outsider_org = demo_orgs["wh-scjg"], demo_orgs["wh-sthjj"], demo_orgs["yc-scjg"]
    jiangan = Region.objects.get(code="420102000000")
    hongshan = Region.objects.get(code="420111000000")
    users = {
        "amr_leader": make_staff("amr_leader", amr, StaffRole.APPROVER),
        "amr_clerk": make_staff("amr_clerk", amr, StaffRole.REVIEWER),
        "env_leader": make_staff("env_leader", env, StaffRole.APPROVER),
        "outsider": make_staff("outsider", outsider_org, StaffRole.APPROVER),
    }
    inspectors: dict[str, Inspector] = {}
    for n in range(1, 7):
        users[f"amr_insp{n}"], inspectors[f"amr_insp{n}"] = make_inspector(
            f"amr_insp{n}", amr, f"ZF-SC-{n:04d}")
    for n in range(1, 4):
        users[f"env_insp{n}"], inspectors[f"env_insp{n}"] = make_inspector(
            f"env_insp{n}", env, f"ZF-HJ-{n:04d}")
    items = {
        "food": RegulatoryItem.objects.create(
            code="SC-001", organization=amr, name="食品经营者经营条件检查",
            legal_basis="《中华人民共和国食品安全法》第一百一十条",
            method=InspectionMethod.ON_SITE, is_key=False,
            industries=[Industry.FOOD, Industry.CATERING]),
        "publicity": RegulatoryItem.objects.create(
            code="SC-002", organization=amr, name="企业公示信息检查",
            legal_basis="《企业信息公示暂行条例》第十四条", method=InspectionMethod.DOCUMENTS),
        "special": RegulatoryItem.objects.create(
            code="SC-003", organization=amr, name="特种设备安全检查",
            legal_basis="《中华人民共和国特种设备安全法》第五十七条",
            method=InspectionMethod.ON_SITE, is_key=True),
        "emission": RegulatoryItem.objects.create(
            code="HJ-001", organization=env, name="排污单位排污许可执行情况检查",
            legal_basis="《排污许可管理条例》第二十六条", method=InspectionMethod.ON_SITE,
            industries=[Industry.ENVIRONMENT]),
    }
    for org in (amr, env):
        for grade, factor, cap in RULES:
            SamplingRule.objects.create(organization=org, grade=grade, factor=Decimal(factor),
                                        cap_percent=Decimal(cap) if cap else None)
    for grade, low in BANDS:
        CreditBand.objects.get_or_create(grade=grade, defaults={"min_score": low})
    entities = [make_entity(i, jiangan if i % 2 == 0 else hongshan,
                            INDUSTRIES[i % len(INDUSTRIES)], grade_of(i))
                for i in range(ENTITY_COUNT)]
    return {"orgs": demo_orgs, "amr": amr, "env": env, "outsider_org": outsider_org,
            "users": users, "inspectors": inspectors, "items": items, "entities": entities,
            "jiangan": jiangan, "hongshan": hongshan, "wuhan": Region.objects.get(
                code="420100000000")}


# Built once per test module for the tests that can share it (jingchu.conftest.SharedDemo), not
# for each of the ~180 tests that use it (~60 s of set-up in all on PostgreSQL). A transactional
# test still builds its own: it commits, and the shared world is never committed.
WORLD = share_world(__name__, "supervision_world", build_world)


@pytest.fixture
def supervision_world(_shared_demo: SharedDemo, demo_orgs: dict[str, Any]) -> dict[str, Any]:
    found = _shared_demo.world_for(WORLD, demo_orgs)
    return found if found is not None else build_world(demo_orgs)
