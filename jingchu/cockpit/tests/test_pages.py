"""The cockpit's pages: who may read them (403 outside the scope, a login for the anonymous), the
region and period handling, figures computed by hand from stored rollup rows (a rate, a
snapshot), the change on the period before, the drill-down at each level, the refresh button,
and the number of queries the overview costs."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from jingchu.cockpit.tests.conftest import (
    HONGSHAN,
    JIANGAN,
    PROVINCE,
    WUHAN,
    XIANGYANG,
    YICHANG,
    Store,
    region,
)
from jingchu.core.choices import RegionLevel
from jingchu.core.models import AuditEvent, Region

MAY = dt.date(2026, 5, 10)
APRIL = dt.date(2026, 4, 10)
RATE = "cases.on_time_rate"
SHARE = "services.province_wide_share"


@pytest.fixture
def figures(people: dict[str, Any], rollup: Store) -> dict[str, Any]:
    """On-time rate: May 8/10 at Wuhan's market regulator and 1/2 at Yichang's (75.0% for the
    province); April 1/2 at Wuhan's (50.0%)."""
    rollup(RATE, MAY, [("wh-scjg", 8, 10), ("yc-scjg", 1, 2)])
    rollup(RATE, APRIL, [("wh-scjg", 1, 2)])
    return people


def home(client: Client, **params: str) -> Any:
    return client.get(reverse("cockpit:home"), params)


def kpi(client: Client, code: str, **params: str) -> Any:
    return client.get(reverse("cockpit:kpi", args=[code]), params)


def card(body: str, code: str) -> str:
    found = re.search(rf'<article class="ck-card" data-kpi="{re.escape(code)}">(.*?)</article>',
                      body, re.S)
    assert found, f"no card for {code}"
    return found.group(1)


def row(body: str, attribute: str, value: object) -> str:
    found = re.search(rf'<tr {attribute}="{value}">(.*?)</tr>', body, re.S)
    assert found, f"no row {attribute}={value}"
    return found.group(1)


def crumbs(body: str) -> str:
    found = re.search(r'<nav class="breadcrumb ck-crumbs".*?</nav>', body, re.S)
    assert found
    return found.group(0)


# --- Who may read ------------------------------------------------------------------------------

def test_outsiders_get_403_and_the_anonymous_sign_in(client: Client,
                                                    figures: dict[str, Any]) -> None:
    urls = [reverse("cockpit:home"), reverse("cockpit:kpi", args=[RATE]),
            reverse("cockpit:export", args=[RATE])]
    for name in ("wh_clerk", "citizen"):
        client.force_login(figures[name])
        for url in urls:
            assert client.get(url).status_code == 403, (name, url)
        assert client.post(reverse("cockpit:refresh")).status_code == 403
    client.logout()
    for url in [*urls, reverse("cockpit:refresh")]:
        response = client.post(url) if url.endswith("refresh/") else client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_a_city_leader_reads_only_its_city(client: Client, figures: dict[str, Any]) -> None:
    client.force_login(figures["xy_leader"])
    for view in ("cockpit:kpi", "cockpit:export"):
        url = reverse(view, args=[RATE])
        assert client.get(url, {"region": WUHAN}).status_code == 403
    assert home(client, region=WUHAN).status_code == 403
    assert home(client, region=PROVINCE).status_code == 403
    response = home(client)
    assert response.status_code == 200
    assert response.context["region"].code == XIANGYANG
    body = response.content.decode()
    cities = Region.objects.cities().values_list("code", flat=True)
    for code in cities:
        if code != XIANGYANG:
            assert f'data-region="{code}"' not in body, code
    assert f'<span data-region="{XIANGYANG}" aria-current="page">' in body
    # The province is named in the breadcrumb but is not a link for a city's leader.
    assert f'<a href="/cockpit/?region={PROVINCE}' not in body
    counties = Region.objects.filter(parent=region(XIANGYANG), level=RegionLevel.COUNTY,
                                     is_statistical=False)
    quick = re.search(r'<nav class="ck-subregions".*?</nav>', body, re.S)
    assert quick and quick.group(0).count("data-region=") == counties.count()


