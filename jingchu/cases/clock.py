"""The working-day clock of a case: the intake limit, the deadline at acceptance, pauses, and
the SLA colour.

`Case.deadline` is the date by which the organization owes the applicant its next step:
- while the application waits at intake (submitted, not yet accepted), the intake limit: the
  Administrative Licensing Law (art. 32) gives 5 working days to accept, refuse, or tell the
  applicant once of everything to correct; left unanswered, the application counts as accepted
  on the day it was received;
- from acceptance, the handling deadline (the promised working days, moved by pauses).
So the workbench's colours, sorting and escalation cover both limits with one column.
"""

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
# 行政许可法 art. 32: accept, refuse or notify every correction within 5 working days.
INTAKE_NOTICE_WORKING_DAYS = 5


def day_of(moment: dt.datetime) -> dt.date:
    """The date of `moment` (aware) in the platform's time zone (TIME_ZONE): the day a case is
    received on is Hubei's, whatever zone a request might activate for display. Why not
    `timezone.localdate(moment)`: asking for the active zone reads a context-local, ~2% of a
    submission in the web process (bench/HISTORY.md, "Sixteenth session"); no request activates
    another zone, so the two give the same day."""
    return timezone.localdate(moment, timezone.get_default_timezone())


def promised_days(case: Case) -> int:
    """The implementing organization's promise where it makes one, else the item's."""
    own = case.implementation.promised_days
    return own if own is not None else case.version.promised_days


def intake_deadline(received_on: dt.date) -> dt.date:
    """The last day to accept, refuse or request correction of an application received on
    `received_on` (submitted or resubmitted)."""
    return calendar.add_working_days(received_on, INTAKE_NOTICE_WORKING_DAYS)


def intake_period_over(case: Case, today: dt.date) -> bool:
    """Whether an application still at intake has passed its intake limit: it then counts as
    accepted on the day it was received, and corrections can no longer be requested at intake."""
    return case.accepted_at is None and case.deadline is not None and today > case.deadline


def acceptance_start(case: Case, today: dt.date) -> dt.date:
    """The day the handling clock starts: today, or the day the application was received when
    the intake limit passed unanswered (it is deemed accepted on receipt)."""
    if intake_period_over(case, today) and case.submitted_at is not None:
        return timezone.localtime(case.submitted_at).date()
    return today


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
    # At most NEAR_DUE_WORKING_DAYS working days left, as `sla_q` asks it: a comparison with
    # a cut-off the calendar keeps, where counting the days walked them on every answer.
    if case.deadline < near_due_until(today):
        return SlaState.NEAR_DUE
    return SlaState.ON_TIME
