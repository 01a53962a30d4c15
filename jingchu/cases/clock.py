"""The working-day clock of a case: deadline at acceptance, pauses, and the SLA colour."""

from __future__ import annotations

import datetime as dt

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


