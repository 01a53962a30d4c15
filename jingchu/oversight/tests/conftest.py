"""Fixtures of the oversight tests: the demo organizations and the people who play the parts.

Users (password `PASSWORD` of the case tests), all staff:
- hb_leader       湖北省政务服务和大数据管理局, approver (the issuer's leader)
- hb_clerk        湖北省政务服务和大数据管理局, reviewer (the issuer's staff, not a leader)
- scjg_leader     武汉市市场监督管理局, approver
- scjg_handler    武汉市市场监督管理局, reviewer
- scjg_steward    武汉市市场监督管理局, data steward (staff, not a handler)
- ja_leader       武汉市江岸区市场监督管理局, approver
- wh_leader       武汉市政务服务和大数据管理局, approver
- yc_leader       宜昌市政务服务和大数据管理局, approver
- hb_scjg_leader  湖北省市场监督管理局, approver (the parent of 武汉市市场监督管理局)
- outsider        襄阳市市场监督管理局, approver (no business with these tasks)
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jingchu.cases.tests.conftest import make_staff
from jingchu.core.models import Notification
from jingchu.identity.choices import StaffRole
from jingchu.oversight.actions import issue
from jingchu.oversight.models import Assignment, OversightTask

LOCAL = ZoneInfo("Asia/Shanghai")
World = dict[str, Any]
PDF = b"%PDF-1.4\n%test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
USERS = {
    "hb_leader": ("hb-zwb", StaffRole.APPROVER),
    "hb_clerk": ("hb-zwb", StaffRole.REVIEWER),
    "scjg_leader": ("wh-scjg", StaffRole.APPROVER),
    "scjg_handler": ("wh-scjg", StaffRole.REVIEWER),
    "scjg_steward": ("wh-scjg", StaffRole.DATA_STEWARD),
    "ja_leader": ("wh-ja-scjg", StaffRole.APPROVER),
    "wh_leader": ("wh-zwb", StaffRole.APPROVER),
    "yc_leader": ("yc-zwb", StaffRole.APPROVER),
    "hb_scjg_leader": ("hb-scjg", StaffRole.APPROVER),
    "outsider": ("xy-scjg", StaffRole.APPROVER),
}


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A local (Asia/Shanghai) instant."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=LOCAL)


def freeze(monkeypatch: pytest.MonkeyPatch, moment: dt.datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


def inbox(user: Any) -> int:
    return Notification.objects.filter(recipient=user).count()


def pdf(name: str = "方案.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def world(demo_orgs: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> World:
    """The organizations, the users above, and the clock at Monday 21 September 2026, 10:00."""
    freeze(monkeypatch, at(2026, 9, 21))
    users = {name: make_staff(name, demo_orgs[key], role)
             for name, (key, role) in USERS.items()}
    return {"orgs": demo_orgs, "users": users}


def issue_task(world: World, *, deadline: Any = dt.date(2026, 9, 30), lead: str = "wh-scjg",
               co: tuple[str, ...] = (), by: str = "hb_leader", issuer: str = "hb-zwb",
               title: str = "食品安全专项督查", **kwargs: Any) -> OversightTask:
    orgs = world["orgs"]
    return issue.do_issue_task(
        world["users"][by], issuer=orgs[issuer], title=title,
        instruction="请开展专项检查并按期报送结果。", deadline=deadline, lead=orgs[lead],
        co_organizations=[orgs[k] for k in co], **kwargs)


def part(world: World, task: OversightTask, key: str) -> Assignment:
    return task.assignments.get(organization=world["orgs"][key])
