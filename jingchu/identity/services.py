"""Read-side helpers of the identity app (no writes here: writes live in actions.py)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from jingchu.core.masking import mask_id_number
from jingchu.identity.choices import AssuranceLevel
from jingchu.identity.models import ActingAuthorization, LegalEntity, Person, Staff, User

SESSION_ACR_KEY = "jingchu_acr"
# The uid of the legal entity the session acts for; absent when the person acts as themselves.
SESSION_ACTING_KEY = "jingchu_acting_for"


def session_assurance(request: HttpRequest) -> int:
    return int(request.session.get(SESSION_ACR_KEY, AssuranceLevel.PASSWORD))


def describe_me(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    person = getattr(user, "person", None)
    entities = []
    if person is not None:
        # Only authorizations in force: an expired one no longer lets the person act.
        entities = [
            {"uscc": a.legal_entity.uscc, "name": a.legal_entity.name, "basis": a.basis}
            for a in live_authorizations(person).select_related("legal_entity")
        ]
    return {
        "uid": str(user.uid),
        "username": user.username,
        "kind": user.kind,
        "name": str(user),
        "id_number_masked": mask_id_number(person.id_number) if person else None,
        "assurance_level": session_assurance(request),
        "entities": entities,
    }


def person_of(user: Any) -> Person | None:
    """The natural person a user logs in as, or None (anonymous users and staff)."""
    if not getattr(user, "is_authenticated", False):
        return None
    person: Person | None = Person.objects.filter(user_id=user.pk).first()
    return person


# The user's staff relation, whose cache says "no staff record" as None. Why: the descriptor
# raises (and `getattr` then catches) an exception for a user known to have none, as a citizen
# signed in with a bearer token is (its lookup loads the relation): ~1.4% of a submission's time
# in the API process went into that exception, on every answer's steps.
_STAFF = User.staff.related
_UNKNOWN = object()


def staff_of(user: Any) -> Staff | None:
    """`user.staff`, or None without a staff record (citizens, anonymous users): what
    `getattr(user, "staff", None)` answers, without an exception when the relation is known."""
    if type(user) is User:
        known = _STAFF.get_cached_value(user, _UNKNOWN)
        if known is not _UNKNOWN:
            return known  # type: ignore[return-value]  # the relation caches a Staff or None
    return getattr(user, "staff", None)


def live_authorizations(person: Person) -> QuerySet[ActingAuthorization]:
    """Authorizations in force today: not revoked, and `valid_until` (inclusive) not passed."""
    today = timezone.localdate()
    return ActingAuthorization.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today),
        person=person,
        revoked_at__isnull=True,
    ).order_by("legal_entity__name", "id")


def authorization_for(person: Person | None, entity: LegalEntity) -> ActingAuthorization | None:
    """The authorization in force that lets `person` act for `entity`, if any."""
    if person is None:
        return None
    return live_authorizations(person).filter(legal_entity=entity).first()


def entities_for(person: Person | None) -> list[LegalEntity]:
    """The legal entities a person may act for now, by name."""
    if person is None:
        return []
    return [a.legal_entity for a in live_authorizations(person).select_related("legal_entity")]


def acting_for(request: HttpRequest) -> LegalEntity | None:
    """The legal entity this session acts for, re-checked on every call.

    The session only remembers the choice; the authorization is looked up again each time, so a
    revocation or expiry stops the acting at the very next request. The stale choice is then
    dropped, so that a later re-authorization does not silently resume acting: the person has to
    choose again (the revocation itself is the audited event).
    """
    raw = request.session.get(SESSION_ACTING_KEY)
    if not raw:
        return None
    try:
        entity = LegalEntity.objects.filter(uid=uuid.UUID(str(raw))).first()
    except ValueError:
        entity = None
    if entity is None or authorization_for(person_of(request.user), entity) is None:
        request.session.pop(SESSION_ACTING_KEY, None)
        return None
    return entity


def entity_agents(entity: LegalEntity) -> QuerySet[ActingAuthorization]:
    """Unrevoked authorizations of an entity (expired ones included, to be shown as expired)."""
    return (
        entity.authorizations.filter(revoked_at__isnull=True)
        .select_related("person")
        # "legal_representative" sorts after "authorized": descending puts the representative first.
        .order_by("-basis", "created_at", "id")
    )


# --- sign-in, second factor and assurance (identity login) ---------------------------------------
# Imports sit inside the functions because this section is appended to a shared file.


def requires_second_factor(user: Any) -> bool:
    """Staff always need a TOTP code; a citizen needs one once they have enrolled it."""
    from jingchu.identity.choices import UserKind

    return getattr(user, "kind", "") == UserKind.STAFF or bool(getattr(user, "has_totp", False))


def assurance_for(user: Any, *, second_factor: bool) -> int:
    """The assurance level (认证等级) of a sign-in: 3 in person, 2 with TOTP, else 1."""
    person = Person.objects.filter(user_id=user.pk).only("verified_in_person_at").first()
    if person is not None and person.verified_in_person_at is not None:
        return int(AssuranceLevel.IN_PERSON)
    return int(AssuranceLevel.TWO_FACTOR if second_factor else AssuranceLevel.PASSWORD)


def assurance_label(level: int) -> str:
    try:
        return str(AssuranceLevel(level).label)
    except ValueError:
        return str(level)


def login_history(user: Any, limit: int = 20) -> list[Any]:
    """The user's own most recent login attempts, newest first."""
    from jingchu.identity.models import LoginRecord

    return list(LoginRecord.objects.filter(user_id=user.pk).order_by("-at", "-id")[:limit])


def staff_roles(user: Any) -> list[Any]:
    """A staff member's role assignments with their organizations, for the account page."""
    from jingchu.identity.models import StaffAssignment

    return list(
        StaffAssignment.objects.filter(staff__user_id=user.pk)
        .select_related("organization")
        .order_by("organization__name", "role")
    )
