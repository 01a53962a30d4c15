"""Who may do what with licences: one named function per action, called first by every view,
endpoint and action."""

from __future__ import annotations

from typing import Any

from jingchu.core.models import Organization
from jingchu.identity.choices import StaffRole
from jingchu.identity.permissions import can_act_for, org_ids, require
from jingchu.identity.services import person_of
from jingchu.licenses.models import License

ISSUER_ROLES = (StaffRole.APPROVER, StaffRole.ADMINISTRATOR)
# Staff who may see the licences their organization issued.
ISSUER_VIEW_ROLES = (StaffRole.WINDOW_CLERK, StaffRole.REVIEWER, StaffRole.APPROVER,
                     StaffRole.ADMINISTRATOR, StaffRole.AUDITOR)

__all__ = ["org_ids", "require"]


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_holder(user: Any, lic: License) -> bool:
    """The holder themselves, or someone who may act for the holding enterprise."""
    if not _authenticated(user):
        return False
    if lic.holder_person_id is not None:
        person = person_of(user)
        return person is not None and person.pk == lic.holder_person_id
    return lic.holder_entity is not None and can_act_for(user, lic.holder_entity)


def can_view_wallet(user: Any) -> bool:
    return person_of(user) is not None


def can_view_license(user: Any, lic: License) -> bool:
    return is_holder(user, lic) or can_view_issued(user, lic)


def can_view_issued(user: Any, lic: License) -> bool:
    """Staff of the issuing organization (and platform administrators)."""
    if getattr(user, "is_superuser", False) and _authenticated(user):
        return True
    return lic.issuer_id in org_ids(user, ISSUER_VIEW_ROLES)


def can_issue_for(user: Any, issuer: Organization) -> bool:
    if getattr(user, "is_superuser", False) and _authenticated(user):
        return True
    return issuer.pk in org_ids(user, ISSUER_ROLES)


def can_change_status(user: Any, lic: License) -> bool:
    """Revoke, suspend or reinstate: the issuer's approvers and administrators."""
    return can_issue_for(user, lic.issuer)


def can_share(user: Any, lic: License) -> bool:
    return is_holder(user, lic)


def can_import(user: Any, issuer: Organization) -> bool:
    return can_issue_for(user, issuer)


def can_list_issued(user: Any) -> bool:
    return bool(org_ids(user, ISSUER_VIEW_ROLES)) or (
        _authenticated(user) and bool(getattr(user, "is_superuser", False)))


def can_verify_licenses(user: Any) -> bool:
    """Verifying a licence (the page its QR code leads to, the API, the published status lists)
    is public: it shows the minimum data only."""
    return True


def can_import_any(user: Any) -> bool:
    """Approvers and administrators of an issuing organization (and platform administrators):
    the bulk import page."""
    if not _authenticated(user):
        return False
    if getattr(user, "is_superuser", False):
        return True
    from jingchu.licenses.models import LicenseIssuer

    return LicenseIssuer.objects.filter(
        organization_id__in=org_ids(user, ISSUER_ROLES)).exists()
