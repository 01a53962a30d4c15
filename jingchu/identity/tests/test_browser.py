"""End to end in a real browser (Debian's Chromium, driven by Playwright): sign in, My account,
and a staff member's first sign-in with the authenticator enrolment."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyotp
import pytest

from jingchu.core.tests.browser import WAIT_MS, chromium, needs_chromium

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
]


@pytest.fixture
def world(transactional_db):
    """Transactional tests start from a flushed database: load what this test needs itself."""
    from jingchu.core.demo import load_organizations
    from jingchu.core.regions import load_regions
    from jingchu.identity.demo import load_personas

    load_regions()
    load_personas(load_organizations())


@pytest.fixture
def page(live_server, world, monkeypatch):
    with chromium(monkeypatch) as browser:
        context = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844})
        # English is the user's explicit choice (the language cookie), as after /i18n/setlang/.
        context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
        tab = context.new_page()
        tab.set_default_timeout(WAIT_MS)
        yield tab


@contextmanager
def screenshot_on_failure(tab, tmp_path: Path) -> Iterator[None]:
    """Wraps a test body (a fixture never sees the body's exception): keep a picture of it."""
    try:
        yield
    except BaseException:
        path = tmp_path / "failure.png"
        tab.screenshot(path=str(path), full_page=True)
        print(f"screenshot of the failed page: {path}")
        raise


def _sign_in(page, base: str, username: str) -> None:
    from jingchu.identity.demo import DEMO_PASSWORD

    page.goto(f"{base}/account/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit].primary")


def test_citizen_signs_in_and_sees_my_account_masked(page, live_server, tmp_path):
    with screenshot_on_failure(page, tmp_path):
        _citizen_story(page, live_server.url)


def _citizen_story(page, base: str) -> None:
    from jingchu.core.masking import mask_id_number
    from jingchu.identity.models import Person

    person = Person.objects.get(user__username="zhangsan")
    _sign_in(page, base, "zhangsan")
    page.wait_for_url(f"{base}/account/")
    assert page.locator("h1").first.inner_text() == "My account"
    shown = page.locator("#me-id-number").inner_text()
    assert shown == mask_id_number(person.id_number)
    assert person.id_number not in page.content()
    assert page.locator("#logins tbody tr").count() == 1


def test_staff_enrols_the_authenticator_at_first_sign_in(page, live_server, tmp_path):
    with screenshot_on_failure(page, tmp_path):
        _staff_story(page, live_server.url)


def _staff_story(page, base: str) -> None:
    _sign_in(page, base, "clerk_wuhan")
    page.wait_for_url(f"{base}/account/login/totp/enrol/")
    assert page.locator("svg").count() >= 1  # the QR code, drawn on the server
    secret = page.locator("#totp-secret").get_attribute("data-secret")
    assert secret
    page.fill("input[name=code]", pyotp.TOTP(secret).now())
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/account/")
    assert "Window clerk" in page.locator("#roles").inner_text()
    assert page.locator("#me-assurance").get_attribute("data-level") == "2"
