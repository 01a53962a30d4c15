"""The working-day calendar: State Council arrangements, arithmetic properties, the file parser."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import chinese_calendar
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from jingchu.core.actions import do_load_calendar
from jingchu.core.calendar import (
    add_working_days,
    is_provisional,
    is_working_day,
    next_working_day,
    working_days_between,
)
from jingchu.core.calendar_data import CalendarFileError, parse
from jingchu.core.errors import ActionError
from jingchu.core.models import AuditEvent, CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

D = dt.date

# From the loaded published years into an unloaded one (2028: weekend rule only).
dates = st.dates(min_value=D(2024, 11, 1), max_value=D(2028, 2, 1))
counts = st.integers(min_value=0, max_value=80)
PROPERTY = hsettings(max_examples=150, deadline=None)


def days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


# --- the published arrangements, day by day -------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [
        D(2025, 1, 26),  # Sunday, make-up for the Spring Festival
        D(2025, 2, 8),  # Saturday, make-up for the Spring Festival
        D(2025, 4, 27),  # Sunday, make-up for Labour Day
        D(2025, 9, 28),  # Sunday, make-up for National Day
        D(2025, 10, 11),  # Saturday, make-up for National Day
        D(2026, 1, 4),  # Sunday, make-up for New Year
        D(2026, 2, 14),  # Saturday, make-up for the Spring Festival
        D(2026, 2, 28),  # Saturday, make-up for the Spring Festival
        D(2026, 5, 9),  # Saturday, make-up for Labour Day
        D(2026, 9, 20),  # Sunday, make-up for National Day
        D(2026, 10, 10),  # Saturday, make-up for National Day
    ],
)
def test_make_up_weekend_days_are_working_days(day):
    assert day.weekday() >= 5
    assert is_working_day(day)


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (D(2025, 1, 28), D(2025, 2, 4)),  # Spring Festival 2025, 8 days
        (D(2025, 10, 1), D(2025, 10, 8)),  # National Day and Mid-Autumn 2025, 8 days
        (D(2025, 5, 1), D(2025, 5, 5)),
        (D(2026, 1, 1), D(2026, 1, 3)),
        (D(2026, 2, 15), D(2026, 2, 23)),  # Spring Festival 2026, 9 days
        (D(2026, 9, 25), D(2026, 9, 27)),  # Mid-Autumn 2026
        (D(2026, 10, 1), D(2026, 10, 7)),  # National Day 2026, 7 days
    ],
)
def test_holiday_periods_have_no_working_day(first, last):
    period = days(first, last)
    assert [d for d in period if is_working_day(d)] == []
    # The weekday holidays are the ones that matter: they would otherwise be working days.
    assert any(d.weekday() < 5 for d in period)


def test_days_around_the_2025_spring_festival():
    assert is_working_day(D(2025, 1, 27))  # Monday before the holiday
    assert add_working_days(D(2025, 1, 24), 1) == D(2025, 1, 26)  # Friday → make-up Sunday
    assert add_working_days(D(2025, 1, 27), 1) == D(2025, 2, 5)
    assert working_days_between(D(2025, 1, 27), D(2025, 2, 5)) == 1
    # Jan 27 → Feb 10: Feb 5, 6, 7, 8 (make-up Saturday) and 10.
    assert working_days_between(D(2025, 1, 27), D(2025, 2, 10)) == 5
    assert not is_working_day(D(2025, 2, 9))  # an ordinary Sunday stays a rest day


def test_days_around_national_day():
    assert add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert working_days_between(D(2025, 9, 26), D(2025, 10, 12)) == 6  # 9/28, 29, 30, 10/9-11
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert add_working_days(D(2026, 10, 9), 1) == D(2026, 10, 10)
    assert next_working_day(D(2026, 10, 1)) == D(2026, 10, 8)


def test_days_around_the_2026_spring_festival():
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert add_working_days(D(2026, 2, 14), 1) == D(2026, 2, 24)
    assert is_working_day(D(2026, 2, 28)) and not is_working_day(D(2026, 3, 1))
    # 20 working days from the last day before the holiday: 2/14, 2/24-28, then 14 in March.
    assert add_working_days(D(2026, 2, 13), 20) == D(2026, 3, 19)


def test_next_working_day():
    assert next_working_day(D(2025, 1, 28)) == D(2025, 2, 5)
    assert next_working_day(D(2025, 1, 26)) == D(2025, 1, 26)  # already a (make-up) working day
    assert next_working_day(D(2025, 3, 8)) == D(2025, 3, 10)  # ordinary weekend


def test_negative_day_count_is_refused():
    with pytest.raises(ValueError, match="negative"):
        add_working_days(D(2025, 1, 1), -1)


@pytest.mark.parametrize("year", [2025, 2026])
def test_published_years_agree_with_the_chinese_calendar_package(year):
    """An independent source (the chinese-calendar package) agrees on every day of the year."""
    disagree = [
        d for d in days(D(year, 1, 1), D(year, 12, 31))
        if is_working_day(d) != chinese_calendar.is_workday(d)
    ]
    assert disagree == []


def test_shipped_files_hold_the_totals_of_the_state_council_notices():
    # 2025: 28 holiday days and 5 make-up days; 2026: 33 and 6 (国办发明电 notices).
    expected = {2025: (28, 5), 2026: (33, 6)}
    for year, (holidays, makeups) in expected.items():
        rows = CalendarDay.objects.filter(date__year=year)
        assert rows.filter(kind="holiday").count() == holidays
        assert rows.filter(kind="makeup").count() == makeups


def test_2027_is_provisional_with_the_statutory_days_on_their_lunar_dates():
    assert is_provisional(2027)
    holidays = set(
        CalendarDay.objects.filter(date__year=2027, kind="holiday").values_list("date", flat=True)
    )
    # Lunar New Year's Day 2027 is Saturday 6 February; the Eve (5 Feb) to the 3rd day are off.
    assert {D(2027, 2, 5), D(2027, 2, 6), D(2027, 2, 7), D(2027, 2, 8)} <= holidays
    assert D(2027, 4, 5) in holidays  # Qingming (solar term on 5 April 2027)
    assert D(2027, 6, 9) in holidays  # Dragon Boat, 5th day of the 5th lunar month
    assert D(2027, 9, 15) in holidays  # Mid-Autumn, 15th day of the 8th lunar month
    assert not is_working_day(D(2027, 2, 8)) and not is_working_day(D(2027, 9, 15))
    assert is_working_day(D(2027, 2, 9))


def test_published_and_unloaded_years():
    assert not is_provisional(2025)
    assert not is_provisional(2026)
    assert is_provisional(2031)  # not loaded at all
    # An unloaded year falls back to the weekend rule.
    assert is_working_day(D(2031, 1, 1))  # a Wednesday; New Year unknown without data
    assert not is_working_day(D(2031, 1, 4))  # Saturday


# --- properties ------------------------------------------------------------------------------


@PROPERTY
@given(start=dates, n=counts)
def test_between_inverts_add(start, n):
    assert working_days_between(start, add_working_days(start, n)) == n


@PROPERTY
@given(start=dates, span=st.integers(min_value=0, max_value=120))
def test_between_counts_the_working_days_one_by_one(start, span):
    # The walk looks each year up once; counted here day by day with is_working_day.
    end = start + dt.timedelta(days=span)
    days = (start + dt.timedelta(days=i) for i in range(1, span + 1))
    assert working_days_between(start, end) == sum(1 for d in days if is_working_day(d))


@PROPERTY
@given(start=dates, n=st.integers(min_value=1, max_value=80))
def test_add_lands_on_a_working_day_after_the_start(start, n):
    end = add_working_days(start, n)
    assert end > start
    assert is_working_day(end)


@PROPERTY
@given(start=dates, n=counts, extra=st.integers(min_value=1, max_value=20))
def test_add_is_strictly_monotonic_in_the_count(start, n, extra):
    assert add_working_days(start, n) < add_working_days(start, n + extra)


@PROPERTY
@given(a=dates, b=dates, n=counts)
def test_add_is_monotonic_in_the_start(a, b, n):
    early, late = sorted((a, b))
    assert add_working_days(early, n) <= add_working_days(late, n)


@PROPERTY
@given(a=dates, b=dates, c=dates)
def test_between_is_additive_and_antisymmetric(a, b, c):
    assert working_days_between(a, b) == -working_days_between(b, a)
    assert working_days_between(a, b) + working_days_between(b, c) == working_days_between(a, c)


@PROPERTY
@given(day=dates)
def test_next_working_day_is_the_first_working_day_on_or_after(day):
    found = next_working_day(day)
    assert found >= day and is_working_day(found)
    assert not any(is_working_day(d) for d in days(day, found)[:-1])
    assert found == add_working_days(day - dt.timedelta(days=1), 1)


# --- the file format ---------------------------------------------------------------------------

HEAD = "# year: 2030\n# status: published\n# source: test\ndate,kind,name\n"


def test_parse_a_good_file():
    parsed = parse(HEAD + "2030-01-01,holiday,元旦\n2030-02-09,makeup,春节调休上班\n")
    assert parsed.year == 2030 and not parsed.provisional and parsed.source == "test"
    assert parsed.days == [
        (D(2030, 1, 1), "holiday", "元旦"), (D(2030, 2, 9), "makeup", "春节调休上班")
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (HEAD + "2030-01-01,vacation,元旦\n", r"line 5: kind must be holiday or makeup"),
        (HEAD + "2030-01-01,holiday,x\n2030-01-07,makeup,x\n",
         r"line 6: a make-up working day must be a Saturday or Sunday, 2030-01-07"),
        (HEAD + "2029-12-31,holiday,x\n", r"line 5: 2029-12-31 is not in 2030"),
        (HEAD + "2030-02-30,holiday,x\n", r"line 5: bad date '2030-02-30'"),
        (HEAD + "2030-01-01,holiday,x\n2030-01-01,holiday,x\n", r"line 6: .* listed twice"),
        ("date,kind,name\n2030-01-01,holiday,x\n", r"# year: YYYY"),
        ("# year: 2030\n# status: draft\ndate,kind,name\n", r"published or provisional"),
        ("# year: 2030\nday,type\n", r"header must be 'date,kind,name'"),
    ],
)
def test_parse_refuses_bad_files_with_a_clear_message(text, message):
    with pytest.raises(CalendarFileError, match=message):
        parse(text)


def test_status_defaults_to_provisional():
    assert parse("# year: 2030\ndate,kind,name\n").provisional


def test_loading_a_year_replaces_it_and_is_audited():
    text = "# year: 2030\n# status: provisional\ndate,kind,name\n2030-01-01,holiday,元旦\n"
    assert do_load_calendar(None, text, actor_label="test") == (2030, 1)
    assert is_provisional(2030) and not is_working_day(D(2030, 1, 1))
    published = text.replace("provisional", "published").replace(
        "2030-01-01,holiday,元旦", "2030-01-02,holiday,test"
    )
    do_load_calendar(None, published)
    assert not is_provisional(2030)
    assert is_working_day(D(2030, 1, 1)) and not is_working_day(D(2030, 1, 2))
    events = AuditEvent.objects.filter(action="core.calendar.load")
    assert [e.details["year"] for e in events] == [2030, 2030]



def test_working_day_sums_follow_a_loaded_calendar():
    # The process keeps its sums (a new case's intake limit and SLA cut-off): a loaded year
    # must reach them at once, not after the cache's five minutes.
    start = D(2029, 12, 31)  # a Monday; 2030 is not loaded: the weekend rule
    assert add_working_days(start, 1) == D(2030, 1, 1)
    do_load_calendar(None, "# year: 2030\n# status: published\ndate,kind,name\n"
                           "2030-01-01,holiday,元旦\n")
    assert add_working_days(start, 1) == D(2030, 1, 2)

def test_a_bad_file_writes_nothing():
    before = CalendarDay.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ActionError) as caught:
        do_load_calendar(None, "# year: 2025\ndate,kind,name\n2025-01-06,makeup,x\n")
    assert caught.value.code == "calendar_file_invalid"
    assert (CalendarDay.objects.count(), AuditEvent.objects.count()) == before
    assert not is_provisional(2025)


def test_shipped_files_all_parse():
    folder = Path(settings.DATA_DIR) / "calendar"
    parsed = {p.stem: parse(p.read_text(encoding="utf-8")) for p in folder.glob("*.csv")}
    assert {k: v.provisional for k, v in parsed.items()} == {
        "2025": False, "2026": False, "2027": True
    }
    assert all(int(stem) == f.year for stem, f in parsed.items())


def test_command_show_and_load(tmp_path):
    out = io.StringIO()
    call_command("calendar", "show", "2027", stdout=out)
    assert out.getvalue().startswith("2027: provisional")
    assert "2027-02-06 holiday" in out.getvalue()
    bad = tmp_path / "2030.csv"
    bad.write_text("# year: 2030\ndate,kind,name\n2030-01-07,makeup,x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Saturday or Sunday"):
        call_command("calendar", "load", str(bad))
    assert not CalendarYear.objects.filter(year=2030).exists()
    good = tmp_path / "2030b.csv"
    good.write_text("# year: 2030\n# status: published\ndate,kind,name\n", encoding="utf-8")
    out = io.StringIO()
    call_command("calendar", "load", str(good), stdout=out)
    assert "2030: 0 days (published)" in out.getvalue()
    assert AuditEvent.objects.filter(action="core.calendar.load", actor_label="command line")