def test_homes_default_to_the_users_region(client: Client, figures: dict[str, Any]) -> None:
    client.force_login(figures["wh_leader"])
    response = home(client)
    assert response.context["region"].code == WUHAN
    assert f'data-region="{JIANGAN}"' in response.content.decode()  # the quick list
    deeper = home(client, region=JIANGAN).content.decode()
    trail = crumbs(deeper)
    assert f'<a href="/cockpit/?region={WUHAN}' in trail
    assert f'<a href="/cockpit/?region={PROVINCE}' not in trail
    client.force_login(figures["ja_auditor"])
    assert home(client).context["region"].code == JIANGAN
    assert home(client, region=WUHAN).status_code == 403
    assert home(client, region=HONGSHAN).status_code == 403
    assert "<a " not in crumbs(home(client).content.decode())
    client.force_login(figures["hb_leader"])
    assert home(client).context["region"].code == PROVINCE


def test_unknown_regions_are_404(client: Client, figures: dict[str, Any]) -> None:
    client.force_login(figures["hb_leader"])
    township = Region.objects.filter(level=RegionLevel.TOWNSHIP).first()
    assert township is not None
    for code in ("429999999999", "abc", "4201", township.code):
        assert home(client, region=code).status_code == 404, code
        assert kpi(client, RATE, region=code).status_code == 404, code


# --- Figures -----------------------------------------------------------------------------------

def test_province_home_shows_hand_computed_figures(client: Client,
                                                   figures: dict[str, Any]) -> None:
    client.force_login(figures["hb_leader"])
    response = home(client, period="2026-05")
    assert response.status_code == 200
    body = response.content.decode()
    rate = card(body, RATE)
    assert "75.0%" in rate  # (8 + 1) / (10 + 2)
    assert '<span class="ck-change good">▲ 25.0' in rate  # on April's 50.0%
    assert f'href="/cockpit/kpi/{RATE}/?region={PROVINCE}&amp;period=2026-05"' in rate
    assert "—" in card(body, "hotline.on_time_rate")  # nothing stored
    sparks = json.loads(re.search(r'<script id="ck-sparks" type="application/json">(.*?)'
                                  r"</script>", body, re.S).group(1))  # type: ignore[union-attr]
    spark = sparks[RATE]
    assert len(spark["x"]) == 30 and spark["x"][-1] == "2026-05-31"
    assert spark["y"][spark["x"].index("2026-05-10")] == 75.0
    assert body.count('data-spark="') == body.count('class="ck-card"')
    quick = re.search(r'<nav class="ck-subregions".*?</nav>', body, re.S)
    assert quick and quick.group(0).count("data-region=") == 17
    # A custom range: the 31 days before it are compared.
    ranged = home(client, start="2026-05-01", end="2026-05-31").content.decode()
    assert "75.0%" in card(ranged, RATE) and "▲ 25.0" in card(ranged, RATE)


def test_a_city_reads_its_own_figures(client: Client, figures: dict[str, Any]) -> None:
    client.force_login(figures["wh_leader"])
    rate = card(home(client, period="2026-05").content.decode(), RATE)
    assert "80.0%" in rate and "▲ 30.0" in rate


def test_snapshot_takes_the_latest_day(client: Client, people: dict[str, Any],
                                       rollup: Store) -> None:
    rollup(SHARE, dt.date(2026, 5, 5), [("wh-scjg", 3, 10)])
    rollup(SHARE, dt.date(2026, 5, 20), [("wh-scjg", 6, 10)])
    client.force_login(people["hb_leader"])
    share = card(home(client, period="2026-05").content.decode(), SHARE)
    assert "60.0%" in share and "45.0%" not in share  # not (3 + 6) / (10 + 10)
    assert "80.0%" in share and 'class="ck-badge unmet"' in share  # the plan's target
    page = kpi(client, SHARE, period="2026-05").content.decode()
    assert 'id="snapshot-note"' in page
    assert "60.0%" in row(page, "data-child", WUHAN)


