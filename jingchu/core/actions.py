"""State changes of the core app: organizations and the region table."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jingchu.core import audit
from jingchu.core.choices import OrganizationKind
from jingchu.core.errors import ActionError
from jingchu.core.models import Organization, Region


def _validated_uscc(value: str) -> str:
    # Imported here: identity depends on core, so core reaches identity's validator lazily.
    from jingchu.identity.validators import IdentifierError, validate_uscc

    try:
        return validate_uscc(value)
    except IdentifierError as exc:
        raise ActionError(exc.code, exc.message, {"field": "uscc"}) from None


@transaction.atomic
def do_upsert_organization(
    actor: Any,
    *,
    uscc: str,
    name: str,
    kind: str,
    region: Region,
    parent: Organization | None = None,
    short_name: str = "",
    address: str = "",
) -> Organization:
    """Create an organization, or update the one with this credit code (idempotent loads)."""
    code = _validated_uscc(uscc)
    if kind not in OrganizationKind.values:
        raise ActionError("kind_invalid", _("Unknown kind of organization."), {"field": "kind"})
    if not name.strip():
        raise ActionError("name_required", _("The name is required."), {"field": "name"})
    org, created = Organization.objects.update_or_create(
        uscc=code,
        defaults={
            "name": name.strip(), "kind": kind, "region": region, "parent": parent,
            "short_name": short_name, "address": address,
        },
    )
    audit.record("core.organization." + ("create" if created else "update"), actor, org)
    return org


@transaction.atomic
def do_load_regions(actor: Any, **kwargs: Any) -> int:
    from jingchu.core.regions import load_regions

    count = load_regions(**kwargs)
    audit.record("core.regions.load", actor, None, {"rows": count})
    return count
