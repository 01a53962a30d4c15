"""Fixtures for rating tests: cases taken through the real case actions, staff, devices."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jingchu.cases import actions as case_actions
from jingchu.cases.choices import Channel
from jingchu.cases.models import Case, CaseMaterial
from jingchu.cases.tests.conftest import (  # noqa: F401 - fixtures re-exported for pytest
    catalog,
    implementation,
    make_staff,
    wuhan_amr_staff,
)
from jingchu.identity.choices import StaffRole
from jingchu.identity.models import LegalEntity, User
from jingchu.reviews import actions
from jingchu.reviews.models import Review
from jingchu.services.choices import MaterialNecessity, MaterialSource
from jingchu.services.tests.sample_forms import posted_values

ENTERPRISE_START = "000172002000"  # 企业开办, 全省通办 at 武汉市市场监管局
STEPS = ["submit", "accept", "start_review", "approve", "complete"]


def fill(case: Case) -> dict[str, str]:
    """Values that satisfy the item's form schema."""
    return posted_values(case.version.form_schema)


def make_case(orgs: dict[str, Any], staff: dict[str, User], upto: str = "complete") -> Case:
    """wangwu's 企业开办 application for the demo enterprise, taken up to step `upto`."""
    impl = implementation(ENTERPRISE_START, "wh-scjg", orgs)
    wangwu = User.objects.get(username="wangwu")
    entity = LegalEntity.objects.get()
    case = case_actions.do_create_draft(wangwu, implementation=impl, applicant=wangwu.person,
                                        on_behalf_of=entity, channel=Channel.ONLINE)
    case_actions.do_save_form(wangwu, case, fill(case) | {"uscc": entity.uscc})
    for req in case.version.materials.filter(necessity=MaterialNecessity.REQUIRED,
                                             source=MaterialSource.UPLOAD):
        CaseMaterial.objects.create(case=case, requirement=req, source="upload",
                                    file=SimpleUploadedFile("a.pdf", b"%PDF-1.4"),
                                    filename="a.pdf")
    actors = {"submit": wangwu, "accept": User.objects.get(username="clerk_wuhan"),
              "start_review": staff["reviewer"], "approve": staff["approver"],
              "complete": staff["reviewer"]}
    for step in STEPS[: STEPS.index(upto) + 1]:
        case = case_actions.do_transition(actors[step], case, step)
    return case


@pytest.fixture
def world(catalog: dict[str, Any], wuhan_amr_staff: dict[str, User]) -> dict[str, Any]:  # noqa: F811
    """Demo world + catalog, 武汉市市场监管局 staff (reviewer, approver, a second approver,
    an administrator) and the people who play the parts."""
    org = catalog["wh-scjg"]
    users = dict(wuhan_amr_staff)
    users["approver2"] = make_staff("wh_approver2", org, StaffRole.APPROVER)
    users["admin_org"] = make_staff("wh_admin", org, StaffRole.ADMINISTRATOR)
    users["clerk_at_amr"] = make_staff("wh_amr_clerk", org, StaffRole.WINDOW_CLERK)
    for name in ("wangwu", "lisi", "zhangsan", "clerk_wuhan", "reviewer_amr", "approver_amr"):
        users[name] = User.objects.get(username=name)
    return {"orgs": catalog, "users": users}


@pytest.fixture
def completed_case(world: dict[str, Any]) -> Case:
    return make_case(world["orgs"], world["users"])


@pytest.fixture
def bad_review(world: dict[str, Any], completed_case: Case) -> Review:
    """wangwu rates the completed case 非常不满意: a rectification is opened at 武汉市市场监管局."""
    return actions.do_rate_case(world["users"]["wangwu"], completed_case, event="completion",
                                level=1, scores={"attitude": 1}, comment="态度很差")


def open_device(clerk: User, org: Any) -> str:
    _device, token = actions.do_open_window_device(clerk, org)
    return token


def rate_at(org: Any, clerk: User, token: str, level: int, **kw: Any) -> Review:
    return actions.do_rate_at_window(clerk, token, org, event=kw.pop("event", "consultation"),
                                     level=level, **kw)
