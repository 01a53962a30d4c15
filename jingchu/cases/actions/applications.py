"""Applying in one call: a complete application stored already submitted.

The API's one-call submission used to take the draft path (create, save the form, submit: three
nested actions, each re-reading the case under a row lock). Here every check runs first, in
Python, on objects the caller has loaded; then the case is inserted already submitted with its
number, one timeline event and one audit row: it is one action, and the case never was a draft
(`jingchu.cases.writes`: one statement on PostgreSQL, the ORM elsewhere). The checks are those
of the draft path: who applies, for whom, the item's applicant kind, the form against the
version's JSON Schema, and the pre-check (materials, eligibility). An application that needs
uploads takes the draft path (the files are written before their rows).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, NamedTuple

from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.cases import clock, numbering, precheck, writes
from jingchu.cases.actions.drafts import check_applicant, check_applicant_kind
from jingchu.cases.actions.lifecycle import refuse_problems
from jingchu.cases.choices import CaseStatus, Channel
from jingchu.cases.models import Case, CaseEvent
from jingchu.core import audit, instances, memo
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.identity.models import LegalEntity, Person
from jingchu.services import eforms
from jingchu.services.models import ItemImplementation, ItemVersion, MaterialRequirement

# Channels an applicant submits on by themselves; a counter lodges a draft first.
SELF_SERVICE = frozenset({Channel.ONLINE, Channel.API})
# A published version never changes (a change is a new version), so its material requirements
# are kept per process, keyed by the version's uid. Bounded: cleared when full.
_REQUIREMENTS: dict[uuid.UUID, tuple[MaterialRequirement, ...]] = {}
REQUIREMENTS_CACHE_SIZE = 1024
# Where a version object keeps its form schema's text (`_form_text`).
_FORM_TEXT = "_jingchu_form_schema_text"


class Submission(NamedTuple):
    case: Case
    events: list[CaseEvent]
    today: dt.date  # the day it was submitted on (Asia/Shanghai)
    # What the case was made of, as the caller gave them (the answer reads them from here).
    implementation: ItemImplementation
    version: ItemVersion
    applicant: Person
    entity: LegalEntity | None


def requirements_of(version: ItemVersion) -> tuple[MaterialRequirement, ...]:
    """The version's material requirements in order (read once per process and version)."""
    found = _REQUIREMENTS.get(version.uid)
    if found is None:
        found = memo.keep(_REQUIREMENTS, version.uid, tuple(version.materials.all()),
                          REQUIREMENTS_CACHE_SIZE)
    return found


def _form_text(version: ItemVersion) -> bytes:
    """The version's form schema as `eforms.clean` keys its validators (`eforms.schema_text`),
    kept on the version object for as long as it holds that same schema. Why: the caller's
    version is kept per process (services.implementation_for), a published version's schema
    never changes, and writing it out again was a quarter of checking a form (~3.5 µs in a
    loop, bench/HISTORY.md, "Twenty-third session")."""
    schema = version.form_schema
    kept = version.__dict__.get(_FORM_TEXT)
    if kept is None or kept[0] is not schema:  # a new schema object: written again
        kept = version.__dict__[_FORM_TEXT] = (schema, eforms.schema_text(schema))
    text: bytes = kept[1]
    return text


def _checked_version(actor: Any, implementation: ItemImplementation, applicant: Person,
                     entity: LegalEntity | None, channel: str) -> ItemVersion:
    if channel not in SELF_SERVICE:
        raise ActionError("channel_invalid",
                          _("At a counter, start a draft for the applicant first."),
                          {"field": "channel"})
    version = implementation.item.current_version
    if version is None or not implementation.is_active:
        raise ActionError("item_unavailable", _("This service cannot be applied for now."))
    # Self-service: the signed-in actor is the applicant, whatever the channel (the draft path
    # checks this for the online channel, and its form step requires the applicant for any).
    if not getattr(actor, "is_authenticated", False):
        raise NotPermitted(_("You can only apply for yourself online."))
    check_applicant(actor, applicant, entity, Channel.ONLINE)
    check_applicant_kind((version.eligibility or {}).get("applicant_kind")
                         or version.applicant_kind, entity)
    return version


def do_submit_application(
    actor: Any, *, implementation: ItemImplementation, applicant: Person, form: Any,
    on_behalf_of: LegalEntity | None = None, channel: str = Channel.ONLINE,
) -> Submission:
    """Submit a complete application in one step; anything refused writes nothing.

    Every check comes first and writes nothing; then `writes.store_submitted` stores it all or
    nothing (on PostgreSQL one statement, its own transaction unless the caller has one open;
    otherwise in `transaction.atomic`). Not wrapped in a transaction here on purpose: an open
    transaction would keep the number's counter row locked until the client's COMMIT.

    `implementation` should come with `item__current_version` and `organization__region`
    loaded (nothing is re-read). Refusals: 400 channel/form/pre-check, 403 applicant.
    """
    version = _checked_version(actor, implementation, applicant, on_behalf_of, channel)
    data, errors = eforms.clean(version.form_schema, form, text=_form_text(version))
    if errors:
        raise ActionError("form_invalid", _("Please correct the form."), {"errors": errors})
    now = timezone.now()
    today = clock.day_of(now)
    case = instances.new(
        Case, item=implementation.item, version=version, implementation=implementation,
        handling_org=implementation.organization, applicant=applicant,
        on_behalf_of=on_behalf_of, created_by=actor, channel=channel, form_data=data,
        status=CaseStatus.SUBMITTED, submitted_at=now, deadline=clock.intake_deadline(today),
    )
    # The form was validated just above; the rest of the pre-check runs on the unsaved case
    # (no materials: this path takes no uploads).
    refuse_problems(precheck.material_problems(case, (), requirements_of(version))
                    + precheck.eligibility_problems(case, today))
    prefix = numbering.prefix_for(implementation.organization.region.code, version.item_type,
                                  today)
    event = writes.store_submitted(case, prefix, audit.origin(actor))
    return Submission(case, [event], today, implementation, version, applicant, on_behalf_of)