def test_bad_period_is_400_with_the_message(client: Client, figures: dict[str, Any]) -> None:
    client.force_login(figures["hb_leader"])
    for raw in ("2026-13", "last week", "2026-05-31..2026-05-01", "2099-01"):
        for response in (home(client, period=raw), kpi(client, RATE, period=raw)):
            assert response.status_code == 400, raw
            message = response.context["error"]
            assert message and escape(message) in response.content.decode()
            assert 'id="period-error"' in response.content.decode()
    half = home(client, start="2026-05-01")
    assert half.status_code == 400
    assert client.get(reverse("cockpit:export", args=[RATE]),
                      {"period": "2026-13"}).status_code == 400


def test_unknown_kpi_is_404(client: Client, figures: dict[str, Any]) -> None:
    client.force_login(figures["hb_leader"])
    assert kpi(client, "nope.nothing").status_code == 404
    assert client.get(reverse("cockpit:export", args=["nope.nothing"])).status_code == 404


# --- A KPI's page ------------------------------------------------------------------------------

def test_kpi_page_drills_down_each_level(client: Client, figures: dict[str, Any],
                                         rollup: Store, demo_orgs: dict[str, Any]) -> None:
    rollup(RATE, MAY, [("wh-scjg", 8, 10), ("yc-scjg", 1, 2), ("wh-ja-scjg", 2, 2)])
    client.force_login(figures["hb_leader"])
    response = kpi(client, RATE, period="2026-05")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<tr data-child=") == 17
    wuhan = row(body, "data-child", WUHAN)
    assert "83.3%" in wuhan and "50.0%" in wuhan and "▲ 33.3" in wuhan  # 10/12 on 1/2
    assert f'href="/cockpit/kpi/{RATE}/?region={WUHAN}&amp;period=2026-05"' in wuhan
    assert ">10<" in wuhan and ">12<" in wuhan  # counted / of
    assert "50.0%" in row(body, "data-child", YICHANG)
    assert 'id="export-link"' in body and 'id="ck-kpi-data"' in body
    charts = json.loads(re.search(r'<script id="ck-kpi-data" type="application/json">(.*?)'
                                  r"</script>", body, re.S).group(1))  # type: ignore[union-attr]
    assert charts["months"]["x"][-2:] == ["2026-04", "2026-05"]
    assert charts["months"]["y"][-2:] == [50.0, 78.57]  # 11/14 this May
    assert len(charts["days"]["x"]) == 31 and len(charts["children"]["names"]) == 17

    city = kpi(client, RATE, region=WUHAN, period="2026-05").content.decode()
    counties = Region.objects.filter(parent=region(WUHAN), level=RegionLevel.COUNTY,
                                     is_statistical=False).count()
    assert city.count("<tr data-child=") == counties
    assert "100.0%" in row(city, "data-child", JIANGAN)
    org = row(city, "data-org", demo_orgs["wh-scjg"].pk)
    assert "武汉市市场监督管理局" in org and "80.0%" in org
    assert city.count("<tr data-org=") == 1  # 江岸区's bureau counts in its county

    county = kpi(client, RATE, region=JIANGAN, period="2026-05").content.decode()
    assert "<tr data-child=" not in county
    bureau = row(county, "data-org", demo_orgs["wh-ja-scjg"].pk)
    assert "武汉市江岸区市场监督管理局" in bureau and "100.0%" in bureau


