"""The inspections API (/api/v1/supervision/inspections, /results, /kpis): the whole path from
the result to the public record, refusals (403) and the error shape of bad input."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jingchu.supervision.tests.test_inspections_world import (
    World,
    freeze,
)
from jingchu.supervision.tests.test_inspections_world import round_world as _round_world

round_world = _round_world  # the fixture, found here by pytest
pytestmark = pytest.mark.django_db
API = "/api/v1/supervision"
PDF = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\n%%EOF\n"
RESULT = {"inspected_on": "2026-09-03", "ended_on": "2026-09-04", "outcome": "rectify",
          "findings": "消毒记录缺失。", "follow_up_due": "2026-10-09"}


def signed_in(world: World, name: str) -> Client:
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


@pytest.fixture
def number(round_world: World, monkeypatch: pytest.MonkeyPatch) -> str:
    freeze(monkeypatch, dt.date(2026, 9, 7))
    return str(round_world["inspections"][0].number)


def test_result_evidence_publication_and_the_public_record(round_world: World,
                                                           number: str) -> None:
    inspector = signed_in(round_world, "amr_insp1")
    listed = inspector.get(f"{API}/inspections").json()
    assert listed["count"] == 2 and listed["items"][0]["number"] == number
    recorded = post(inspector, f"/inspections/{number}/result", RESULT)
    assert recorded.status_code == 200, recorded.content
    data = recorded.json()
    assert (data["status"], data["publish_due"], data["follow_up"]) == (
        "recorded", "2026-10-09", "open")
    assert data["working_days_left"] == 19  # Monday 09-07 was the first of the 20
    assert [i["certificate_number"] for i in data["inspectors"]] == ["ZF-SC-0001", "ZF-SC-0002"]
    uploaded = inspector.post(f"{API}/inspections/{number}/evidence",
                              {"file": SimpleUploadedFile("笔录.pdf", PDF)})
    assert uploaded.status_code == 201, uploaded.content
    uid = uploaded.json()["uid"]
    fetched = inspector.get(f"{API}/inspections/{number}/evidence/{uid}")
    assert fetched.status_code == 200 and fetched.getvalue() == PDF
    assert_error(post(inspector, f"/inspections/{number}/publish"), 403, "permission_denied")
    published = post(signed_in(round_world, "amr_leader"), f"/inspections/{number}/publish")
    assert published.json()["status"] == "published"
    public = Client().get(f"{API}/results").json()
    assert public["count"] == 1
    result = public["items"][0]
    assert result["number"] == number and result["outcome"] == "rectify"
    assert result["entity"]["uscc"] == round_world["entities"][0].uscc
    assert result["ledger_index"] is not None and result["published_on"] == "2026-09-07"
    assert "findings" not in result and "inspectors" not in result
    assert Client().get(f"{API}/results/{number}").json()["number"] == number


def test_outsiders_and_bad_input_are_refused(round_world: World, number: str) -> None:
    outsider = signed_in(round_world, "outsider")
    assert_error(outsider.get(f"{API}/inspections/{number}"), 403)
    assert_error(post(outsider, f"/inspections/{number}/result", RESULT), 403)
    assert_error(Client().get(f"{API}/inspections"), 401)
    assert_error(Client().get(f"{API}/results/{number}"), 404, "not_found")  # not published
    inspector = signed_in(round_world, "amr_insp1")
    assert_error(post(inspector, f"/inspections/{number}/result",
                      {**RESULT, "follow_up_due": None}), 400, "follow_up_due_required")
    assert_error(post(inspector, f"/inspections/{number}/result", {"outcome": "passed"}), 422)
    assert_error(post(inspector, f"/inspections/{number}/follow-up",
                      {"rectified": True, "note": "x"}), 409, "wrong_state")
    assert_error(inspector.get(f"{API}/inspections?status=done"), 400, "status_invalid")
    assert_error(Client().get(f"{API}/results?outcome=fine"), 400, "outcome_invalid")
    assert_error(inspector.get(f"{API}/inspections/NOPE-1"), 404)
    assert_error(inspector.get(f"{API}/kpis"), 403)


def test_the_kpis(round_world: World, number: str) -> None:
    post(signed_in(round_world, "amr_insp1"), f"/inspections/{number}/result", RESULT)
    leader = signed_in(round_world, "amr_leader")
    data = leader.get(f"{API}/kpis", {"date_from": "2026-09-01", "date_to": "2026-09-30",
                                      "department": str(round_world["amr"].uid)}).json()
    assert data["coverage"] == {"active": 3, "covered": 2, "rate": 0.6667, "target": 0.8,
                                "meets_target": False, "uncovered": ["SC-003"]}
    assert {r["outcome"]: r["count"] for r in data["outcomes"]}["rectify"] == 1
    assert data["departments"][0]["ended"] == 1
    assert_error(leader.get(f"{API}/kpis", {"department": "nope"}), 400, "department_invalid")
    assert_error(leader.get(f"{API}/kpis", {"days": 0}), 400, "days_invalid")
