"""Consent-scoped reuse of shared data for an application (the MyInfo pattern): the applicant
consents, then the handling organization reads the record about the applicant once, under its
grant, and the read is recorded like any gateway call (client: the platform's own intake).

Nothing is read without the consent; the consent names the application, the resource, the
fields and the purpose, and is shown to the person with the read it allowed. If the read is
refused, the caller's transaction rolls back with the consent.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.cases import permissions as case_permissions
from jingchu.core import audit
from jingchu.core.errors import ActionError, NotFound, NotPermitted
from jingchu.sharing.actions.exchange import do_record_read
from jingchu.sharing.choices import MountKind, ResourceStatus, SubjectKind
from jingchu.sharing.gateway_auth import Refusal
from jingchu.sharing.grants_check import check_grant, take_rate
from jingchu.sharing.models import Consent, DataResource, ExchangeCall


def usable_resource(code: str) -> DataResource | None:
    """A published resource mounted where the platform can read it (a table here, a lake
    dataset or an upstream API), or None."""
    return (DataResource.objects.select_related("owner")
            .filter(code=code, status=ResourceStatus.PUBLISHED,
                    mount_kind__in=(MountKind.TABLE, MountKind.LAKE, MountKind.API))
            .first())


def subject_key(resource: DataResource, case: Any) -> str | None:
    """The record key of whom the case is about: the applicant's ID number, or the credit
    code of the enterprise the case was made for."""
    if resource.subject_kind == SubjectKind.PERSON:
        return str(case.applicant.id_number)
    if resource.subject_kind == SubjectKind.LEGAL_ENTITY and case.on_behalf_of is not None:
        return str(case.on_behalf_of.uscc)
    return None


def refusal_of(resource: DataResource, case: Any, fields: list[str]) -> str:
    """Why the handling organization cannot read these fields for the case now ("" if it
    can); reads no record."""
    if subject_key(resource, case) is None:
        return _("The data is not about this application's applicant.")
    try:
        check_grant(case.handling_org_id, resource, fields)
    except Refusal as refusal:
        return refusal.message
    return ""


def _call(actor: Any, case: Any, resource: DataResource, fields: list[str], purpose: str,
          ) -> Any:
    from jingchu.sharing.gateway import Call

    return Call(started=time.perf_counter(), request_id=f"case-{uuid.uuid4().hex}",
                on_behalf_of=getattr(actor, "username", "")[:100], purpose=purpose[:200],
                case_number=case.number or "", resource=resource, fields=fields)


@transaction.atomic
def do_read_with_consent(actor: Any, case: Any, resource_code: str, fields: list[str],
                         purpose: str) -> tuple[dict[str, Any], ExchangeCall]:
    """Record the applicant's consent and read `fields` of the record about them for `case`
    under the handling organization's grant. Answers (values by field name, the call)."""
    if not case_permissions.is_applicant(actor, case):
        raise NotPermitted(_("Only the applicant may consent to the use of their data."))
    resource = usable_resource(resource_code)
    if resource is None:
        raise NotFound(_("No published, mounted data resource has this code."),
                       {"resource": resource_code})
    key = subject_key(resource, case)
    if key is None:
        raise ActionError("not_about_applicant",
                          _("The data is not about this application's applicant."), {},
                          status=409)
    consent = Consent.objects.create(person=case.applicant, resource=resource, purpose=purpose,
                                     fields=fields, case_uid=case.uid)
    call = _call(actor, case, resource, fields, purpose)
    from jingchu.sharing import gateway  # the gateway's own reads; imported late (it imports us)

    try:
        grant = check_grant(case.handling_org_id, resource, fields)
        call.grant = grant
        take_rate(grant)
        call.subject_index = gateway.subject_of(resource, key)
        record = gateway.fetch(call, resource, key)
    except Refusal as refusal:
        raise ActionError(refusal.result.value, refusal.message, refusal.details,
                          status=409) from None
    if record is None:
        raise ActionError("record_not_found", _("The data resource holds no record about you; "
                                                "please provide the material yourself."), {},
                          status=409)
    recorded = do_record_read(call, case.handling_org_id)
    consent.call = recorded
    consent.save(update_fields=["call"])
    audit.record("sharing.consent.give", actor, consent, {
        "resource": resource.code, "fields": fields, "case": str(case.uid),
        "request_id": recorded.request_id})
    return record, recorded


@transaction.atomic
def do_withdraw_consent(actor: Any, uid: Any) -> Consent:
    """Withdraw a consent: no further read is made under it (reads made stay recorded)."""
    consent = Consent.objects.select_for_update().filter(uid=uid).first()
    person = getattr(actor, "person", None)
    if consent is None or person is None or consent.person_id != person.pk:
        raise NotFound(_("No such consent."), {"uid": str(uid)})
    if consent.withdrawn_at is not None:
        raise ActionError("consent_withdrawn", _("The consent is withdrawn already."), {},
                          status=409)
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    audit.record("sharing.consent.withdraw", actor, consent)
    return consent
