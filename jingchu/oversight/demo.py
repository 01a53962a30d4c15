"""The oversight part of `jingchu demo`: the province's oversight office and leaders in Wuhan,
Jiang'an and Yichang, and five tasks told through the actions with the clock set back:

1. closed: issued by the province to Wuhan's and Yichang's government-service bureaus,
   reported and accepted;
2. in progress: issued by the province to Wuhan's market regulator (lead) and Yichang's,
   passed on by Wuhan to its Jiang'an district bureau, with an extension request pending;
3. overdue: Wuhan's bureau missed its deadline and the scan escalated it to level 3;
4. awaiting review: Yichang's bureau reported the completion;
5. just issued by Wuhan's bureau to the Jiang'an service hall, not yet signed for.

Idempotent: staff are looked up before they are made, and a task is known by its issuer and
title (each task's story runs in one transaction, so it is there in full or not at all).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from jingchu.core.democlock import clock
from jingchu.core.models import Organization
from jingchu.identity import actions as identity_actions
from jingchu.identity.choices import StaffRole
from jingchu.identity.demo import DEMO_PASSWORD
from jingchu.identity.models import Staff, User
from jingchu.oversight.actions import assignments, escalation, extensions, issue
from jingchu.oversight.models import Assignment, OversightTask

LOCAL = ZoneInfo("Asia/Shanghai")
# username, name, organization key, description (all approvers: leaders who also handle)
STAFF = [
    ("oversight_leader", "严督查", "hb-zwb",
     "Oversight office leader, 湖北省政务服务和大数据管理局"),
    ("wh_oversight", "武督办", "wh-zwb", "Oversight leader, 武汉市政务服务和大数据管理局"),
    ("wh_scjg_leader", "汉市监", "wh-scjg", "Oversight leader, 武汉市市场监督管理局"),
    ("ja_scjg_leader", "江市监", "wh-ja-scjg", "Oversight leader, 武汉市江岸区市场监督管理局"),
    ("yc_oversight", "宜督办", "yc-zwb", "Oversight leader, 宜昌市政务服务和大数据管理局"),
    ("yc_scjg_leader", "宜市监", "yc-scjg", "Oversight leader, 宜昌市市场监督管理局"),
]
# A one-page PDF: the instruction's attachment in the demo.
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


@dataclass
class World:
    orgs: dict[str, Organization]
    users: dict[str, User]
    now: dt.datetime


def _staff(ctx: Any, orgs: dict[str, Organization]) -> dict[str, User]:
    users: dict[str, User] = {}
    for username, name, key, description in STAFF:
        staff = Staff.objects.filter(user__username=username).select_related("user").first()
        if staff is None:
            staff = identity_actions.do_create_staff(None, username=username, name=name,
                                                     password=ctx.password or DEMO_PASSWORD)
        identity_actions.do_assign_role(None, staff=staff, organization=orgs[key],
                                        role=StaffRole.APPROVER)
        users[username] = staff.user
        ctx.logins.append((username, name, description))
    return users


class Story:
    """One task, each step at its own time: `day` days after the task was issued, at 10:00."""

    def __init__(self, world: World, days_ago: int) -> None:
        self.world = world
        local = world.now.astimezone(LOCAL)
        self.start = dt.datetime.combine(local.date() - dt.timedelta(days=days_ago),
                                         dt.time(10), tzinfo=LOCAL)
        self.task: OversightTask | None = None

    def at(self, day: float, step: Callable[[], Any]) -> Any:
        moment = min(self.start + dt.timedelta(days=day),
                     self.world.now - dt.timedelta(minutes=5))
        with clock(moment):
            return step()

    def day(self, n: int) -> dt.date:
        return self.start.date() + dt.timedelta(days=n)

    def user(self, name: str) -> User:
        return self.world.users[name]

    def issue(self, by: str, issuer: str, title: str, instruction: str, deadline_day: int,
              lead: str, co: tuple[str, ...] = (), files: tuple[ContentFile[bytes], ...] = ()
              ) -> OversightTask:
        orgs = self.world.orgs
        self.task = self.at(0, lambda: issue.do_issue_task(
            self.user(by), issuer=orgs[issuer], title=title, instruction=instruction,
            deadline=self.day(deadline_day), lead=orgs[lead],
            co_organizations=[orgs[k] for k in co], attachments=files))
        return self.task

    def part(self, key: str) -> Assignment:
        assert self.task is not None
        return self.task.assignments.get(organization=self.world.orgs[key])

    def sign(self, day: float, key: str, by: str) -> None:
        self.at(day, lambda: assignments.do_sign_assignment(self.user(by), self.part(key)))

    def report(self, day: float, key: str, by: str, text: str, percent: int,
               final: bool = False) -> None:
        self.at(day, lambda: assignments.do_report_progress(
            self.user(by), self.part(key), text=text, percent=percent, final=final))


def _closed(world: World) -> None:
    s = Story(world, 45)
    s.issue("oversight_leader", "hb-zwb", "政务服务事项“一网通办”清单梳理",
            "请各市州政务服务和大数据管理局对照省级标准目录，完成本地政务服务事项实施清单的梳理"
            "和比对，报送差异情况及整改措施。", 20, "wh-zwb", ("yc-zwb",))
    s.sign(1, "wh-zwb", "wh_oversight")
    s.sign(1.2, "yc-zwb", "yc_oversight")
    s.report(8, "wh-zwb", "wh_oversight", "已完成市本级1,286项事项比对，区级比对进行中。", 60)
    s.report(14, "yc-zwb", "yc_oversight", "宜昌市事项清单比对完成，差异32项均已整改。", 100,
             final=True)
    s.report(16, "wh-zwb", "wh_oversight", "市区两级比对全部完成，差异事项已整改并发布。", 100,
             final=True)
    assert s.task is not None
    task = s.task
    s.at(18, lambda: issue.do_review_task(world.users["oversight_leader"], task, accept=True,
                                          note="材料齐全，整改到位，同意办结。"))


def _in_progress(world: World) -> None:
    s = Story(world, 8)
    s.issue("oversight_leader", "hb-zwb", "食品安全“守底线、查隐患、保安全”专项督查",
            "请牵头单位组织对校园周边、农贸市场食品经营主体开展全覆盖检查，每周报送进展，"
            "发现问题立即整改。", 30, "wh-scjg", ("yc-scjg",),
            files=(ContentFile(PDF, name="专项督查方案.pdf"),))
    s.sign(0.5, "wh-scjg", "wh_scjg_leader")
    parent = s.part("wh-scjg")
    s.at(1, lambda: assignments.do_sub_assign(
        world.users["wh_scjg_leader"], parent, organizations=[world.orgs["wh-ja-scjg"]],
        deadline=s.day(25), note="请江岸区局负责辖区内校园周边检查，按周报送。"))
    s.sign(1.5, "wh-ja-scjg", "ja_scjg_leader")
    s.report(6, "wh-ja-scjg", "ja_scjg_leader", "已检查校园周边经营主体126家，立案查处3起。", 60)
    s.sign(2, "yc-scjg", "yc_scjg_leader")
    s.report(6.5, "yc-scjg", "yc_scjg_leader", "农贸市场检查完成40%，部分乡镇市场尚未覆盖。", 40)
    part = s.part("yc-scjg")
    s.at(7, lambda: extensions.do_request_extension(
        world.users["yc_scjg_leader"], part, deadline=s.day(40),
        reason="汛期影响部分乡镇市场检查，申请延期10天。"))


def _overdue(world: World) -> None:
    s = Story(world, 24)
    task = s.issue("oversight_leader", "hb-zwb", "营商环境投诉问题整改落实",
                   "对12345热线反映的企业开办、不动产登记等营商环境问题逐件核查整改，"
                   "限期报送整改结果。", 10, "wh-zwb")
    s.sign(1, "wh-zwb", "wh_oversight")
    s.report(6, "wh-zwb", "wh_oversight", "已核查投诉问题18件，整改完成7件。", 40)
    for day in escalation.due_dates(task.deadline):
        moment = dt.datetime.combine(day, dt.time(9), tzinfo=LOCAL)
        if moment < world.now:
            with clock(moment):
                escalation.do_scan_overdue(None, now=moment)


def _in_review(world: World) -> None:
    s = Story(world, 15)
    s.issue("oversight_leader", "hb-zwb", "“高效办成一件事”宜昌试点推进",
            "请宜昌市推进新生儿出生、企业信息变更等“一件事”集成办理，报送试点成效。", 20,
            "yc-zwb")
    s.sign(1, "yc-zwb", "yc_oversight")
    s.report(7, "yc-zwb", "yc_oversight", "已上线“一件事”5项，平均办理时间压缩60%。", 80)
    s.report(13, "yc-zwb", "yc_oversight", "试点任务全部完成，总结报告已报送。", 100, final=True)


def _just_issued(world: World) -> None:
    s = Story(world, 2)
    s.issue("wh_oversight", "wh-zwb", "江岸区政务服务中心窗口作风专项整顿",
            "针对群众反映的窗口办事推诿问题，开展作风整顿，建立首问负责台账。", 15,
            "wh-ja-zwzx")


STORIES: list[tuple[str, str, Callable[[World], None]]] = [
    ("hb-zwb", "政务服务事项“一网通办”清单梳理", _closed),
    ("hb-zwb", "食品安全“守底线、查隐患、保安全”专项督查", _in_progress),
    ("hb-zwb", "营商环境投诉问题整改落实", _overdue),
    ("hb-zwb", "“高效办成一件事”宜昌试点推进", _in_review),
    ("wh-zwb", "江岸区政务服务中心窗口作风专项整顿", _just_issued),
]


def load_tasks(world: World) -> int:
    """Tell the stories not told yet; answers how many tasks were made."""
    made = 0
    for issuer, title, story in STORIES:
        if OversightTask.objects.filter(issuer=world.orgs[issuer], title=title).exists():
            continue
        with transaction.atomic():
            story(world)
        made += 1
    return made


def load_demo(ctx: Any) -> None:
    users = _staff(ctx, ctx.orgs)
    world = World(orgs=ctx.orgs, users=users, now=timezone.now())
    made = load_tasks(world)
    scanned = escalation.do_scan_overdue(None) if made else {}
    total = OversightTask.objects.filter(title__in=[title for _i, title, _s in STORIES]).count()
    ctx.report.append(f"Oversight: {total} demo tasks ({made} made now, "
                      f"{sum(v for k, v in scanned.items() if k != 'overdue')} escalations)")
