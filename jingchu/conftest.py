"""Shared fixtures: the test database gets Hubei's regions and the calendar once per session."""

from __future__ import annotations

import contextlib
import copy
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings

from jingchu.core import calendar


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        _load_reference_data()


def _reference_models() -> tuple[Any, ...]:
    """The reference data every test finds in place: regions and the calendar."""
    from jingchu.core.models import CalendarDay, CalendarYear, Region

    return (Region, CalendarYear, CalendarDay)


def _reference_tables() -> frozenset[str]:
    return frozenset(m._meta.db_table for m in _reference_models())


def _flush_sql(style: Any, connection: Any, reset_sequences: bool = True,
               allow_cascade: bool = False) -> list[str]:
    """What `flush` runs after a transactional test, as Django's own `sql_flush` but for two
    things. The reference data (regions, calendar), which no test changes and which took ~2 s to
    load again, stays. On PostgreSQL the rows go by DELETE, not TRUNCATE, which makes new files
    for each of ~140 tables and their indexes (~1-2 s even when they hold a few rows); the
    foreign keys are deferrable, so the order does not matter. Sequences to reset (or a partial
    flush that cascades) take Django's way."""
    keep = _reference_tables()
    tables = [t for t in connection.introspection.django_table_names(
        only_existing=True, include_views=False) if t not in keep]
    if connection.vendor == "postgresql" and not reset_sequences and not allow_cascade:
        quote = connection.ops.quote_name
        # Table names from the database's own catalog, quoted: no value goes into the text.
        return ["SET CONSTRAINTS ALL DEFERRED",
                *(f"DELETE FROM {quote(t)}" for t in tables)]  # noqa: S608
    return list(connection.ops.sql_flush(style, tables, reset_sequences=reset_sequences,
                                         allow_cascade=allow_cascade))


@pytest.fixture(scope="session", autouse=True)
def _flush_keeps_reference_data() -> Iterator[None]:
    from django.core.management.commands import flush

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(flush, "sql_flush", _flush_sql)  # raises if Django renames it
        yield


def _is_transactional(request: Any) -> bool:
    # The request's fixture names include those asked for at run time, which the item's lack.
    return (bool({"transactional_db", "live_server"} & set(request.fixturenames))
            or _item_is_transactional(request.node))


def _load_reference_data() -> None:
    from jingchu.core.calendar_data import load_calendar_files
    from jingchu.core.regions import load_regions

    load_regions()
    load_calendar_files()


@pytest.fixture(autouse=True)
def _restore_reference_data(request: Any, django_db_blocker: Any) -> Iterator[None]:
    """A transactional test (live server, real worker, races) ends by emptying every table but
    the reference data's (`_flush_sql`). It finds the regions and the calendar in place when it
    starts, and finds them whole when it ends (loaded again otherwise), so the tests after it on
    the same worker find them too."""
    if not _is_transactional(request):
        yield
        return
    with django_db_blocker.unblock():
        before = _reference_counts()
        if not before[0]:
            _load_reference_data()
            before = _reference_counts()
    yield
    with django_db_blocker.unblock():
        if _reference_counts() != before:
            _load_reference_data()


def _reference_counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in _reference_models())


@pytest.fixture(autouse=True)
def _private_media_root(settings: Any, tmp_path_factory: Any) -> None:
    # No test writes into the real var/media; a test that counts files sets its own root.
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))
    settings.LAKE_DIR = str(tmp_path_factory.mktemp("lake"))


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: Any) -> None:
    # PBKDF2 at production strength costs ~0.3 s a hash; tests need correctness, not cost.
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    calendar.clear_cache()
    yield
    calendar.clear_cache()


# How much of the demo data a fixture loads (each level includes the ones below it), by the
# fixture's definition: a test module may define its own `catalog`, loading something else.
ORGS, PERSONAS, CATALOG = 1, 2, 3
_LEVELS = {("jingchu.conftest", "demo_orgs"): ORGS, ("jingchu.conftest", "demo_world"): PERSONAS,
           ("jingchu.cases.tests.conftest", "catalog"): CATALOG}


