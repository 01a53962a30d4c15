"""A round of 双随机一公开 in a real browser (Debian's Chromium, driven by Playwright), all
through the pages: 武汉市市场监督管理局's leader plans a round, commits the draw and runs it on
the plan pages; one of the drawn inspectors records the result with a file as evidence; the
leader publishes it; and anyone, not signed in, finds it on the public results page.

Selectors use element ids and name attributes, not text, so the test holds in either language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from jingchu.cases.tests.conftest import PASSWORD
from jingchu.core.tests.browser import (
    WAIT_MS,
    chromium,
    needs_chromium,
    screenshots_on_failure,
    sign_in,
)

PDF = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\n%%EOF\n"
FINDINGS = "后厨未设置防蝇设施，已责令限期整改。"
ANONYMOUS = ""

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
]


@pytest.fixture
def browser(live_server: Any, supervision_world: dict[str, Any],
            monkeypatch: Any) -> Iterator[Any]:
    with chromium(monkeypatch) as launched:
        yield launched


class Actors:
    """One browser context (own cookies, own session) per person in the story; ANONYMOUS is
    someone who never signs in."""

    def __init__(self, browser: Any, base: str) -> None:
        self.browser, self.base = browser, base
        self.pages: dict[str, Any] = {}

    def tab(self, username: str) -> Any:
        if username not in self.pages:
            context = self.browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.set_default_timeout(WAIT_MS)
            self.pages[username] = page
            if username != ANONYMOUS:
                sign_in(page, self.base, username, PASSWORD)
        return self.pages[username]

    def close(self) -> None:
        # Closing the contexts closes their keep-alive connections, so the live server's
        # request threads end and give their database connections back before teardown.
        for page in self.pages.values():
            page.context.close()


def test_a_round_planned_drawn_recorded_published_and_public(browser, live_server,
                                                            supervision_world, tmp_path):
    actors = Actors(browser, live_server.url)
    base = live_server.url
    try:
        with screenshots_on_failure(actors, tmp_path):
            number, recorder = _plan_and_draw(actors.tab("amr_leader"), base, supervision_world)
            _record_with_evidence(actors.tab(recorder), base, number)
            _publish(actors.tab("amr_leader"), base, number)
            _find_in_public(actors.tab(ANONYMOUS), base, number, supervision_world)
    finally:
        actors.close()
    try:
        _check_published(number)
    finally:
        # After Playwright's sync API has run, this body reads the database through its own
        # connection object, not the fixtures' (Django keeps connections per context, and
        # Playwright switches contexts); close it, or PostgreSQL keeps the session open and the
        # test database cannot be dropped at the end.
        connection.close()


def _plan_and_draw(page: Any, base: str, world: dict[str, Any]) -> tuple[str, str]:
    """The leader makes the plan, commits and draws; answers the first inspection's number
    and the username of its first drawn inspector."""
    today = timezone.localdate()
    page.goto(f"{base}/supervision/plans/new/")
    page.select_option("#id_organization", str(world["amr"].uid))
    page.fill("#id_name", "浏览器测试抽查")
    page.check("input[name=items][value='SC-001']")
    page.check("input[name=items][value='SC-002']")
    page.check(f"input[name=regions][value='{world['wuhan'].code}']")
    page.fill("#id_ratio_percent", "5")
    page.fill("#id_starts_on", today.isoformat())
    page.fill("#id_ends_on", (today + dt.timedelta(days=30)).isoformat())
    page.click("#submit-plan")
    page.wait_for_selector("#plan-summary[data-status=draft]")
    assert int(page.locator("#preview").get_attribute("data-drawn")) >= 1
    page.click("#submit-commit")
    page.wait_for_selector("#plan-summary[data-status=committed]")
    page.fill("#id_witness", "见证码 2026-10-20 第3号")
    page.click("#submit-draw")
    page.wait_for_selector("#plan-summary[data-status=drawn]")
    row = page.locator("#inspections tr[data-number]").first
    number = str(row.get_attribute("data-number"))
    certificate = str(row.locator("[data-certificate]").first.get_attribute("data-certificate"))
    assert certificate.startswith("ZF-SC-")
    return number, f"amr_insp{int(certificate.rsplit('-', 1)[1])}"


def _record_with_evidence(page: Any, base: str, number: str) -> None:
    today = timezone.localdate()
    page.goto(f"{base}/supervision/inspections/")
    page.locator(f"#inspections tr[data-number='{number}'] a").click()
    page.wait_for_selector("#inspection-summary[data-status=assigned]")
    page.fill("#result-form input[name=inspected_on]", today.isoformat())
    page.fill("#result-form input[name=ended_on]", today.isoformat())
    page.select_option("#result-form select[name=outcome]", "rectify")
    page.fill("#result-form textarea[name=findings]", FINDINGS)
    page.fill("#result-form input[name=follow_up_due]",
              (today + dt.timedelta(days=15)).isoformat())
    page.click("#submit-result")
    page.wait_for_selector("#inspection-summary[data-status=recorded]")
    assert page.locator("#result").get_attribute("data-outcome") == "rectify"
    assert page.locator("#publish-panel").count() == 0  # an inspector does not publish
    page.set_input_files("#evidence-form input[name=file]", files=[
        {"name": "现场检查笔录.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.click("#submit-evidence")
    page.wait_for_selector("#evidence-files li[data-uid]")


def _publish(page: Any, base: str, number: str) -> None:
    page.goto(f"{base}/supervision/inspections/{number}/")
    page.wait_for_selector("#inspection-summary[data-status=recorded]")
    assert page.locator("#evidence-files li[data-uid]").count() == 1
    page.click("#submit-publish")
    page.wait_for_selector("#inspection-summary[data-status=published]")


def _find_in_public(page: Any, base: str, number: str, world: dict[str, Any]) -> None:
    page.goto(f"{base}/supervision/results/")
    page.select_option("#id_outcome", "rectify")
    page.click("#result-filters button[type=submit]")
    page.wait_for_selector(f"#results tr[data-number='{number}']")
    assert page.locator("#results tr[data-number]").count() == 1
    page.locator(f"#results tr[data-number='{number}'] a").click()
    page.wait_for_selector(f"#public-result[data-number='{number}']")
    assert page.locator("#public-result").get_attribute("data-outcome") == "rectify"
    assert page.locator("#ledger-index").count() == 1
    html = page.content()
    assert FINDINGS not in html and "ZF-SC-" not in html


def _check_published(number: str) -> None:
    from jingchu.supervision.models import Inspection

    inspection = Inspection.objects.get(number=number)
    assert inspection.status == "published" and inspection.outcome == "rectify"
    assert inspection.evidence.count() == 1
    assert inspection.recorded_by is not None
    assert inspection.recorded_by.username.startswith("amr_insp")
