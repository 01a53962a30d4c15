"""Read-side helpers of the identity app (no writes here: writes live in actions.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from jingchu.core.masking import mask_id_number
from jingchu.identity.choices import AssuranceLevel

SESSION_ACR_KEY = "jingchu_acr"


def session_assurance(request: HttpRequest) -> int:
    return int(request.session.get(SESSION_ACR_KEY, AssuranceLevel.PASSWORD))


def describe_me(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    person = getattr(user, "person", None)
    entities = []
    if person is not None:
        entities = [
            {"uscc": a.legal_entity.uscc, "name": a.legal_entity.name, "basis": a.basis}
            for a in person.authorizations.filter(revoked_at__isnull=True).select_related(
                "legal_entity"
            )
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
