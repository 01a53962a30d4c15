"""Credit events departments record (penalties, abnormal-operations listings): the action's
checks and permission, the grade recomputed at once, ending a record (信用修复), and the credit
pages and API endpoints, with outsiders refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jingchu.cases.tests.conftest import PASSWORD
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.identifiers import make_id_number
from jingchu.core.models import AuditEvent
from jingchu.identity import actions as identity_actions
from jingchu.supervision.actions import credit as credit_actions
from jingchu.supervision.models import CreditGrade, CreditRecord

pytestmark = pytest.mark.django_db
World = dict[str, Any]
API = "/api/v1/supervision"


@pytest.fixture
def world(supervision_world: World) -> World:
    credit_actions.do_load_credit_rules(None)
    return supervision_world


def record(world: World, actor: Any = None, **changes: Any) -> CreditRecord:
    values: dict[str, Any] = {
        "legal_entity": world["entities"][0], "kind": "penalty", "organization": world["amr"],
        "reference": "武市监罚〔2026〕1号", "summary": "销售过期食品，罚款",
        "decided_on": timezone.localdate() - dt.timedelta(days=3)}
    values.update(changes)
    return credit_actions.do_record_credit_event(actor, **values)


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def citizen() -> Client:
    identity_actions.do_register_person(
        None, name="市民", id_number=make_id_number("420102", dt.date(1990, 1, 1), 7, male=True),
        username="citizen", password=PASSWORD)
    return signed_in("citizen")


# --- the actions --------------------------------------------------------------------------


def test_a_clerk_records_a_penalty_and_the_grade_follows(world: World) -> None:
    entity = world["entities"][0]  # graded A (95) by the fixture
    made = record(world, world["users"]["amr_clerk"])
    assert made.created_by == world["users"]["amr_clerk"]
    grade = CreditGrade.objects.get(legal_entity=entity, is_current=True)
    assert (grade.grade, grade.score) == ("A", 90)
    assert grade.explanation[0]["evidence"] == ["武市监罚〔2026〕1号"]
    event = AuditEvent.objects.get(action="supervision.credit_record.create")
    assert (event.details["kind"], event.details["entity"], event.details["grade"]) == (
        "penalty", entity.uscc, "A")
    assert not AuditEvent.objects.filter(action="supervision.credit.compute").exists()


@pytest.mark.parametrize(("changes", "code", "field"), [
    ({"kind": "warning"}, "kind_invalid", "kind"),
    ({"reference": " "}, "reference_required", "reference"),
    ({"reference": "x" * 81}, "reference_too_long", "reference"),
    ({"summary": ""}, "summary_required", "summary"),
    ({"decided_on": ""}, "decided_on_required", "decided_on"),
    ({"decided_on": "2026-13-01"}, "decided_on_invalid", "decided_on"),
    ({"decided_on": dt.date(2999, 1, 1)}, "decided_on_future", "decided_on"),
    ({"ended_on": dt.date(2000, 1, 1)}, "ended_on_before", "ended_on"),
])
def test_a_bad_credit_event_is_refused(world: World, changes: dict[str, Any], code: str,
                                       field: str) -> None:
    with pytest.raises(ActionError) as refused:
        record(world, world["users"]["amr_clerk"], **changes)
    assert (refused.value.code, refused.value.details["field"]) == (code, field)
    assert not CreditRecord.objects.exists()
    assert CreditGrade.objects.filter(legal_entity=world["entities"][0]).count() == 1


def test_a_decision_number_is_recorded_once(world: World) -> None:
    record(world)
    with pytest.raises(ActionError) as refused:
        record(world, legal_entity=world["entities"][1])
    assert (refused.value.code, refused.value.status) == ("reference_exists", 409)
    record(world, kind="abnormal")  # the same number for another kind of decision is fine


@pytest.mark.parametrize("who", ["amr_insp1", "env_leader", "outsider"])
def test_only_the_departments_handlers_record_in_its_name(world: World, who: str) -> None:
    with pytest.raises(NotPermitted):
        record(world, world["users"][who])
    assert not CreditRecord.objects.exists()


def test_ending_a_record_restores_the_grade(world: World) -> None:
    entity = world["entities"][0]
    listing = record(world, world["users"]["amr_clerk"], kind="abnormal")
    assert CreditGrade.objects.get(legal_entity=entity, is_current=True).score == 80
    with pytest.raises(NotPermitted):
        credit_actions.do_end_credit_record(world["users"]["env_leader"], listing,
                                            ended_on=timezone.localdate())
    with pytest.raises(ActionError) as refused:
        credit_actions.do_end_credit_record(world["users"]["amr_clerk"], listing,
                                            ended_on=dt.date(2000, 1, 1))
    assert refused.value.code == "ended_on_before"
    credit_actions.do_end_credit_record(world["users"]["amr_clerk"], listing,
                                        ended_on=timezone.localdate())
    assert CreditGrade.objects.get(legal_entity=entity, is_current=True).score == 100
    assert AuditEvent.objects.filter(action="supervision.credit_record.end").count() == 1


# --- the pages ----------------------------------------------------------------------------


def test_the_credit_page_records_an_event(world: World) -> None:
    clerk, entity = signed_in("amr_clerk"), world["entities"][2]
    url = reverse("supervision:credit_records")
    page = clerk.get(url)
    assert page.status_code == 200 and 'id="record-form"' in page.content.decode()
    data = {"uscc": entity.uscc, "kind": "abnormal", "organization": str(world["amr"].uid),
            "reference": "武市监异〔2026〕9号", "summary": "年报未报送",
            "decided_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat()}
    assert clerk.post(url, data).status_code == 302
    made = CreditRecord.objects.get()
    assert (made.legal_entity, made.kind) == (entity, "abnormal")
    listed = clerk.get(url, {"q": entity.uscc}).content.decode()
    assert "武市监异〔2026〕9号" in listed
    bad = clerk.post(url, {**data, "reference": "武市监异〔2026〕10号", "uscc": "91420111"})
    assert bad.status_code == 400 and bad.context["form"].errors["uscc"]
    end = reverse("supervision:credit_record_end", kwargs={"uid": made.uid})
    assert clerk.post(end, {"ended_on": timezone.localdate().isoformat()}).status_code == 302
    made.refresh_from_db()
    assert made.ended_on == timezone.localdate()


def test_the_credit_page_refuses_outsiders(world: World) -> None:
    url = reverse("supervision:credit_records")
    data = {"uscc": world["entities"][0].uscc, "kind": "penalty",
            "organization": str(world["amr"].uid), "reference": "X-1", "summary": "x",
            "decided_on": timezone.localdate().isoformat()}
    assert citizen().get(url).status_code == 403
    assert Client().get(url).status_code == 302  # to the sign-in page
    outsider = signed_in("outsider")  # staff of Yichang: reads, records in its own name only
    assert outsider.get(url).status_code == 200
    refused = outsider.post(url, data)
    assert refused.status_code == 400  # Wuhan's department is not among its choices
    assert not CreditRecord.objects.exists()
    made = record(world)
    end = reverse("supervision:credit_record_end", kwargs={"uid": made.uid})
    assert outsider.post(end, {"ended_on": timezone.localdate().isoformat()}).status_code == 403
    recompute = reverse("supervision:recompute")
    assert signed_in("amr_clerk").post(recompute).status_code == 403
    assert signed_in("amr_leader").post(recompute).status_code == 302


# --- the API ------------------------------------------------------------------------------


def test_the_api_records_lists_and_ends_credit_events(world: World) -> None:
    clerk, entity = signed_in("amr_clerk"), world["entities"][3]
    body = {"uscc": entity.uscc, "kind": "penalty", "organization": str(world["amr"].uid),
            "reference": "武市监罚〔2026〕77号", "summary": "虚假宣传",
            "decided_on": (timezone.localdate() - dt.timedelta(days=2)).isoformat()}
    made = clerk.post(f"{API}/credit-records", body, content_type="application/json")
    assert made.status_code == 201, made.content
    uid = made.json()["uid"]
    listed = clerk.get(f"{API}/credit-records", {"uscc": entity.uscc}).json()
    assert [r["reference"] for r in listed["items"]] == ["武市监罚〔2026〕77号"]
    again = clerk.post(f"{API}/credit-records", body, content_type="application/json")
    assert (again.status_code, again.json()["code"]) == (409, "reference_exists")
    future = clerk.post(f"{API}/credit-records", {**body, "reference": "Y", "decided_on":
                                                  "2999-01-01"}, content_type="application/json")
    assert (future.status_code, future.json()["details"]) == (400, {"field": "decided_on"})
    ended = clerk.post(f"{API}/credit-records/{uid}/end",
                       {"ended_on": timezone.localdate().isoformat()},
                       content_type="application/json")
    assert ended.status_code == 200 and ended.json()["ended_on"] == str(timezone.localdate())
    detail = clerk.get(f"{API}/entities/{entity.uscc}").json()
    assert detail["grade"] == "A" and detail["credit_records"][0]["uid"] == uid
    rules = clerk.get(f"{API}/credit-rules").json()
    assert len(rules["rules"]) == 6 and rules["bands"][0] == {"grade": "A", "min_score": 90}


def test_the_credit_api_refuses_outsiders(world: World) -> None:
    body = {"uscc": world["entities"][0].uscc, "kind": "penalty",
            "organization": str(world["amr"].uid), "reference": "Z-1", "summary": "x",
            "decided_on": timezone.localdate().isoformat()}
    outsider, person = signed_in("outsider"), citizen()
    for client in (outsider, person):
        refused = client.post(f"{API}/credit-records", body, content_type="application/json")
        assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    assert person.get(f"{API}/credit-records").status_code == 403
    assert person.get(f"{API}/entities/{world['entities'][0].uscc}").status_code == 403
    assert Client().get(f"{API}/credit-rules").status_code == 401
    computing = signed_in("amr_clerk").post(f"{API}/grades/compute", {},
                                            content_type="application/json")
    assert computing.status_code == 403
    done = signed_in("amr_leader").post(f"{API}/grades/compute",
                                        {"uscc": [world["entities"][0].uscc]},
                                        content_type="application/json")
    assert done.json() == {"changed": 1}
    assert not CreditRecord.objects.exists()
