"""The status transitions of a case and claiming it for review."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jingchu.cases import clock, numbering, permissions, precheck
from jingchu.cases.actions.common import record_event
from jingchu.cases.choices import Decision
from jingchu.cases.models import Case
from jingchu.cases.workflow import HANDLING, TRANSITIONS, Transition
from jingchu.core import audit
from jingchu.core.choices import NotificationChannel
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import Organization

# Steps that leave intake without acceptance: the intake limit stops.
INTAKE_EXITS = frozenset({"request_correction", "refuse", "withdraw"})
# The applicant hears of these steps in the inbox (站内信).
NOTIFIED = frozenset({"accept", "refuse", "request_correction", "request_review_correction",
                      "approve", "deny", "complete"})


def _precheck(case: Case, today: dt.date) -> None:
    refuse_problems(precheck.run(case, today))


def refuse_problems(problems: Sequence[precheck.Problem]) -> None:
    """Refuse the submission with every problem the pre-check found, all at once."""
    if problems:
        raise ActionError(
            "precheck_failed", _("The application is not complete."),
            {"problems": [{"code": p.code, "message": p.message, "field": p.field}
                          for p in problems]},
        )


def _apply_submit(case: Case, today: dt.date) -> None:
    _precheck(case, today)
    if case.number is None:
        region = (case.accepting_org or case.handling_org).region.code
        case.number = numbering.next_number(region, case.version.item_type, today)
    case.submitted_at = timezone.now()
    # The intake limit runs from each (re)submission; a new limit may be escalated anew.
    case.deadline = clock.intake_deadline(today)
    case.escalated_at = None


def _apply_accept(actor: Any, case: Case, today: dt.date,
                  via: Organization | None) -> dt.date | None:
    """Accept at the actor's (or the given) organization; answers the day the application is
    deemed accepted when the intake limit passed unanswered, else None."""
    allowed = permissions.intake_orgs(actor, case)
    org = via or (allowed[0] if allowed else None)
    if org is None or org not in allowed:
        raise NotPermitted(_("Your organization may not accept this service."))
    start = clock.acceptance_start(case, today)
    case.accepting_org = org
    case.accepted_at = timezone.now()
    case.deadline = clock.deadline_on_acceptance(case, start)
    case.escalated_at = None  # the handling deadline is a new limit, escalated on its own
    return start if start != today else None


def _intake_closed(case: Case, name: str, today: dt.date) -> None:
    """Effects of leaving intake without acceptance: no limit runs while the applicant corrects
    or once the application is refused or withdrawn. A correction can only be requested within
    the intake limit; past it the application counts as accepted (行政许可法 art. 32)."""
    if name == "request_correction" and clock.intake_period_over(case, today):
        raise ActionError(
            "intake_period_over",
            _("The %(days)d working days to request corrections ended on %(date)s: the "
              "application counts as accepted. Accept it, or refuse it with reasons.")
            % {"days": clock.INTAKE_NOTICE_WORKING_DAYS, "date": case.deadline.isoformat()
               if case.deadline else "-"},
            {"deadline": case.deadline.isoformat() if case.deadline else None}, status=409)
    case.deadline = None
    case.escalated_at = None


def _apply_effects(actor: Any, case: Case, transition: Transition, reason: str,
                   via: Organization | None) -> dict[str, Any]:
    """Apply the transition's effects to the case; answers details for its timeline event."""
    today = clock.day_of(timezone.now())
    name = transition.name
    details: dict[str, Any] = {}
    if name in {"submit", "resubmit"}:
        _apply_submit(case, today)
    elif name == "supplement":
        # Back to review only once the corrected application passes the pre-check again.
        _precheck(case, today)
    elif name == "accept":
        deemed = _apply_accept(actor, case, today, via)
        if deemed is not None:
            details["deemed_accepted_on"] = deemed.isoformat()
    elif name in INTAKE_EXITS and case.accepted_at is None:
        _intake_closed(case, name, today)
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
    return details


def _reason(transition: Transition, reason: str, problems: Sequence[str]) -> tuple[str, list[str]]:
    """The reasons as text, and for a correction request every problem as its own line."""
    listed = [p.strip() for p in problems if p and p.strip()]
    if transition.lists_problems:
        listed += [line.strip() for line in (reason or "").splitlines() if line.strip()]
        return "\n".join(listed), listed
    return (reason or "").strip(), []


