"""Shared fixtures: the test database gets Hubei's regions and the calendar once per session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings

from jingchu.core import calendar


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    from jingchu.core.calendar_data import load_calendar_files
    from jingchu.core.regions import load_regions

    with django_db_blocker.unblock():
        load_regions()
        load_calendar_files()


def _is_transactional(request: Any) -> bool:
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        return True
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction"))


def _load_reference_data() -> None:
    from jingchu.core.calendar_data import load_calendar_files
    from jingchu.core.regions import load_regions

    load_regions()
    load_calendar_files()


@pytest.fixture(autouse=True)
def _restore_reference_data(request: Any, django_db_blocker: Any) -> Iterator[None]:
    """A transactional test (live server, real worker, races) ends by emptying every table. It
    finds the regions and the calendar in place when it starts, and puts them back when it
    ends, so the tests after it on the same worker find them too."""
    transactional = _is_transactional(request)
    if transactional:
        from jingchu.core.models import Region

        with django_db_blocker.unblock():
            if not Region.objects.exists():
                _load_reference_data()
    yield
    if transactional:
        with django_db_blocker.unblock():
            _load_reference_data()


@pytest.fixture(autouse=True)
def _private_media_root(settings: Any, tmp_path_factory: Any) -> None:
    # No test writes into the real var/media; a test that counts files sets its own root.
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))
    settings.LAKE_DIR = str(tmp_path_factory.mktemp("lake"))


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: Any) -> None:
    # PBKDF2 at production strength costs ~0.3 s a hash; tests need correctness, not cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    calendar.clear_cache()
    yield
    calendar.clear_cache()


@pytest.fixture
def demo_orgs(db: Any) -> dict[str, Any]:
    from jingchu.core.demo import load_organizations

    return load_organizations()


@pytest.fixture
def demo_world(demo_orgs: dict[str, Any]) -> dict[str, Any]:
    """Demo organizations and personas, as `make demo` loads them."""
    from jingchu.identity.demo import load_personas

    load_personas(demo_orgs)
    return demo_orgs


def is_postgres() -> bool:
    return bool(settings.DATABASES["default"]["ENGINE"].endswith("postgresql"))


def redis_url() -> str | None:
    return os.environ.get("JINGCHU_TEST_REDIS_URL") or None
