"""What the browser tests share: Debian's Chromium launched through Playwright, one signed-in
tab per person in a story (`Actors`), signing a user in (password, then the authenticator,
enrolled at the first sign-in from the secret the enrolment page shows) and keeping a picture of
every open tab when a story fails (a fixture never sees why it failed)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyotp
import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
needs_chromium = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                    reason=f"{CHROMIUM} is missing (apt-get install -y chromium)")


@contextmanager
def chromium(monkeypatch: Any) -> Iterator[Any]:
    """A launched Chromium for the length of the block."""
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
    # body would otherwise be refused as "async unsafe".
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            # Inside the block Django's `connections` answer other wrappers than outside it
            # (Playwright's event loop brings its own context, and asgiref keeps connections
            # per context): the test body's queries opened a connection of their own, which
            # nothing else closes. Left open, it kept the test database from being dropped.
            from django.db import connections

            connections.close_all()


# How long a step may wait for a page or an element: a limit, not a timing gate. Generous,
# because CI shares two cores between the suite, PostgreSQL and Chromium, and a loaded machine
# once took more than 15 s to render a page (a failed run with nothing wrong).
WAIT_MS = 30_000


class Actors:
    """One browser context (own cookies, own session) per person in the story, each signed in
    on first use."""

    def __init__(self, browser: Any, base: str, password: str, *,
                 viewport: tuple[int, int] = (1280, 900), timeout_ms: int = WAIT_MS) -> None:
        self.browser, self.base, self.password = browser, base, password
        self.viewport, self.timeout_ms = viewport, timeout_ms
        self.pages: dict[str, Any] = {}

    def tab(self, username: str) -> Any:
        if username not in self.pages:
            width, height = self.viewport
            context = self.browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            page.set_default_timeout(self.timeout_ms)
            self.pages[username] = page
            sign_in(page, self.base, username, self.password)
        return self.pages[username]

    def close(self) -> None:
        # Closing the contexts closes their keep-alive connections, so the live server's
        # request threads end and give their database connections back before teardown.
        for page in self.pages.values():
            page.context.close()


def sign_in(page: Any, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/account/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit].primary")
    page.wait_for_url(lambda url: "/account/login/" not in url or "/totp/enrol/" in url)
    if "/totp/enrol/" in page.url:
        secret = page.locator("#totp-secret").get_attribute("data-secret")
        page.fill("input[name=code]", pyotp.TOTP(secret).now())
        page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/account/")


@contextmanager
def screenshots_on_failure(actors: Any, tmp_path: Path) -> Iterator[None]:
    """`actors.pages` maps a username ('' for an anonymous visitor) to its open page."""
    try:
        yield
    except BaseException:
        for username, page in actors.pages.items():
            who = username or "anonymous"
            path = tmp_path / f"failure-{who}.png"
            page.screenshot(path=str(path), full_page=True)
            # The address too: CI keeps the output, not the picture.
            print(f"screenshot of {who}'s page at the failure ({page.url}): {path}")
        raise
