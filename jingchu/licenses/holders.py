"""The licences a legal entity holds, for other apps to show (supervision's entity page).

Only what is on the face of a licence and public anyway (type, number, issuer, validity), never
its data fields; reading it is not a use of the licence (no LicenseUse is written)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from jingchu.licenses.choices import HolderKind, LicenseStatus
from jingchu.licenses.models import License


@dataclass(frozen=True)
class HeldLicence:
    identifier: str
    type_key: str
    type_name: str
    number: str
    issuer_name: str
    issued_on: dt.date
    valid_from: dt.date
    valid_until: dt.date | None  # None: until revoked


def in_force(today: dt.date | None = None) -> Q:
    """Licences in force on `today`: valid (neither suspended nor revoked), already valid and
    not yet expired."""
    day = today or timezone.localdate()
    return (Q(status=LicenseStatus.VALID, valid_from__lte=day)
            & (Q(valid_until__isnull=True) | Q(valid_until__gte=day)))


def licences_in_force(legal_entity: Any, today: dt.date | None = None) -> list[HeldLicence]:
    """The licences in force that `legal_entity` holds, by licence type then newest first."""
    rows = (License.objects.filter(in_force(today), holder_kind=HolderKind.LEGAL_ENTITY,
                                   holder_entity=legal_entity)
            .select_related("license_type", "issuer")
            .order_by("license_type__key", "-issued_on", "-id"))
    return [HeldLicence(identifier=lic.identifier, type_key=lic.license_type.key,
                        type_name=lic.license_type.name, number=lic.number,
                        issuer_name=lic.issuer.name, issued_on=lic.issued_on,
                        valid_from=lic.valid_from, valid_until=lic.valid_until)
            for lic in rows]
