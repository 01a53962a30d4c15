"""The hotline's JSON API (/api/v1/hotline/): filing, listing and reading tickets as each actor
may, the action endpoints, knowledge search, classification, statistics, refusals (403) and
the error shape of bad input."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from jingchu.cases.tests.conftest import PASSWORD
from jingchu.hotline.actions import knowledge
from jingchu.hotline.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db
API = "/api/v1/hotline"
World = dict[str, Any]
COMPLAINT = {"kind": "complaint", "title": "超市销售过期食品",
             "content": "洪山区珞喻路一家超市销售过期酸奶，要求查处。",
             "address": "武汉市洪山区珞喻路1号", "category": "market-food"}


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(f"{API}{url}", body or {}, content_type="application/json")


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    data = response.json()
    assert set(data) == {"code", "message", "details"}
    if code is not None:
        assert data["code"] == code
    return data


def file(client: Client, **changes: Any) -> dict[str, Any]:
    response = post(client, "/tickets", {**COMPLAINT, **changes})
    assert response.status_code == 201, response.content
    return response.json()


def test_citizen_files_and_follows_a_ticket(hotline_world: World) -> None:
    citizen = signed_in("citizen")
    made = file(citizen)
    ticket = Ticket.objects.get(number=made["number"])
    assert (ticket.channel, ticket.person, made["status"]) == (
        "api", hotline_world["users"]["citizen"].person, "received")
    assert made["caller"] == {"name": "张小明", "phone": "13800138000", "hidden": False}
    listed = citizen.get(f"{API}/tickets").json()
    assert listed["count"] == 1 and listed["items"][0]["number"] == made["number"]
    assert signed_in("outsider").get(f"{API}/tickets/{made['number']}").status_code == 403


def test_the_whole_path_through_the_api(hotline_world: World) -> None:
    made = file(signed_in("citizen"))
    number = made["number"]
    operator, handler = signed_in("operator"), signed_in("amr_handler")
    amr = str(hotline_world["orgs"]["wh-scjg"].uid)
    dispatched = post(operator, f"/tickets/{number}/dispatch", {"organization": amr}).json()
    assert dispatched["status"] == "dispatched"
    assert dispatched["organization"]["name"] == "武汉市市场监督管理局"
    queue = handler.get(f"{API}/tickets").json()
    assert [t["number"] for t in queue["items"]] == [number]
    seen = handler.get(f"{API}/tickets/{number}").json()
    assert seen["caller"]["phone"] == "138****8000" and seen["caller"]["name"] != "张小明"
    assert post(handler, f"/tickets/{number}/sign").json()["status"] == "handling"
    replied = post(handler, f"/tickets/{number}/reply", {"reply": "已责令下架并立案调查。"})
    assert replied.json()["status"] == "replied"
    rated = post(signed_in("citizen"), f"/tickets/{number}/rate",
                 {"satisfaction": "satisfied", "comment": "处理及时"})
    assert rated.json()["status"] == "closed"
    actions = list(TicketEvent.objects.filter(ticket__number=number)
                   .values_list("action", flat=True))
    assert actions[0] == "received" and "dispatched" in actions and "replied" in actions


def test_return_reopen_and_close(hotline_world: World) -> None:
    operator, handler = signed_in("operator"), signed_in("amr_handler")
    number = file(signed_in("citizen"))["number"]
    amr = str(hotline_world["orgs"]["wh-scjg"].uid)
    post(operator, f"/tickets/{number}/dispatch", {"organization": amr})
    returned = post(handler, f"/tickets/{number}/return", {"reason": "不属于本单位职责。"})
    assert returned.json()["status"] == "returned"
    post(operator, f"/tickets/{number}/dispatch",
         {"organization": amr, "note": "经核实属于市场监管职责。"})
    post(handler, f"/tickets/{number}/sign")
    post(handler, f"/tickets/{number}/reply", {"reply": "已处理。"})
    citizen = signed_in("citizen")
    post(citizen, f"/tickets/{number}/rate", {"satisfaction": "unsatisfied"})
    reopened = post(citizen, f"/tickets/{number}/reopen", {"reason": "问题仍未解决。"})
    assert (reopened.json()["status"], reopened.json()["reopen_count"]) == ("dispatched", 1)
    post(handler, f"/tickets/{number}/sign")
    post(handler, f"/tickets/{number}/reply", {"reply": "已再次处理。"})
    closed = post(operator, f"/tickets/{number}/close", {"note": "已解释。"})
    assert closed.json()["status"] == "closed"


def test_outsiders_are_refused_in_the_error_shape(hotline_world: World) -> None:
    number = file(signed_in("citizen"))["number"]
    outsider = signed_in("outsider")
    for url, body in ((f"/tickets/{number}/dispatch", {}), (f"/tickets/{number}/sign", {}),
                      (f"/tickets/{number}/reply", {"reply": "x"}),
                      (f"/tickets/{number}/rate", {"satisfaction": "satisfied"}),
                      (f"/tickets/{number}/close", {}), ("/classify", {"text": "噪音"})):
        assert_error(post(outsider, url, body), 403, "permission_denied")
    steward = signed_in("amr_steward")
    assert_error(steward.get(f"{API}/tickets"), 403)
    assert_error(steward.get(f"{API}/knowledge", {"q": "营业执照"}), 403)
    assert_error(steward.get(f"{API}/stats/summary"), 403)
    assert_error(signed_in("citizen").post(f"{API}/tickets/{number}/sign"), 403)
    assert_error(Client().get(f"{API}/tickets"), 401, "not_authenticated")


def test_bad_input_is_4xx_in_the_error_shape(hotline_world: World) -> None:
    citizen = signed_in("citizen")
    assert_error(post(citizen, "/tickets", {**COMPLAINT, "kind": "gossip"}), 400, "kind_invalid")
    assert_error(post(citizen, "/tickets", {"kind": "complaint"}), 422, "invalid_input")
    assert_error(post(citizen, "/tickets", {**COMPLAINT, "caller_phone": "12"}), 400)
    assert_error(citizen.get(f"{API}/tickets/3301-12345-nope"), 404, "not_found")
    assert_error(citizen.get(f"{API}/tickets", {"status": "lost"}), 400, "status_invalid")
    number = file(citizen)["number"]
    handler = signed_in("amr_handler")
    operator = signed_in("operator")
    assert_error(post(operator, f"/tickets/{number}/dispatch", {"organization": "nope"}), 400,
                 "organization_invalid")
    assert_error(post(operator, f"/tickets/{number}/close"), 409, "wrong_state")
    assert_error(handler.get(f"{API}/stats/summary", {"date_from": "2025-02-30"}), 400,
                 "date_invalid")
    assert_error(handler.get(f"{API}/stats/keywords", {"days": 0}), 400, "window_invalid")


def test_knowledge_search_and_classify(hotline_world: World) -> None:
    knowledge.do_save_article(None, title="个体工商户怎么办营业执照？",
                              answer="可在政务服务网或市民之家办理，当场办结。",
                              keywords="个体户 营业执照", category="market-registration")
    found = signed_in("amr_handler").get(f"{API}/knowledge", {"q": "营业执照怎么办"}).json()
    assert [a["title"] for a in found] == ["个体工商户怎么办营业执照？"]
    assert found[0]["category"]["code"] == "market-registration"
    classified = post(signed_in("operator"), "/classify",
                      {"text": "超市卖过期食品", "address": "武汉市洪山区珞喻路"})
    assert classified.status_code == 200
    assert set(classified.json()) == {"suggestions", "region", "route"}


def test_statistics_endpoints(hotline_world: World) -> None:
    citizen = signed_in("citizen")
    file(citizen)
    file(citizen, kind="consult", category="")
    operator = signed_in("operator")
    summary = operator.get(f"{API}/stats/summary", {"days": 7}).json()
    assert summary["received"] == 2 and summary["by_status"]["received"] == 2
    assert summary["scope"]["region"]["code"] == "420100000000"
    volumes = operator.get(f"{API}/stats/volumes", {"days": "7", "level": "county"}).json()
    assert {r["key"]: r["count"] for r in volumes["by_kind"]}["consult"] == 1
    assert len(volumes["by_day"]) == 7 and sum(d["count"] for d in volumes["by_day"]) == 2
    departments = signed_in("amr_handler").get(f"{API}/stats/departments").json()
    assert departments["scope"]["organization"]["name"] == "武汉市市场监督管理局"
    assert departments["rows"] == []
    keywords = operator.get(f"{API}/stats/keywords", {"days": 7, "min_count": 1}).json()
    assert keywords["days"] == 7 and isinstance(keywords["rows"], list)
