"""Periods of local calendar days, as the statistics pages and APIs ask for them.

A Period is a range of local (the platform's TIME_ZONE, Asia/Shanghai) calendar days, both
ends included; `since`/`until` are the instants that bound it, for filtering timestamps.
`parse_period` reads what a page or an API request gives (explicit YYYY-MM-DD dates or the
last N days) and refuses bad input with an ActionError naming the field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.core.errors import ActionError

MAX_PERIOD_DAYS = 366


def day_start(day: dt.date) -> dt.datetime:
    """The first instant of a local calendar day."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min),
                               timezone.get_default_timezone())


@dataclass(frozen=True)
class Period:
    """Local calendar days from `start` to `end`, both included."""

    start: dt.date
    end: dt.date

    @classmethod
    def last_days(cls, days: int, today: dt.date | None = None) -> Period:
        """The `days` days ending today (today included)."""
        end = today or timezone.localdate()
        return cls(end - dt.timedelta(days=max(days, 1) - 1), end)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @property
    def since(self) -> dt.datetime:
        return day_start(self.start)

    @property
    def until(self) -> dt.datetime:
        """The first instant after the period."""
        return day_start(self.end + dt.timedelta(days=1))

    def days(self) -> list[dt.date]:
        count = (self.end - self.start).days + 1
        return [self.start + dt.timedelta(days=i) for i in range(max(count, 0))]


def _date(raw: str, field: str) -> dt.date | None:
    if not raw.strip():
        return None
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise ActionError("date_invalid", _("Give a date as YYYY-MM-DD."),
                          {"field": field}) from None


def parse_period(date_from: str = "", date_to: str = "", days: int = 30,
                 today: dt.date | None = None) -> Period:
    """The period a page or API request asks for: explicit dates (YYYY-MM-DD) or the last
    `days` days; at most a year. Raises ActionError on bad input."""
    end = _date(date_to, "date_to") or today or timezone.localdate()
    if not 1 <= days <= MAX_PERIOD_DAYS:
        raise ActionError("days_invalid", _("Choose from 1 to %(max)d days.")
                          % {"max": MAX_PERIOD_DAYS}, {"field": "days"})
    start = _date(date_from, "date_from") or end - dt.timedelta(days=days - 1)
    if start > end:
        raise ActionError("period_invalid", _("The start date is after the end date."),
                          {"field": "date_from"})
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise ActionError("period_too_long", _("Choose from 1 to %(max)d days.")
                          % {"max": MAX_PERIOD_DAYS}, {"field": "date_from"})
    return Period(start, end)


def local_day(field: str) -> TruncDate:
    """A timestamp field truncated to its local calendar day, for GROUP BY day in the
    database (the day a Period counts it on)."""
    return TruncDate(field, tzinfo=timezone.get_default_timezone())
