"""The oversight pages through Django's test client: who may open each page (outsiders 403),
the main POSTs (issue, sign, report with a file, sub-assign, extension, review), a refused
action shown on its form with nothing written, the board's ordering, and file downloads."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from jingchu.core.models import AuditEvent
from jingchu.core.navigation import menu
from jingchu.oversight.actions import assignments
from jingchu.oversight.choices import AssignmentStatus, TaskStatus
from jingchu.oversight.models import Assignment, OversightTask, TaskAttachment
from jingchu.oversight.tests.conftest import World, at, freeze, issue_task, part, pdf

pytestmark = pytest.mark.django_db


def as_user(world: World, name: str) -> Client:
    client = Client()
    client.force_login(world["users"][name])
    return client


def task_url(task: OversightTask, name: str = "oversight:task") -> str:
    return reverse(name, kwargs={"number": task.number})


def step_url(name: str, a: Any) -> str:
    return reverse(name, kwargs={"uid": a.uid})


def test_menu_and_pages_by_role(world: World, client: Client) -> None:
    urls = {url for _label, url in menu(world["users"]["scjg_handler"])}
    assert "/oversight/" in urls and "/oversight/board/" not in urls
    assert "/oversight/board/" in {url for _l, url in menu(world["users"]["hb_leader"])}
    home, board, new = (reverse(f"oversight:{n}") for n in ("home", "board", "new"))
    assert client.get(home).status_code == 302  # anonymous: to the sign-in page
    handler = as_user(world, "scjg_handler")
    assert handler.get(home).status_code == 200
    assert handler.get(board).status_code == 403
    assert handler.get(new).status_code == 403
    assert as_user(world, "hb_leader").get(new).status_code == 200


def test_a_leader_issues_a_task_on_the_form(world: World) -> None:
    orgs = world["orgs"]
    leader = as_user(world, "hb_leader")
    data = {"issuer": orgs["hb-zwb"].uid, "title": "安全生产大检查",
            "instruction": "请全面排查隐患。", "deadline": "2026-09-21",
            "lead": orgs["wh-scjg"].uid, "co_organizations": [orgs["yc-zwb"].uid],
            "attachments": [pdf()]}
    refused = leader.post(reverse("oversight:new"), data)
    assert refused.status_code == 400 and not OversightTask.objects.exists()
    assert refused.context["form"].errors["deadline"]
    done = leader.post(reverse("oversight:new"), {**data, "deadline": "2026-09-30",
                                                  "attachments": [pdf()]})
    task = OversightTask.objects.get()
    assert done.status_code == 302 and done["Location"] == task_url(task)
    assert task.assignments.count() == 2 and task.attachments.count() == 1


def test_task_page_shows_the_forms_the_user_may_use(world: World) -> None:
    task = issue_task(world, co=("yc-zwb",))
    assert as_user(world, "outsider").get(task_url(task)).status_code == 403
    handler_page = as_user(world, "scjg_handler").get(task_url(task)).content.decode()
    assert step_url("oversight:sign", part(world, task, "wh-scjg")) in handler_page
    assert step_url("oversight:sign", part(world, task, "yc-zwb")) not in handler_page
    steward_page = as_user(world, "scjg_steward").get(task_url(task))
    assert steward_page.status_code == 200  # staff of an assigned organization see it …
    assert 'class="stack sign-form"' not in steward_page.content.decode()  # … but do not act
    issuer_page = as_user(world, "hb_clerk").get(task_url(task)).content.decode()
    assert task_url(task, "oversight:cancel") not in issuer_page  # only leaders cancel
    assert task_url(task, "oversight:cancel") in as_user(world, "hb_leader").get(
        task_url(task)).content.decode()


def test_steps_through_the_pages(world: World) -> None:
    task = issue_task(world)
    lead = part(world, task, "wh-scjg")
    handler, leader = as_user(world, "scjg_handler"), as_user(world, "scjg_leader")
    assert as_user(world, "outsider").post(step_url("oversight:sign", lead)).status_code == 403
    assert as_user(world, "scjg_steward").post(
        step_url("oversight:sign", lead)).status_code == 403
    assert handler.post(step_url("oversight:sign", lead)).status_code == 302
    done = handler.post(step_url("oversight:report", lead),
                        {"text": "已检查。", "percent": "40", "attachments": [pdf("记录.pdf")]})
    assert done.status_code == 302
    sub = {"organizations": [world["orgs"]["wh-ja-scjg"].uid], "deadline": "2026-10-09",
           "note": ""}
    refused = leader.post(step_url("oversight:sub_assign", lead), sub)
    assert refused.status_code == 400 and task.assignments.count() == 1  # after the parent's
    assert leader.post(step_url("oversight:sub_assign", lead),
                       {**sub, "deadline": "2026-09-29"}).status_code == 302
    child = task.assignments.get(parent=lead)
    assert child.organization == world["orgs"]["wh-ja-scjg"]
    assert leader.post(step_url("oversight:request_extension", lead),
                       {"deadline": "2026-10-10", "reason": "需要更多时间"}).status_code == 302
    ext = lead.extensions.get()
    assert leader.post(step_url("oversight:decide_extension", ext),
                       {"decision": "approve"}).status_code == 403
    assert as_user(world, "hb_leader").post(step_url("oversight:decide_extension", ext),
                                            {"decision": "approve"}).status_code == 302
    lead.refresh_from_db()
    assert lead.deadline == dt.date(2026, 10, 10)


def test_review_on_the_page(world: World) -> None:
    task = issue_task(world)
    lead = assignments.do_sign_assignment(world["users"]["scjg_handler"],
                                          part(world, task, "wh-scjg"))
    assignments.do_report_progress(world["users"]["scjg_handler"], lead, text="完成",
                                   percent=100, final=True)
    url = task_url(task, "oversight:review")
    assert as_user(world, "hb_clerk").post(url, {"decision": "accept"}).status_code == 403
    leader = as_user(world, "hb_leader")
    assert leader.post(url, {"decision": "send_back", "note": ""}).status_code == 400
    assert leader.post(url, {"decision": "send_back", "note": "补充台账"}).status_code == 302
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.RETURNED


def test_board_lists_overdue_first_within_the_leaders_region(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    users = world["users"]
    reported = issue_task(world, deadline=dt.date(2026, 9, 23), title="已报告")
    early = part(world, reported, "wh-scjg")
    assignments.do_sign_assignment(users["scjg_handler"], early)
    assignments.do_report_progress(users["scjg_handler"], early, text="完成", percent=100,
                                   final=True)
    late = issue_task(world, deadline=dt.date(2026, 9, 25), title="已逾期", lead="wh-zwb")
    issue_task(world, deadline=dt.date(2026, 9, 24), title="未到期", lead="yc-zwb")
    freeze(monkeypatch, at(2026, 9, 24))
    Assignment.objects.filter(task=late).update(deadline=dt.date(2026, 9, 23))
    page = as_user(world, "hb_leader").get(reverse("oversight:board"))
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [(r.task.title, r.is_overdue) for r in rows] == [
        ("已逾期", True), ("已报告", False), ("未到期", False)]
    counts = page.context["counts"]
    assert dict((v, n) for v, _l, n in counts["by_status"])[TaskStatus.REVIEW] == 1
    assert dict((v, n["overdue"]) for v, _l, n in counts["by_level"])["city"] == 1
    city = as_user(world, "scjg_leader").get(reverse("oversight:board"))
    assert {r.task.title for r in city.context["rows"]} == {"已报告", "已逾期"}  # not Yichang
    filtered = as_user(world, "hb_leader").get(reverse("oversight:board"),
                                               {"overdue": "on"})
    assert [r.task.title for r in filtered.context["rows"]] == ["已逾期"]
    assert as_user(world, "outsider").get(reverse("oversight:board")).context["rows"] == []


def test_attachment_downloads_are_permission_checked(world: World, client: Client) -> None:
    task = issue_task(world, attachments=[pdf("方案.pdf")])
    stored = TaskAttachment.objects.get(task=task)
    url = step_url("oversight:attachment", stored)
    assert client.get(url).status_code == 302  # anonymous
    assert as_user(world, "outsider").get(url).status_code == 403
    assert as_user(world, "yc_leader").get(url).status_code == 403  # not on this task
    got: Any = as_user(world, "scjg_steward").get(url)
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"%PDF-")
    assert AuditEvent.objects.filter(action="oversight.attachment.read").count() == 1
    missing = reverse("oversight:attachment", kwargs={"uid": "00000000-0000-0000-0000-"
                                                              "000000000000"})
    assert as_user(world, "hb_leader").get(missing).status_code == 404
