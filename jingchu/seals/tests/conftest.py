"""Fixtures for seal tests: the root, seals of two demo departments, their staff, OpenSSL."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from jingchu.cases.tests.conftest import make_staff
from jingchu.identity.choices import StaffRole
from jingchu.seals import actions
from jingchu.seals.choices import SealKind
from jingchu.seals.models import Seal, TrustRoot

OPENSSL = shutil.which("openssl")
needs_openssl = pytest.mark.skipif(OPENSSL is None, reason="the openssl binary is not installed")
DIST_ID = "distid:1234567812345678"


def openssl(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    assert OPENSSL is not None
    return subprocess.run([OPENSSL, *args], cwd=cwd, capture_output=True, text=True,
                          check=check, timeout=60)


@pytest.fixture
def root(db: Any) -> TrustRoot:
    return actions.do_create_root(None)


@pytest.fixture
def world(demo_orgs: dict[str, Any], root: TrustRoot) -> dict[str, Any]:
    """Two departments with their staff, a platform administrator, and an outsider."""
    amr, hrss = demo_orgs["wh-scjg"], demo_orgs["wh-rsj"]
    users = {
        "admin_amr": make_staff("amr_admin", amr, StaffRole.ADMINISTRATOR),
        "approver_amr": make_staff("amr_approver", amr, StaffRole.APPROVER),
        "clerk_amr": make_staff("amr_clerk", amr, StaffRole.WINDOW_CLERK),
        "admin_hrss": make_staff("hrss_admin", hrss, StaffRole.ADMINISTRATOR),
        "approver_hrss": make_staff("hrss_approver", hrss, StaffRole.APPROVER),
        "platform": make_staff("platform_admin", demo_orgs["hb-zwb"], StaffRole.AUDITOR),
    }
    users["platform"].is_superuser = True
    users["platform"].save(update_fields=["is_superuser"])
    return {"orgs": demo_orgs, "users": users, "root": root}


@pytest.fixture
def amr_seal(world: dict[str, Any]) -> Seal:
    return actions.do_create_seal(world["users"]["admin_amr"], world["orgs"]["wh-scjg"],
                                  kind=SealKind.LICENSE)


@pytest.fixture
def hrss_seal(world: dict[str, Any]) -> Seal:
    return actions.do_create_seal(None, world["orgs"]["wh-rsj"], kind=SealKind.LICENSE)
