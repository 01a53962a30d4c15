"""The directories under /api/v1/supervision/: items, entities, inspectors and conflicts,
sampling rules; each refused to outsiders (403) and bad input in the error shape."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from jingchu.cases.tests.conftest import PASSWORD
from jingchu.core.identifiers import make_id_number
from jingchu.identity import actions as identity_actions
from jingchu.identity.models import Staff
from jingchu.supervision.models import (
    ConflictDeclaration,
    Inspector,
    RegulatoryItem,
    SamplingRule,
    SupervisedEntity,
)

pytestmark = pytest.mark.django_db
World = dict[str, Any]
API = "/api/v1/supervision"


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def citizen() -> Client:
    identity_actions.do_register_person(
        None, name="市民", id_number=make_id_number("420102", dt.date(1990, 1, 1), 7, male=True),
        username="citizen", password=PASSWORD)
    return signed_in("citizen")


def send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(f"{API}{url}", body, content_type="application/json")


def error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    data = response.json()
    assert set(data) == {"code", "message", "details"} and data["code"] == code
    return data


ITEM = {"code": "SC-030", "name": "网络交易平台检查", "legal_basis": "《电子商务法》第六条",
        "method": "online", "industries": ["retail"]}


def test_items(supervision_world: World) -> None:
    amr = str(supervision_world["amr"].uid)
    leader = signed_in("amr_leader")
    made = send(leader, "post", "/items", {**ITEM, "organization": amr})
    assert made.status_code == 201 and made.json()["code"] == "SC-030"
    listed = signed_in("env_insp1").get(f"{API}/items", {"organization": amr}).json()
    assert [i["code"] for i in listed] == ["SC-001", "SC-002", "SC-003", "SC-030"]
    error(send(leader, "post", "/items", {**ITEM, "organization": amr}), 409, "code_exists")
    error(send(leader, "post", "/items", {**ITEM, "organization": "nope"}), 400,
          "organization_invalid")
    error(send(leader, "post", "/items", {**ITEM, "code": "SC-031", "method": "x",
                                          "organization": amr}), 400, "method_invalid")
    changed = send(leader, "put", "/items/SC-030", {**ITEM, "is_active": False})
    assert changed.status_code == 200 and changed.json()["is_active"] is False
    active = leader.get(f"{API}/items", {"organization": amr, "active": "true"}).json()
    assert "SC-030" not in [i["code"] for i in active]
    error(send(leader, "put", "/items/NOPE", ITEM), 404, "not_found")
    for who in ("env_leader", "outsider", "amr_clerk"):
        error(send(signed_in(who), "post", "/items", {**ITEM, "code": "SC-040",
                                                      "organization": amr}),
              403, "permission_denied")
        error(send(signed_in(who), "put", "/items/SC-001", ITEM), 403, "permission_denied")
    error(citizen().get(f"{API}/items"), 403, "permission_denied")
    assert RegulatoryItem.objects.count() == 5


def test_entities(supervision_world: World) -> None:
    client = signed_in("amr_insp1")
    page = client.get(f"{API}/entities", {"grade": "D", "region": "420111000000"}).json()
    assert page["count"] == 2 and {e["grade"] for e in page["items"]} == {"D"}
    assert client.get(f"{API}/entities", {"page": 1}).json()["count"] == 40
    error(client.get(f"{API}/entities", {"grade": "E"}), 400, "grade_invalid")
    error(client.get(f"{API}/entities", {"industry": "mining"}), 400, "industry_invalid")
    error(client.get(f"{API}/entities", {"region": "999"}), 400, "region_invalid")
    entity = supervision_world["entities"][9]
    detail = client.get(f"{API}/entities/{entity.uscc}").json()
    assert (detail["name"], detail["grade"], detail["score"]) == (entity.name, "A", 95)
    assert len(detail["history"]) == 1 and detail["licences"] == []
    error(client.get(f"{API}/entities/91420111"), 400, "uscc_length")
    SupervisedEntity.objects.filter(legal_entity=entity).delete()
    error(client.get(f"{API}/entities/{entity.uscc}"), 404, "not_found")
    error(send(client, "post", "/entities", {"uscc": entity.uscc, "industry": "food"}),
          403, "permission_denied")
    leader = signed_in("amr_leader")
    made = send(leader, "post", "/entities", {"uscc": entity.uscc, "industry": "food"})
    assert made.status_code == 201 and made.json()["industry"] == "food"
    error(send(leader, "post", "/entities", {"uscc": entity.uscc, "industry": "food"}), 409,
          "entity_registered")
    changed = send(leader, "put", f"/entities/{entity.uscc}",
                   {"industry": "retail", "is_active": False})
    assert changed.json()["is_active"] is False
    error(citizen().get(f"{API}/entities"), 403, "permission_denied")


def test_inspectors_and_conflicts(supervision_world: World) -> None:
    amr = str(supervision_world["amr"].uid)
    leader, inspector = signed_in("amr_leader"), signed_in("amr_insp3")
    listed = inspector.get(f"{API}/inspectors", {"organization": amr}).json()
    assert len(listed) == 6 and listed[0]["certificate_number"] == "ZF-SC-0001"
    clerk = Staff.objects.get(user__username="amr_clerk")
    body = {"staff": str(clerk.uid), "organization": amr, "certificate_number": "ZF-SC-0077",
            "qualified_until": "2030-06-30"}
    error(send(inspector, "post", "/inspectors", body), 403, "permission_denied")
    assert send(leader, "post", "/inspectors", body).status_code == 201
    error(send(leader, "post", "/inspectors", {**body, "staff": "x"}), 400, "staff_invalid")
    renewed = send(leader, "put", "/inspectors/ZF-SC-0077",
                   {"certificate_number": "ZF-SC-0078", "qualified_until": "2031-06-30"})
    assert renewed.json()["certificate_number"] == "ZF-SC-0078"
    entity = supervision_world["entities"][11]
    conflict = send(inspector, "post", "/inspectors/ZF-SC-0003/conflicts",
                    {"uscc": entity.uscc, "relation": "employment", "note": "曾任职"})
    assert conflict.status_code == 201
    error(send(inspector, "post", "/inspectors/ZF-SC-0004/conflicts",
               {"uscc": entity.uscc, "relation": "kin"}), 403, "permission_denied")
    error(send(inspector, "post", "/inspectors/ZF-SC-0003/conflicts",
               {"uscc": entity.uscc, "relation": "kin"}), 409, "conflict_exists")
    uid = conflict.json()["uid"]
    error(send(inspector, "post", f"/conflicts/{uid}/withdraw", {"reason": "x"}), 403,
          "permission_denied")
    done = send(leader, "post", f"/conflicts/{uid}/withdraw", {"reason": "已离职三年以上"})
    assert done.json()["withdrawn_at"] is not None
    error(send(leader, "post", "/conflicts/nope/withdraw", {"reason": "x"}), 404, "not_found")
    assert ConflictDeclaration.objects.filter(withdrawn_at__isnull=True).count() == 0
    assert Inspector.objects.count() == 10


def test_sampling_rules(supervision_world: World) -> None:
    amr = str(supervision_world["amr"].uid)
    listed = signed_in("amr_insp1").get(f"{API}/sampling-rules", {"organization": amr}).json()
    assert [(r["grade"], r["factor"], r["cap_percent"]) for r in listed] == [
        ("A", "0.50", "5.00"), ("B", "1.00", "10.00"), ("C", "2.00", "30.00"),
        ("D", "3.00", None)]
    leader = signed_in("amr_leader")
    done = send(leader, "put", f"/sampling-rules/{amr}/D", {"factor": "4", "cap_percent": 80})
    assert done.json()["factor"] == "4.00" and done.json()["cap_percent"] == "80.00"
    error(send(leader, "put", f"/sampling-rules/{amr}/E", {"factor": "1"}), 400,
          "grade_invalid")
    error(send(leader, "put", f"/sampling-rules/{amr}/A", {"factor": "0"}), 400,
          "factor_invalid")
    error(send(signed_in("env_leader"), "put", f"/sampling-rules/{amr}/A", {"factor": "9"}),
          403, "permission_denied")
    assert SamplingRule.objects.get(organization=supervision_world["amr"],
                                    grade="A").factor == 0.5
