"""What the browser tests share: signing a user in (password, then the authenticator, enrolled
at the first sign-in from the secret the enrolment page shows) and keeping a picture of every
open tab when a story fails (a fixture never sees why it failed)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyotp


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
            print(f"screenshot of {who}'s page at the failure: {path}")
        raise
