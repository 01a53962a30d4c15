"""督办: the overdue scan, its escalation by working days, and manual supervision."""

from __future__ import annotations

from typing import Any

import pytest

from jingchu.cases.tests.conftest import make_staff
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import AuditEvent
from jingchu.hotline.actions import handling, supervision
from jingchu.hotline.choices import SupervisionReason, TicketStatus
from jingchu.hotline.models import Supervision
from jingchu.hotline.tasks import scan_overdue_tickets
from jingchu.hotline.tests.test_handling import at, dispatched, freeze, inbox, wrong_state
from jingchu.identity.choices import StaffRole

World = dict[str, Any]


def levels(ticket: Any) -> list[tuple[int, str]]:
    return sorted(ticket.supervisions.values_list("level", "reason"))


@pytest.mark.django_db
def test_unsigned_ticket_is_supervised_and_escalated(hotline_world: World,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    users, orgs = hotline_world["users"], hotline_world["orgs"]
    parent_approver = make_staff("hb_approver", orgs["hb-scjg"], StaffRole.APPROVER)
    watched = [users[k] for k in ("amr_handler", "amr_approver", "supervisor", "cg_handler")]
    freeze(monkeypatch, at(2026, 3, 2))  # Monday; to be signed for by the end of Tuesday
    ticket = dispatched(hotline_world)
    assert supervision.do_scan_overdue(at(2026, 3, 3, 23)) == 0

    def counts() -> list[int]:
        return [inbox(u) for u in [*watched, parent_approver]]

    start = counts()
    assert supervision.do_scan_overdue(at(2026, 3, 4, 9)) == 1
    ticket.refresh_from_db()
    assert levels(ticket) == [(1, SupervisionReason.SIGN_OVERDUE)]
    assert ticket.supervision_level == 1
    first = counts()
    # level 1: the department's handlers (its approver handles too), nobody else
    assert [a - b for a, b in zip(first, start, strict=True)] == [1, 1, 0, 0, 0]
    # the same day again: nothing new
    assert supervision.do_scan_overdue(at(2026, 3, 4, 9)) == 0
    assert supervision.do_scan_overdue(at(2026, 3, 4, 17)) == 0
    assert counts() == first and ticket.supervisions.count() == 1
    # a working day later, still not signed for: level 2 tells the centre's supervisors too
    assert supervision.do_scan_overdue(at(2026, 3, 5, 9)) == 1
    second = counts()
    assert [a - b for a, b in zip(second, first, strict=True)] == [1, 1, 1, 0, 0]
    assert supervision.do_scan_overdue(at(2026, 3, 5, 9)) == 0
    # level 3 reaches the parent organization (湖北省市场监管局)
    assert supervision.do_scan_overdue(at(2026, 3, 6, 9)) == 1
    third = counts()
    assert [a - b for a, b in zip(third, second, strict=True)] == [1, 1, 1, 0, 1]
    # three is the top
    assert supervision.do_scan_overdue(at(2026, 3, 9, 9)) == 0
    ticket.refresh_from_db()
    assert ticket.supervision_level == 3
    assert levels(ticket) == [(n, SupervisionReason.SIGN_OVERDUE) for n in (1, 2, 3)]
    assert ticket.events.filter(action="supervised").count() == 3
    audit = AuditEvent.objects.filter(action="hotline.ticket.supervise")
    assert {a.actor_label for a in audit} == {"system"} and audit.count() == 3


@pytest.mark.django_db
def test_escalation_waits_a_working_day_over_the_weekend(
        hotline_world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    freeze(monkeypatch, at(2026, 3, 4))  # Wednesday; sign for by the end of Thursday
    ticket = dispatched(hotline_world)
    assert supervision.do_scan_overdue(at(2026, 3, 6, 9)) == 1  # Friday
    assert supervision.do_scan_overdue(at(2026, 3, 7, 9)) == 0  # Saturday
    assert supervision.do_scan_overdue(at(2026, 3, 8, 23)) == 0  # Sunday
    assert supervision.do_scan_overdue(at(2026, 3, 9, 8, 59)) == 0
    assert supervision.do_scan_overdue(at(2026, 3, 9, 9)) == 1  # Monday
    assert [lvl for lvl, _ in levels(ticket)] == [1, 2]


@pytest.mark.django_db
def test_signed_ticket_past_its_deadline_is_handle_overdue(
        hotline_world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    users = hotline_world["users"]
    freeze(monkeypatch, at(2026, 3, 2))
    ticket = dispatched(hotline_world, kind="consult")  # reply by the end of 4 March
    ticket = handling.do_sign_ticket(users["amr_handler"], ticket)
    assert supervision.do_scan_overdue(at(2026, 3, 4, 23)) == 0
    assert supervision.do_scan_overdue(at(2026, 3, 5, 9)) == 1
    assert levels(ticket) == [(1, SupervisionReason.HANDLE_OVERDUE)]
    freeze(monkeypatch, at(2026, 3, 5, 10))
    ticket = handling.do_reply_ticket(users["amr_handler"], ticket, reply="已答复")
    assert ticket.replied_on_time is False
    assert supervision.do_scan_overdue(at(2026, 3, 6, 10)) == 0
    assert ticket.supervisions.count() == 1


@pytest.mark.django_db
def test_tickets_on_time_or_away_from_departments_are_left_alone(
        hotline_world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    users = hotline_world["users"]
    freeze(monkeypatch, at(2026, 3, 2))
    on_time = dispatched(hotline_world, kind="complaint")
    handling.do_sign_ticket(users["amr_handler"], on_time)
    returned = dispatched(hotline_world)
    handling.do_return_ticket(users["amr_handler"], returned, reason="不归我局管")
    assert supervision.do_scan_overdue(at(2026, 3, 10, 9)) == 0
    assert not Supervision.objects.exists()


@pytest.mark.django_db
def test_task_scans_now(hotline_world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    freeze(monkeypatch, at(2026, 3, 2))
    dispatched(hotline_world)
    freeze(monkeypatch, at(2026, 3, 4, 9))
    assert scan_overdue_tickets() == 1
    assert scan_overdue_tickets() == 0


@pytest.mark.django_db
def test_manual_supervision(hotline_world: World) -> None:
    users = hotline_world["users"]
    ticket = dispatched(hotline_world)
    with pytest.raises(ActionError) as err:
        supervision.do_supervise_ticket(users["supervisor"], ticket, note="")
    assert err.value.code == "reason_required"
    # an operator is not a supervisor
    with pytest.raises(NotPermitted):
        supervision.do_supervise_ticket(users["operator"], ticket, note="请加快办理")
    before = inbox(users["amr_handler"])
    made = supervision.do_supervise_ticket(users["supervisor"], ticket, note="请加快办理")
    assert (made.level, made.reason, made.created_by) == (1, SupervisionReason.MANUAL,
                                                          users["supervisor"])
    assert made.organization == hotline_world["orgs"]["wh-scjg"]
    assert inbox(users["amr_handler"]) == before + 1
    # manual supervision may be repeated
    supervision.do_supervise_ticket(users["supervisor"], ticket, note="再次督办")
    assert ticket.supervisions.count() == 2
    handling.do_return_ticket(users["amr_handler"], ticket, reason="错派")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RETURNED
    wrong_state(lambda: supervision.do_supervise_ticket(users["supervisor"], ticket,
                                                        note="督办"))


@pytest.mark.django_db
def test_a_redispatch_starts_a_new_round_at_level_one(
        hotline_world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    users = hotline_world["users"]
    freeze(monkeypatch, at(2026, 3, 2))
    ticket = dispatched(hotline_world)
    assert supervision.do_scan_overdue(at(2026, 3, 4, 9)) == 1
    assert supervision.do_scan_overdue(at(2026, 3, 5, 9)) == 1
    freeze(monkeypatch, at(2026, 3, 5, 10))
    handling.do_return_ticket(users["amr_handler"], ticket, reason="不属于本单位职责")
    handling.do_dispatch_ticket(users["operator"], ticket,
                                organization=hotline_world["orgs"]["wh-wjw"])
    ticket.refresh_from_db()
    assert ticket.supervision_level == 0
    # late again in the new round: level 1 again, not level 3
    assert supervision.do_scan_overdue(at(2026, 3, 9, 9)) == 1
    newest = ticket.supervisions.order_by("-created_at").first()
    assert newest is not None and newest.level == 1
    assert newest.round_start == ticket.dispatched_at


def test_the_scan_is_on_the_beat_schedule() -> None:
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["scan-overdue-hotline-tickets"]
    assert entry["task"] == scan_overdue_tickets.name
    assert entry["task"] == "jingchu.hotline.tasks.scan_overdue_tickets"
