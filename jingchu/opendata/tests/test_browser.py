"""The dataset page in a real browser (Debian's Chromium, driven by Playwright): the vendored
ECharts draws a histogram per numeric column and the usage chart, without script errors, and
the preview table pages through HTMX."""

from __future__ import annotations

from typing import Any

import pytest

from jingchu.core.tests.browser import WAIT_MS, chromium, needs_chromium
from jingchu.opendata import actions
from jingchu.opendata.tests.conftest import draft_data, rows

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
]


def test_charts_and_preview(live_server: Any, lake_world: dict[str, Any], put_dataset: Any,
                            monkeypatch: Any, tmp_path: Any) -> None:
    from jingchu.opendata.tests.conftest import COLUMNS

    users = lake_world["users"]
    source = put_dataset(lake_world["orgs"]["hb-rst"], "hb-rst/si-units", rows(120),
                         columns=COLUMNS)
    ds = actions.do_create_open_dataset(users["rst"], source, draft_data())
    actions.do_submit_open_dataset(users["rst"], ds)
    actions.do_approve_open_dataset(users["dsj"], ds)
    errors: list[str] = []
    with chromium(monkeypatch) as browser:
        tab = browser.new_page(viewport={"width": 1200, "height": 900})
        tab.set_default_timeout(WAIT_MS)
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        try:
            tab.goto(f"{live_server.url}/open/si-units/")
            tab.wait_for_selector('[data-histogram="staff"] canvas')
            tab.wait_for_selector("#usage-chart canvas")
            assert tab.locator("#preview-table tbody tr").count() == 50
            tab.locator("#preview .pager a").last.click()  # the next page
            tab.wait_for_selector("#preview-table >> text=U0050")
        finally:
            tab.screenshot(path=str(tmp_path / "dataset.png"), full_page=True)
    assert errors == []
