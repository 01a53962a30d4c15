"""Named permission checks of the service catalog; every view and endpoint calls one first."""

from __future__ import annotations

from typing import Any

from jingchu.identity.choices import StaffRole
from jingchu.identity.permissions import has_role


def can_view_catalog(user: Any) -> bool:
    """The catalog is public: anyone may find out what a service needs before signing in."""
    return True


def can_manage_items(user: Any) -> bool:
    """Publishing item versions changes what every hall accepts: administrators only."""
    return has_role(user, StaffRole.ADMINISTRATOR)
