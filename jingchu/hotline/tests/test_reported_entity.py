"""The enterprise a complaint or report is about (Ticket.reported_entity): filed with the
ticket (actions, the operator's desk, the API), set or cleared on the desk's ticket page, and
counted by `stats.complaints_about` for supervision's credit rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jingchu.cases.tests.conftest import PASSWORD
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.identifiers import make_id_number, make_uscc
from jingchu.core.models import AuditEvent
from jingchu.hotline import stats
from jingchu.hotline.actions import intake
from jingchu.hotline.choices import Channel, TicketStatus
from jingchu.hotline.models import Ticket, TicketEvent
from jingchu.hotline.tests.test_intake import file_ticket, force
from jingchu.identity import actions as identity_actions
from jingchu.identity.choices import LegalEntityKind
from jingchu.identity.models import LegalEntity

pytestmark = pytest.mark.django_db
World = dict[str, Any]
COMPLAINT = {"caller_name": "张先生", "caller_phone": "13900001111", "kind": "complaint",
             "urgency": "normal", "title": "超市销售过期食品",
             "content": "洪山区一家超市销售过期酸奶，要求查处。",
             "address": "武汉市洪山区珞喻路1号", "category": "market-food"}


def enterprise(world: World, serial: int = 1) -> LegalEntity:
    person = identity_actions.do_register_person(
        None, name=f"法人{serial}",
        id_number=make_id_number("420111", dt.date(1975, 3, serial), 100 + serial, male=True))
    return identity_actions.do_register_legal_entity(
        None, uscc=make_uscc("9", "1", "420111", f"{55000000 + serial:08d}"),
        name=f"武汉投诉测试{serial}有限公司", kind=LegalEntityKind.ENTERPRISE,
        region=world["hongshan"], legal_representative=person)


def user(world: World, name: str) -> Any:
    return world["users"][name]


# --- filing -------------------------------------------------------------------------------


def test_a_complaint_or_report_names_the_enterprise(hotline_world: World) -> None:
    shop = enterprise(hotline_world)
    complaint = file_ticket(None, reported_entity=shop)
    report = file_ticket(None, kind="report", reported_entity=shop)
    assert complaint.reported_entity == shop and report.reported_entity == shop
    event = AuditEvent.objects.filter(action="hotline.ticket.file").latest("id")
    assert event.details["reported_entity"] == shop.uscc


@pytest.mark.parametrize("kind", ["consult", "help", "suggestion"])
def test_other_kinds_cannot_be_about_an_enterprise(hotline_world: World, kind: str) -> None:
    with pytest.raises(ActionError) as refused:
        file_ticket(None, kind=kind, reported_entity=enterprise(hotline_world))
    assert (refused.value.code, refused.value.details) == (
        "reported_entity_invalid", {"field": "reported_entity"})
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(("typed", "code"), [
    ("", None), ("91420111MA4KX0001X", "uscc_org_check"), ("9142011155000009", "uscc_length"),
])
def test_credit_codes_are_checked(hotline_world: World, typed: str, code: str | None) -> None:
    if code is None:
        assert intake.entity_by_uscc(typed) is None
        return
    with pytest.raises(ActionError) as refused:
        intake.entity_by_uscc(typed)
    assert refused.value.code == code
    assert refused.value.details == {"field": "reported_entity_uscc"}


def test_an_unknown_credit_code_is_refused(hotline_world: World) -> None:
    shop = enterprise(hotline_world)
    assert intake.entity_by_uscc(f" {shop.uscc.lower()} ") == shop
    unknown = make_uscc("9", "1", "420111", "55009999")
    with pytest.raises(ActionError) as refused:
        intake.entity_by_uscc(unknown)
    assert refused.value.code == "reported_entity_unknown"


# --- the operator -------------------------------------------------------------------------


def test_the_desk_files_a_call_about_an_enterprise(client: Client,
                                                   hotline_world: World) -> None:
    shop = enterprise(hotline_world)
    client.force_login(user(hotline_world, "operator"))
    assert "reported_entity_uscc" in client.get(reverse("hotline:desk")).content.decode()
    done = client.post(reverse("hotline:desk"), {**COMPLAINT, "reported_entity_uscc": shop.uscc})
    assert done.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.reported_entity == shop
    page = client.get(reverse("hotline:ticket", kwargs={"uid": ticket.uid})).content.decode()
    assert shop.name in page and 'id="entity-form"' in page


def test_the_desk_shows_a_wrong_credit_code_and_files_nothing(client: Client,
                                                             hotline_world: World) -> None:
    client.force_login(user(hotline_world, "operator"))
    bad = client.post(reverse("hotline:desk"),
                      {**COMPLAINT, "reported_entity_uscc": "91420111MA4KX0001X"})
    assert bad.status_code == 400
    assert bad.context["form"].errors["reported_entity_uscc"]
    consult = client.post(reverse("hotline:desk"), {
        **COMPLAINT, "kind": "consult",
        "reported_entity_uscc": enterprise(hotline_world).uscc})
    assert consult.status_code == 400
    assert consult.context["form"].errors["reported_entity_uscc"]
    assert not Ticket.objects.exists()


def phone_complaint(world: World, kind: str = "complaint") -> Ticket:
    return file_ticket(user(world, "operator"), channel=Channel.PHONE, kind=kind,
                       caller_phone="13900002222", centre=world["centre"])


def test_the_operator_sets_and_clears_the_enterprise(client: Client,
                                                     hotline_world: World) -> None:
    ticket, shop = phone_complaint(hotline_world), enterprise(hotline_world)
    client.force_login(user(hotline_world, "operator"))
    url = reverse("hotline:reported_entity", kwargs={"uid": ticket.uid})
    assert client.post(url, {"uscc": shop.uscc}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.reported_entity == shop
    assert TicketEvent.objects.filter(ticket=ticket, action="reported_entity_set").count() == 1
    again = client.post(url, {"uscc": shop.uscc})  # unchanged: nothing more written
    assert again.status_code == 302
    assert TicketEvent.objects.filter(ticket=ticket, action="reported_entity_set").count() == 1
    assert client.post(url, {"uscc": ""}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.reported_entity is None
    details = AuditEvent.objects.filter(action="hotline.ticket.reported_entity").latest("id")
    assert details.details == {"from": shop.uscc, "to": None}
    wrong = client.post(url, {"uscc": "91420111MA4KX0001X"})
    assert wrong.status_code == 400 and wrong.context["entity_form"].errors["uscc"]


def test_only_the_centre_sets_the_enterprise(client: Client, hotline_world: World) -> None:
    ticket, shop = phone_complaint(hotline_world), enterprise(hotline_world)
    url = reverse("hotline:reported_entity", kwargs={"uid": ticket.uid})
    for name in ("amr_handler", "outsider", "citizen"):
        client.force_login(user(hotline_world, name))
        assert client.post(url, {"uscc": shop.uscc}).status_code == 403
    with pytest.raises(NotPermitted):
        intake.do_set_reported_entity(user(hotline_world, "amr_handler"), ticket, shop)
    ticket.refresh_from_db()
    assert ticket.reported_entity is None


def test_a_consultation_cannot_be_about_an_enterprise(hotline_world: World) -> None:
    ticket = phone_complaint(hotline_world, kind="consult")
    with pytest.raises(ActionError) as refused:
        intake.do_set_reported_entity(user(hotline_world, "operator"), ticket,
                                      enterprise(hotline_world))
    assert refused.value.code == "reported_entity_invalid"


# --- the API ------------------------------------------------------------------------------


def test_the_api_takes_the_credit_code(hotline_world: World) -> None:
    shop = enterprise(hotline_world)
    api = Client()
    assert api.login(username="citizen", password=PASSWORD)
    body = {"kind": "complaint", "title": "超市销售过期食品", "content": "销售过期酸奶。",
            "reported_entity_uscc": shop.uscc}
    made = api.post("/api/v1/hotline/tickets", body, content_type="application/json")
    assert made.status_code == 201, made.content
    assert made.json()["reported_entity"] == {"uscc": shop.uscc, "name": shop.name}
    bad = api.post("/api/v1/hotline/tickets", {**body, "reported_entity_uscc": "9142"},
                   content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["details"] == {"field": "reported_entity_uscc"}
    consult = api.post("/api/v1/hotline/tickets", {**body, "kind": "consult"},
                       content_type="application/json")
    assert (consult.status_code, consult.json()["code"]) == (400, "reported_entity_invalid")
    assert Ticket.objects.count() == 1


# --- what supervision reads ---------------------------------------------------------------


def test_complaints_about_lists_complaints_and_reports_since_a_day(hotline_world: World,
                                                                   ) -> None:
    shop, other = enterprise(hotline_world, 1), enterprise(hotline_world, 2)
    first = file_ticket(None, reported_entity=shop)
    report = file_ticket(None, kind="report", reported_entity=shop)
    duplicate = file_ticket(None, reported_entity=shop)
    force(duplicate, status=TicketStatus.MERGED, merged_into=first)
    old = file_ticket(None, reported_entity=shop)
    force(old, created_at=timezone.now() - dt.timedelta(days=40))
    file_ticket(None, kind="consult")
    elsewhere = file_ticket(None, reported_entity=other)
    since = timezone.localdate() - dt.timedelta(days=30)
    found = stats.complaints_about([shop.pk, other.pk, shop.pk], since)
    assert [n for n, _kind, _at in found[shop.pk]] == [first.number, report.number]
    assert [(n, k) for n, k, _at in found[other.pk]] == [(elsewhere.number, "complaint")]
    assert found[shop.pk][0][2] == first.created_at
    only_reports = stats.complaints_about([shop.pk], since, kinds=("report",))
    assert [n for n, _k, _at in only_reports[shop.pk]] == [report.number]
    longer = stats.complaints_about([shop.pk], since - dt.timedelta(days=30))
    assert old.number in [n for n, _k, _at in longer[shop.pk]]
    assert stats.complaints_about([], since) == {}
