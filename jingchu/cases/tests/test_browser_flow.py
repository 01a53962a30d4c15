"""The whole 一网通办 path in a real browser (Debian's Chromium, driven by Playwright), all through
the pages: an enterprise's legal representative finds 企业开办 in the catalog and applies online
at 武汉市市场监管局 (全省通办); a window clerk in Yichang accepts it; the Wuhan reviewer starts the
review, the approver approves, the reviewer completes; the applicant sees the completion and rates
it 非常不满意, which opens a rectification on the handling organization's queue.

Selectors use element ids and name attributes, not text, so the test holds in either language.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from jingchu.core.tests.browser import (
    WAIT_MS,
    chromium,
    needs_chromium,
    screenshots_on_failure,
    sign_in,
)
from jingchu.identity.demo import DEMO_PASSWORD

ITEM = "000172002000"  # 企业开办, 全省通办 at 武汉市市场监管局

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
]


@pytest.fixture
def world(transactional_db: Any) -> dict[str, Any]:
    """Transactional tests start from a flushed database: the demo world as `jingchu demo`
    loads it (regions, calendar, organizations, personas, catalog, demo cases, ratings, seals),
    through the licences this story and the licence story stand on. The apps after them
    (lake, exchange, hotline, cockpit ...) are left out: they took ~40 of the ~45 s."""
    from jingchu.core.demo import DemoContext, run_all

    ctx = DemoContext()
    run_all(ctx, through="licenses")
    return ctx.orgs


@pytest.fixture
def browser(live_server: Any, world: dict[str, Any], monkeypatch: Any) -> Iterator[Any]:
    with chromium(monkeypatch) as launched:
        yield launched


class Actors:
    """One browser context (own cookies, own session) per person in the story."""

    def __init__(self, browser: Any, base: str) -> None:
        self.browser, self.base = browser, base
        self.pages: dict[str, Any] = {}

    def tab(self, username: str) -> Any:
        if username not in self.pages:
            context = self.browser.new_context(locale="en-US",
                                               viewport={"width": 390, "height": 844})
            context.add_cookies([{"name": "django_language", "value": "en",
                                  "url": self.base}])
            page = context.new_page()
            page.set_default_timeout(WAIT_MS)
            self.pages[username] = page
            sign_in(page, self.base, username, DEMO_PASSWORD)
        return self.pages[username]


def test_apply_accept_review_approve_complete_rate_badly(browser, live_server, tmp_path):
    actors = Actors(browser, live_server.url)
    with screenshots_on_failure(actors, tmp_path):
        uid = _apply_online(actors.tab("wangwu"), live_server.url)
        number = _accept_in_yichang(actors.tab("clerk_yichang"), live_server.url, uid)
        _handle_in_wuhan(actors, live_server.url, uid)
        _see_completion_and_rate(actors.tab("wangwu"), live_server.url, uid, number)
        _rectification_is_queued(actors.tab("reviewer_wh_amr"), live_server.url, uid, number)


def _act_for_the_enterprise(page: Any, base: str) -> None:
    from jingchu.identity.demo import ENTERPRISE
    from jingchu.identity.models import LegalEntity

    # wangwu represents the identity demo's enterprise (the supervision demo adds others).
    entity = LegalEntity.objects.get(uscc=ENTERPRISE["uscc"])
    page.goto(f"{base}/account/acting-as/")
    page.click(f"form:has(input[name=entity][value='{entity.uid}']) button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(
        f"form:has(input[name=entity][value='{entity.uid}'])").count() == 0  # acting now


def _apply_online(page: Any, base: str) -> str:
    """The applicant's part, up to the case number; answers the case's uid."""
    from jingchu.cases.choices import CaseStatus
    from jingchu.cases.models import Case

    _act_for_the_enterprise(page, base)
    page.goto(f"{base}/services/")
    page.fill("#q", "企业开办")
    page.press("#q", "Enter")
    # The unfiltered list may show the item too: wait for the search's results (HTMX swaps them
    # in and then pushes the URL), so the click lands on the list the search answered.
    # services/tests/test_browser.py holds that Enter sends one search and nothing moves.
    page.wait_for_url(re.compile(r"/services/\?(.*&)?q="))
    page.click(f"#results a[href='/services/{ITEM}/']")
    page.click("#apply-online")
    page.wait_for_url(f"**/cases/apply/{ITEM}/")
    page.check(f"input[name=implementation][value='{_implementation_uid()}']")
    page.click("#start-application")
    page.wait_for_url("**/edit/")
    _fill_the_form(page)
    _upload_materials(page)
    page.click("#check-and-submit")
    page.wait_for_url("**/submit/")
    assert page.locator("#problems").count() == 0, page.locator("#problems").inner_text()
    page.click("#submit-application")
    page.wait_for_selector("#case-number")
    case = Case.objects.get(item__code=ITEM, applicant__user__username="wangwu",
                            on_behalf_of__isnull=False, status=CaseStatus.SUBMITTED,
                            channel="online", accepting_org__isnull=True)
    assert page.locator("#case-number").inner_text() == case.number
    assert page.locator("#case-status").get_attribute("data-status") == CaseStatus.SUBMITTED
    return str(case.uid)


def _implementation_uid() -> str:
    from jingchu.services.models import ItemImplementation

    return str(ItemImplementation.objects.get(item__code=ITEM,
                                              organization__short_name="武汉市市场监管局").uid)


def _fill_the_form(page: Any) -> None:
    from jingchu.identity.demo import ENTERPRISE
    from jingchu.identity.models import LegalEntity

    # wangwu represents the identity demo's enterprise (the supervision demo adds others).
    entity = LegalEntity.objects.get(uscc=ENTERPRISE["uscc"])
    for name, value in {
        "entity_name": entity.name, "uscc": entity.uscc, "legal_representative": "王五",
        "contact_name": "王五", "phone": "18627001234", "registered_capital": "100",
        "premises": "武汉市江岸区中山大道1505号", "scope": "软件开发；信息技术咨询服务",
        "staff_count": "8",
    }.items():
        page.fill(f"#ef-{name}", value)
    page.select_option("#ef-company_type", "llc")
    page.check("#ef-need_seal")
    page.check("#ef-pledge")
    page.click("#save-form")
    page.wait_for_load_state()
    assert page.locator("#form .errorlist").count() == 0, page.locator("#form").inner_text()


def _upload_materials(page: Any) -> None:
    """A small valid PDF for every material the pre-check requires."""
    from jingchu.cases.demo import sample_pdf
    from jingchu.cases.precheck import ONLINE_FORM_MEDIA
    from jingchu.services.models import ServiceItem

    version = ServiceItem.objects.get(code=ITEM).current_version
    assert version is not None
    required = version.materials.filter(necessity="required", source="upload").exclude(
        media=ONLINE_FORM_MEDIA)
    assert required.count() >= 2
    for requirement in required:
        row = page.locator(f"#req-{requirement.uid}")
        row.locator("input[name=file]").set_input_files({
            "name": "material.pdf", "mimeType": "application/pdf",
            "buffer": sample_pdf(f"material {requirement.pk}")})
        row.locator("form.upload button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator(f"#req-{requirement.uid} a[href*='/materials/']").count() == 1


def _open_on_workbench(page: Any, base: str, uid: str, number: str) -> None:
    page.goto(f"{base}/cases/workbench/")
    page.fill("input[name=q]", number)
    page.press("input[name=q]", "Enter")
    page.click(f"tr[data-case='{uid}'] a")
    page.wait_for_url(f"**/cases/workbench/{uid}/")


def _take_step(page: Any, name: str, expected_status: str) -> None:
    page.click(f"#step-{name} button[type=submit]")
    page.wait_for_selector(f"#case-status[data-status='{expected_status}']")


def _accept_in_yichang(page: Any, base: str, uid: str) -> str:
    """全省通办: a clerk in another city's hall accepts; the case stays with Wuhan's bureau."""
    from jingchu.cases.models import Case

    number = str(Case.objects.get(uid=uid).number)
    _open_on_workbench(page, base, uid, number)
    _take_step(page, "accept", "accepted")
    case = Case.objects.select_related("accepting_org", "handling_org").get(uid=uid)
    assert case.accepting_org is not None
    assert case.accepting_org.short_name == "宜昌市民服务中心"
    assert case.handling_org.short_name == "武汉市市场监管局" and case.deadline is not None
    return number


def _handle_in_wuhan(actors: Actors, base: str, uid: str) -> None:
    reviewer = actors.tab("reviewer_wh_amr")
    reviewer.goto(f"{base}/cases/workbench/{uid}/")
    reviewer.click("#claim")
    reviewer.wait_for_load_state()
    _take_step(reviewer, "start_review", "under_review")
    approver = actors.tab("approver_wh_amr")
    approver.goto(f"{base}/cases/workbench/{uid}/")
    _take_step(approver, "approve", "decided")
    reviewer.goto(f"{base}/cases/workbench/{uid}/")
    _take_step(reviewer, "complete", "completed")


def _see_completion_and_rate(page: Any, base: str, uid: str, number: str) -> None:
    page.goto(f"{base}/cases/mine/")
    page.click(f"a[href='/cases/{uid}/']")
    assert page.locator("#case-status").get_attribute("data-status") == "completed"
    assert page.locator("#case-number").inner_text() == number
    assert page.locator("#case-decision").count() == 1
    shown = page.locator("#timeline li[data-action]").evaluate_all(
        "items => items.map(li => li.dataset.action)")
    # The applicant's timeline: every public step (the claim is internal, so it is not shown);
    # the approval issued the business licence (the licences app puts that step on it).
    assert shown == ["create", "submit", "accept", "start_review", "approve", "license_issued",
                     "complete"]
    page.click("#rate-service")
    page.wait_for_url(f"**/reviews/rate/{uid}/")
    page.select_option("select[name=event]", "completion")
    page.check("input[name=level][value='1']")
    page.fill("textarea[name=comment]", "审核期间电话无人接听，进度不透明。")
    page.click("#submit-rating")
    page.wait_for_url("**/reviews/mine/")


def _rectification_is_queued(page: Any, base: str, uid: str, number: str) -> None:
    from jingchu.reviews.models import Rectification

    rect = Rectification.objects.select_related("review__case", "organization").get(
        review__case__uid=uid)
    assert rect.review.level == 1 and rect.review.event == "completion"
    assert rect.review.comment == "审核期间电话无人接听，进度不透明。"
    assert rect.organization.short_name == "武汉市市场监管局" and rect.status == "open"
    page.goto(f"{base}/reviews/rectifications/")
    row = page.locator(f"#rect-{rect.uid}")
    assert row.get_attribute("data-case") == number
    assert row.get_attribute("data-status") == "open"
