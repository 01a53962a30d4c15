"""The cockpit API (/api/v1/cockpit/): every endpoint refuses outsiders (403) and other cities
(403, or left off the map), answers bad input with 400 and the reason, and gives the figures
stored in the rollups with the period before's."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jingchu.cockpit import periods
from jingchu.cockpit.tests.conftest import JIANGAN, PROVINCE, WUHAN, XIANGYANG, Store
from jingchu.core import kpi

API = "/api/v1/cockpit"
RATE = "cases.on_time_rate"


@pytest.fixture
def stored(rollup: Store, people: dict[str, Any]) -> dict[str, Any]:
    today = timezone.localdate()
    before = periods.previous(periods.parse("", today))
    rollup(RATE, today, [("wh-zwb", 8, 10), ("wh-ja-scjg", 9, 10), ("xy-zwb", 3, 10),
                         ("hb-zwb", 5, 5)])
    rollup(RATE, before.end, [("wh-zwb", 1, 4)])
    rollup("cases.submitted", today, [("wh-zwb", 12, 1), ("xy-zwb", 5, 1)])
    return people


def get(client: Any, user: Any, path: str, **params: str) -> Any:
    client.force_login(user)
    return client.get(API + path, params)


def test_outsiders_get_403(client: Any, stored: dict[str, Any]) -> None:
    for name in ("wh_clerk", "citizen"):
        for path in ("/kpis", f"/kpis/{RATE}", f"/map/{RATE}"):
            response = get(client, stored[name], path)
            assert response.status_code == 403, path
            assert response.json()["code"] == "permission_denied"
            assert response.json()["message"]
    client.logout()
    assert client.get(f"{API}/kpis").status_code == 401


def test_kpis_of_a_region_with_the_period_before(client: Any, stored: dict[str, Any]) -> None:
    response = get(client, stored["wh_leader"], "/kpis")
    assert response.status_code == 200
    body = response.json()
    assert body["region"]["code"] == WUHAN  # the leader's home region
    by_code = {k["code"]: k for k in body["kpis"]}
    assert set(by_code) == set(kpi.registry())
    rate = by_code[RATE]
    assert rate["value"] == pytest.approx(17 / 20)
    assert (rate["numerator"], rate["denominator"]) == (17.0, 20.0)
    assert rate["previous_value"] == pytest.approx(0.25)
    assert rate["unit"] == "rate" and rate["definition"] and rate["source"]
    assert by_code["cases.submitted"]["value"] == 12
    assert by_code["sharing.registration_rate"]["target"] == 1.0
    assert by_code["sharing.registration_rate"]["snapshot"] is True
    assert body["period"]["end"] == timezone.localdate().isoformat()
    province = get(client, stored["hb_leader"], "/kpis").json()
    assert province["region"]["code"] == PROVINCE
    assert {k["code"]: k["value"] for k in province["kpis"]}[RATE] == pytest.approx(25 / 35)


def test_kpi_detail_drills_down(client: Any, stored: dict[str, Any]) -> None:
    response = get(client, stored["hb_leader"], f"/kpis/{RATE}", region=WUHAN,
                   period="2020-01-01..2099-12-31")
    assert response.status_code == 400  # a range over 366 days
    assert "366" in response.json()["message"]
    body = get(client, stored["hb_leader"], f"/kpis/{RATE}", region=WUHAN).json()
    assert body["kpi"]["value"] == pytest.approx(0.85)
    assert body["kpi"]["previous_value"] == pytest.approx(0.25)
    children = {c["region"] or c["name"]: c for c in body["children"]}
    assert children[JIANGAN]["value"] == pytest.approx(0.9)
    assert children["武汉市政务服务和大数据管理局"]["value"] == pytest.approx(0.8)
    assert children["武汉市政务服务和大数据管理局"]["organization_id"]
    today = timezone.localdate()
    assert len(body["series"]) == today.day
    assert body["series"][-1] == {"day": today.isoformat(), "value": pytest.approx(0.85)}
    assert get(client, stored["hb_leader"], "/kpis/nope.nothing").status_code == 404


def test_city_leader_reads_only_their_city(client: Any, stored: dict[str, Any]) -> None:
    leader = stored["xy_leader"]
    assert get(client, leader, "/kpis", region=WUHAN).status_code == 403
    assert get(client, leader, f"/kpis/{RATE}", region=WUHAN).status_code == 403
    assert get(client, leader, "/kpis", region=XIANGYANG).status_code == 200
    response = get(client, leader, f"/map/{RATE}")
    assert response.status_code == 200
    assert response.json()["values"] == {XIANGYANG: pytest.approx(0.3)}
    assert WUHAN not in response.content.decode()


def test_province_map(client: Any, stored: dict[str, Any]) -> None:
    body = get(client, stored["hb_leader"], f"/map/{RATE}").json()
    assert body["kpi"] == RATE
    assert len(body["values"]) == 17
    assert body["values"][WUHAN] == pytest.approx(0.85)
    assert body["values"]["420500000000"] is None  # Yichang: nothing stored
    assert get(client, stored["hb_leader"], "/map/nope.nothing").status_code == 404


def test_bad_input_is_400(client: Any, stored: dict[str, Any]) -> None:
    user = stored["hb_leader"]
    for path in ("/kpis", f"/kpis/{RATE}", f"/map/{RATE}"):
        response = get(client, user, path, period="last week")
        assert response.status_code == 400, path
        assert response.json()["code"] == "period_invalid"
        assert response.json()["details"] == {"field": "period"}
    future = (timezone.localdate() + dt.timedelta(days=40)).strftime("%Y-%m")
    assert get(client, user, "/kpis", period=future).json()["code"] == "period_future"
    response = get(client, user, "/kpis", region="123")
    assert response.status_code == 400 and response.json()["details"] == {"field": "region"}
