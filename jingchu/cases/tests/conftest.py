"""Fixtures for case tests: the demo world, the demo catalog and staff in Wuhan's departments."""

from __future__ import annotations

from typing import Any

import pytest

from jingchu.conftest import CATALOG, SharedDemo
from jingchu.identity import actions as identity_actions
from jingchu.identity.choices import StaffRole
from jingchu.identity.models import User
from jingchu.services.demo import load_service_items
from jingchu.services.models import ItemImplementation

PASSWORD = "Jingchu@2026"


@pytest.fixture
def catalog(_shared_demo: SharedDemo, demo_world: dict[str, Any]) -> dict[str, Any]:
    if not _shared_demo.has(CATALOG):
        load_service_items(demo_world)
    return demo_world


def make_staff(username: str, org: Any, *roles: str) -> User:
    staff = identity_actions.do_create_staff(None, username=username, password=PASSWORD,
                                             name=username)
    for role in roles:
        identity_actions.do_assign_role(None, staff=staff, organization=org, role=role)
    return staff.user


@pytest.fixture
def wuhan_amr_staff(catalog: dict[str, Any]) -> dict[str, User]:
    """A reviewer and an approver at 武汉市市场监管局, where several items are implemented."""
    org = catalog["wh-scjg"]
    return {
        "reviewer": make_staff("wh_reviewer", org, StaffRole.REVIEWER),
        "approver": make_staff("wh_approver", org, StaffRole.APPROVER),
    }


def implementation(code: str, org_key: str, orgs: dict[str, Any]) -> ItemImplementation:
    return ItemImplementation.objects.select_related("item__current_version").get(
        item__code=code, organization=orgs[org_key])


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    """A temporary MEDIA_ROOT, so that the files a test writes can be counted (applicant tests)."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture(autouse=True)
def _no_cached_bearer_tokens() -> Any:
    """Bearer tokens are cached per process for a couple of seconds (jingchu.cases.bearer), and
    published item versions by key (jingchu.cases.services); a test's must not answer for
    another test's (same raw token, keys of rolled-back rows reused by SQLite)."""
    from jingchu.cases.bearer import forget_tokens
    from jingchu.cases.services import forget_versions

    forget_tokens()
    forget_versions()
    yield
    forget_tokens()
    forget_versions()
