"""Named permission checks of the exchange gateway and its records.

- A call through the gateway is allowed to a registered, enabled gateway client whose
  organization is active; what it may read is then the grant check's (grants_check.py).
- A person sees the calls that read their own data; someone acting now for an enterprise
  sees the calls that read the enterprise's data ("who read my data").
- Call records and statistics: data stewards and auditors of the consumer or the owning
  organization see theirs; the platform's administrators and province-level stewards see all.
- Gateway clients are registered, have their secret rotated and are disabled by the
  platform's administrators, who manage every OAuth2 client (identity).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from jingchu.identity.choices import StaffRole
from jingchu.identity.permissions import has_role, org_ids
from jingchu.sharing.choices import CallResult
from jingchu.sharing.gateway_auth import Refusal
from jingchu.sharing.gateway_rows import Caller

CALL_VIEWER_ROLES = (StaffRole.DATA_STEWARD, StaffRole.AUDITOR, StaffRole.ADMINISTRATOR)


def can_call_gateway(client: Caller) -> bool:
    # The gateway's context statement reads the organization's state with the client (hot.py).
    return client.disabled_at is None and client.organization_active


def require_gateway_call(client: Caller) -> None:
    if not can_call_gateway(client):
        raise Refusal(CallResult.UNAUTHENTICATED, 401,
                      _("The calling system or its organization is not active."))


def can_view_own_reads(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "person", None))


def call_viewer_orgs(user: Any) -> set[int] | None:
    """The organizations whose calls the user may see; None means all of them (the platform's
    administrators and province-level stewards, as the catalog's permissions define them)."""
    from jingchu.sharing.permissions import is_province_steward

    if has_role(user, StaffRole.ADMINISTRATOR) or is_province_steward(user):
        return None
    return org_ids(user, CALL_VIEWER_ROLES)


def can_view_calls(user: Any) -> bool:
    viewer = call_viewer_orgs(user)
    return viewer is None or bool(viewer)


def can_manage_gateway_clients(user: Any) -> bool:
    return has_role(user, StaffRole.ADMINISTRATOR)
