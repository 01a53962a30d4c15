"""Time limits of tickets (办理时限) on the official working-day calendar.

A TimeLimit row of a kind and urgency overrides the defaults below. Working-day limits end at
the end of the local (Asia/Shanghai) day `core.calendar.add_working_days` gives for the local
day the clock starts on (that day itself never counts, so a ticket dispatched on a Saturday
evening with one working day is due by the end of Monday); hour limits are plain elapsed hours.
Sign-for (签收) takes `sign_working_days` working days, and never ends after the handling
deadline (an urgent ticket of 24 hours must be signed for within those 24 hours too).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from jingchu.core import calendar
from jingchu.hotline.choices import TicketKind, Urgency
from jingchu.hotline.models import TimeLimit

LOCAL = ZoneInfo("Asia/Shanghai")
DEFAULT_WORKING_DAYS = {
    TicketKind.CONSULT: 2,
    TicketKind.HELP: 5,
    TicketKind.COMPLAINT: 15,
    TicketKind.REPORT: 15,
    TicketKind.SUGGESTION: 15,
}
DEFAULT_URGENT_HOURS = 24
DEFAULT_SIGN_WORKING_DAYS = 1


@dataclass(frozen=True)
class Limit:
    """Exactly one of `working_days` and `hours`; sign-for within `sign_working_days`."""

    working_days: int | None
    hours: int | None
    sign_working_days: int = DEFAULT_SIGN_WORKING_DAYS


def limit_for(kind: str, urgency: str) -> Limit:
    row = TimeLimit.objects.filter(kind=kind, urgency=urgency).first()
    if row is not None:
        return Limit(working_days=row.working_days, hours=row.hours,
                     sign_working_days=row.sign_working_days or DEFAULT_SIGN_WORKING_DAYS)
    if urgency == Urgency.URGENT:
        return Limit(working_days=None, hours=DEFAULT_URGENT_HOURS)
    return Limit(working_days=DEFAULT_WORKING_DAYS.get(TicketKind(kind), 15), hours=None)


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LOCAL).date()


def end_of_day(day: dt.date) -> dt.datetime:
    """The last instant of the local day (in UTC when stored)."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=LOCAL)


def after_working_days(start: dt.datetime, working_days: int) -> dt.datetime:
    return end_of_day(calendar.add_working_days(local_date(start), working_days))


def _handle(limit: Limit, start: dt.datetime) -> dt.datetime:
    if limit.hours is not None:
        return start + dt.timedelta(hours=limit.hours)
    return after_working_days(start, limit.working_days or 0)


def handle_deadline(kind: str, urgency: str, start: dt.datetime) -> dt.datetime:
    """When the reply is due for a ticket whose clock starts at `start` (its dispatch)."""
    return _handle(limit_for(kind, urgency), start)


def sign_deadline(kind: str, urgency: str, start: dt.datetime) -> dt.datetime:
    """When the department must have signed for it: never after the handling deadline."""
    limit = limit_for(kind, urgency)
    sign = after_working_days(start, limit.sign_working_days)
    return min(sign, _handle(limit, start))


def extend(deadline: dt.datetime, working_days: int) -> dt.datetime:
    """The deadline moved by an approved extension: the end of the local day that many working
    days after the old deadline's day."""
    if working_days < 0:
        raise ValueError("working_days must not be negative")
    return after_working_days(deadline, working_days)
