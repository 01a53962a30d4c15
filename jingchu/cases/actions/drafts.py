"""Drafts: starting an application and filling in its form."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jingchu.cases import permissions, prefill
from jingchu.cases.actions.common import record_event
from jingchu.cases.choices import CaseStatus, Channel
from jingchu.cases.models import Case
from jingchu.core import audit
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import Organization
from jingchu.identity.models import LegalEntity, Person
from jingchu.identity.services import authorization_for
from jingchu.services import eforms
from jingchu.services.choices import ApplicantKind
from jingchu.services.models import ItemImplementation

EDITABLE = {CaseStatus.DRAFT, CaseStatus.CORRECTION_REQUESTED}


def check_applicant(actor: Any, applicant: Person, entity: LegalEntity | None,
                     channel: str) -> None:
    if channel == Channel.ONLINE and getattr(actor, "pk", None) != applicant.user_id:
        raise NotPermitted(_("You can only apply for yourself online."))
    if entity is not None and authorization_for(applicant, entity) is None:
        raise NotPermitted(_("The applicant may not act for this legal entity."))


def check_applicant_kind(kind: str, entity: LegalEntity | None) -> None:
    """The item says who may apply: refuse at once rather than at the pre-check."""
    if kind == ApplicantKind.LEGAL_ENTITY and entity is None:
        raise ActionError("entity_required",
                          _("This service is for legal entities: act for one first."),
                          {"field": "on_behalf_of"})
    if kind == ApplicantKind.PERSON and entity is not None:
        raise ActionError("person_only",
                          _("This service is for natural persons only: apply as yourself."),
                          {"field": "on_behalf_of"})


@transaction.atomic
def do_create_draft(
    actor: Any, *, implementation: ItemImplementation, applicant: Person,
    on_behalf_of: LegalEntity | None = None, channel: str = Channel.ONLINE,
    counter: Organization | None = None,
) -> Case:
    """Start an application. At a counter the clerk's organization must be allowed to accept."""
    if channel not in Channel.values:
        raise ActionError("channel_invalid", _("Unknown channel."), {"field": "channel"})
    version = implementation.item.current_version
    if version is None or not implementation.is_active:
        raise ActionError("item_unavailable", _("This service cannot be applied for now."))
    counter_allowed = counter is not None and counter in permissions.accepting_orgs(
        actor, implementation)
    if channel == Channel.COUNTER and not counter_allowed:
        raise NotPermitted(_("Your counter may not accept this service."))
    check_applicant(actor, applicant, on_behalf_of, channel)
    check_applicant_kind((version.eligibility or {}).get("applicant_kind")
                          or version.applicant_kind, on_behalf_of)
    case = Case.objects.create(
        item=implementation.item, version=version, implementation=implementation,
        handling_org=implementation.organization, applicant=applicant,
        on_behalf_of=on_behalf_of, created_by=actor, channel=channel,
        accepting_org=counter,
    )
    record_event(case, actor, "create", "", public=True)
    audit.record("cases.case.create", actor, case,
                 {"item": implementation.item.code, "channel": channel})
    return case


def require_editable(actor: Any, case: Case) -> None:
    """The case is a draft or awaits correction, and the actor is its applicant or the clerk
    filling it in at the counter; materials use the same rule."""
    # Permission first: an outsider learns nothing about the state of someone else's case.
    if not (permissions.is_applicant(actor, case) or permissions.counter_may_edit(actor, case)):
        raise NotPermitted(_("You may not change this application."))
    if case.status not in EDITABLE:
        raise ActionError("not_editable", _("The application can no longer be changed."),
                          status=409)


@transaction.atomic
def do_save_form(actor: Any, case: Case, submitted: Any) -> Case:
    """Store the form once it is valid against the item version's schema."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    require_editable(actor, case)
    data, errors = eforms.clean(case.version.form_schema, submitted)
    if errors:
        raise ActionError("form_invalid", _("Please correct the form."), {"errors": errors})
    case.form_data = data
    case.save(update_fields=["form_data"])
    audit.record("cases.case.save_form", actor, case)
    return case


@transaction.atomic
def do_prefill_form(actor: Any, case: Case, resource_code: str) -> list[str]:
    """Fill the form's fields that `resource_code` can fill, from the record about the
    applicant, once the applicant consents (this call is the consent: only the applicant may
    make it). Values the schema refuses are left out; the applicant can edit the rest.
    Answers the names of the fields filled."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not permissions.is_applicant(actor, case):
        raise NotPermitted(_("Only the applicant may consent to the use of their data."))
    require_editable(actor, case)
    wanted = prefill.wanted(case.version.form_schema).get(resource_code)
    source = prefill.provider()
    if not wanted or source is None:
        raise ActionError("prefill_unavailable",
                          _("This form cannot be filled in from that data resource."),
                          {"resource": resource_code}, status=409)
    values = source.read(actor, case, resource_code, wanted)
    merged = dict(case.form_data or {}) | {k: v for k, v in values.items() if v not in ("", None)}
    data, errors = eforms.clean(case.version.form_schema,
                                {k: v if isinstance(v, bool) else str(v)
                                 for k, v in merged.items()})
    filled = sorted(k for k in values if k in data and k not in errors)
    case.form_data = (dict(case.form_data or {})
                      | {k: data[k] for k in filled})
    case.save(update_fields=["form_data"])
    audit.record("cases.case.prefill", actor, case,
                 {"resource": resource_code, "fields": filled})
    return filled
