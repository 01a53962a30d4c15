"""Pages, the API and the PDF: who reads what (403 for outsiders and for another city's
leader), the province summary, a city's page with its missing values, local indicators."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from jingchu.bizenv import permissions
from jingchu.bizenv.actions.evaluate import do_evaluate
from jingchu.bizenv.models import Indicator
from jingchu.bizenv.tests.conftest import MAY, WUHAN, XIANGYANG, YICHANG, city, login, put


@pytest.fixture
def evaluated(small_set: Any, people: dict[str, Any]) -> dict[str, Any]:
    put(MAY, {(WUHAN, "t1.i1"): 2, (WUHAN, "t1.i2"): 90, (YICHANG, "t1.i1"): 5,
              (YICHANG, "t2.i3"): 3})
    do_evaluate(None, MAY)
    return people


def test_named_checks(people: dict[str, Any]) -> None:
    wuhan, xiangyang = city(WUHAN), city(XIANGYANG)
    assert permissions.can_manage(people["manager"])
    assert not permissions.can_manage(people["hb_auditor"])
    assert permissions.can_view_province(people["hb_auditor"])
    assert permissions.can_view_city(people["ja_auditor"], wuhan)  # a county reads its city
    assert not permissions.can_view_city(people["wh_leader"], xiangyang)
    assert permissions.can_view_city(people["xy_leader"], xiangyang)
    for name in ("wh_clerk", "citizen"):
        assert not permissions.can_use_bizenv(people[name])


def test_outsiders_get_403(client: Any, evaluated: dict[str, Any]) -> None:
    for name in ("wh_clerk", "citizen"):
        login(client, evaluated[name])
        assert client.get(reverse("bizenv:home")).status_code == 403
        assert client.get(reverse("bizenv:city", args=[WUHAN])).status_code == 403
        assert client.get("/api/v1/bizenv/evaluations/2026-05").status_code == 403
    client.logout()
    assert client.get(reverse("bizenv:home")).status_code == 302  # to sign in


def test_city_leader_reads_only_its_city(client: Any, evaluated: dict[str, Any]) -> None:
    login(client, evaluated["xy_leader"])
    assert client.get(reverse("bizenv:city", args=[WUHAN])).status_code == 403
    assert client.get(reverse("bizenv:report", args=[WUHAN, "2026-05"])).status_code == 403
    assert client.get(f"/api/v1/bizenv/evaluations/2026-05/cities/{WUHAN}").status_code == 403
    assert client.get(reverse("bizenv:city", args=[XIANGYANG])).status_code == 200
    home = client.get(reverse("bizenv:home"))
    assert home.status_code == 200
    assert home.content.decode().count("data-city=") == 1
    api = client.get("/api/v1/bizenv/evaluations/2026-05").json()
    assert [c["city"] for c in api["cities"]] == [XIANGYANG]
    assert client.post(reverse("bizenv:evaluate"), {"month": "2026-05"}).status_code == 403
    assert client.post("/api/v1/bizenv/evaluations/2026-05").status_code == 403


def test_province_summary(client: Any, evaluated: dict[str, Any]) -> None:
    login(client, evaluated["hb_auditor"])
    body = client.get(reverse("bizenv:home"), {"month": "2026-05"}).content.decode()
    assert body.count("data-city=") == 17
    assert "vendor/echarts/echarts.min.js" in body and 'id="be-chart-data"' in body
    assert "test.unknown" in body  # the unavailable platform figure is named
    api = client.get("/api/v1/bizenv/evaluations/2026-05").json()
    assert [c["city"] for c in api["cities"][:2]] == [WUHAN, YICHANG]
    assert api["cities"][0]["overall"] == pytest.approx(80.0)


def test_city_page_lists_missing_values_and_range(client: Any,
                                                  evaluated: dict[str, Any]) -> None:
    login(client, evaluated["ja_auditor"])
    response = client.get(reverse("bizenv:city", args=[WUHAN]), {"month": "2026-05"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-missing="t2.i3"' in body
    assert "40.00" in body and "90.00" in body  # the overall range
    assert 'id="be-trend-data"' in body
    detail = client.get(f"/api/v1/bizenv/evaluations/2026-05/cities/{WUHAN}").json()
    assert detail["missing_topics"] == ["t2"]
    assert detail["topics"][1]["missing"] == ["t2.i3"]
    assert detail["city"]["overall_low"] == pytest.approx(40.0)


def test_pdf_report(client: Any, evaluated: dict[str, Any]) -> None:
    login(client, evaluated["wh_leader"])
    response = client.get(reverse("bizenv:report", args=[WUHAN, "2026-05"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert client.get(reverse("bizenv:report", args=[WUHAN, "2026-04"])).status_code == 404


def test_local_indicator(client: Any, evaluated: dict[str, Any]) -> None:
    data = {"new_topic": "夜间经济", "code": "night_shops", "name": "夜间营业商户数",
            "unit": "户", "direction": "higher", "frontier": 500, "worst": 0, "weight": 1,
            "source": "import", "kpi_scale": 1}
    login(client, evaluated["wh_leader"])
    assert client.post(reverse("bizenv:indicators"), data).status_code == 403
    login(client, evaluated["manager"])
    bad = client.post(reverse("bizenv:indicators"), {**data, "frontier": -5})
    assert bad.status_code == 400 and not Indicator.objects.filter(is_local=True).exists()
    assert client.post(reverse("bizenv:indicators"), data).status_code == 302
    made = Indicator.objects.get(code="local.night_shops")
    assert made.is_local and made.topic.is_local and made.topic.name == "夜间经济"
    assert client.post(reverse("bizenv:indicator_active", args=[made.uid]),
                       {"active": "0"}).status_code == 302
    made.refresh_from_db()
    assert not made.is_active
    page = client.get(reverse("bizenv:indicators")).content.decode()
    assert 'data-indicator="local.night_shops"' in page


def test_manager_computes_a_month_from_the_page(client: Any, small_set: Any,
                                                people: dict[str, Any]) -> None:
    login(client, people["manager"])
    response = client.post(reverse("bizenv:evaluate"), {"month": "2026-05"})
    assert response.status_code == 302 and response["Location"].endswith("?month=2026-05")
    months = client.get("/api/v1/bizenv/evaluations").json()
    assert months == ["2026-05"]
    indicators = json.loads(client.get("/api/v1/bizenv/indicators").content)
    assert {i["code"] for i in indicators} == {"t1.i1", "t1.i2", "t2.i3"}
