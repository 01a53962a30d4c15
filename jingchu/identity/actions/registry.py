"""Every state change of the identity app: atomic, audited, refusing bad input with ActionError."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.core import audit, crypto
from jingchu.core.errors import ActionError
from jingchu.core.identifiers import (
    IdentifierError,
    id_birth_date,
    id_is_male,
    validate_id_number,
    validate_uscc,
)
from jingchu.core.models import Organization, Region
from jingchu.identity.choices import ActingBasis, Gender, LegalEntityKind, StaffRole, UserKind
from jingchu.identity.models import (
    ActingAuthorization,
    LegalEntity,
    Person,
    Staff,
    StaffAssignment,
    User,
)
from jingchu.identity.permissions import forget_assignments
from jingchu.identity.services import SESSION_ACTING_KEY, authorization_for, person_of

# ASCII digits only: str.isdigit() would let full-width digits through.
_MOBILE = re.compile(r"1[0-9]{10}")


def _identifier(validate: Any, value: str, field: str) -> str:
    try:
        return str(validate(value))
    except IdentifierError as exc:
        raise ActionError(exc.code, exc.message, {"field": field}) from None


def _check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ActionError(
            "weak_password", " ".join(exc.messages), {"field": "password"}
        ) from None


def _new_user(username: str, password: str, kind: str, display_name: str) -> User:
    if not username or User.objects.filter(username=username).exists():
        raise ActionError(
            "username_taken", _("The username is empty or already taken."), {"field": "username"}
        )
    user = User(username=username, kind=kind, display_name=display_name)
    _check_password(password, user)
    user.set_password(password)
    user.save()
    return user


def find_person(id_number: str) -> Person | None:
    """Exact lookup through the blind index; the number itself is never compared in clear."""
    return Person.objects.filter(id_number_index=crypto.blind_index(id_number)).first()


@transaction.atomic
def do_register_person(
    actor: Any,
    *,
    name: str,
    id_number: str,
    phone: str = "",
    address: str = "",
    username: str = "",
    password: str = "",
) -> Person:
    """Register a natural person, with a login when a username is given."""
    number = _identifier(validate_id_number, id_number, "id_number")
    if not name.strip():
        raise ActionError("name_required", _("The name is required."), {"field": "name"})
    if find_person(number) is not None:
        raise ActionError(
            "person_exists", _("A person with this ID number is already registered."),
            {"field": "id_number"},
        )
    if phone and not _MOBILE.fullmatch(phone):
        raise ActionError("phone_invalid", _("A mobile number has 11 digits starting with 1."),
                          {"field": "phone"})
    user = _new_user(username, password, UserKind.PERSON, name) if username else None
    person = Person.objects.create(
        user=user,
        name=name.strip(),
        id_number=number,
        id_number_index=crypto.blind_index(number),
        gender=Gender.MALE if id_is_male(number) else Gender.FEMALE,
        birth_date=id_birth_date(number),
        birth_region=Region.objects.filter(code=number[:6] + "000000").first(),
        phone=phone,
        phone_index=crypto.blind_index(phone) if phone else "",
        address=address,
    )
    audit.record("identity.person.register", actor, person, {"with_login": bool(user)})
    return person


@transaction.atomic
def do_register_legal_entity(
    actor: Any,
    *,
    uscc: str,
    name: str,
    kind: str,
    region: Region,
    legal_representative: Person,
    address: str = "",
    established_on: dt.date | None = None,
) -> LegalEntity:
    code = _identifier(validate_uscc, uscc, "uscc")
    if not name.strip():
        raise ActionError("name_required", _("The name is required."), {"field": "name"})
    if kind not in LegalEntityKind.values:
        raise ActionError("kind_invalid", _("Unknown kind of legal entity."), {"field": "kind"})
    if LegalEntity.objects.filter(uscc=code).exists():
        raise ActionError("entity_exists", _("This credit code is already registered."),
                          {"field": "uscc"})
    entity = LegalEntity.objects.create(
        uscc=code, name=name.strip(), kind=kind, region=region,
        legal_representative=legal_representative, address=address,
        established_on=established_on,
    )
    ActingAuthorization.objects.create(
        person=legal_representative, legal_entity=entity,
        basis=ActingBasis.LEGAL_REPRESENTATIVE,
    )
    audit.record("identity.legal_entity.register", actor, entity,
                 {"legal_representative": str(legal_representative.uid)})
    return entity


def _require_representative(actor: Any, entity: LegalEntity, message: str) -> None:
    rep = entity.legal_representative
    if getattr(actor, "pk", None) is None or rep.user_id != actor.pk:
        raise ActionError("not_representative", message, status=403)


@transaction.atomic
def do_authorize_agent(
    actor: Any, *, legal_entity: LegalEntity, agent: Person, valid_until: dt.date | None = None
) -> ActingAuthorization:
    """The legal representative lets another person act for the entity (授权经办人)."""
    _require_representative(
        actor, legal_entity, _("Only the legal representative may authorize an agent.")
    )
    if valid_until is not None and valid_until < timezone.localdate():
        raise ActionError("valid_until_past", _("The end of validity is in the past."),
                          {"field": "valid_until"})
    if authorization_for(agent, legal_entity) is not None:
        raise ActionError("already_authorized", _("This person may already act for the entity."))
    # An expired authorization still holds the one-live-per-pair slot: close it first.
    stale = agent.authorizations.filter(legal_entity=legal_entity, revoked_at__isnull=True)
    for old in stale:
        old.revoked_at = timezone.now()
        old.save(update_fields=["revoked_at"])
        audit.record("identity.authorization.close_expired", actor, old,
                     {"entity": legal_entity.uscc, "agent": str(agent.uid)})
    grant = ActingAuthorization.objects.create(
        person=agent, legal_entity=legal_entity, basis=ActingBasis.AUTHORIZED,
        granted_by=legal_entity.legal_representative, valid_until=valid_until,
    )
    audit.record("identity.authorization.grant", actor, grant,
                 {"entity": legal_entity.uscc, "agent": str(agent.uid),
                  "valid_until": valid_until.isoformat() if valid_until else None})
    return grant


@transaction.atomic
def do_revoke_authorization(actor: Any, grant: ActingAuthorization) -> ActingAuthorization:
    _require_representative(
        actor, grant.legal_entity, _("Only the legal representative may revoke an authorization.")
    )
    if grant.basis == ActingBasis.LEGAL_REPRESENTATIVE:
        raise ActionError("cannot_revoke_representative",
                          _("The legal representative's own standing cannot be revoked here."))
    if grant.revoked_at is not None:
        raise ActionError("already_revoked", _("This authorization is already revoked."))
    grant.revoked_at = timezone.now()
    grant.save(update_fields=["revoked_at"])
    audit.record("identity.authorization.revoke", actor, grant,
                 {"entity": grant.legal_entity.uscc, "agent": str(grant.person.uid)})
    return grant


@transaction.atomic
def do_switch_acting_for(
    actor: Any, session: SessionBase, legal_entity: LegalEntity | None
) -> LegalEntity | None:
    """Let the session act for `legal_entity`, or for the person themselves when it is None."""
    if legal_entity is not None and authorization_for(person_of(actor), legal_entity) is None:
        raise ActionError("not_authorized",
                          _("You may not act for this legal entity."), status=403)
    audit.record("identity.acting_for.switch", actor, legal_entity,
                 {"entity": legal_entity.uscc if legal_entity else None})
    # The session changes last, once nothing can refuse any more.
    if legal_entity is None:
        session.pop(SESSION_ACTING_KEY, None)
    else:
        session[SESSION_ACTING_KEY] = str(legal_entity.uid)
    return legal_entity


@transaction.atomic
def do_create_staff(
    actor: Any, *, username: str, password: str, name: str, employee_number: str = ""
) -> Staff:
    if not name.strip():
        raise ActionError("name_required", _("The name is required."), {"field": "name"})
    user = _new_user(username, password, UserKind.STAFF, name)
    user.is_staff = False  # Django admin access is granted by the administrator role only.
    user.save(update_fields=["is_staff"])
    staff = Staff.objects.create(user=user, name=name.strip(), employee_number=employee_number)
    audit.record("identity.staff.create", actor, staff)
    return staff


@transaction.atomic
def do_assign_role(
    actor: Any, *, staff: Staff, organization: Organization, role: str
) -> StaffAssignment:
    if role not in StaffRole.values:
        raise ActionError("role_invalid", _("Unknown role."), {"field": "role"})
    assignment, created = StaffAssignment.objects.get_or_create(
        staff=staff, organization=organization, role=role
    )
    if created:
        if role == StaffRole.ADMINISTRATOR and not staff.user.is_staff:
            staff.user.is_staff = True
            staff.user.save(update_fields=["is_staff"])
        audit.record("identity.staff.assign_role", actor, staff,
                     {"organization": str(organization.uid), "role": role})
        forget_assignments()
    return assignment
