"""An assignment's life: sign for, report progress, sub-assign down the levels, extensions and
who decides them, the issuer's review (accept or send back) and cancelling."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import AuditEvent
from jingchu.oversight.actions import assignments, extensions, issue
from jingchu.oversight.choices import AssignmentStatus, ExtensionStatus, TaskStatus
from jingchu.oversight.models import Assignment, DeadlineExtension, OversightTask
from jingchu.oversight.tests.conftest import World, inbox, issue_task, part, pdf

pytestmark = pytest.mark.django_db


def code_of(call: Any) -> str:
    with pytest.raises(ActionError) as caught:
        call()
    return caught.value.code


def signed(world: World, task: OversightTask, key: str = "wh-scjg",
           by: str = "scjg_handler") -> Assignment:
    return assignments.do_sign_assignment(world["users"][by], part(world, task, key))


def report(world: World, a: Assignment, by: str = "scjg_handler", percent: int = 50,
           final: bool = False, **kwargs: Any) -> Any:
    return assignments.do_report_progress(world["users"][by], a, text="已检查42家。",
                                          percent=percent, final=final, **kwargs)


def sub_assign(world: World, a: Assignment, *keys: str, by: str = "scjg_leader",
               deadline: Any = dt.date(2026, 9, 28)) -> list[Assignment]:
    return assignments.do_sub_assign(world["users"][by], a,
                                     organizations=[world["orgs"][k] for k in keys],
                                     deadline=deadline, note="请江岸区局负责。")


def test_handlers_sign_for_their_assignment_once(world: World) -> None:
    users = world["users"]
    task = issue_task(world)
    lead = part(world, task, "wh-scjg")
    for name in ("scjg_steward", "outsider", "hb_leader"):
        with pytest.raises(NotPermitted):
            assignments.do_sign_assignment(users[name], lead)
    done = signed(world, task)
    assert done.status == AssignmentStatus.SIGNED and done.signed_by == users["scjg_handler"]
    assert code_of(lambda: signed(world, task)) == "wrong_state"
    assert task.events.filter(action="signed", assignment=lead).count() == 1
    assert AuditEvent.objects.filter(action="oversight.assignment.sign").count() == 1


def test_progress_reports_and_the_lead_completion_put_the_task_in_review(world: World) -> None:
    users = world["users"]
    task = issue_task(world, co=("yc-zwb",))
    lead = part(world, task, "wh-scjg")
    assert code_of(lambda: report(world, lead)) == "wrong_state"  # not signed for yet
    signed(world, task)
    assert code_of(lambda: report(world, lead, percent=101)) == "percent_invalid"
    assert code_of(lambda: report(world, lead, percent=90, final=True)) == "percent_final"
    progress = report(world, lead, percent=50, attachments=[pdf("检查记录.pdf")])
    lead.refresh_from_db()
    assert (lead.progress_percent, lead.status) == (50, AssignmentStatus.SIGNED)
    assert progress.attachments.get().task == task
    co = signed(world, task, "yc-zwb", "yc_leader")
    before = inbox(users["hb_leader"])
    report(world, co, by="yc_leader", percent=100, final=True)
    co.refresh_from_db()
    task.refresh_from_db()
    assert co.status == AssignmentStatus.REPORTED and task.status == TaskStatus.OPEN
    report(world, lead, percent=100, final=True)
    task.refresh_from_db()
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.REPORTED and lead.completed_at is not None
    assert task.status == TaskStatus.REVIEW
    assert inbox(users["hb_leader"]) == before + 2  # the co's completion, then the review
    assert list(task.events.filter(assignment=lead).values_list("action", flat=True)) == [
        "assigned", "signed", "progress", "reported"]


def test_sub_assignment_goes_down_within_the_region_by_the_parent_deadline(
        world: World) -> None:
    task = issue_task(world, co=("yc-zwb",))
    lead = part(world, task, "wh-scjg")
    assert code_of(lambda: sub_assign(world, lead, "wh-ja-scjg")) == "wrong_state"
    signed(world, task)
    with pytest.raises(NotPermitted):
        sub_assign(world, lead, "wh-ja-scjg", by="scjg_handler")  # leaders sub-assign
    for keys, code in ((("hb-scjg",), "organizations_out_of_region"),  # up a level
                       (("yc-scjg",), "organizations_out_of_region"),  # another city
                       (("yc-zwb",), "organization_taken"),  # already has a part
                       (("hb-zwb",), "organization_taken"),  # the issuer
                       (("wh-scjg",), "organization_taken"),  # itself
                       (("wh-ja-scjg", "wh-ja-scjg"), "organization_taken"),
                       ((), "organizations_required")):
        assert code_of(lambda k=keys: sub_assign(world, lead, *k)) == code, keys
    assert code_of(lambda: sub_assign(world, lead, "wh-ja-scjg",
                                      deadline=dt.date(2026, 10, 1))) == "deadline_after_parent"
    assert code_of(lambda: sub_assign(world, lead, "wh-ja-scjg",
                                      deadline=dt.date(2026, 9, 20))) == "deadline_past"
    assert task.assignments.count() == 2
    made = sub_assign(world, lead, "wh-ja-scjg", "wh-rsj")  # a district, a city department
    assert {(a.parent_id, a.role, a.deadline, a.status) for a in made} == {
        (lead.pk, lead.role, dt.date(2026, 9, 28), AssignmentStatus.ASSIGNED)}
    assert inbox(world["users"]["ja_leader"]) == 1


def test_a_parent_reports_completion_only_after_its_children(world: World) -> None:
    task = issue_task(world)
    lead = signed(world, task)
    (child,) = sub_assign(world, lead, "wh-ja-scjg")
    assert code_of(lambda: report(world, lead, percent=100, final=True)) == "children_open"
    child = signed(world, task, "wh-ja-scjg", "ja_leader")
    before = inbox(world["users"]["scjg_leader"])
    report(world, child, by="ja_leader", percent=100, final=True)
    assert inbox(world["users"]["scjg_leader"]) == before + 1  # the parent hears of it
    report(world, lead, percent=100, final=True)
    task.refresh_from_db()
    assert task.status == TaskStatus.REVIEW


def request(world: World, a: Assignment, deadline: dt.date, by: str = "scjg_leader") -> Any:
    return extensions.do_request_extension(world["users"][by], a, deadline=deadline,
                                           reason="汛期影响，申请延期。")


def decide(world: World, ext: DeadlineExtension, by: str, approve: bool = True,
           note: str = "") -> DeadlineExtension:
    return extensions.do_decide_extension(world["users"][by], ext, approve=approve, note=note)


def test_the_issuer_decides_a_top_level_extension_and_may_move_the_task(world: World) -> None:
    task = issue_task(world)
    lead = signed(world, task)
    with pytest.raises(NotPermitted):
        request(world, lead, dt.date(2026, 10, 9), by="scjg_handler")
    assert code_of(lambda: request(world, lead, dt.date(2026, 9, 30))) == "deadline_not_later"
    ext = request(world, lead, dt.date(2026, 10, 9))
    assert ext.previous_deadline == dt.date(2026, 9, 30)
    assert code_of(lambda: request(world, lead, dt.date(2026, 10, 12))) == "extension_pending"
    for name in ("scjg_leader", "hb_clerk", "outsider"):  # not the assigning organization's
        with pytest.raises(NotPermitted):
            decide(world, ext, name)
    assert code_of(lambda: decide(world, ext, "hb_leader", approve=False)) == "note_required"
    decide(world, ext, "hb_leader")
    lead.refresh_from_db()
    task.refresh_from_db()
    assert lead.deadline == task.deadline == dt.date(2026, 10, 9)
    assert code_of(lambda: decide(world, ext, "hb_leader")) == "wrong_state"
    refused = decide(world, request(world, lead, dt.date(2026, 10, 20)), "hb_leader",
                     approve=False, note="不予延期。")
    lead.refresh_from_db()
    assert refused.status == ExtensionStatus.REFUSED and lead.deadline == dt.date(2026, 10, 9)


def test_the_parent_decides_a_sub_assignment_extension_within_its_own_deadline(
        world: World) -> None:
    task = issue_task(world)
    lead = signed(world, task)
    (child,) = sub_assign(world, lead, "wh-ja-scjg")
    child = signed(world, task, "wh-ja-scjg", "ja_leader")
    too_late = request(world, child, dt.date(2026, 10, 8), by="ja_leader")
    with pytest.raises(NotPermitted):
        decide(world, too_late, "hb_leader")  # the issuer did not assign this one
    assert code_of(lambda: decide(world, too_late, "scjg_leader")) == "deadline_after_parent"
    decide(world, too_late, "scjg_leader", approve=False, note="须在市局期限内完成。")
    decide(world, request(world, child, dt.date(2026, 9, 30), by="ja_leader"), "scjg_leader")
    child.refresh_from_db()
    task.refresh_from_db()
    assert child.deadline == dt.date(2026, 9, 30) and task.deadline == dt.date(2026, 9, 30)


def in_review(world: World) -> OversightTask:
    task = issue_task(world, co=("yc-zwb",))
    report(world, signed(world, task), percent=100, final=True)
    task.refresh_from_db()
    return task


def test_the_issuer_accepts_the_completion_and_closes_the_task(world: World) -> None:
    task = in_review(world)
    with pytest.raises(NotPermitted):
        issue.do_review_task(world["users"]["hb_clerk"], task, accept=True)
    with pytest.raises(NotPermitted):
        issue.do_review_task(world["users"]["scjg_leader"], task, accept=True)
    closed = issue.do_review_task(world["users"]["hb_leader"], task, accept=True,
                                  note="同意办结。")
    assert closed.status == TaskStatus.CLOSED and closed.closing_note == "同意办结。"
    assert set(task.assignments.values_list("status", flat=True)) == {AssignmentStatus.DONE}
    assert code_of(lambda: issue.do_review_task(world["users"]["hb_leader"], task,
                                                accept=True)) == "wrong_state"


def test_the_issuer_sends_back_and_the_lead_reports_again(world: World) -> None:
    users = world["users"]
    task = in_review(world)
    assert code_of(lambda: issue.do_review_task(users["hb_leader"], task,
                                                accept=False)) == "note_required"
    issue.do_review_task(users["hb_leader"], task, accept=False, note="缺少整改台账。")
    task.refresh_from_db()
    lead = part(world, task, "wh-scjg")
    assert (task.status, lead.status) == (TaskStatus.OPEN, AssignmentStatus.RETURNED)
    assert task.events.get(action="sent_back").note == "缺少整改台账。"
    report(world, lead, percent=90)
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.SIGNED
    report(world, lead, percent=100, final=True)
    task.refresh_from_db()
    assert task.status == TaskStatus.REVIEW


def test_cancelling_withdraws_every_part_and_refuses_pending_extensions(world: World) -> None:
    users = world["users"]
    task = issue_task(world, co=("yc-zwb",))
    ext = request(world, signed(world, task), dt.date(2026, 10, 9))
    with pytest.raises(NotPermitted):
        issue.do_cancel_task(users["scjg_leader"], task, reason="不需要了")
    assert code_of(lambda: issue.do_cancel_task(users["hb_leader"], task,
                                                reason="")) == "reason_required"
    issue.do_cancel_task(users["hb_leader"], task, reason="任务调整，撤回。")
    task.refresh_from_db()
    ext.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED and ext.status == ExtensionStatus.REFUSED
    assert set(task.assignments.values_list("status", flat=True)) == {
        AssignmentStatus.WITHDRAWN}
    assert code_of(lambda: signed(world, task, "yc-zwb", "yc_leader")) == "wrong_state"
