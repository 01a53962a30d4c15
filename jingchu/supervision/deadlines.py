"""Publication deadlines of inspection results (检查结果公示) on the official working-day calendar.

A result is published within PUBLISH_WORKING_DAYS working days of the inspection's end: the
deadline is `core.calendar.add_working_days(ended_on, 20)`, a local date, and a result published
on that day (Asia/Shanghai) is on time. Weekends, public holidays and make-up working days (调休)
count as the calendar says, so an inspection that ends just before National Day or the Spring
Festival gets a deadline that many calendar days later.

The scan alerts once per stage:
- "soon": still unpublished and at most SOON_WORKING_DAYS working days left (today is not
  counted, the deadline day is: on the deadline day itself 0 are left);
- "late": still unpublished after the deadline day.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from jingchu.core import calendar

LOCAL = ZoneInfo("Asia/Shanghai")
PUBLISH_WORKING_DAYS = 20
SOON_WORKING_DAYS = 3
SOON = "soon"
LATE = "late"


def publish_due(ended_on: dt.date) -> dt.date:
    """The last day to publish the result of an inspection that ended on `ended_on`."""
    return calendar.add_working_days(ended_on, PUBLISH_WORKING_DAYS)


def working_days_left(due: dt.date, today: dt.date) -> int:
    """Working days in (today, due]; negative once the deadline has passed."""
    return calendar.working_days_between(today, due)


def stage(due: dt.date | None, today: dt.date) -> str:
    """"late", "soon" or "" for an unpublished result due on `due`, as of `today`."""
    if due is None:
        return ""
    if today > due:
        return LATE
    if working_days_left(due, today) <= SOON_WORKING_DAYS:
        return SOON
    return ""


def local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LOCAL).date()


def published_on_time(published_at: dt.datetime | None, due: dt.date | None) -> bool | None:
    """Whether a result published at `published_at` met its deadline (None: not published or
    no deadline)."""
    if published_at is None or due is None:
        return None
    return local_day(published_at) <= due
