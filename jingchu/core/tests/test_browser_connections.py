"""The browser tests' Chromium (core.tests.browser.chromium) leaves no database connection open:
one left open kept the worker's test database from being dropped at the end of the run."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connections

from jingchu.conftest import is_postgres
from jingchu.core.tests.browser import chromium, needs_chromium

pytestmark = [
    pytest.mark.browser, needs_chromium,
    # Django never closes an in-memory SQLite database (closing would destroy it), and there is
    # no server database to drop.
    pytest.mark.skipif(not is_postgres(), reason="a database server's connections only"),
]


@pytest.mark.django_db
def test_the_connection_the_test_body_opens_closes_with_the_browser(monkeypatch: Any) -> None:
    outside = connections["default"]
    with chromium(monkeypatch):
        inside = connections["default"]
        inside.ensure_connection()
        # Why closing is needed: inside the block the test body has a connection of its own.
        assert inside is not outside and inside.connection is not None
    assert inside.connection is None
    assert outside.connection is not None  # the test's own, in its transaction, untouched
