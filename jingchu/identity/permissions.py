"""Named permission checks of the identity app."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from jingchu.identity.choices import StaffRole


def require(allowed: bool, message: str = "") -> None:
    if not allowed:
        raise PermissionDenied(message or "Permission denied.")


def has_role(user: Any, *roles: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    staff = getattr(user, "staff", None)
    return bool(staff and staff.assignments.filter(role__in=roles).exists())


def can_view_own_account(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_view_full_id_number(user: Any, person: Any) -> bool:
    """A person sees their own number in full; others see it masked."""
    return bool(getattr(user, "is_authenticated", False) and getattr(person, "user_id", None)
                == user.pk)


def can_verify_in_person(user: Any) -> bool:
    return has_role(user, StaffRole.WINDOW_CLERK)


def can_manage_oidc_clients(user: Any) -> bool:
    return has_role(user, StaffRole.ADMINISTRATOR)
