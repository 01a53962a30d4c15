"""Named permission checks of the identity app."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from jingchu.core.middleware import request_cache
from jingchu.identity.choices import StaffRole
from jingchu.identity.services import staff_of


def require(allowed: bool, message: str = "") -> None:
    if not allowed:
        raise PermissionDenied(message or "Permission denied.")


def _assignments(user: Any) -> list[tuple[int, str]]:
    """(organization, role) of each of the user's assignments; read once per request."""
    cache = request_cache()
    key = f"identity.assignments:{user.pk}"
    if cache is not None and key in cache:
        return list(cache[key])
    staff = staff_of(user)
    found = [] if staff is None else list(staff.assignments.values_list("organization_id",
                                                                        "role"))
    if cache is not None:
        cache[key] = found
    return found


def forget_assignments() -> None:
    """Drop the request's cached assignments (after a role is given or taken)."""
    cache = request_cache()
    if cache is not None:
        for key in [k for k in cache if k.startswith("identity.assignments:")]:
            del cache[key]


def has_role(user: Any, *roles: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return any(role in roles for _, role in _assignments(user))


def org_ids(user: Any, roles: tuple[str, ...] | None = None) -> set[int]:
    """Primary keys of the organizations where the signed-in user holds one of `roles` (any
    role when None); empty for citizens and anonymous users."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return {org for org, role in _assignments(user) if roles is None or role in roles}


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


# --- acting for legal entities (identity registry) -----------------------------------------------
# services is imported inside the functions only because this section is appended to a shared
# file whose import block belongs to others; there is no import cycle.


def can_choose_acting_for(user: Any) -> bool:
    """A signed-in natural person may choose whom the session acts for (staff may not)."""
    from jingchu.identity.services import person_of

    return person_of(user) is not None


def can_act_for(user: Any, legal_entity: Any) -> bool:
    """The person has an authorization in force for the entity: representative or agent."""
    from jingchu.identity.services import authorization_for, person_of

    return authorization_for(person_of(user), legal_entity) is not None


def can_manage_agents(user: Any, legal_entity: Any) -> bool:
    """Only the legal representative lists, authorizes and revokes the entity's agents."""
    return bool(
        getattr(user, "is_authenticated", False)
        and legal_entity.legal_representative.user_id == user.pk
    )


# --- sign-in and second factor (identity login) --------------------------------------------------


def can_sign_in(user: Any) -> bool:
    """Anyone may try to sign in; the lock and the credentials decide the rest."""
    return True


def can_continue_login(pending_user: Any) -> bool:
    """The second-factor pages serve only a session that passed the password step."""
    return pending_user is not None and bool(getattr(pending_user, "is_active", False))


def can_manage_own_totp(user: Any) -> bool:
    """A signed-in citizen may turn their own authenticator on or off; staff must keep theirs."""
    from jingchu.identity.choices import UserKind

    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "kind", "") == (
        UserKind.PERSON
    )


# Data stewards (数据管理员) and the province level, shared by the data apps (sharing, lake,
# opendata): see jingchu.sharing.permissions for who counts as province level and why.
STEWARD = (StaffRole.DATA_STEWARD,)


def signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def steward_org_ids(user: Any) -> set[int]:
    """The organizations where the user is a data steward."""
    return org_ids(user, STEWARD)


def is_platform_admin(user: Any) -> bool:
    if not signed_in(user):
        return False
    return bool(user.is_superuser) or bool(org_ids(user, (StaffRole.ADMINISTRATOR,)))


def platform_org_ids() -> set[int]:
    """The body running the platform: organizations with an administrator, and their units in
    the same region."""
    from jingchu.core.models import Organization
    from jingchu.identity.models import StaffAssignment

    admin_orgs = list(Organization.objects.filter(
        pk__in=StaffAssignment.objects.filter(role=StaffRole.ADMINISTRATOR)
        .values("organization_id")).values("pk", "region_id"))
    ids = {row["pk"] for row in admin_orgs}
    for row in admin_orgs:
        ids |= set(Organization.objects.filter(parent_id=row["pk"], region_id=row["region_id"])
                   .values_list("pk", flat=True))
    return ids


def is_province_steward(user: Any) -> bool:
    if is_platform_admin(user):
        return True
    mine = steward_org_ids(user)
    return bool(mine and mine & platform_org_ids())


def is_steward_of(user: Any, organization_id: int | None) -> bool:
    return organization_id is not None and organization_id in steward_org_ids(user)


def is_any_steward(user: Any) -> bool:
    return bool(steward_org_ids(user)) or is_platform_admin(user)
