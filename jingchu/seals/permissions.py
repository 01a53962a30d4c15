"""Named permission checks of 电子印章; every view and endpoint calls one first.

Who does what (decided here; the refusals are tested in tests/test_api.py and test_pages.py):
- The platform administrator (a superuser) creates the root of trust, and may create, suspend,
  resume and revoke any organization's seals; an organization's own administrator does the same
  for its seals.
- Any staff member of an organization sees its seals, their certificates and their uses.
- Affixing a seal is for the organization's approvers and administrators only (a platform
  administrator of another organization may not seal in its name).
- Verifying a signature and reading certificates are public: anyone holding a sealed document
  must be able to check it.
"""

from __future__ import annotations

from typing import Any

from jingchu.core.models import Organization
from jingchu.identity.choices import StaffRole
from jingchu.identity.permissions import org_ids, require
from jingchu.seals.models import Seal

MANAGER_ROLES = (StaffRole.ADMINISTRATOR,)
SIGNER_ROLES = (StaffRole.APPROVER, StaffRole.ADMINISTRATOR)

__all__ = ["org_ids", "require"]


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_platform_admin(user: Any) -> bool:
    return _authenticated(user) and bool(getattr(user, "is_superuser", False))


def can_list_seals(user: Any) -> bool:
    """The menu entry and the list: platform administrators and any staff member."""
    return is_platform_admin(user) or bool(org_ids(user))


def can_view_seal(user: Any, seal: Seal) -> bool:
    return is_platform_admin(user) or seal.organization_id in org_ids(user)


def can_manage_seals_of(user: Any, organization: Organization) -> bool:
    return is_platform_admin(user) or organization.pk in org_ids(user, MANAGER_ROLES)


def can_create_seals(user: Any) -> bool:
    """The create page: someone who may create a seal for at least one organization."""
    return is_platform_admin(user) or bool(org_ids(user, MANAGER_ROLES))


def can_change_seal_status(user: Any, seal: Seal) -> bool:
    """Suspend, resume or revoke."""
    return can_manage_seals_of(user, seal.organization)


def can_use_seal(user: Any, seal: Seal) -> bool:
    """Affix the seal to a document."""
    return seal.organization_id in org_ids(user, SIGNER_ROLES)


def can_create_root(user: Any) -> bool:
    return is_platform_admin(user)


def can_verify_signatures(user: Any) -> bool:
    """Verification is public."""
    return True


def can_view_certificates(user: Any) -> bool:
    """Certificates (the root's and the seals') are public, as certificates are."""
    return True
