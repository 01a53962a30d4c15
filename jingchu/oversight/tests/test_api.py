"""The oversight JSON API (/api/v1/oversight/): issue, list and read tasks as each user may,
the action endpoints through a whole task, refusals (403) and the error shape of bad input."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from jingchu.oversight.tests.conftest import World, issue_task

pytestmark = pytest.mark.django_db
API = "/api/v1/oversight"


def as_user(world: World, name: str) -> Client:
    client = Client()
    client.force_login(world["users"][name])
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


def uid_of(task: dict[str, Any], organization: str) -> str:
    return next(a["uid"] for a in task["assignments"]
                if a["organization"]["name"] == organization)


def test_a_task_through_the_api(world: World) -> None:
    orgs = world["orgs"]
    leader = as_user(world, "hb_leader")
    body = {"issuer": str(orgs["hb-zwb"].uid), "title": "专项督查", "instruction": "请落实。",
            "deadline": "2026-09-30", "lead": str(orgs["wh-scjg"].uid),
            "co_organizations": [str(orgs["yc-zwb"].uid)]}
    made = post(leader, "/tasks", body)
    assert made.status_code == 201, made.content
    task = made.json()
    number, scjg = task["number"], orgs["wh-scjg"].name
    assert number == "DC-420000-2026-0001" and len(task["assignments"]) == 2
    lead = uid_of(task, scjg)
    handler, scjg_leader = as_user(world, "scjg_handler"), as_user(world, "scjg_leader")
    signed = post(handler, f"/assignments/{lead}/sign").json()
    assert next(a for a in signed["assignments"] if a["uid"] == lead)["status"] == "signed"
    assert_error(post(handler, f"/assignments/{lead}/sign"), 409, "wrong_state")
    assert post(handler, f"/assignments/{lead}/reports",
                {"text": "进展顺利", "percent": 50}).status_code == 201
    sub = post(scjg_leader, f"/assignments/{lead}/sub-assign",
               {"organizations": [str(orgs["wh-ja-scjg"].uid)], "deadline": "2026-09-29"})
    assert sub.status_code == 201
    child = uid_of(sub.json(), orgs["wh-ja-scjg"].name)
    assert next(a for a in sub.json()["assignments"] if a["uid"] == child)["parent"] == lead
    asked = post(scjg_leader, f"/assignments/{lead}/extensions",
                 {"deadline": "2026-10-09", "reason": "需补充检查"})
    assert asked.status_code == 201
    ext = next(a for a in asked.json()["assignments"] if a["uid"] == lead)["extensions"][0]
    assert_error(post(scjg_leader, f"/extensions/{ext['uid']}/decide", {"approve": True}), 403)
    decided = post(leader, f"/extensions/{ext['uid']}/decide", {"approve": True})
    assert decided.json()["deadline"] == "2026-10-09"
    ja = as_user(world, "ja_leader")
    post(ja, f"/assignments/{child}/sign")
    post(ja, f"/assignments/{child}/reports", {"text": "完成", "percent": 100, "final": True})
    done = post(handler, f"/assignments/{lead}/reports",
                {"text": "全部完成", "percent": 100, "final": True})
    assert done.json()["status"] == "review"
    assert_error(post(as_user(world, "hb_clerk"), f"/tasks/{number}/review",
                      {"accept": True}), 403)
    closed = post(leader, f"/tasks/{number}/review", {"accept": True, "note": "同意"})
    assert closed.json()["status"] == "closed"
    assert {a["status"] for a in closed.json()["assignments"]} == {"done"}
    assert [e["action"] for e in closed.json()["events"]][-1] == "closed"


def test_reading_and_listing_follow_permissions(world: World) -> None:
    task = issue_task(world, co=("yc-zwb",))
    other = issue_task(world, lead="wh-zwb", title="另一项")
    url = f"{API}/tasks/{task.number}"
    assert as_user(world, "scjg_steward").get(url).status_code == 200
    assert_error(as_user(world, "outsider").get(url), 403, "permission_denied")
    assert_error(as_user(world, "outsider").get(f"{API}/tasks/DC-000000-2026-0001"), 404,
                 "not_found")
    assert_error(Client().get(url), 401)
    listed = as_user(world, "scjg_handler").get(f"{API}/tasks").json()
    assert [t["number"] for t in listed["items"]] == [task.number]
    everything = as_user(world, "hb_leader").get(f"{API}/tasks", {"q": "另一"}).json()
    assert [t["number"] for t in everything["items"]] == [other.number]
    assert as_user(world, "outsider").get(f"{API}/tasks").json()["count"] == 0
    assert_error(as_user(world, "hb_leader").get(f"{API}/tasks", {"status": "odd"}), 400,
                 "status_invalid")


def test_refusals_and_bad_input_in_the_error_shape(world: World) -> None:
    orgs = world["orgs"]
    body = {"issuer": str(orgs["wh-zwb"].uid), "title": "越级", "instruction": "x",
            "deadline": "2026-09-30", "lead": str(orgs["hb-scjg"].uid)}
    assert_error(post(as_user(world, "scjg_handler"), "/tasks", body), 403)
    wh = as_user(world, "wh_leader")
    error = assert_error(post(wh, "/tasks", body), 400, "lead_out_of_region")
    assert error["details"] == {"field": "lead"}
    assert_error(post(wh, "/tasks", {**body, "lead": "nope"}), 400, "lead_invalid")
    assert_error(post(wh, "/tasks", {**body, "deadline": "soon"}), 422, "invalid_input")
    task = issue_task(world)
    lead = task.assignments.get()
    assert_error(post(as_user(world, "outsider"), f"/assignments/{lead.uid}/sign"), 403)
    assert_error(post(as_user(world, "scjg_handler"), "/assignments/nope/sign"), 404)
    assert_error(post(as_user(world, "scjg_handler"), f"/assignments/{lead.uid}/reports",
                      {"text": "x", "percent": 10}), 409, "wrong_state")
