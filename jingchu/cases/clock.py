"""The working-day clock of a case: deadline at acceptance, pauses, and the SLA colour."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from jingchu.cases.choices import SlaState
from jingchu.cases.models import Case
from jingchu.core import calendar
from jingchu.services.choices import CaseKind

# A case whose deadline is this many working days away or fewer shows as due soon.
NEAR_DUE_WORKING_DAYS = 2


def promised_days(case: Case) -> int:
    """The implementing organization's promise where it makes one, else the item's."""
    own = case.implementation.promised_days
    return own if own is not None else case.version.promised_days


def deadline_on_acceptance(case: Case, accepted_on: dt.date) -> dt.date:
    if case.version.case_kind == CaseKind.ON_THE_SPOT:
        return accepted_on
    return calendar.add_working_days(accepted_on, promised_days(case))


def pause(case: Case, today: dt.date) -> None:
    if case.clock_paused_on is None:
        case.clock_paused_on = today


def resume(case: Case, today: dt.date) -> int:
    """Stop the pause; the deadline moves by the working days the clock stood still."""
    if case.clock_paused_on is None:
        return 0
    paused = max(0, calendar.working_days_between(case.clock_paused_on, today))
    case.paused_working_days += paused
    if case.deadline is not None and paused:
        case.deadline = calendar.add_working_days(case.deadline, paused)
    case.clock_paused_on = None
    return paused


def near_due_until(today: dt.date) -> dt.date:
    """Deadlines before this date (and not before today) are due soon: at most
    NEAR_DUE_WORKING_DAYS working days remain."""
    return calendar.add_working_days(today, NEAR_DUE_WORKING_DAYS + 1)


def sla_q(state: str, today: dt.date) -> Q:
    """The cases in SLA `state` on `today`, as a query; the same rule as `sla_state`."""
    timed = Q(deadline__isnull=False, completed_at__isnull=True)
    running = timed & Q(clock_paused_on__isnull=True)
    cutoff = near_due_until(today)
    queries: dict[str, Q] = {
        SlaState.NONE: ~timed,
        SlaState.PAUSED: timed & Q(clock_paused_on__isnull=False),
        SlaState.OVERDUE: running & Q(deadline__lt=today),
        SlaState.NEAR_DUE: running & Q(deadline__gte=today, deadline__lt=cutoff),
        SlaState.ON_TIME: running & Q(deadline__gte=cutoff),
    }
    return queries[state]


def working_days_left(case: Case, today: dt.date) -> int | None:
    """Working days until the deadline; negative once overdue; None without a deadline."""
    if case.deadline is None:
        return None
    return calendar.working_days_between(today, case.deadline)


def sla_state(case: Case, today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    if case.deadline is None or case.completed_at is not None:
        return SlaState.NONE
    if case.clock_paused_on is not None:
        return SlaState.PAUSED
    if today > case.deadline:
        return SlaState.OVERDUE
    if calendar.working_days_between(today, case.deadline) <= NEAR_DUE_WORKING_DAYS:
        return SlaState.NEAR_DUE
    return SlaState.ON_TIME
