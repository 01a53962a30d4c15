"""The periods the cockpit compares: a month (to date, when it is the current one), a year,
or any range of days, with the period before it (环比) and the same period a year earlier (同比).

Accepted forms (query parameter `period`): `YYYY-MM`, `YYYY`, `YYYY-MM-DD..YYYY-MM-DD`; empty
means the current month to date. A period never reaches past today; bad input raises an
ActionError naming the field.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.core.errors import ActionError
from jingchu.core.periods import MAX_PERIOD_DAYS, Period

Kind = Literal["month", "year", "range"]
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True)
class Span:
    """A period as the cockpit asked for it."""

    period: Period
    kind: Kind
    key: str  # what to put back in the query string

    @property
    def label(self) -> str:
        start, end = self.period.start, self.period.end
        if self.kind == "year":
            return _("%(year)d") % {"year": start.year}
        if self.kind == "month":
            return _("%(year)d-%(month)02d") % {"year": start.year, "month": start.month}
        return f"{start.isoformat()} – {end.isoformat()}"


def _invalid() -> ActionError:
    return ActionError("period_invalid",
                       _("Give the period as YYYY-MM, YYYY or YYYY-MM-DD..YYYY-MM-DD."),
                       {"field": "period"})


def _clamp(start: dt.date, end: dt.date, today: dt.date) -> Period:
    if start > today:
        raise ActionError("period_future", _("The period has not begun yet."),
                          {"field": "period"})
    return Period(start, min(end, today))


def parse(raw: str, today: dt.date | None = None) -> Span:
    today = today or timezone.localdate()
    raw = (raw or "").strip()
    if not raw:
        raw = f"{today.year:04d}-{today.month:02d}"
    try:
        if m := _MONTH.match(raw):
            year, month = int(m[1]), int(m[2])
            last = calendar.monthrange(year, month)[1]
            return Span(_clamp(dt.date(year, month, 1), dt.date(year, month, last), today),
                        "month", raw)
        if m := _YEAR.match(raw):
            year = int(m[1])
            return Span(_clamp(dt.date(year, 1, 1), dt.date(year, 12, 31), today), "year", raw)
        if m := _RANGE.match(raw):
            start, end = dt.date.fromisoformat(m[1]), dt.date.fromisoformat(m[2])
        else:
            raise _invalid()
    except ValueError:
        raise _invalid() from None
    if start > end or (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise ActionError("period_invalid", _("Choose from 1 to %(max)d days.")
                          % {"max": MAX_PERIOD_DAYS}, {"field": "period"})
    return Span(_clamp(start, end, today), "range", raw)


def _shift_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def previous(span: Span) -> Period:
    """The period before (环比): the month or year before, as far into it as this one has run;
    for a range, the same number of days just before it."""
    start, end = span.period.start, span.period.end
    if span.kind == "month":
        return Period(_shift_months(start, -1), _shift_months(end, -1))
    if span.kind == "year":
        return Period(_shift_months(start, -12), _shift_months(end, -12))
    length = (end - start).days + 1
    return Period(start - dt.timedelta(days=length), start - dt.timedelta(days=1))


def year_ago(span: Span) -> Period:
    """The same period a year earlier (同比)."""
    return Period(_shift_months(span.period.start, -12), _shift_months(span.period.end, -12))


def recent_months(end: dt.date, count: int = 12) -> list[Period]:
    """The `count` calendar months up to the one holding `end` (that one up to `end`)."""
    first = end.replace(day=1)
    out = []
    for back in range(count - 1, -1, -1):
        start = _shift_months(first, -back)
        last = dt.date(start.year, start.month, calendar.monthrange(start.year, start.month)[1])
        out.append(Period(start, min(last, end)))
    return out
