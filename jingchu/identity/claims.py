"""The claims a relying party may receive about a user, before scope filtering.

Which scope releases which claim (the validator filters by `oidc_claim_scope`):

| scope       | claims                                                                  |
|-------------|-------------------------------------------------------------------------|
| `openid`    | `sub` (the user's opaque uid), and in the ID token `acr` (1, 2 or 3)    |
| `profile`   | `name`, `kind` (person/staff), `id_number_masked` (persons)             |
| `id_number` | `id_number`, the full citizen ID number: only for a client whose policy |
|             | an administrator granted it, and only when the scope was requested      |
| `phone`     | `phone_number_masked` (138****4567). The standard `phone_number` claim  |
|             | is never sent: a masked value there would pass for a real number, and   |
|             | no department system needs the full one through single sign-on.         |
| `entities`  | `entities`: the enterprises a person may act for today, each            |
|             | `{"uscc", "name", "basis"}` (basis: legal_representative / authorized)  |

Staff accounts have no citizen data: they get `sub`, `name`, `kind` and a masked phone.
"""

from __future__ import annotations

from typing import Any

from jingchu.core.masking import mask_id_number, mask_phone
from jingchu.identity.models import Person, Staff, User
from jingchu.identity.services import live_authorizations


def _person_claims(person: Person, full_id_number: bool) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "name": person.name,
        "id_number_masked": mask_id_number(person.id_number),
        "entities": [
            {"uscc": a.legal_entity.uscc, "name": a.legal_entity.name, "basis": a.basis}
            for a in live_authorizations(person).select_related("legal_entity")
        ],
    }
    if person.phone:
        claims["phone_number_masked"] = mask_phone(person.phone)
    if full_id_number:
        claims["id_number"] = person.id_number
    return claims


def _staff_claims(staff: Staff) -> dict[str, Any]:
    claims: dict[str, Any] = {"name": staff.name}
    if staff.phone:
        claims["phone_number_masked"] = mask_phone(staff.phone)
    return claims


def user_claims(user: User, full_id_number: bool = False) -> dict[str, Any]:
    """Every claim about `user`; `full_id_number` only for a client granted the number."""
    claims: dict[str, Any] = {"name": str(user), "kind": user.kind}
    person = Person.objects.filter(user_id=user.pk).first()
    if person is not None:
        claims.update(_person_claims(person, full_id_number))
        return claims
    staff = Staff.objects.filter(user_id=user.pk).first()
    if staff is not None:
        claims.update(_staff_claims(staff))
    return claims
