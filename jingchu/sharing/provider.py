"""The sharing app's side of 一网通办 (registered with cases at start-up):

- `SharedDataProvider` for materials whose source is a data resource (减材料): the applicant
  consents, the handling organization confirms the record about them through its grant, and
  the material needs no upload.
- `FormPrefill` for form fields marked ``x-prefill``: the applicant consents, the values are
  read once and filled in.

Offers read nothing; only the applicant's consent leads to a read, recorded as an
ExchangeCall and shown on their "who read my data" page.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from jingchu.cases.material_sources import HeldMaterial
from jingchu.cases.models import Case, CaseMaterial
from jingchu.cases.prefill import PrefillOffer
from jingchu.core.errors import ActionError
from jingchu.services.models import MaterialRequirement
from jingchu.sharing.actions.consent import (
    do_read_with_consent,
    refusal_of,
    usable_resource,
)
from jingchu.sharing.models import Consent, DataResource


def _source(resource: DataResource) -> str:
    return f"{resource.name} · {resource.owner.name}"


class SharedDataProvider:
    def held(self, case: Case, requirement: MaterialRequirement) -> list[HeldMaterial]:
        resource = usable_resource(requirement.data_resource_code)
        if resource is None or refusal_of(resource, case, [resource.key_field]):
            return []
        return [HeldMaterial(resource.code, _source(resource))]

    def consent(self, actor: Any, case: Case, requirement: MaterialRequirement,
                reference: str) -> HeldMaterial:
        resource = usable_resource(reference)
        if resource is None or reference != requirement.data_resource_code:
            raise ActionError("resource_unknown",
                              _("This material cannot be taken from that data resource."),
                              {"field": "reference"})
        purpose = _("Material “%(material)s” of the application for %(item)s") % {
            "material": requirement.name, "item": case.version.name}
        do_read_with_consent(actor, case, resource.code, [resource.key_field], purpose)
        return HeldMaterial(resource.code, _source(resource))

    def describe(self, material: CaseMaterial) -> HeldMaterial | None:
        consent = (Consent.objects.select_related("resource__owner", "call")
                   .filter(case_uid=material.case.uid, resource__code=material.reference,
                           call__isnull=False).order_by("-given_at").first())
        if consent is None or consent.call is None:
            return None
        detail = _("Record confirmed in %(resource)s on %(at)s (request %(request)s).") % {
            "resource": consent.resource.name, "at": consent.call.at.strftime("%Y-%m-%d %H:%M"),
            "request": consent.call.request_id}
        return HeldMaterial(material.reference, _source(consent.resource), True, detail)


class FormPrefill:
    def offer(self, case: Case, resource_code: str,
              fields: list[tuple[str, str]]) -> PrefillOffer:
        resource = usable_resource(resource_code)
        if resource is None:
            return PrefillOffer(resource_code, resource_code, fields, False,
                                _("The data resource is not available."))
        wanted = _resource_fields(case, resource_code)
        reason = refusal_of(resource, case, sorted(set(wanted.values())))
        return PrefillOffer(resource_code, _source(resource), fields, not reason, reason)

    def read(self, actor: Any, case: Case, resource_code: str,
             wanted: dict[str, str]) -> dict[str, Any]:
        purpose = _("Fill in the form of the application for %(item)s") % {
            "item": case.version.name}
        record, _call = do_read_with_consent(actor, case, resource_code,
                                             sorted(set(wanted.values())), purpose)
        return {form_field: record.get(field) for form_field, field in wanted.items()}


def _resource_fields(case: Case, resource_code: str) -> dict[str, str]:
    from jingchu.cases import prefill

    return prefill.wanted(case.version.form_schema).get(resource_code, {})
