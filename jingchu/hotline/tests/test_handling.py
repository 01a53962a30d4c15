"""Dispatch (派单) by the routing table, sign-for, 退单 and re-dispatch, extensions, the reply,
merged tickets, and who may do each of these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import AuditEvent, Notification, Region
from jingchu.hotline.actions import callback, handling, supervision
from jingchu.hotline.actions.config import do_delete_route
from jingchu.hotline.actions.intake import do_file_ticket, do_merge_ticket
from jingchu.hotline.choices import ExtensionStatus, Satisfaction, TicketStatus
from jingchu.hotline.models import Category, RoutingRule, Ticket, TicketEvent
from jingchu.identity import actions as identity_actions

LOCAL = ZoneInfo("Asia/Shanghai")
World = dict[str, Any]


# --- helpers shared with the other handling tests -------------------------------------------


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A local (Asia/Shanghai) instant."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=LOCAL)


def end_of(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime.combine(dt.date(year, month, day), dt.time.max, tzinfo=LOCAL)


def freeze(monkeypatch: pytest.MonkeyPatch, moment: dt.datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


def file_ticket(world: World, *, kind: str = "complaint", category: str | None = "market-food",
                urgency: str = "normal", region: str = "420111000000",
                citizen: Any = None, phone: str = "13900001111") -> Ticket:
    """A phone call taken by the operator, located in `region` (洪山区 by default)."""
    person = (citizen or world["users"]["citizen"]).person
    ticket = do_file_ticket(
        world["users"]["operator"], channel="phone", kind=kind, urgency=urgency,
        title="餐馆卫生问题", content="楼下餐馆后厨卫生很差，油烟扰民，请相关部门处理。",
        address="武汉市洪山区珞喻路1号", caller_name="张先生", caller_phone=phone,
        person=person, category=category, centre=world["centre"])
    # Fixed here so these tests do not depend on address matching (tested in test_geo).
    Ticket.objects.filter(pk=ticket.pk).update(region=Region.objects.get(code=region))
    ticket.refresh_from_db()
    return ticket


def dispatched(world: World, **kwargs: Any) -> Ticket:
    return handling.do_dispatch_ticket(world["users"]["operator"], file_ticket(world, **kwargs))


def handling_ticket(world: World, **kwargs: Any) -> Ticket:
    """A market ticket signed for by 武汉市市场监管局."""
    ticket = dispatched(world, **kwargs)
    assert ticket.organization == world["orgs"]["wh-scjg"]
    return handling.do_sign_ticket(world["users"]["amr_handler"], ticket)


def replied(world: World, **kwargs: Any) -> Ticket:
    ticket = handling_ticket(world, **kwargs)
    return handling.do_reply_ticket(world["users"]["amr_handler"], ticket, reply="已责令整改。")


def second_citizen() -> Any:
    """Another caller with an account (the fixture's citizen is 张小明)."""
    person = identity_actions.do_register_person(
        None, name="李小红", id_number="420102199202021238", phone="13800138001",
        username="citizen2", password="Pass-word-2026")
    return person.user


def inbox(user: Any) -> int:
    return Notification.objects.filter(recipient=user).count()


def wrong_state(call: Callable[[], Any]) -> ActionError:
    with pytest.raises(ActionError) as err:
        call()
    assert (err.value.code, err.value.status) == ("wrong_state", 409)
    return err.value


# --- routing --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_dispatch_routes_hongshan_urban_management_to_the_district(hotline_world: World) -> None:
    users, orgs = hotline_world["users"], hotline_world["orgs"]
    before = inbox(users["hs_cg_handler"])
    ticket = dispatched(hotline_world, category="urban-management")
    assert ticket.status == TicketStatus.DISPATCHED
    assert ticket.organization == orgs["hs-cgj"]
    assert ticket.category is not None and ticket.category.code == "urban-management"
    assert ticket.dispatched_at is not None and ticket.deadline is not None
    assert ticket.sign_deadline is not None and ticket.sign_deadline <= ticket.deadline
    assert inbox(users["hs_cg_handler"]) == before + 1
    assert inbox(users["cg_handler"]) == 0
    event = ticket.events.get(action="dispatched")
    assert event.organization == orgs["hs-cgj"] and event.actor == users["operator"]
    assert AuditEvent.objects.filter(action="hotline.ticket.dispatch",
                                     object_id=str(ticket.uid)).exists()


@pytest.mark.django_db
def test_dispatch_elsewhere_in_wuhan_goes_to_the_city(hotline_world: World) -> None:
    ticket = dispatched(hotline_world, category="urban-management", region="420102000000")
    assert ticket.organization == hotline_world["orgs"]["wh-cgw"]


@pytest.mark.django_db
def test_category_without_rule_falls_to_the_default(hotline_world: World) -> None:
    do_delete_route(None, RoutingRule.objects.get(category__code="tax",
                                                  region=hotline_world["wuhan"]))
    ticket = dispatched(hotline_world, category="tax")
    assert ticket.organization == hotline_world["orgs"]["hb-zwb"]


@pytest.mark.django_db
def test_dispatch_takes_the_suggestion_or_an_explicit_choice(hotline_world: World) -> None:
    ticket = file_ticket(hotline_world, category=None)
    food = Category.objects.get(code="market-food")
    Ticket.objects.filter(pk=ticket.pk).update(category=None, suggested_category=food)
    ticket = handling.do_dispatch_ticket(hotline_world["users"]["operator"], ticket)
    assert ticket.category == food and ticket.organization == hotline_world["orgs"]["wh-scjg"]
    other = file_ticket(hotline_world)
    other = handling.do_dispatch_ticket(hotline_world["users"]["operator"], other,
                                        organization=hotline_world["orgs"]["wh-wjw"])
    assert other.organization == hotline_world["orgs"]["wh-wjw"]


@pytest.mark.django_db
def test_dispatch_with_a_corrected_category_routes_by_it(hotline_world: World) -> None:
    ticket = file_ticket(hotline_world)
    ticket = handling.do_dispatch_ticket(hotline_world["users"]["operator"], ticket,
                                         category="urban-management")
    assert ticket.category is not None and ticket.category.code == "urban-management"
    assert ticket.organization == hotline_world["orgs"]["hs-cgj"]


@pytest.mark.django_db
def test_dispatch_twice_is_refused(hotline_world: World) -> None:
    ticket = dispatched(hotline_world)
    wrong_state(lambda: handling.do_dispatch_ticket(hotline_world["users"]["operator"], ticket))


# --- sign, return and re-dispatch ----------------------------------------------------------


@pytest.mark.django_db
def test_sign_moves_to_handling_once(hotline_world: World) -> None:
    ticket = handling_ticket(hotline_world)
    assert ticket.status == TicketStatus.HANDLING
    assert ticket.signed_by == hotline_world["users"]["amr_handler"]
    assert ticket.events.filter(action="signed").count() == 1
    wrong_state(lambda: handling.do_sign_ticket(hotline_world["users"]["amr_handler"], ticket))


@pytest.mark.django_db
def test_return_clears_organization_and_clocks(hotline_world: World) -> None:
    users, orgs = hotline_world["users"], hotline_world["orgs"]
    ticket = handling_ticket(hotline_world)
    with pytest.raises(ActionError) as err:
        handling.do_return_ticket(users["amr_handler"], ticket, reason=" ")
    assert err.value.code == "reason_required"
    before = inbox(users["operator"]), inbox(users["supervisor"])
    ticket = handling.do_return_ticket(users["amr_handler"], ticket, reason="属于城管职责")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RETURNED and ticket.organization is None
    assert (ticket.deadline, ticket.sign_deadline, ticket.signed_at) == (None, None, None)
    event = ticket.events.get(action="returned")
    assert event.organization == orgs["wh-scjg"] and event.note == "属于城管职责"
    assert (inbox(users["operator"]), inbox(users["supervisor"])) == (before[0] + 1,
                                                                       before[1] + 1)
    # the department no longer handles it
    with pytest.raises(NotPermitted):
        handling.do_sign_ticket(users["amr_handler"], ticket)


@pytest.mark.django_db
def test_redispatch_to_the_returning_organization_needs_a_note(
        hotline_world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    users, orgs = hotline_world["users"], hotline_world["orgs"]
    freeze(monkeypatch, at(2026, 3, 2))
    ticket = dispatched(hotline_world)
    first_deadline = ticket.deadline
    ticket = handling.do_return_ticket(users["amr_handler"], ticket, reason="不归我局管")
    with pytest.raises(ActionError) as err:
        handling.do_dispatch_ticket(users["operator"], ticket, organization=orgs["wh-scjg"])
    assert (err.value.code, err.value.details) == ("note_required", {"field": "note"})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RETURNED and ticket.organization is None
    # routing would send it straight back: also refused without a note
    with pytest.raises(ActionError):
        handling.do_dispatch_ticket(users["operator"], ticket)
    freeze(monkeypatch, at(2026, 3, 4))
    ticket = handling.do_dispatch_ticket(users["operator"], ticket, organization=orgs["wh-cgw"])
    assert ticket.status == TicketStatus.DISPATCHED and ticket.organization == orgs["wh-cgw"]
    assert ticket.dispatched_at == at(2026, 3, 4)
    assert ticket.deadline is not None and first_deadline is not None
    assert ticket.deadline > first_deadline
    assert ticket.sign_deadline == end_of(2026, 3, 5)


@pytest.mark.django_db
def test_redispatch_to_the_same_organization_with_a_note(hotline_world: World) -> None:
    users, orgs = hotline_world["users"], hotline_world["orgs"]
    ticket = dispatched(hotline_world)
    ticket = handling.do_return_ticket(users["amr_handler"], ticket, reason="不归我局管")
    ticket = handling.do_dispatch_ticket(users["operator"], ticket, organization=orgs["wh-scjg"],
                                         note="经核实属食品安全，请市场监管局办理")
    assert ticket.organization == orgs["wh-scjg"]
    assert ticket.events.filter(action="dispatched").count() == 2


# --- extensions -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_extension_request_is_checked_and_one_at_a_time(hotline_world: World) -> None:
    handler = hotline_world["users"]["amr_handler"]
    ticket = handling_ticket(hotline_world)
    for days in (0, 31, "x"):
        with pytest.raises(ActionError) as err:
            handling.do_request_extension(handler, ticket, working_days=days, reason="需现场核查")
        assert err.value.code == "working_days_invalid"
    before = inbox(hotline_world["users"]["supervisor"])
    extension = handling.do_request_extension(handler, ticket, working_days=5, reason="需现场核查")
    assert extension.status == ExtensionStatus.PENDING
    assert extension.old_deadline == ticket.deadline
    assert inbox(hotline_world["users"]["supervisor"]) == before + 1
    with pytest.raises(ActionError) as err:
        handling.do_request_extension(handler, ticket, working_days=2, reason="再延")
    assert (err.value.code, err.value.status) == ("extension_pending", 409)


@pytest.mark.django_db
def test_extension_needs_handling_and_decision_once(hotline_world: World) -> None:
    users = hotline_world["users"]
    ticket = dispatched(hotline_world)
    wrong_state(lambda: handling.do_request_extension(users["amr_handler"], ticket,
                                                      working_days=3, reason="需核查"))
    ticket = handling.do_sign_ticket(users["amr_handler"], ticket)
    extension = handling.do_request_extension(users["amr_handler"], ticket, working_days=3,
                                              reason="需核查")
    with pytest.raises(ActionError) as err:
        handling.do_decide_extension(users["supervisor"], extension, approve=False)
    assert err.value.code == "reason_required"
    handling.do_decide_extension(users["supervisor"], extension, approve=False, note="理由不足")
    wrong_state(lambda: handling.do_decide_extension(users["supervisor"], extension,
                                                     approve=True))


# --- reply, merged tickets ----------------------------------------------------------------


@pytest.mark.django_db
def test_reply_tells_the_caller(hotline_world: World) -> None:
    citizen = hotline_world["users"]["citizen"]
    ticket = handling_ticket(hotline_world)
    wrong_state(lambda: callback.do_close_ticket(hotline_world["users"]["operator"], ticket))
    with pytest.raises(ActionError) as err:
        handling.do_reply_ticket(hotline_world["users"]["amr_handler"], ticket, reply="")
    assert err.value.code == "reply_required"
    before = inbox(citizen)
    ticket = handling.do_reply_ticket(hotline_world["users"]["amr_handler"], ticket,
                                      reply="已责令整改。")
    assert ticket.status == TicketStatus.REPLIED and ticket.reply == "已责令整改。"
    assert ticket.replied_on_time is True
    assert inbox(citizen) == before + 1
    assert AuditEvent.objects.filter(action="hotline.ticket.reply").count() == 1
    wrong_state(lambda: handling.do_reply_ticket(hotline_world["users"]["amr_handler"], ticket,
                                                 reply="again"))


@pytest.mark.django_db
def test_reply_and_closure_reach_merged_tickets(hotline_world: World) -> None:
    users = hotline_world["users"]
    neighbour = second_citizen()
    primary = file_ticket(hotline_world)
    duplicate = file_ticket(hotline_world, citizen=neighbour, phone="13800138001")
    duplicate = do_merge_ticket(users["operator"], duplicate, primary)
    assert duplicate.status == TicketStatus.MERGED
    primary = handling.do_dispatch_ticket(users["operator"], primary)
    primary = handling.do_sign_ticket(users["amr_handler"], primary)
    before = inbox(neighbour), inbox(users["citizen"])
    handling.do_reply_ticket(users["amr_handler"], primary, reply="已查处该餐馆。")
    duplicate.refresh_from_db()
    assert duplicate.reply == "已查处该餐馆。" and duplicate.replied_on_time is True
    assert (inbox(neighbour), inbox(users["citizen"])) == (before[0] + 1, before[1] + 1)
    assert duplicate.events.filter(action="replied").exists()
    callback.do_rate_ticket(users["citizen"], primary, satisfaction=Satisfaction.SATISFIED)
    duplicate.refresh_from_db()
    assert duplicate.status == TicketStatus.CLOSED and duplicate.closed_at is not None
    assert inbox(neighbour) == before[0] + 2


# --- who may do what ------------------------------------------------------------------------


def _actions(world: World) -> dict[str, Callable[[Any], Any]]:
    """Each action applied by a given user to a ticket in the state it needs."""
    sup = world["users"]["supervisor"]

    def decide(user: Any) -> Any:
        ticket = handling_ticket(world)
        extension = handling.do_request_extension(world["users"]["amr_handler"], ticket,
                                                  working_days=2, reason="核查")
        assert handling.do_decide_extension(sup, extension, approve=True).status == "approved"
        extension = handling.do_request_extension(world["users"]["amr_handler"], ticket,
                                                  working_days=2, reason="核查")
        return handling.do_decide_extension(user, extension, approve=True)

    def unsatisfied(user: Any) -> Any:
        ticket = replied(world)
        callback.do_rate_ticket(world["users"]["citizen"], ticket, satisfaction="unsatisfied")
        return callback.do_reopen_ticket(user, ticket, reason="没有解决")

    return {
        "dispatch": lambda u: handling.do_dispatch_ticket(u, file_ticket(world)),
        "sign": lambda u: handling.do_sign_ticket(u, dispatched(world)),
        "return": lambda u: handling.do_return_ticket(u, dispatched(world), reason="错派"),
        "extension": lambda u: handling.do_request_extension(
            u, handling_ticket(world), working_days=2, reason="核查"),
        "decide": decide,
        "reply": lambda u: handling.do_reply_ticket(u, handling_ticket(world), reply="已办"),
        "callback": lambda u: callback.do_record_callback(u, replied(world), reached=False,
                                                          note="无人接听"),
        "rate": lambda u: callback.do_rate_ticket(u, replied(world), satisfaction="satisfied"),
        "reopen": unsatisfied,
        "close": lambda u: callback.do_close_ticket(u, replied(world)),
        "supervise": lambda u: supervision.do_supervise_ticket(u, dispatched(world), note="请快办"),
    }


ACTIONS = ["dispatch", "sign", "return", "extension", "decide", "reply", "callback", "rate",
           "reopen", "close", "supervise"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ACTIONS)
@pytest.mark.parametrize("who", ["outsider", "amr_steward"])
def test_outsiders_and_stewards_are_refused(hotline_world: World, name: str, who: str) -> None:
    act = _actions(hotline_world)[name]
    events = TicketEvent.objects.count()
    with pytest.raises(NotPermitted):
        act(hotline_world["users"][who])
    # the refused action wrote nothing on top of what setting the ticket up wrote
    assert not TicketEvent.objects.filter(pk__gt=events, actor=hotline_world["users"][who])


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["dispatch", "decide", "close", "supervise"])
def test_handlers_may_not_do_the_centres_work(hotline_world: World, name: str) -> None:
    with pytest.raises(NotPermitted):
        _actions(hotline_world)[name](hotline_world["users"]["amr_handler"])


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["sign", "return", "extension", "reply"])
def test_operators_may_not_do_the_departments_work(hotline_world: World, name: str) -> None:
    with pytest.raises(NotPermitted):
        _actions(hotline_world)[name](hotline_world["users"]["operator"])


@pytest.mark.django_db
@pytest.mark.parametrize("name", ACTIONS)
def test_the_right_actor_succeeds(hotline_world: World, name: str) -> None:
    who = {"dispatch": "operator", "sign": "amr_handler", "return": "amr_handler",
           "extension": "amr_handler", "decide": "supervisor", "reply": "amr_handler",
           "callback": "operator", "rate": "citizen", "reopen": "citizen", "close": "operator",
           "supervise": "supervisor"}[name]
    assert _actions(hotline_world)[name](hotline_world["users"][who]) is not None
