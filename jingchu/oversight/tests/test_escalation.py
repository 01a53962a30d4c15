"""Escalation (超期督办) of overdue assignments: one level at a time on working days from the
official calendar (across the 2026 National Day holiday and its make-up Saturday), each level
once and to its own people; the Celery task and the command line."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from jingchu.core.errors import NotPermitted
from jingchu.core.models import AuditEvent
from jingchu.oversight.actions import assignments, escalation, extensions
from jingchu.oversight.tasks import scan_overdue_assignments
from jingchu.oversight.tests.conftest import World, at, freeze, inbox, issue_task, part

pytestmark = pytest.mark.django_db
WATCHED = ("scjg_handler", "hb_leader", "hb_scjg_leader", "yc_leader")


def scan(year: int, month: int, day: int) -> dict[str, int]:
    return escalation.do_scan_overdue(now=at(year, month, day, 9))


def made(counts: dict[str, int]) -> list[int]:
    return [counts["level_1"], counts["level_2"], counts["level_3"]]


def test_levels_count_working_days_across_national_day(world: World) -> None:
    users = world["users"]
    task = issue_task(world, deadline=dt.date(2026, 9, 30))  # Wednesday before the holiday
    lead = part(world, task, "wh-scjg")

    def inboxes() -> list[int]:
        return [inbox(users[n]) for n in WATCHED]

    start = inboxes()
    assert made(scan(2026, 9, 30)) == [0, 0, 0]  # the deadline day itself is not late
    first = scan(2026, 10, 1)  # a holiday, but past the deadline: the assignee is reminded
    assert first["overdue"] == 1 and made(first) == [1, 0, 0]
    one = inboxes()
    assert [b - a for a, b in zip(start, one, strict=True)] == [1, 0, 0, 0]
    for day in range(2, 8):  # the rest of the holiday: no working day has passed
        assert made(scan(2026, 10, day)) == [0, 0, 0], day
    assert made(scan(2026, 10, 8)) == [0, 1, 0]  # the first working day: the issuer's leaders
    two = inboxes()
    assert [b - a for a, b in zip(one, two, strict=True)] == [0, 1, 0, 0]
    assert made(scan(2026, 10, 8)) == [0, 0, 0]  # once
    assert made(scan(2026, 10, 9)) == [0, 0, 1]  # a working day later: the parent's leaders
    three = inboxes()
    assert [b - a for a, b in zip(two, three, strict=True)] == [0, 0, 1, 0]
    assert made(scan(2026, 10, 12)) == [0, 0, 0]  # three is the top
    lead.refresh_from_db()
    assert lead.escalation == 3 and lead.escalated_at == at(2026, 10, 9, 9)
    assert [e.details["level"] for e in task.events.filter(action="escalated")] == [1, 2, 3]
    labels = set(AuditEvent.objects.filter(action="oversight.assignment.escalate")
                 .values_list("actor_label", flat=True))
    assert labels == {"system"}


def test_a_make_up_saturday_counts_as_a_working_day(world: World) -> None:
    task = issue_task(world, deadline=dt.date(2026, 10, 8))
    assert made(scan(2026, 10, 9)) == [1, 0, 0]
    assert made(scan(2026, 10, 10)) == [0, 1, 0]  # 调休 Saturday
    assert made(scan(2026, 10, 11)) == [0, 0, 0]  # Sunday
    assert made(scan(2026, 10, 12)) == [0, 0, 1]
    assert part(world, task, "wh-scjg").escalation == 3


def test_a_late_scan_catches_up_level_by_level(world: World) -> None:
    users = world["users"]
    issue_task(world, deadline=dt.date(2026, 9, 22), co=("yc-zwb",))
    counts = scan(2026, 9, 28)
    assert counts["overdue"] == 2 and made(counts) == [2, 2, 2]
    # the co-organizer's parent is the province bureau: its leader hears at level 2 and 3
    assert inbox(users["yc_leader"]) == 2  # assigned, then reminded
    assert made(scan(2026, 9, 28)) == [0, 0, 0]


def test_finished_or_extended_assignments_are_left_alone(world: World,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    users = world["users"]
    task = issue_task(world, deadline=dt.date(2026, 9, 22), co=("yc-zwb",))
    co = assignments.do_sign_assignment(users["yc_leader"], part(world, task, "yc-zwb"))
    assignments.do_report_progress(users["yc_leader"], co, text="完成。", percent=100,
                                   final=True)
    lead = assignments.do_sign_assignment(users["scjg_handler"], part(world, task, "wh-scjg"))
    assert made(scan(2026, 9, 23)) == [1, 0, 0]  # only the lead
    freeze(monkeypatch, at(2026, 9, 23, 11))
    ext = extensions.do_request_extension(users["scjg_leader"], lead,
                                          deadline=dt.date(2026, 9, 25), reason="需补充材料。")
    extensions.do_decide_extension(users["hb_leader"], ext, approve=True)
    lead.refresh_from_db()
    assert lead.escalation == 0  # a new deadline starts afresh
    assert made(scan(2026, 9, 24)) == [0, 0, 0]
    assert made(scan(2026, 9, 26)) == [1, 0, 0]


def test_the_celery_task_and_the_command_scan_now(world: World,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    issue_task(world, deadline=dt.date(2026, 9, 22))
    freeze(monkeypatch, at(2026, 9, 23, 9))
    result: Any = scan_overdue_assignments()
    assert made(result) == [1, 0, 0]
    assert made(scan_overdue_assignments()) == [0, 0, 0]
    out = StringIO()
    call_command("oversight", "scan-overdue", "--at", "2026-09-24T09:00", stdout=out)
    assert "level 1: 0, level 2: 1, level 3: 0" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("oversight", "scan-overdue", "--at", "tomorrow")


def test_only_a_superuser_runs_the_scan_by_hand(world: World) -> None:
    with pytest.raises(NotPermitted):
        escalation.do_scan_overdue(world["users"]["hb_leader"])
