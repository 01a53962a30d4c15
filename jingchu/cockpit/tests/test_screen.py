"""The big screen and its data.json: who may read it (403 for outsiders and another city's
leader), what a city's leader is sent (their city only), the map's values by hand, today's
counters, the best and worst organizations, unknown inputs (400), and the page's assets."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone

from jingchu.cockpit.tests.conftest import (
    JIANGAN,
    PROVINCE,
    WUHAN,
    XIANGYANG,
    YICHANG,
    Store,
)

RATE = "cases.on_time_rate"
# Today's on-time cases (on time, closed) per organization: Wuhan 34/52, Yichang 13/18,
# Xiangyang 6/30, the province's own office 5/5. wh-gaj has too few cases (2) to be ranked.
CASES: list[tuple[Any, float, float]] = [
    ("hb-zwb", 5, 5), ("wh-zwb", 8, 10), ("wh-gaj", 2, 2), ("wh-ja-scjg", 9, 10),
    ("wh-mzj", 6, 10), ("wh-rsj", 5, 10), ("wh-scjg", 4, 10), ("yc-zwb", 6, 8),
    ("yc-gaj", 7, 10), ("xy-zwb", 3, 10), ("xy-gaj", 2, 10), ("xy-scjg", 1, 10),
]


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def stored(rollup: Store, people: dict[str, Any], today: dt.date) -> dict[str, Any]:
    rollup(RATE, today, CASES)
    # Outside this month and the trend's 30 days: counted nowhere on the screen.
    rollup(RATE, today - dt.timedelta(days=40), [("xy-zwb", 10, 10)])
    rollup("cases.submitted", today, [("wh-zwb", 12, 1), ("xy-zwb", 5, 1), ("hb-zwb", 3, 1)])
    rollup("cases.submitted", today - dt.timedelta(days=1), [("wh-zwb", 100, 1)])
    rollup("hotline.received", today, [("wh-12345", 40, 1)])
    return people


def data(client: Any, user: Any, **params: str) -> Any:
    client.force_login(user)
    return client.get(reverse("cockpit:screen_data"), params)


def test_outsiders_get_403(client: Any, stored: dict[str, Any]) -> None:
    for name in ("wh_clerk", "citizen"):
        client.force_login(stored[name])
        assert client.get(reverse("cockpit:screen")).status_code == 403
        response = client.get(reverse("cockpit:screen_data"))
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
        assert response.json()["message"]
    client.logout()
    assert client.get(reverse("cockpit:screen")).status_code == 302  # to sign in
    assert client.get(reverse("cockpit:screen_data")).status_code == 401


def test_province_map_has_every_city(client: Any, stored: dict[str, Any]) -> None:
    body = data(client, stored["hb_leader"], kpi=RATE).json()
    assert body["region"]["code"] == PROVINCE
    assert body["kpi"]["code"] == RATE and body["kpi"]["unit"] == "rate"
    values = {m["code"]: m["value"] for m in body["map"]}
    assert len(values) == 17
    assert values[WUHAN] == pytest.approx(round(34 / 52 * 100, 2))  # 65.38
    assert values[XIANGYANG] == pytest.approx(20.0)
    assert values[YICHANG] == pytest.approx(round(13 / 18 * 100, 2))
    assert sum(v is not None for v in values.values()) == 3
    ranked = body["cities"]
    assert [c["code"] for c in ranked[:3]] == [YICHANG, WUHAN, XIANGYANG]
    assert [c["rank"] for c in ranked[:4]] == [1, 2, 3, None] and len(ranked) == 17
    assert body["figure"]["value"] == pytest.approx(round(58 / 105 * 100, 2))
    assert body["figure"]["text"] == f"{58 / 105 * 100:.1f}%"


def test_city_leader_gets_their_city_only(client: Any, stored: dict[str, Any]) -> None:
    response = data(client, stored["xy_leader"], kpi=RATE)
    body = response.json()
    assert body["region"]["code"] == XIANGYANG
    assert [(m["code"], m["value"]) for m in body["map"]] == [(XIANGYANG, 20.0)]
    assert body["cities"] is None
    raw = response.content.decode()
    assert WUHAN not in raw and "65.38" not in raw and "武汉" not in raw
    assert data(client, stored["xy_leader"], region=WUHAN).status_code == 403
    page = client.get(reverse("cockpit:screen")).content.decode()
    assert WUHAN not in page and "65.38" not in page and 'id="sc-cities"' not in page


def test_county_reader_gets_no_city(client: Any, stored: dict[str, Any]) -> None:
    body = data(client, stored["ja_auditor"], kpi=RATE).json()
    assert body["region"]["code"] == JIANGAN
    assert body["map"] == [] and body["cities"] is None
    assert body["figure"]["value"] == pytest.approx(90.0)


def test_counters_are_todays(client: Any, stored: dict[str, Any]) -> None:
    counters = {c["code"]: c["value"] for c in data(client, stored["hb_leader"]).json()["counters"]}
    assert counters["cases.submitted"] == 20
    assert counters["hotline.received"] == 40
    assert counters["sharing.calls"] is None  # nothing stored today
    mine = {c["code"]: c for c in data(client, stored["xy_leader"]).json()["counters"]}
    assert mine["cases.submitted"]["value"] == 5 and mine["cases.submitted"]["text"] == "5"
    assert mine["hotline.received"]["value"] is None


def test_top_lists(client: Any, stored: dict[str, Any]) -> None:
    top = data(client, stored["hb_leader"], kpi=RATE).json()["top"]
    best = [(o["name"], o["value"]) for o in top["best"]]
    assert [v for _, v in best] == [100.0, 90.0, 80.0, 75.0, 70.0]
    assert best[0][0] == "湖北省人民政府政务服务和大数据管理局"
    assert [o["value"] for o in top["worst"]] == [10.0, 20.0, 30.0, 40.0, 50.0]
    names = {o["name"] for o in top["best"] + top["worst"]}
    assert "武汉市公安局" not in names  # 2/2 is too few cases to be ranked
    assert "武汉市民政局" not in names  # 60%: neither best nor worst five
    mine = data(client, stored["xy_leader"], kpi=RATE).json()["top"]
    assert [o["value"] for o in mine["best"]] == [30.0, 20.0, 10.0]
    assert mine["worst"] == []  # fewer than ten: the lists do not repeat each other


def test_trend_is_the_last_30_days(client: Any, stored: dict[str, Any],
                                   today: dt.date) -> None:
    trend = data(client, stored["xy_leader"], kpi=RATE).json()["trend"]
    assert len(trend) == 30
    assert trend[0]["day"] == (today - dt.timedelta(days=29)).isoformat()
    assert trend[-1] == {"day": today.isoformat(), "value": 20.0}
    assert all(p["value"] is None for p in trend[:-1])


def test_unknown_kpi_or_region(client: Any, stored: dict[str, Any]) -> None:
    response = data(client, stored["hb_leader"], kpi="nope.nothing")
    assert response.status_code == 400
    assert response.json()["code"] == "kpi_invalid" and "nope.nothing" in response.json()[
        "message"]
    response = data(client, stored["hb_leader"], region="999999999999")
    assert response.status_code == 400 and response.json()["details"] == {"field": "region"}
    assert client.get(reverse("cockpit:screen"), {"kpi": "nope"}).status_code == 404


def test_screen_page(client: Any, stored: dict[str, Any]) -> None:
    client.force_login(stored["hb_leader"])
    response = client.get(reverse("cockpit:screen"), {"kpi": "hotline.on_time_rate"})
    assert response.status_code == 200
    page = response.content.decode()
    for asset in ("vendor/echarts/echarts.min.js", "cockpit/hubei-cities.geojson",
                  "cockpit/screen.js", "cockpit/screen.css"):
        assert static(asset) in page
    assert 'id="sc-config"' in page and 'id="sc-data"' in page
    assert "{% extends" not in page and 'class="topbar"' not in page  # standalone
    assert page.count("data-city=") == 17
    assert 'value="hotline.on_time_rate" selected' in page
    # No inline script but the JSON data blocks.
    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag
    assert reverse("cockpit:screen_data") in page  # in the config, for the polling


def test_screen_region_for_a_province_reader(client: Any, stored: dict[str, Any]) -> None:
    client.force_login(stored["hb_leader"])
    body = client.get(reverse("cockpit:screen_data"), {"region": WUHAN, "kpi": RATE}).json()
    assert body["region"]["name"] == "武汉市"
    assert len(body["map"]) == 17  # the whole map, Wuhan picked out on it
    assert body["figure"]["value"] == pytest.approx(round(34 / 52 * 100, 2))
    assert {c["code"]: c["value"] for c in body["counters"]}["cases.submitted"] == 12
