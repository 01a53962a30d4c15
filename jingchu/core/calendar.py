"""Working-day arithmetic on the official calendar (工作日历).

A day is a working day when it is Monday–Friday and not a public holiday, or when it is a
make-up working day (调休). Deadlines count whole working days after the start day: the start
day itself never counts, so `add_working_days(d, 1)` is the next working day after `d`, and
`working_days_between(d, add_working_days(d, n)) == n` for every n ≥ 0.

Years not loaded fall back to the weekend rule and are reported as provisional.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from functools import lru_cache
from itertools import islice, takewhile

from jingchu.core.choices import DayKind
from jingchu.core.models import CalendarDay, CalendarYear

ONE_DAY = dt.timedelta(days=1)


# Each process caches a year's days for at most this long, so that a calendar loaded by an
# administrator in one process reaches every other web and worker process without a restart.
CACHE_SECONDS = 300


def _year(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date], bool]:
    return _cached_year(year, int(time.monotonic() // CACHE_SECONDS))


@lru_cache(maxsize=64)
def _cached_year(year: int, _epoch: int) -> tuple[frozenset[dt.date], frozenset[dt.date], bool]:
    rows = list(CalendarDay.objects.filter(date__year=year).values_list("date", "kind"))
    holidays = frozenset(d for d, k in rows if k == DayKind.HOLIDAY)
    makeups = frozenset(d for d, k in rows if k == DayKind.MAKEUP_WORKDAY)
    loaded = CalendarYear.objects.filter(year=year).values_list("provisional", flat=True).first()
    provisional = True if loaded is None else bool(loaded)
    return holidays, makeups, provisional


def clear_cache() -> None:
    _cached_year.cache_clear()
    _added.cache_clear()


def _is_working(day: dt.date, holidays: frozenset[dt.date], makeups: frozenset[dt.date]) -> bool:
    return day in makeups or (day.weekday() < 5 and day not in holidays)


def is_working_day(day: dt.date) -> bool:
    holidays, makeups, _provisional = _year(day.year)
    return _is_working(day, holidays, makeups)


def _working_days_after(start: dt.date) -> Iterator[dt.date]:
    """The working days after `start`, in order, without end. Each year's days are looked up
    once, not once per day: a new case's deadline and its SLA state each walk about a week."""
    current, year = start, 0
    holidays = makeups = frozenset[dt.date]()
    while True:
        current += ONE_DAY
        if current.year != year:
            year = current.year
            holidays, makeups, _provisional = _year(year)
        if _is_working(current, holidays, makeups):
            yield current


def is_provisional(year: int) -> bool:
    """True when the year's arrangement is not yet published (or not loaded at all)."""
    return _year(year)[2]


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (the start day is not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    if days == 0:
        return start
    return _added(start, days, int(time.monotonic() // CACHE_SECONDS))


# Why: every submission asks for the same few sums (its intake limit, its SLA cut-off: today
# plus 5 and plus 3), each a walk of about a week; the answers are kept as long as the days
# they were walked on (the same epoch as `_year`'s).
@lru_cache(maxsize=1024)
def _added(start: dt.date, days: int, _epoch: int) -> dt.date:
    return next(islice(_working_days_after(start), days - 1, None))


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]; negative when end is before start."""
    if end < start:
        return -working_days_between(end, start)
    return sum(1 for _day in takewhile(lambda day: day <= end, _working_days_after(start)))


def next_working_day(day: dt.date) -> dt.date:
    """`day` itself when it is a working day, otherwise the first working day after it."""
    while not is_working_day(day):
        day += ONE_DAY
    return day
