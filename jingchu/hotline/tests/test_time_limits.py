"""Time limits of dispatched tickets on the 2026 calendar (data/calendar/2026.csv): holidays and
make-up working days, urgent tickets, extensions, and whether the reply was on time."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jingchu.hotline.actions import config, handling
from jingchu.hotline.choices import ExtensionStatus, TicketStatus
from jingchu.hotline.tests.test_handling import at, dispatched, end_of, freeze, handling_ticket

World = dict[str, Any]


@pytest.mark.django_db
def test_consultation_before_labour_day(hotline_world: World,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # Thursday 30 April; 1–5 May are holidays: day 1 is Wednesday 6 May, day 2 Thursday 7 May.
    freeze(monkeypatch, at(2026, 4, 30, 16))
    ticket = dispatched(hotline_world, kind="consult")
    assert ticket.sign_deadline == end_of(2026, 5, 6)
    assert ticket.deadline == end_of(2026, 5, 7)


@pytest.mark.django_db
def test_complaint_across_national_day(hotline_world: World,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # Wednesday 30 September; 1–7 October are holidays and Saturday 10 October is a make-up
    # working day: 15 working days are 8, 9, 10, 12–16, 19–23, 26 and 27 October.
    freeze(monkeypatch, at(2026, 9, 30, 9))
    ticket = dispatched(hotline_world, kind="complaint")
    assert ticket.sign_deadline == end_of(2026, 10, 8)
    assert ticket.deadline == end_of(2026, 10, 27)


@pytest.mark.django_db
def test_a_weekend_dispatch_counts_from_monday(hotline_world: World,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    freeze(monkeypatch, at(2026, 3, 7, 20))  # Saturday evening
    ticket = dispatched(hotline_world, kind="help")
    assert ticket.sign_deadline == end_of(2026, 3, 9)
    assert ticket.deadline == end_of(2026, 3, 13)


@pytest.mark.django_db
def test_urgent_is_24_hours_even_over_a_holiday(hotline_world: World,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # Friday before 清明 (4–6 April): 24 plain hours, and sign-for within them too.
    freeze(monkeypatch, at(2026, 4, 3, 15))
    ticket = dispatched(hotline_world, kind="complaint", urgency="urgent")
    assert ticket.deadline == at(2026, 4, 4, 15)
    assert ticket.sign_deadline == at(2026, 4, 4, 15)


@pytest.mark.django_db
def test_configured_limit_applies(hotline_world: World,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    config.do_set_time_limit(hotline_world["users"]["supervisor"], kind="help",
                             urgency="normal", working_days=3, sign_working_days=2)
    freeze(monkeypatch, at(2026, 3, 2))  # Monday
    ticket = dispatched(hotline_world, kind="help")
    assert ticket.sign_deadline == end_of(2026, 3, 4)
    assert ticket.deadline == end_of(2026, 3, 5)


@pytest.mark.django_db
def test_approved_extension_moves_the_deadline_by_working_days(
        hotline_world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    users = hotline_world["users"]
    freeze(monkeypatch, at(2026, 4, 30, 16))
    ticket = handling_ticket(hotline_world, kind="consult")
    assert ticket.deadline == end_of(2026, 5, 7)
    extension = handling.do_request_extension(users["amr_handler"], ticket, working_days=3,
                                              reason="需要到现场核查")
    before = len(users["amr_handler"].notifications.all())
    extension = handling.do_decide_extension(users["supervisor"], extension, approve=True)
    ticket.refresh_from_db()
    # 8 May (Friday), 9 May (make-up Saturday), 11 May (Monday)
    assert ticket.deadline == end_of(2026, 5, 11)
    assert extension.status == ExtensionStatus.APPROVED
    assert (extension.old_deadline, extension.new_deadline) == (end_of(2026, 5, 7),
                                                               end_of(2026, 5, 11))
    assert extension.decided_by == users["supervisor"]
    assert len(users["amr_handler"].notifications.all()) == before + 1
    assert ticket.events.filter(action="extension_approved").exists()


@pytest.mark.django_db
def test_refused_extension_keeps_the_deadline(hotline_world: World,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    users = hotline_world["users"]
    freeze(monkeypatch, at(2026, 4, 30, 16))
    ticket = handling_ticket(hotline_world, kind="consult")
    extension = handling.do_request_extension(users["amr_handler"], ticket, working_days=3,
                                              reason="需要到现场核查")
    extension = handling.do_decide_extension(users["supervisor"], extension, approve=False,
                                             note="咨询件应按时答复")
    ticket.refresh_from_db()
    assert ticket.deadline == end_of(2026, 5, 7)
    assert extension.status == ExtensionStatus.REFUSED
    assert extension.new_deadline == end_of(2026, 5, 7)
    assert ticket.events.filter(action="extension_refused").exists()


@pytest.mark.django_db
def test_replied_on_time_is_fixed_at_the_reply(hotline_world: World,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    handler = hotline_world["users"]["amr_handler"]
    freeze(monkeypatch, at(2026, 4, 30, 16))
    early = handling_ticket(hotline_world, kind="consult")
    late = handling_ticket(hotline_world, kind="consult")
    freeze(monkeypatch, at(2026, 5, 7, 23, 59))
    early = handling.do_reply_ticket(handler, early, reply="已答复")
    assert early.replied_on_time is True
    freeze(monkeypatch, at(2026, 5, 8, 0, 1))
    late = handling.do_reply_ticket(handler, late, reply="已答复")
    assert late.replied_on_time is False
    assert late.status == TicketStatus.REPLIED
    assert late.replied_at == at(2026, 5, 8, 0, 1)


@pytest.mark.django_db
def test_extended_ticket_replied_after_the_old_deadline_is_on_time(
        hotline_world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    users = hotline_world["users"]
    freeze(monkeypatch, at(2026, 4, 30, 16))
    ticket = handling_ticket(hotline_world, kind="consult")
    extension = handling.do_request_extension(users["amr_handler"], ticket, working_days=1,
                                              reason="需要核查")
    handling.do_decide_extension(users["supervisor"], extension, approve=True)
    freeze(monkeypatch, at(2026, 5, 8, 9) + dt.timedelta(hours=1))
    ticket = handling.do_reply_ticket(users["amr_handler"], ticket, reply="已答复")
    assert ticket.replied_on_time is True


@pytest.mark.django_db
def test_a_pending_extension_is_cancelled_by_the_reply(hotline_world: World,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    users = hotline_world["users"]
    freeze(monkeypatch, at(2026, 4, 30, 16))
    ticket = handling_ticket(hotline_world, kind="consult")
    extension = handling.do_request_extension(users["amr_handler"], ticket, working_days=3,
                                              reason="需要到现场核查")
    handling.do_reply_ticket(users["amr_handler"], ticket, reply="已核实并答复。")
    extension.refresh_from_db()
    assert extension.status == ExtensionStatus.CANCELLED
    assert extension.decided_by is None
    ticket.refresh_from_db()
    assert ticket.deadline == end_of(2026, 5, 7)
