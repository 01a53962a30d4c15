"""Named permission checks of the business-environment evaluation; every view, endpoint and
action calls one first.

- Managers: approvers and administrators of an evaluation office (an `EvaluationOffice`, the
  province's 政务服务和大数据管理局 `hb-zwb` in the demo) and superusers. They manage local
  indicators, import departmental figures and compute evaluations.
- Readers: leaders (approvers, administrators) and auditors of any organization read the
  results of the city their organization is in (an organization in a county reads its city).
- The province sees all: managers, and leaders and auditors of a province-level organization,
  read every city and the province summary.
"""

from __future__ import annotations

from typing import Any

from jingchu.bizenv.models import EvaluationOffice
from jingchu.core.models import Organization, Region
from jingchu.identity.choices import StaffRole
from jingchu.identity.permissions import org_ids

MANAGER_ROLES = (StaffRole.APPROVER, StaffRole.ADMINISTRATOR)
READER_ROLES = (StaffRole.APPROVER, StaffRole.ADMINISTRATOR, StaffRole.AUDITOR)


def _is_superuser(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_superuser)


def city_path(region_path: str) -> str:
    """The path of the city-level division a region lies in (the province's own path for the
    province)."""
    return "/".join(region_path.split("/")[:2])


def can_manage(user: Any) -> bool:
    """Manage indicators, import figures, compute evaluations."""
    if _is_superuser(user):
        return True
    mine = org_ids(user, MANAGER_ROLES)
    return bool(mine) and EvaluationOffice.objects.filter(organization_id__in=mine).exists()


def _reader_paths(user: Any) -> set[str]:
    mine = org_ids(user, READER_ROLES)
    if not mine:
        return set()
    paths = Organization.objects.filter(pk__in=mine).values_list("region__path", flat=True)
    return {city_path(p) for p in paths}


def can_view_province(user: Any) -> bool:
    """The province summary and every city."""
    if can_manage(user):
        return True
    return any("/" not in path for path in _reader_paths(user))


def readable_city_paths(user: Any) -> set[str] | None:
    """The paths of the cities the user may read; None means all of them."""
    if can_view_province(user):
        return None
    return {p for p in _reader_paths(user) if "/" in p}


def can_view_city(user: Any, region: Region) -> bool:
    allowed = readable_city_paths(user)
    return allowed is None or region.path in allowed


def can_use_bizenv(user: Any) -> bool:
    """The menu entry: whoever may read at least one city."""
    allowed = readable_city_paths(user)
    return allowed is None or bool(allowed)


def can_view_indicators(user: Any) -> bool:
    return can_use_bizenv(user)


def can_import(user: Any) -> bool:
    return can_manage(user)


def can_evaluate(user: Any) -> bool:
    """Compute a month by hand (the scheduler runs it without a user)."""
    return user is None or can_manage(user)
