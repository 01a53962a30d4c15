"""Time limits on the 2026 calendar (data/calendar/2026.csv): across the National Day and
Spring Festival holidays, their make-up working days, weekends, and configured limits."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jingchu.hotline import deadlines
from jingchu.hotline.actions import config
from jingchu.hotline.deadlines import Limit, extend, handle_deadline, limit_for, sign_deadline

LOCAL = deadlines.LOCAL


def at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=LOCAL)


def end_of(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 23, 59, 59, 999999, tzinfo=LOCAL)


@pytest.mark.django_db
def test_default_limits() -> None:
    assert limit_for("consult", "normal") == Limit(working_days=2, hours=None)
    assert limit_for("help", "normal").working_days == 5
    for kind in ("complaint", "report", "suggestion"):
        assert limit_for(kind, "normal").working_days == 15
    for kind in ("consult", "help", "complaint", "report", "suggestion"):
        assert limit_for(kind, "urgent") == Limit(working_days=None, hours=24)
    assert limit_for("help", "normal").sign_working_days == 1


@pytest.mark.django_db
def test_complaint_across_national_day() -> None:
    # Wed 30 Sep; 1–7 Oct are holidays, Sat 10 Oct is a make-up working day.
    start = at(2026, 9, 30)
    assert handle_deadline("complaint", "normal", start) == end_of(2026, 10, 27)
    assert sign_deadline("complaint", "normal", start) == end_of(2026, 10, 8)
    assert handle_deadline("help", "normal", start) == end_of(2026, 10, 13)


@pytest.mark.django_db
def test_consultation_across_the_spring_festival() -> None:
    # Fri 13 Feb; Sat 14 Feb is a make-up working day, 15–23 Feb are holidays.
    start = at(2026, 2, 13, 16)
    assert sign_deadline("consult", "normal", start) == end_of(2026, 2, 14)
    assert handle_deadline("consult", "normal", start) == end_of(2026, 2, 24)


@pytest.mark.django_db
def test_weekends_do_not_count() -> None:
    assert handle_deadline("help", "normal", at(2026, 3, 6)) == end_of(2026, 3, 13)
    saturday = at(2026, 3, 7)
    assert handle_deadline("consult", "normal", saturday) == end_of(2026, 3, 10)
    assert sign_deadline("consult", "normal", saturday) == end_of(2026, 3, 9)


@pytest.mark.django_db
def test_the_local_day_counts_not_the_utc_day() -> None:
    # 17:00 UTC on Friday is 01:00 on Saturday in Wuhan.
    start = dt.datetime(2026, 3, 6, 17, tzinfo=dt.UTC)
    deadline = handle_deadline("consult", "normal", start)
    assert deadline == end_of(2026, 3, 10)
    assert deadline.astimezone(dt.UTC) == dt.datetime(2026, 3, 10, 15, 59, 59, 999999,
                                                      tzinfo=dt.UTC)


@pytest.mark.django_db
def test_urgent_tickets_have_24_plain_hours() -> None:
    start = at(2026, 9, 30, 10)
    assert handle_deadline("complaint", "urgent", start) == at(2026, 10, 1, 10)  # a holiday
    # Signing for it within one working day would be 8 Oct: never after the reply is due.
    assert sign_deadline("complaint", "urgent", start) == at(2026, 10, 1, 10)


@pytest.mark.django_db
def test_a_configured_limit_overrides_the_default(hotline_world: dict[str, Any]) -> None:
    supervisor = hotline_world["users"]["supervisor"]
    config.do_set_time_limit(supervisor, kind="complaint", urgency="normal", working_days=10,
                             sign_working_days=2)
    assert limit_for("complaint", "normal") == Limit(working_days=10, hours=None,
                                                     sign_working_days=2)
    monday = at(2026, 3, 2)
    assert handle_deadline("complaint", "normal", monday) == end_of(2026, 3, 16)
    assert sign_deadline("complaint", "normal", monday) == end_of(2026, 3, 4)
    assert handle_deadline("report", "normal", monday) == end_of(2026, 3, 23)  # untouched
    config.do_set_time_limit(supervisor, kind="help", urgency="urgent", hours=12)
    assert handle_deadline("help", "urgent", monday) == monday + dt.timedelta(hours=12)
    assert sign_deadline("help", "urgent", monday) == monday + dt.timedelta(hours=12)
    config.do_set_time_limit(supervisor, kind="consult", urgency="normal", working_days=1,
                             sign_working_days=3)
    assert sign_deadline("consult", "normal", monday) == end_of(2026, 3, 3)  # capped


@pytest.mark.django_db
def test_extension_counts_working_days_from_the_old_deadline() -> None:
    assert extend(end_of(2026, 9, 29), 3) == end_of(2026, 10, 9)
    assert extend(at(2026, 10, 1, 10), 1) == end_of(2026, 10, 8)  # an urgent one, on a holiday
    assert extend(end_of(2026, 3, 6), 0) == end_of(2026, 3, 6)
    with pytest.raises(ValueError):
        extend(end_of(2026, 3, 6), -1)
