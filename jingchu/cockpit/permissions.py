"""Named permission checks of the cockpit; every view and endpoint calls one first.

Who reads the cockpit: leaders and overseers of an organization (approvers, administrators,
auditors) and the data stewards who run the data platform, and superusers.

What they see (scope): the region of each organization where they hold such a role, taken at
county level at the deepest (a township's organization reads its county), and everything below
it. An organization of the province sees the whole province; a city's leader sees their city and
its counties and organizations, never another city.

Refreshing the rollups by hand (the scheduler does it without a user): administrators and data
stewards of a province-level organization, and superusers.
"""

from __future__ import annotations

from typing import Any

from jingchu.core.choices import RegionLevel
from jingchu.core.middleware import request_cache
from jingchu.core.models import Organization, Region
from jingchu.identity.choices import StaffRole
from jingchu.identity.permissions import org_ids

READER_ROLES = (StaffRole.APPROVER, StaffRole.ADMINISTRATOR, StaffRole.AUDITOR,
                StaffRole.DATA_STEWARD)
REFRESH_ROLES = (StaffRole.ADMINISTRATOR, StaffRole.DATA_STEWARD)
# A scope is taken at most this deep: organizations below county level read their county.
SCOPE_DEPTH = {RegionLevel.PROVINCE: 1, RegionLevel.CITY: 2, RegionLevel.COUNTY: 3}


def _is_superuser(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_superuser)


def _scope_path(region_path: str) -> str:
    """A region's path cut to county level (province/city/county keep their own)."""
    return "/".join(region_path.split("/")[:3])


def _paths(user: Any, roles: tuple[str, ...]) -> set[str]:
    mine = org_ids(user, roles)
    if not mine:
        return set()
    paths = Organization.objects.filter(pk__in=mine).values_list("region__path", flat=True)
    return {_scope_path(p) for p in paths}


def scope_roots(user: Any) -> list[Region] | None:
    """The regions whose subtrees the user may read; None means the whole province, [] none.
    Read once per request: a page asks several times."""
    if _is_superuser(user):
        return None
    cache = request_cache()
    key = f"cockpit.scope:{getattr(user, 'pk', None)}"
    if cache is not None and key in cache:
        found: list[Region] | None = cache[key]
        return None if found is None else list(found)
    roots = _scope_roots(user)
    if cache is not None:
        cache[key] = roots
    return roots


def _scope_roots(user: Any) -> list[Region] | None:
    paths = _paths(user, READER_ROLES)
    if any("/" not in p for p in paths):
        return None
    # A root inside another root adds nothing.
    roots = sorted(p for p in paths if not any(p.startswith(q + "/") for q in paths))
    return list(Region.objects.filter(path__in=roots).order_by("path"))


def can_use_cockpit(user: Any) -> bool:
    roots = scope_roots(user)
    return roots is None or bool(roots)


def can_view_region(user: Any, region: Region) -> bool:
    roots = scope_roots(user)
    if roots is None:
        return True
    return any(region.path == r.path or region.path.startswith(r.path + "/") for r in roots)


def can_view_province(user: Any) -> bool:
    return scope_roots(user) is None


def home_region(user: Any) -> Region | None:
    """Where the cockpit opens: the province for the province, else the user's first root."""
    roots = scope_roots(user)
    if roots is None:
        return Region.objects.filter(level=RegionLevel.PROVINCE).order_by("code").first()
    return roots[0] if roots else None


def can_refresh(user: Any) -> bool:
    """Recompute rollups by hand; None is the scheduler."""
    if user is None or _is_superuser(user):
        return True
    return any("/" not in p for p in _paths(user, REFRESH_ROLES))
