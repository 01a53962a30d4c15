"""The claims a relying party may receive about a user, before scope filtering."""

from __future__ import annotations

from typing import Any

from jingchu.core.masking import mask_id_number
from jingchu.identity.models import User


def user_claims(user: User) -> dict[str, Any]:
    claims: dict[str, Any] = {"name": str(user), "kind": user.kind}
    person = getattr(user, "person", None)
    if person is not None:
        claims["id_number"] = person.id_number
        claims["id_number_masked"] = mask_id_number(person.id_number)
        claims["entities"] = [
            {"uscc": a.legal_entity.uscc, "name": a.legal_entity.name, "basis": a.basis}
            for a in person.authorizations.filter(revoked_at__isnull=True).select_related(
                "legal_entity"
            )
        ]
    return claims
