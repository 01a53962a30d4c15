"""The cockpit in a real browser (Debian's Chromium, driven by Playwright): the province's
leader opens the big screen and sees the map of Hubei coloured by the on-time rate, with every
city's figure; Wuhan's leader opens the cockpit, sees Wuhan and its districts only, drills into
the KPI, is refused Xiangyang, and on the big screen the map carries Wuhan's figure and no other
city's.

Figures are stored through the rollups' own writer for today (hand-computed below); selectors
use element ids and data attributes, not text, so the test holds in either language.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from jingchu.cases.tests.conftest import PASSWORD
from jingchu.cockpit.tests.conftest import WUHAN, XIANGYANG, YICHANG, Store
from jingchu.core.tests.browser import Actors, chromium, needs_chromium, screenshots_on_failure

KPI = "cases.on_time_rate"
MAP_DATA = """() => {
  const chart = echarts.getInstanceByDom(document.getElementById('sc-map'));
  if (!chart) return null;
  const series = chart.getOption().series;
  if (!series || !series.length || series[0].map !== 'hubei') return null;
  return series[0].data.filter(d => d.value !== null && d.value !== undefined && d.value !== '-')
      .map(d => [d.name, d.value]);
}"""

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
]


@pytest.fixture
def browser(live_server: Any, monkeypatch: Any) -> Iterator[Any]:
    with chromium(monkeypatch) as launched:
        yield launched


@pytest.fixture
def today_figures(people: dict[str, Any], rollup: Store) -> dict[str, Any]:
    """Today: Wuhan 8/10 at 市场监管局 + 1/2 at 江岸区 = 9/12 = 75.0%; Yichang 3/4 = 75.0%...
    and Xiangyang 1/5 = 20.0%."""
    today = timezone.localdate()
    rollup(KPI, today, [("wh-scjg", 8, 10), ("wh-ja-scjg", 1, 2), ("yc-scjg", 3, 4),
                        ("xy-scjg", 1, 5)])
    rollup("cases.submitted", today, [("wh-scjg", 12, 12), ("xy-scjg", 5, 5)])
    return people


def _map(page: Any) -> dict[str, float]:
    page.wait_for_function(MAP_DATA)
    return {code: float(value) for code, value in page.evaluate(MAP_DATA)}


def _province_screen(page: Any, base: str) -> None:
    page.goto(f"{base}/cockpit/screen/?kpi={KPI}")
    page.wait_for_selector("#sc-map canvas")
    coloured = _map(page)
    assert coloured[WUHAN] == pytest.approx(75.0, abs=0.05)
    assert coloured[YICHANG] == pytest.approx(75.0, abs=0.05)
    assert coloured[XIANGYANG] == pytest.approx(20.0, abs=0.05)
    assert page.locator("#sc-cities li[data-city]").count() == 17


def _city_cockpit(page: Any, base: str) -> None:
    page.goto(f"{base}/cockpit/")
    assert page.locator("#crumbs [data-region]").last.get_attribute("data-region") == WUHAN
    districts = page.locator("#subregions a[data-region]")
    codes = {districts.nth(i).get_attribute("data-region") for i in range(districts.count())}
    assert len(codes) == 13 and all(c.startswith("4201") for c in codes)
    page.click(f"[data-kpi='{KPI}'] a")
    page.wait_for_selector("#drill-table")
    assert page.locator("#drill-table [data-child]").count() >= 13
    refused = page.goto(f"{base}/cockpit/?region={XIANGYANG}")
    assert refused is not None and refused.status == 403
    refused = page.goto(f"{base}/cockpit/screen/data.json?region={XIANGYANG}&kpi={KPI}")
    assert refused is not None and refused.status == 403


def _city_screen(page: Any, base: str) -> None:
    page.goto(f"{base}/cockpit/screen/?kpi={KPI}")
    page.wait_for_selector("#sc-map canvas")
    assert _map(page) == {WUHAN: pytest.approx(75.0, abs=0.05)}
    assert page.locator("#sc-cities li[data-city]").count() == 0


def test_map_for_the_province_and_one_city_for_its_leader(browser: Any, live_server: Any,
                                                          today_figures: dict[str, Any],
                                                          tmp_path: Any) -> None:
    actors = Actors(browser, live_server.url, PASSWORD, viewport=(1600, 900),
                    timeout_ms=20_000)
    try:
        with screenshots_on_failure(actors, tmp_path):
            _province_screen(actors.tab("hb_leader"), live_server.url)
            wuhan = actors.tab("wh_leader")
            _city_cockpit(wuhan, live_server.url)
            _city_screen(wuhan, live_server.url)
    finally:
        actors.close()
        # The test body's own connection (see the hotline browser test): close it so the test
        # database can be dropped on PostgreSQL.
        connection.close()
