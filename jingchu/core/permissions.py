"""Named permission checks of the core app; every view and endpoint calls one first."""

from __future__ import annotations

from typing import Any

# Role names as identity.choices.StaffRole stores them. Core sits below identity and must not
# import it, so it names the two roles it checks by their stored values.
AUDITOR = "auditor"
ADMINISTRATOR = "administrator"


def _has_role(user: Any, *roles: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    staff = getattr(user, "staff", None)
    return bool(staff and staff.assignments.filter(role__in=roles).exists())


def can_view_regions(user: Any) -> bool:
    """Region codes and names are public reference data."""
    return True


def can_view_organizations(user: Any) -> bool:
    """The directory of departments and halls is public."""
    return True


def can_view_audit(user: Any) -> bool:
    """The audit trail and its CSV export: auditors, administrators and superusers only."""
    return _has_role(user, AUDITOR, ADMINISTRATOR)


def can_manage_calendar(user: Any) -> bool:
    return _has_role(user, ADMINISTRATOR)


def can_use_inbox(user: Any) -> bool:
    """Every signed-in user has an inbox of their own site messages."""
    return bool(getattr(user, "is_authenticated", False))
