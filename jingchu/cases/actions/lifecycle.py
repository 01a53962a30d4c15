"""The status transitions of a case and claiming it for review."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.cases import clock, numbering, permissions, precheck
from jingchu.cases.actions.common import record_event
from jingchu.cases.choices import Decision
from jingchu.cases.models import Case
from jingchu.cases.workflow import TRANSITIONS, Transition
from jingchu.core import audit
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import Organization


def _apply_submit(case: Case, today: Any) -> None:
    problems = precheck.run(case, today)
    if problems:
        raise ActionError(
            "precheck_failed", _("The application is not complete."),
            {"problems": [{"code": p.code, "message": p.message, "field": p.field}
                          for p in problems]},
        )
    if case.number is None:
        region = (case.accepting_org or case.handling_org).region.code
        case.number = numbering.next_number(region, case.version.item_type, today)
    case.submitted_at = timezone.now()


def _apply_accept(actor: Any, case: Case, today: Any, via: Organization | None) -> None:
    allowed = permissions.accepting_orgs(actor, case.implementation)
    org = via or case.accepting_org or (allowed[0] if allowed else None)
    if org is None or org not in allowed:
        raise NotPermitted(_("Your organization may not accept this service."))
    case.accepting_org = org
    case.accepted_at = timezone.now()
    case.deadline = clock.deadline_on_acceptance(case, today)


def _apply_effects(actor: Any, case: Case, transition: Transition, reason: str,
                   via: Organization | None) -> None:
    today = timezone.localdate()
    name = transition.name
    if name in {"submit", "resubmit"}:
        _apply_submit(case, today)
    elif name == "accept":
        _apply_accept(actor, case, today, via)
    elif name in {"approve", "deny"}:
        case.decision = Decision.APPROVED if name == "approve" else Decision.DENIED
        case.decision_reason = reason
        case.decided_at = timezone.now()
    elif name == "complete":
        case.completed_at = timezone.now()
    if transition.pauses:
        clock.pause(case, today)
    if transition.resumes:
        clock.resume(case, today)


@transaction.atomic
def do_transition(actor: Any, case: Case, name: str, *, reason: str = "",
                  via: Organization | None = None) -> Case:
    """Move a case along one allowed transition; anything else is refused with 409/403."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise ActionError("unknown_transition", _("Unknown step: %s") % name)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status not in transition.sources:
        raise ActionError(
            "transition_not_allowed",
            _("This step is not possible while the case is %(status)s.")
            % {"status": case.get_status_display()},
            {"status": case.status, "transition": name}, status=409,
        )
    if not permissions.can_transition(actor, case, transition):
        raise NotPermitted(_("You may not take this step on this case."))
    reason = (reason or "").strip()
    if transition.needs_reason and not reason:
        raise ActionError("reason_required", _("Please give the reasons."), {"field": "reason"})
    before = case.status
    _apply_effects(actor, case, transition, reason, via)
    case.status = transition.target
    case.save()
    record_event(case, actor, name, before, note=reason)
    audit.record(f"cases.case.{name}", actor, case,
                 {"from": before, "to": case.status, "number": case.number})
    return case


@transaction.atomic
def do_claim(actor: Any, case: Case) -> Case:
    """A reviewer takes the case into their own queue."""
    staff = getattr(actor, "staff", None)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if staff is None or not permissions.may_claim(actor, case):
        raise NotPermitted(_("You may not claim this case."))
    if case.claimed_by_id not in (None, staff.pk):
        raise ActionError("already_claimed", _("Another reviewer has claimed this case."),
                          status=409)
    case.claimed_by = staff
    case.save(update_fields=["claimed_by"])
    record_event(case, actor, "claim", case.status, public=False)
    audit.record("cases.case.claim", actor, case)
    return case