def _item_is_transactional(item: Any) -> bool:
    if {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())):
        return True
    marker = item.get_closest_marker("django_db")
    return bool(marker and any(marker.kwargs.get(k) for k in (
        "transaction", "reset_sequences", "serialized_rollback", "available_apps")))


def _uses_database(item: Any) -> bool:
    # The `django_db` mark asks for the database at run time, outside the fixture closure.
    return ("_django_db_helper" in getattr(item, "fixturenames", ())
            or item.get_closest_marker("django_db") is not None)


def _item_level(item: Any) -> int:
    """The demo data the item's own fixtures load."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return 0
    level = 0
    for name in ("demo_orgs", "demo_world", "catalog"):
        defs = info.name2fixturedefs.get(name)
        if defs:
            func = defs[-1].func
            level = max(level, _LEVELS.get((func.__module__, func.__name__), 0))
    return level


# Worlds that a module's tests may share as they share the demo data (see SharedDemo), by the
# module and name of the fixture that builds one: a function of the shared organizations alone.
World = dict[str, Any]
_WORLDS: dict[tuple[str, str], Callable[[World], World]] = {}


def share_world(module: str, name: str, build: Callable[[World], World]) -> tuple[str, str]:
    """Let the tests that use fixture `name` of `module` (one that returns `build(demo_orgs)`,
    or `SharedDemo.world_for` when it answers) share the world it builds; returns its key."""
    _WORLDS[(module, name)] = build
    return (module, name)


def _item_world(item: Any) -> tuple[str, str] | None:
    """The shared world the item's own fixtures build, if any."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return None
    for module, name in _WORLDS:
        defs = info.name2fixturedefs.get(name)
        if defs and (defs[-1].func.__module__, defs[-1].func.__name__) == (module, name):
            return (module, name)
    return None


class SharedDemo:
    """The demo data of a test module, loaded once and shared by the tests that load the same:
    loaded in a transaction of the module's own that those tests run inside (each test's own
    transaction is a savepoint in it, rolled back as before), rolled back at the module's end.

    Why: loading the organizations, personas and catalog took ~2.5 s per test on PostgreSQL,
    about half of the whole suite's time. A test sees what it saw before: before each test
    (`pytest_runtest_setup`) the shared data is made what that test loads, or none at all for
    a test that loads none or commits for real (a transactional test's other connections
    would not see it); each test gets its own copy of the objects.

    A world registered with `share_world` (the supervision tests' one) is shared in the
    same way by the tests that build it on the organizations alone: built on the shared ones in
    a savepoint, rolled back to that savepoint for a test that does not build it."""

    def __init__(self, blocker: Any, media: str) -> None:
        self.blocker = blocker
        self.media = media
        self.level = 0
        self.orgs: dict[str, Any] | None = None
        self._atomic: Any = None
        self.world_key: tuple[str, str] | None = None
        self._world: World | None = None
        self._orgs_before_world: dict[str, Any] | None = None
        self._world_atomic: Any = None

    @contextlib.contextmanager
    def _as_in_a_test(self) -> Iterator[None]:
        # Loaded under the settings each test has (its autouse fixtures are not set up yet):
        # passwords hashed as in a test, files (if any) out of the real media folder.
        from django.test import override_settings

        with self.blocker.unblock(), override_settings(
                PASSWORD_HASHERS=FAST_HASHERS, MEDIA_ROOT=self.media, LAKE_DIR=self.media):
            yield

    def open(self, level: int) -> None:
        with self._as_in_a_test():
            self._atomic = _begin()
            self.orgs, self.level = _load_demo(level), level

    def close(self) -> None:
        self.close_world()
        if self._atomic is not None:
            with self.blocker.unblock():
                _roll_back(self._atomic)
            self._atomic, self.orgs, self.level = None, None, 0

    def open_world(self, key: tuple[str, str]) -> None:
        assert self.orgs is not None
        with self._as_in_a_test():
            self._world_atomic = _begin()  # a savepoint in the module's transaction
            # As a test's own build, this one may change the organizations it is given.
            self._orgs_before_world = copy.deepcopy(self.orgs)
            self.world_key = key
            try:
                self._world = _WORLDS[key](self.orgs)
            except BaseException:
                self.close_world()  # the savepoint, not the module's transaction
                raise

    def close_world(self) -> None:
        if self._world_atomic is not None:
            with self.blocker.unblock():
                _roll_back(self._world_atomic)
            self.orgs = self._orgs_before_world
            self._world_atomic = self._world = self._orgs_before_world = self.world_key = None

    def prepare_for(self, item: Any) -> None:
        """Make the shared data what `item` loads itself (before its fixtures are set up)."""
        if not _uses_database(item):
            return
        want = 0 if _item_is_transactional(item) else _item_level(item)
        world = _item_world(item) if want == ORGS else None
        if want != self.level:
            self.close()
            if want:
                self.open(want)
        if world != self.world_key:
            self.close_world()
            if world is not None:
                self.open_world(world)

    def has(self, level: int) -> bool:
        """Whether the data of `level` (and below) is loaded and shared."""
        return self.orgs is not None and self.level >= level

    def orgs_for(self, level: int) -> dict[str, Any] | None:
        """A copy of the shared organizations when `level` is shared, else None."""
        return copy.deepcopy(self.orgs) if self.has(level) else None

    def world_for(self, key: tuple[str, str], orgs: dict[str, Any]) -> World | None:
        """A copy of the shared world `key` when it is shared, else None. Its organizations are
        `orgs`, the test's copy of the shared ones, as in a world the test built on them."""
        if self._world is None or self.orgs is None or self.world_key != key:
            return None
        memo: dict[int, Any] = {id(self.orgs): orgs}
        memo.update((id(org), orgs[name]) for name, org in self.orgs.items())
        return copy.deepcopy(self._world, memo)


