"""Escalation (督办): near-due and overdue cases are flagged and their approvers told, once per
level for each limit: a case escalated while due soon is escalated again once it is overdue.

`Case.escalated_at` marks the first escalation against the case's current limit (it is cleared
when a new limit starts: resubmission, acceptance); each escalation's CaseEvent holds the SLA
level it was made at (`details["sla"]`), so the overdue level is told apart from the near-due
one without another column on the case, which every submission writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jingchu.cases import clock
from jingchu.cases.actions.common import record_event
from jingchu.cases.choices import SlaState
from jingchu.cases.models import Case, CaseEvent
from jingchu.core import audit
from jingchu.core.choices import NotificationChannel
from jingchu.identity.choices import StaffRole
from jingchu.identity.models import User

SYSTEM_LABEL = "system"
ESCALATED_STATES = (SlaState.NEAR_DUE, SlaState.OVERDUE)
ESCALATE_EVENT = "escalate"


def _overdue_escalations(case: Any, since: Any) -> Any:
    """The overdue-level escalations of `case` made at or after `since`, its current limit's
    first escalation (a case and its `escalated_at`, or their OuterRefs in a subquery)."""
    return CaseEvent.objects.filter(case=case, action=ESCALATE_EVENT,
                                    details__sla=SlaState.OVERDUE, at__gte=since)


def due_for_escalation(today: dt.date) -> Any:
    """Cases with the clock running that are due soon or overdue and not escalated at that level
    yet: never escalated against their current limit, or overdue and escalated only while they
    were due soon."""
    near, overdue = clock.sla_q(SlaState.NEAR_DUE, today), clock.sla_q(SlaState.OVERDUE, today)
    first = (near | overdue) & Q(escalated_at__isnull=True)
    again = overdue & Q(escalated_at__isnull=False) & ~Exists(
        _overdue_escalations(OuterRef("pk"), OuterRef("escalated_at")))
    return Case.objects.filter(first | again).order_by("deadline", "pk")


def _escalated_at_level(case: Case, state: str) -> bool:
    """Whether `case` was already escalated at `state`'s level against its current limit."""
    if case.escalated_at is None:
        return False
    return state != SlaState.OVERDUE or _overdue_escalations(case, case.escalated_at).exists()


def _approvers(case: Case) -> list[User]:
    return list(User.objects.filter(
        is_active=True, staff__assignments__organization_id=case.handling_org_id,
        staff__assignments__role=StaffRole.APPROVER).distinct().order_by("pk"))


def _message(case: Case, state: str) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        values = {"number": case.number or "", "item": case.version.name,
                  "deadline": case.deadline.isoformat() if case.deadline else "-"}
        if case.accepted_at is None:  # still at intake: the 5-working-day limit
            subject = _("Application %(number)s awaits intake") % values
            body = _("%(item)s, application %(number)s: accept it, refuse it or request "
                     "corrections by %(deadline)s; past that day it counts as accepted.") % values
        elif state == SlaState.OVERDUE:
            subject = _("Overdue case %(number)s") % values
            body = _("%(item)s, case %(number)s, passed its deadline %(deadline)s.") % values
        else:
            subject = _("Case %(number)s is due soon") % values
            body = _("%(item)s, case %(number)s, is due on %(deadline)s.") % values
    return subject, body


@transaction.atomic
def do_escalate_case(case: Case, today: dt.date | None = None) -> bool:
    """Escalate one case if it still needs it; answers whether it did (idempotent)."""
    from jingchu.core.actions import do_enqueue_notification

    today = today or timezone.localdate()
    case = Case.objects.select_for_update().get(pk=case.pk)
    state = clock.sla_state(case, today)
    if state not in ESCALATED_STATES or _escalated_at_level(case, state):
        return False
    if case.escalated_at is None:  # the first escalation against this limit
        case.escalated_at = timezone.now()
        case.save(update_fields=["escalated_at"])
    approvers = _approvers(case)
    details = {"sla": state, "deadline": case.deadline.isoformat() if case.deadline else None,
               "phase": "intake" if case.accepted_at is None else "handling",
               "approvers": len(approvers)}
    record_event(case, None, ESCALATE_EVENT, case.status, details=details, public=False)
    audit.record("cases.case.escalate", None, case, details, actor_label=SYSTEM_LABEL)
    subject, body = _message(case, state)
    for user in approvers:
        do_enqueue_notification(None, user, NotificationChannel.SITE, subject, body)
    return True


def escalate_due_cases(today: dt.date | None = None) -> int:
    """Escalate every case due for it, each in its own transaction; answers how many."""
    today = today or timezone.localdate()
    ids = list(due_for_escalation(today).values_list("pk", flat=True))
    return sum(do_escalate_case(Case(pk=pk), today) for pk in ids)
