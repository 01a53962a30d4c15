"""After the reply: call-back, rating, reopening once and closure."""

from __future__ import annotations

from typing import Any

import pytest

from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import AuditEvent
from jingchu.hotline.actions import callback, handling
from jingchu.hotline.choices import RatingChannel, Satisfaction, TicketStatus
from jingchu.hotline.tests.test_handling import (
    at,
    end_of,
    freeze,
    handling_ticket,
    inbox,
    replied,
    second_citizen,
    wrong_state,
)

World = dict[str, Any]


@pytest.mark.django_db
def test_callback_with_a_good_rating_closes(hotline_world: World) -> None:
    operator = hotline_world["users"]["operator"]
    ticket = replied(hotline_world)
    ticket = callback.do_record_callback(operator, ticket, reached=True, note="已回访",
                                         satisfaction=Satisfaction.BASICALLY, comment="还行")
    assert ticket.status == TicketStatus.CLOSED and ticket.closed_by == operator
    assert ticket.satisfaction == Satisfaction.BASICALLY
    assert ticket.rating_channel == RatingChannel.CALLBACK
    assert ticket.rating_comment == "还行" and ticket.callback_by == operator
    assert [e.action for e in ticket.events.all()][-3:] == ["called_back", "rated", "closed"]
    assert AuditEvent.objects.filter(action="hotline.ticket.close").count() == 1


@pytest.mark.django_db
def test_unreached_callback_keeps_the_ticket_replied(hotline_world: World) -> None:
    operator = hotline_world["users"]["operator"]
    ticket = replied(hotline_world)
    with pytest.raises(ActionError) as err:
        callback.do_record_callback(operator, ticket, reached=False, note="无人接听",
                                    satisfaction="satisfied")
    assert err.value.code == "not_reached"
    ticket = callback.do_record_callback(operator, ticket, reached=False, note="无人接听")
    assert ticket.status == TicketStatus.REPLIED and ticket.satisfaction == ""
    assert ticket.callback_note == "无人接听"
    # the operator closes it after all
    ticket = callback.do_close_ticket(operator, ticket, note="多次联系不上")
    assert ticket.status == TicketStatus.CLOSED and ticket.closed_at is not None
    wrong_state(lambda: callback.do_record_callback(operator, ticket, reached=True, note="x"))


@pytest.mark.django_db
def test_callback_before_the_reply_is_refused(hotline_world: World) -> None:
    ticket = handling_ticket(hotline_world)
    wrong_state(lambda: callback.do_record_callback(hotline_world["users"]["operator"], ticket,
                                                    reached=True, note="x"))


@pytest.mark.django_db
def test_rating_once(hotline_world: World) -> None:
    citizen = hotline_world["users"]["citizen"]
    ticket = replied(hotline_world)
    with pytest.raises(ActionError) as err:
        callback.do_rate_ticket(citizen, ticket, satisfaction="great")
    assert err.value.code == "satisfaction_invalid"
    ticket = callback.do_rate_ticket(citizen, ticket, satisfaction="unsatisfied",
                                     comment="没解决")
    assert ticket.status == TicketStatus.REPLIED
    assert ticket.rating_channel == RatingChannel.SELF and ticket.rated_at is not None
    with pytest.raises(ActionError) as err:
        callback.do_rate_ticket(citizen, ticket, satisfaction="satisfied")
    assert (err.value.code, err.value.status) == ("already_rated", 409)
    ticket.refresh_from_db()
    assert ticket.satisfaction == Satisfaction.UNSATISFIED


@pytest.mark.django_db
def test_satisfied_rating_closes(hotline_world: World) -> None:
    ticket = callback.do_rate_ticket(hotline_world["users"]["citizen"], replied(hotline_world),
                                     satisfaction="satisfied")
    assert ticket.status == TicketStatus.CLOSED
    wrong_state(lambda: callback.do_rate_ticket(hotline_world["users"]["citizen"], ticket,
                                                satisfaction="satisfied"))