def _begin() -> Any:
    from django.db import transaction

    atomic = transaction.atomic()
    atomic.__enter__()
    return atomic


def _roll_back(atomic: Any) -> None:
    from django.db import transaction

    transaction.set_rollback(True)
    atomic.__exit__(None, None, None)


def _load_demo(level: int) -> dict[str, Any]:
    from jingchu.core.demo import load_organizations
    from jingchu.identity.demo import load_personas
    from jingchu.services.demo import load_service_items

    orgs = load_organizations()
    if level >= PERSONAS:
        load_personas(orgs)
    if level >= CATALOG:
        load_service_items(orgs)
    return orgs


_SHARED: dict[Any, SharedDemo] = {}  # by test module, while its fixture lives


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: Any) -> None:
    shared = _SHARED.get(getattr(item, "module", None))
    if shared is not None:
        shared.prepare_for(item)


@pytest.fixture(scope="module")
def _shared_demo(request: Any, django_db_setup: Any, django_db_blocker: Any,
                 tmp_path_factory: Any) -> Iterator[SharedDemo]:
    # Set up before the first test's own transaction (a higher scope comes first); from then
    # on `pytest_runtest_setup` prepares it before each test of the module.
    shared = _SHARED[request.module] = SharedDemo(
        django_db_blocker, str(tmp_path_factory.mktemp("shared-media")))
    shared.prepare_for(request._pyfuncitem)
    yield shared
    shared.close()
    del _SHARED[request.module]


@pytest.fixture
def demo_orgs(_shared_demo: SharedDemo, db: Any) -> dict[str, Any]:
    from jingchu.core.demo import load_organizations

    found = _shared_demo.orgs_for(ORGS)
    return found if found is not None else load_organizations()


@pytest.fixture
def demo_world(_shared_demo: SharedDemo, demo_orgs: dict[str, Any]) -> dict[str, Any]:
    """Demo organizations and personas, as `make demo` loads them."""
    from jingchu.identity.demo import load_personas

    if not _shared_demo.has(PERSONAS):
        load_personas(demo_orgs)
    return demo_orgs


def is_postgres() -> bool:
    return bool(settings.DATABASES["default"]["ENGINE"].endswith("postgresql"))


def redis_url() -> str | None:
    return os.environ.get("JINGCHU_TEST_REDIS_URL") or None
