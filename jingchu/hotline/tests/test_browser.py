"""A 12345 call in a real browser (Debian's Chromium, driven by Playwright), all through the
pages: the operator takes a consumer-rights complaint by phone from the citizen's number, sees
the suggested category and department as she types and dispatches the ticket; 武汉市市场监督管理局
signs for it and replies; the citizen signs in, reads the reply under My 12345 requests and
rates it satisfied, which closes the ticket.

Selectors use element ids and name attributes, not text, so the test holds in either language.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

from jingchu.cases.tests.conftest import PASSWORD
from jingchu.core.tests.browser import Actors, chromium, needs_chromium, screenshots_on_failure
from jingchu.hotline.tests.conftest import CITIZEN_PHONE

REPLY = "经核查，商家已同意为您办理退货。"

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
]


@pytest.fixture
def browser(live_server: Any, hotline_world: dict[str, Any], monkeypatch: Any) -> Iterator[Any]:
    with chromium(monkeypatch) as launched:
        yield launched


def _status(page: Any) -> str:
    return str(page.locator("#ticket-summary").get_attribute("data-status"))


def test_phone_complaint_dispatched_replied_and_rated(browser, live_server, hotline_world,
                                                      tmp_path):
    actors = Actors(browser, live_server.url, PASSWORD)
    try:
        with screenshots_on_failure(actors, tmp_path):
            number = _take_the_call(actors.tab("operator"), live_server.url, hotline_world)
            _sign_and_reply(actors.tab("amr_handler"), live_server.url, number)
            _read_and_rate(actors.tab("citizen"), live_server.url, number)
    finally:
        actors.close()
    try:
        _check_closed(number, hotline_world)
    finally:
        # After Playwright's sync API has run, this body reads the database through its own
        # connection object, not the fixtures' (Django keeps connections per context, and
        # Playwright switches contexts); close it, or PostgreSQL keeps the session open and the
        # test database cannot be dropped at the end.
        connection.close()


def _check_closed(number: str, world: dict[str, Any]) -> None:
    from jingchu.hotline.models import Ticket

    ticket = Ticket.objects.get(number=number)
    assert ticket.status == "closed" and ticket.satisfaction == "satisfied"
    assert ticket.channel == "phone" and ticket.rating_channel == "self"
    assert ticket.organization == world["orgs"]["wh-scjg"]
    assert ticket.person == world["users"]["citizen"].person


def _take_the_call(page: Any, base: str, world: dict[str, Any]) -> str:
    """The operator files the call, checks the suggestion and dispatches; answers the number."""
    page.goto(f"{base}/hotline/desk/")
    page.fill("#id_caller_name", "张小明")
    page.fill("#id_caller_phone", CITIZEN_PHONE)
    page.select_option("#id_kind", "complaint")
    page.fill("#id_address", "武汉市洪山区珞喻路1号")
    page.fill("#id_title", "商场拒绝退货")
    page.fill("#id_content", "我在商场买的电饭煲有质量问题，商家拒绝退货退款，要求维护消费者权益。")
    # As she types, the desk suggests categories with the department the routing table gives.
    page.wait_for_selector("#suggestions .suggestion")
    page.wait_for_selector("#suggestions .routed-org")
    page.select_option("#id_category", "market-consumer")  # confirmed or corrected here
    page.click("#file-call")
    page.wait_for_url(re.compile(r"/hotline/desk/tickets/[0-9a-f-]{36}/$"))
    assert _status(page) == "received"
    amr = world["orgs"]["wh-scjg"]
    assert page.locator("#dispatch-form select[name=organization]").input_value() == str(amr.uid)
    page.click("#submit-dispatch")
    page.wait_for_selector("#ticket-summary[data-status=dispatched]")
    assert amr.name in page.locator("#ticket-organization").inner_text()
    return str(page.locator("#ticket-summary").get_attribute("data-number"))


def _sign_and_reply(page: Any, base: str, number: str) -> None:
    page.goto(f"{base}/hotline/queue/")
    row = page.locator(f"#queue tr[data-number='{number}']")
    row.locator("a").click()
    page.wait_for_selector("#ticket-summary[data-status=dispatched]")
    # the department sees the caller's phone masked
    assert page.locator("#caller-phone").inner_text() == "138****8000"
    page.click("#submit-sign")
    page.wait_for_selector("#ticket-summary[data-status=handling]")
    page.fill("#reply-form textarea[name=reply]", REPLY)
    page.click("#submit-reply")
    page.wait_for_selector("#ticket-summary[data-status=replied]")


def _read_and_rate(page: Any, base: str, number: str) -> None:
    page.goto(f"{base}/hotline/mine/")
    page.locator(f"#my-tickets tr[data-number='{number}'] a").click()
    page.wait_for_selector("#reply")
    assert REPLY in page.locator("#reply").inner_text()
    page.check("#rate-form input[name=satisfaction][value=satisfied]")
    page.click("#submit-rating")
    page.wait_for_selector("#ticket-summary[data-status=closed]")
    assert page.locator("#rating").get_attribute("data-satisfaction") == "satisfied"
