"""The licences' side of 减材料: what licence an applicant holds for a material, their consent,
and the licence as the clerk sees it (registered with cases at start-up)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jingchu.cases.material_sources import HeldMaterial
from jingchu.cases.models import Case, CaseMaterial
from jingchu.core.errors import ActionError
from jingchu.licenses import actions, content
from jingchu.licenses.choices import HolderKind, LicenseStatus
from jingchu.licenses.models import License, LicenseType
from jingchu.seals import service as seals
from jingchu.services.models import MaterialRequirement


def _held(case: Case, requirement: MaterialRequirement) -> QuerySet[License]:
    license_type = LicenseType.objects.filter(key=requirement.license_type_code).first()
    if license_type is None:
        return License.objects.none()
    found = License.objects.select_related("license_type", "issuer").filter(
        license_type=license_type, status=LicenseStatus.VALID)
    if license_type.holder_kind == HolderKind.PERSON:
        return found.filter(holder_person=case.applicant_id)
    if case.on_behalf_of_id is None:
        return License.objects.none()
    return found.filter(holder_entity=case.on_behalf_of_id)


def _label(lic: License) -> str:
    until = lic.valid_until.isoformat() if lic.valid_until else _("no expiry")
    return f"{lic.license_type.name} · {lic.issuer.name} · {until}"


def _checked(lic: License) -> HeldMaterial:
    if not actions.is_usable(lic):
        return HeldMaterial(lic.identifier, _label(lic), False,
                            _("The licence is %(status)s or out of its dates.")
                            % {"status": lic.get_status_display()})
    result = seals.verify(content.signed_bytes(lic), bytes(lic.signature))
    if not result.valid:
        return HeldMaterial(lic.identifier, _label(lic), False, result.message)
    return HeldMaterial(lic.identifier, _label(lic), True, _("Signature and status verified."))


class LicenseProvider:
    def held(self, case: Case, requirement: MaterialRequirement) -> list[HeldMaterial]:
        return [HeldMaterial(lic.identifier, _label(lic)) for lic in _held(case, requirement)
                if actions.is_usable(lic)]

    def consent(self, actor: Any, case: Case, requirement: MaterialRequirement,
                reference: str) -> HeldMaterial:
        lic = _held(case, requirement).filter(identifier=reference).first()
        if lic is None:
            raise ActionError("license_not_held",
                              _("You hold no valid licence with this identifier for this "
                                "material."), {"field": "reference"})
        actions.do_record_case_use(actor, lic, case)
        return HeldMaterial(lic.identifier, _label(lic))

    def describe(self, material: CaseMaterial) -> HeldMaterial | None:
        lic = License.objects.select_related("license_type", "issuer", "seal").filter(
            identifier=material.reference).first()
        return _checked(lic) if lic is not None else None