def _check(actor: Any, case: Case, transition: Transition) -> None:
    # Permission first: an outsider learns nothing about the case's status from the answer.
    if not permissions.can_transition(actor, case, transition):
        raise NotPermitted(_("You may not take this step on this case."))
    if not transition.applies(case.status, case.accepted_at is not None):
        raise ActionError(
            "transition_not_allowed",
            _("This step is not possible while the case is %(status)s.")
            % {"status": case.get_status_display()},
            {"status": case.status, "transition": transition.name}, status=409,
        )


@transaction.atomic
def do_transition(actor: Any, case: Case, name: str, *, reason: str = "",
                  problems: Sequence[str] = (), via: Organization | None = None) -> Case:
    """Move a case along one allowed transition; anything else is refused with 409/403.

    `problems` (for a correction request) are listed one a line, all at once, with `reason`.
    """
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise ActionError("unknown_transition", _("Unknown step: %s") % name)
    case = Case.objects.select_for_update().get(pk=case.pk)
    _check(actor, case, transition)
    reason, listed = _reason(transition, reason, problems)
    if transition.needs_reason and not reason:
        raise ActionError("reason_required", _("Please give the reasons."), {"field": "reason"})
    before = case.status
    details = _apply_effects(actor, case, transition, reason, via)
    case.status = transition.target
    case.save()
    if listed:
        details["problems"] = listed
    record_event(case, actor, name, before, note=reason, details=details or None)
    audit.record(f"cases.case.{name}", actor, case,
                 {"from": before, "to": case.status, "number": case.number}
                 | {k: v for k, v in details.items() if k != "problems"})
    if name in NOTIFIED:
        _notify_applicant(actor, case, name, reason)
    return case


def _message(case: Case, name: str, reason: str) -> tuple[str, str]:
    item = case.version.name
    texts = {
        "accept": (_("Your application %(number)s was accepted"),
                   _("%(item)s: accepted. It will be handled by %(deadline)s.")),
        "refuse": (_("Your application %(number)s was not accepted"),
                   _("%(item)s: not accepted. Reasons:")),
        "request_correction": (_("Your application %(number)s needs correction"),
                               _("%(item)s: please correct the following and submit again:")),
        "request_review_correction": (
            _("Your application %(number)s needs correction"),
            _("%(item)s: please correct the following and submit again "
              "(the time limit is paused until then):")),
        "approve": (_("Decision on your application %(number)s"),
                    _("%(item)s: approved.")),
        "deny": (_("Decision on your application %(number)s"),
                 _("%(item)s: denied. Reasons:")),
        "complete": (_("Your application %(number)s is completed"),
                     _("%(item)s: completed.")),
    }
    subject, body = texts[name]
    values = {"number": case.number or "", "item": item,
              "deadline": case.deadline.isoformat() if case.deadline else "-"}
    text = body % values
    if reason:
        text = f"{text}\n{reason}"
    return subject % values, text


def _notify_applicant(actor: Any, case: Case, name: str, reason: str) -> None:
    from jingchu.core import sms
    from jingchu.core.actions import do_enqueue_notification

    recipient = case.applicant.user
    if recipient is None or not recipient.is_active:
        return  # a walk-in applicant without an account hears at the counter
    # Stored once, so written in the site's default language rather than the clerk's.
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = _message(case, name, reason)
    do_enqueue_notification(actor, recipient, NotificationChannel.SITE, subject[:200], body)
    if sms.recipient_phone(recipient):
        do_enqueue_notification(actor, recipient, NotificationChannel.SMS, subject[:200], body)


@transaction.atomic
def do_claim(actor: Any, case: Case) -> Case:
    """A reviewer takes the case into their own queue."""
    staff = getattr(actor, "staff", None)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if staff is None or not permissions.may_claim(actor, case):
        raise NotPermitted(_("You may not claim this case."))
    if case.status not in HANDLING:
        raise ActionError("not_claimable", _("Only a case being handled can be claimed."),
                          {"status": case.status}, status=409)
    if case.claimed_by_id == staff.pk:
        return case  # claimed already: nothing to write
    if case.claimed_by_id is not None:
        raise ActionError("already_claimed", _("Another reviewer has claimed this case."),
                          status=409)
    case.claimed_by = staff
    case.save(update_fields=["claimed_by"])
    record_event(case, actor, "claim", case.status, public=False)
    audit.record("cases.case.claim", actor, case)
    return case
