"""The catalog's search in a real browser (Debian's Chromium, driven by Playwright), on a phone's
width: pressing Enter in the search box loads the results once, and the page does not move
while results load.

Both once made a tap on a result miss: Enter fired three requests (the box's change, the form's
submit and the typing trigger 400 ms later), and each one, while in flight, showed the "Loading…"
line as a new row of the narrow filter grid, pushing the results down under the finger."""

from __future__ import annotations

import re
from typing import Any

import pytest

from jingchu.core.tests.browser import WAIT_MS, chromium, needs_chromium

pytestmark = [pytest.mark.browser, needs_chromium]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def tab(live_server: Any, demo_orgs: dict[str, Any], monkeypatch: Any) -> Any:
    from jingchu.services.demo import load_service_items

    load_service_items(demo_orgs)
    with chromium(monkeypatch) as browser:
        page = browser.new_page(viewport=PHONE)
        page.set_default_timeout(WAIT_MS)
        page.goto(f"{live_server.url}/services/")
        yield page


def test_enter_loads_the_results_once(tab: Any) -> None:
    finished: list[str] = []
    tab.on("requestfinished",
           lambda request: finished.append(request.url) if "/services/?" in request.url else None)
    tab.fill("#q", "企业开办")
    tab.press("#q", "Enter")
    tab.wait_for_url(re.compile(r"/services/\?(.*&)?q="))
    tab.wait_for_selector("form.filters:not(.htmx-request)", state="attached")
    # Past the typing trigger's 400 ms: a request it still sent would be seen here. A slow
    # machine could only hide a second request, never invent one.
    tab.wait_for_timeout(1_000)
    assert len(finished) == 1, finished
    assert tab.locator("#results a[href='/services/000172002000/']").count() == 1


def test_a_filter_changed_loads_the_results_once(tab: Any) -> None:
    finished: list[str] = []
    tab.on("requestfinished",
           lambda request: finished.append(request.url) if "/services/?" in request.url else None)
    tab.select_option("select[name=item_type]", index=1)
    tab.wait_for_url(re.compile(r"/services/\?(.*&)?item_type=\w"))
    tab.wait_for_selector("form.filters:not(.htmx-request)", state="attached")
    tab.wait_for_timeout(1_000)
    assert len(finished) == 1, finished


def test_results_do_not_move_while_loading(tab: Any) -> None:
    def top_of_results() -> float:
        return float(tab.locator("#results").bounding_box()["y"])

    before = top_of_results()
    tab.evaluate("document.querySelector('form.filters').classList.add('htmx-request')")
    assert tab.locator(".results-busy").is_visible()
    assert top_of_results() == before
