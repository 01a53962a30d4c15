"""Who sees the caller: the centre in full (audited), departments masked, a reporter's or a
complainant's identity never shown to the department concerned, outsiders nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from jingchu.core.models import AuditEvent
from jingchu.hotline import permissions, queries
from jingchu.hotline.choices import Channel, TicketStatus
from jingchu.hotline.models import Ticket
from jingchu.hotline.tests.conftest import CITIZEN_PHONE
from jingchu.hotline.tests.test_intake import file_ticket, force
from jingchu.hotline.visibility import CallerView, caller_view

MASKED = CallerView(name="张**", phone="138****8000", hidden=False)
FULL = CallerView(name="张小明", phone=CITIZEN_PHONE, hidden=False)
HIDDEN = CallerView(name="", phone="", hidden=True)


def phone_ticket(world: dict[str, Any], org_key: str, **fields: Any) -> Ticket:
    """A call taken by the operator and dispatched to `org_key` (forced: dispatch is another
    module's action)."""
    ticket = file_ticket(world["users"]["operator"], channel=Channel.PHONE, caller_name="张小明",
                         caller_phone=CITIZEN_PHONE, **fields)
    return force(ticket, status=TicketStatus.DISPATCHED, organization=world["orgs"][org_key])


def reads() -> int:
    return AuditEvent.objects.filter(action="hotline.caller.read").count()


@pytest.mark.django_db
def test_the_phone_is_encrypted_at_rest(hotline_world: dict[str, Any]) -> None:
    ticket = phone_ticket(hotline_world, "wh-scjg")
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(Ticket._meta.db_table)
        cursor.execute(f"SELECT caller_phone FROM {table} WHERE id = %s",  # noqa: S608
                       [ticket.pk])
        stored = cursor.fetchone()[0]
    assert stored and CITIZEN_PHONE not in stored


@pytest.mark.django_db
def test_the_handling_department_sees_the_caller_masked(hotline_world: dict[str, Any]) -> None:
    users = hotline_world["users"]
    ticket = phone_ticket(hotline_world, "wh-scjg")
    for who in ("amr_handler", "amr_approver"):
        assert permissions.can_view_ticket(users[who], ticket)
        assert caller_view(users[who], ticket) == MASKED
    assert reads() == 0  # a masked view is no read of the person's data


@pytest.mark.django_db
def test_the_centre_sees_everything_and_the_read_is_audited(
        hotline_world: dict[str, Any]) -> None:
    users = hotline_world["users"]
    ticket = phone_ticket(hotline_world, "wh-scjg", kind="report")
    for who in ("operator", "supervisor"):
        assert caller_view(users[who], ticket) == FULL
    events = AuditEvent.objects.filter(action="hotline.caller.read").order_by("id")
    assert [(e.actor_label, e.object_id) for e in events] == [
        ("operator", str(ticket.uid)), ("supervisor", str(ticket.uid))]


@pytest.mark.django_db
def test_the_caller_sees_their_own_data_unaudited(hotline_world: dict[str, Any]) -> None:
    citizen = hotline_world["users"]["citizen"]
    ticket = phone_ticket(hotline_world, "wh-scjg")
    assert ticket.person == citizen.person  # linked by the phone's blind index
    assert caller_view(citizen, ticket) == FULL
    assert reads() == 0


@pytest.mark.django_db
def test_a_reporter_is_hidden_from_the_department(hotline_world: dict[str, Any]) -> None:
    ticket = phone_ticket(hotline_world, "wh-scjg", kind="report")
    handler = hotline_world["users"]["amr_handler"]
    assert permissions.can_view_ticket(handler, ticket)
    assert caller_view(handler, ticket) == HIDDEN


@pytest.mark.django_db
def test_a_complaint_about_an_organization_hides_the_caller_from_its_staff(
        hotline_world: dict[str, Any]) -> None:
    users, orgs = hotline_world["users"], hotline_world["orgs"]
    about_amr = phone_ticket(hotline_world, "wh-scjg", reported_org=orgs["wh-scjg"])
    for who in ("amr_handler", "amr_approver"):
        assert caller_view(users[who], about_amr) == HIDDEN
    about_district = phone_ticket(hotline_world, "wh-cgw", reported_org=orgs["hs-cgj"])
    assert caller_view(users["cg_handler"], about_district) == MASKED
    assert caller_view(users["hs_cg_handler"], about_district) == HIDDEN
    assert caller_view(users["operator"], about_amr) == FULL


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["outsider", "amr_steward", "cg_handler"])
def test_others_see_nothing(hotline_world: dict[str, Any], who: str) -> None:
    user = hotline_world["users"][who]
    ticket = phone_ticket(hotline_world, "wh-scjg")
    assert not permissions.can_view_ticket(user, ticket)
    assert caller_view(user, ticket) == HIDDEN
    assert ticket not in queries.department_queue(user)
    assert ticket not in queries.tickets_for_operator(user)
    assert ticket not in queries.my_tickets(user)
    assert reads() == 0


@pytest.mark.django_db
def test_desks_and_queues_list_the_right_tickets(hotline_world: dict[str, Any]) -> None:
    users = hotline_world["users"]
    dispatched = phone_ticket(hotline_world, "wh-scjg")
    received = file_ticket(users["citizen"])
    assert set(queries.tickets_for_operator(users["operator"])) == {dispatched, received}
    assert list(queries.department_queue(users["amr_handler"])) == [dispatched]
    assert list(queries.department_queue(users["amr_handler"], TicketStatus.REPLIED)) == []
    assert list(queries.department_queue(users["amr_steward"])) == []  # not a handler role
    assert set(queries.my_tickets(users["citizen"])) == {dispatched, received}
    assert list(queries.my_tickets(users["operator"])) == []
