"""Fixtures of the licences tests: the demo catalogue with seals and licence types."""

from __future__ import annotations

from typing import Any

import pytest

from jingchu.cases.tests.conftest import catalog, implementation, make_staff  # noqa: F401


@pytest.fixture
def licence_world(catalog: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    """Demo organizations, personas and service items, the root and demo seals, and the demo
    licence types with their issuers (no licences yet)."""
    from jingchu.licenses.demo import load_types
    from jingchu.seals.demo import load_seals

    load_seals(catalog)
    load_types(catalog)
    return catalog


@pytest.fixture
def held_licences(licence_world: dict[str, Any]) -> dict[str, Any]:
    """licence_world plus the demo personas' licences (ID cards, zhangsan's driving licence,
    the demo enterprise's business licence)."""
    from jingchu.licenses.demo import load_licences

    load_licences(licence_world)
    return licence_world


@pytest.fixture
def wallet_world(held_licences: dict[str, Any]) -> dict[str, Any]:
    """held_licences plus the people of the wallet, staff and verification tests: the holders,
    staff of the issuing police bureau (an approver and a clerk) and of the market regulator,
    and the licences by name ("driving": zhangsan's, "business": the demo enterprise's)."""
    from jingchu.identity.choices import StaffRole
    from jingchu.identity.models import User
    from jingchu.licenses.models import License

    users = {name: User.objects.get(username=name) for name in (
        "zhangsan", "lisi", "wangwu", "approver_wh_amr", "reviewer_wh_amr",
        "reviewer_wh_hrss")}
    users["gaj_approver"] = make_staff("gaj_approver", held_licences["wh-gaj"],
                                       StaffRole.APPROVER)
    users["gaj_clerk"] = make_staff("gaj_clerk", held_licences["wh-gaj"],
                                    StaffRole.WINDOW_CLERK)
    licences = {
        "driving": License.objects.get(license_type__key="DRIVING_LICENSE",
                                       holder_person__user__username="zhangsan"),
        "business": License.objects.get(license_type__key="BUSINESS_LICENSE"),
        "id_lisi": License.objects.get(license_type__key="ID_CARD",
                                       holder_person__user__username="lisi"),
    }
    return {"orgs": held_licences, "users": users, "licences": licences}