def test_kpi_page_compares_with_the_year_before(client: Client, figures: dict[str, Any],
                                                rollup: Store) -> None:
    rollup(RATE, dt.date(2025, 5, 3), [("yc-scjg", 9, 10)])
    client.force_login(figures["hb_leader"])
    response = kpi(client, RATE, period="2026-05")
    previous, year_ago = response.context["compared"]
    assert previous.figure.value == pytest.approx(0.5)
    assert year_ago.figure.value == pytest.approx(0.9)
    assert year_ago.change.tone == "bad" and year_ago.change.text.startswith("▼ 15.0")
    body = response.content.decode()
    assert "90.0%" in body and "▼ 15.0" in body


def test_a_count_changes_in_per_cent(client: Client, people: dict[str, Any],
                                     rollup: Store) -> None:
    rollup("cases.submitted", MAY, [("wh-scjg", 30, 0)])
    rollup("cases.submitted", APRIL, [("wh-scjg", 20, 0)])
    client.force_login(people["hb_leader"])
    submitted = card(home(client, period="2026-05").content.decode(), "cases.submitted")
    assert ">30<" in submitted and "▲ 50.0%" in submitted
    page = kpi(client, "cases.submitted", period="2026-05").content.decode()
    assert page.count('<th class="num">') == 4  # no denominator column for a count


# --- Refreshing ----------------------------------------------------------------------------------

def test_the_steward_refreshes_and_others_may_not(client: Client,
                                                  figures: dict[str, Any]) -> None:
    client.force_login(figures["hb_leader"])
    assert 'id="refresh-form"' not in home(client).content.decode()
    client.force_login(figures["wh_leader"])
    assert client.post(reverse("cockpit:refresh")).status_code == 403
    client.force_login(figures["hb_steward"])
    assert 'id="refresh-form"' in home(client).content.decode()
    assert client.get(reverse("cockpit:refresh")).status_code == 405
    response = client.post(reverse("cockpit:refresh"),
                           {"region": PROVINCE, "period": "2026-05"})
    assert response.status_code == 302
    assert response["Location"] == f"/cockpit/?region={PROVINCE}&period=2026-05"
    event = AuditEvent.objects.get(action="cockpit.rollups_refreshed")
    assert event.actor == figures["hb_steward"]
    followed = client.get(response["Location"])
    assert [m.level_tag for m in followed.context["messages"]][:1] == ["success"]


def test_refresh_needs_the_csrf_token(figures: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(figures["hb_steward"])
    assert client.post(reverse("cockpit:refresh")).status_code == 403
    assert 'name="csrfmiddlewaretoken"' in home(client).content.decode()
    assert not AuditEvent.objects.filter(action="cockpit.rollups_refreshed").exists()


# --- Cost --------------------------------------------------------------------------------------

@pytest.mark.parametrize("user", ["hb_leader", "wh_leader"])
def test_home_query_count_is_bounded(client: Client, figures: dict[str, Any],
                                     django_assert_max_num_queries: Any, user: str) -> None:
    """The whole page, site menu included, reads a bounded number of queries whatever the
    number of KPIs: two figures() reads, one read of every sparkline, the checks (a user's
    roles and scope are read once per request)."""
    client.force_login(figures[user])
    with django_assert_max_num_queries(30):  # 25 when written: 14 of them the menu's checks
        assert home(client, period="2026-05").status_code == 200


def test_cached_cards_change_with_the_next_refresh(client: Client, people: dict[str, Any],
                                                   rollup: Any) -> None:
    """The cards are cached until the rollups change: a refresh shows the new figure."""
    day = dt.date(2026, 5, 6)
    rollup("cases.on_time_rate", day, [("wh-scjg", 1, 4)])
    client.force_login(people["hb_leader"])
    assert "25.0%" in home(client, period="2026-05").content.decode()
    rollup("cases.on_time_rate", day, [("wh-scjg", 3, 4)])
    page = home(client, period="2026-05").content.decode()
    assert "75.0%" in page and "25.0%" not in page