@pytest.mark.django_db
def test_reopen_only_when_replied_and_unsatisfied(hotline_world: World) -> None:
    citizen = hotline_world["users"]["citizen"]
    ticket = handling_ticket(hotline_world)
    error = wrong_state(lambda: callback.do_reopen_ticket(citizen, ticket, reason="没解决"))
    assert error.details["status"] == TicketStatus.HANDLING
    ticket = handling.do_reply_ticket(hotline_world["users"]["amr_handler"], ticket,
                                      reply="已办理")
    error = wrong_state(lambda: callback.do_reopen_ticket(citizen, ticket, reason="没解决"))
    assert error.details["rule"] == "unsatisfied"
    closed = callback.do_rate_ticket(citizen, replied(hotline_world), satisfaction="satisfied")
    wrong_state(lambda: callback.do_reopen_ticket(citizen, closed, reason="没解决"))


@pytest.mark.django_db
def test_reopen_once_goes_back_with_new_clocks(hotline_world: World,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    users, orgs = hotline_world["users"], hotline_world["orgs"]
    freeze(monkeypatch, at(2026, 3, 2))
    ticket = replied(hotline_world, kind="consult")
    callback.do_rate_ticket(users["citizen"], ticket, satisfaction="unsatisfied")
    with pytest.raises(ActionError) as err:
        callback.do_reopen_ticket(users["citizen"], ticket, reason="")
    assert err.value.code == "reason_required"
    freeze(monkeypatch, at(2026, 3, 10))
    before = inbox(users["amr_handler"])
    ticket = callback.do_reopen_ticket(users["citizen"], ticket, reason="问题没有解决")
    assert ticket.status == TicketStatus.DISPATCHED and ticket.reopen_count == 1
    assert ticket.organization == orgs["wh-scjg"]
    assert ticket.dispatched_at == at(2026, 3, 10)
    assert (ticket.sign_deadline, ticket.deadline) == (end_of(2026, 3, 11), end_of(2026, 3, 12))
    assert (ticket.reply, ticket.satisfaction, ticket.signed_at) == ("", "", None)
    assert inbox(users["amr_handler"]) == before + 1
    event = ticket.events.get(action="reopened")
    assert event.details["previous"]["satisfaction"] == "unsatisfied"
    # second round: answered, unsatisfied again — no second reopen, the operator closes it
    ticket = handling.do_sign_ticket(users["amr_handler"], ticket)
    ticket = handling.do_reply_ticket(users["amr_handler"], ticket, reply="再次答复")
    callback.do_rate_ticket(users["citizen"], ticket, satisfaction="unsatisfied")
    error = wrong_state(lambda: callback.do_reopen_ticket(users["citizen"], ticket,
                                                          reason="还是没解决"))
    assert error.details["rule"] == "once"
    error = wrong_state(lambda: callback.do_reopen_ticket(users["operator"], ticket,
                                                          reason="还是没解决"))
    ticket = callback.do_close_ticket(users["operator"], ticket, note="已做解释")
    assert ticket.status == TicketStatus.CLOSED and ticket.reopen_count == 1


@pytest.mark.django_db
def test_operator_may_reopen_on_the_callers_word(hotline_world: World) -> None:
    users = hotline_world["users"]
    ticket = replied(hotline_world)
    ticket = callback.do_record_callback(users["operator"], ticket, reached=True, note="不满意",
                                         satisfaction="unsatisfied")
    assert ticket.status == TicketStatus.REPLIED
    ticket = callback.do_reopen_ticket(users["operator"], ticket, reason="来电人表示未解决")
    assert ticket.status == TicketStatus.DISPATCHED
    assert AuditEvent.objects.filter(action="hotline.ticket.reopen",
                                     actor=users["operator"]).count() == 1


@pytest.mark.django_db
def test_another_citizen_may_not_rate_or_reopen(hotline_world: World) -> None:
    other = second_citizen()
    ticket = replied(hotline_world)
    with pytest.raises(NotPermitted):
        callback.do_rate_ticket(other, ticket, satisfaction="unsatisfied")
    callback.do_rate_ticket(hotline_world["users"]["citizen"], ticket,
                            satisfaction="unsatisfied")
    with pytest.raises(NotPermitted):
        callback.do_reopen_ticket(other, ticket, reason="没解决")
    with pytest.raises(NotPermitted):
        callback.do_close_ticket(hotline_world["users"]["citizen"], ticket)
