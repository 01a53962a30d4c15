"""The working-day clock: deadlines across holidays and make-up days, pauses, SLA colours."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jingchu.cases import actions, clock
from jingchu.cases.choices import CaseStatus as S
from jingchu.cases.choices import SlaState
from jingchu.cases.models import Case
from jingchu.cases.tests.workbench_helpers import SOCIAL_CARD, UNEMPLOYMENT, make_case, user
from jingchu.core import calendar

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def on_day(monkeypatch):
    """Freeze the local date the actions read (timezone.localdate)."""

    def freeze(day: dt.date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)

    return freeze


def test_the_calendar_data_has_national_day_and_its_make_up_days():
    assert not any(calendar.is_working_day(D(2026, 10, d)) for d in range(1, 8))
    assert calendar.is_working_day(D(2026, 10, 10))  # Saturday, make-up working day
    assert calendar.is_working_day(D(2026, 9, 20))  # Sunday, make-up working day


def test_five_days_from_30_september_skip_national_day_and_count_the_make_up_saturday(catalog):
    case = make_case(catalog, S.SUBMITTED, code=SOCIAL_CARD)
    assert clock.promised_days(case) == 5
    # 10-08 Thu, 10-09 Fri, 10-10 Sat (make-up), 10-12 Mon, 10-13 Tue.
    assert clock.deadline_on_acceptance(case, D(2026, 9, 30)) == D(2026, 10, 13)


def test_a_make_up_sunday_counts(catalog):
    case = make_case(catalog, S.SUBMITTED, code=SOCIAL_CARD)
    # Fri 09-18 + 5: 09-20 Sun (make-up), 09-21, 09-22, 09-23, 09-24.
    assert clock.deadline_on_acceptance(case, D(2026, 9, 18)) == D(2026, 9, 24)


def test_acceptance_sets_the_deadline_from_the_frozen_day(catalog, on_day):
    on_day(D(2026, 9, 30))
    case = make_case(catalog, S.SUBMITTED, code=SOCIAL_CARD)
    done = actions.do_transition(user("clerk_wuhan"), case, "accept")
    assert done.deadline == D(2026, 10, 13)


def test_the_implementations_own_promise_wins(catalog):
    case = make_case(catalog, S.SUBMITTED, code=SOCIAL_CARD)
    case.implementation.promised_days = 2
    assert clock.deadline_on_acceptance(case, D(2026, 9, 30)) == D(2026, 10, 9)


def test_an_on_the_spot_item_is_due_the_same_day(catalog, on_day):
    on_day(D(2026, 10, 9))
    case = make_case(catalog, S.SUBMITTED, code=UNEMPLOYMENT)
    assert case.version.case_kind == "on_the_spot"
    done = actions.do_transition(user("clerk_wuhan"), case, "accept")
    assert done.deadline == D(2026, 10, 9)
    assert clock.sla_state(done, D(2026, 10, 9)) == SlaState.NEAR_DUE
    assert clock.sla_state(done, D(2026, 10, 10)) == SlaState.OVERDUE


def _accepted_on(catalog, on_day, day: dt.date) -> Case:
    on_day(day)
    case = make_case(catalog, S.SUBMITTED, code=SOCIAL_CARD)
    case = actions.do_transition(user("clerk_wuhan"), case, "accept")
    return actions.do_transition(user("reviewer_wh_hrss"), case, "start_review")


def test_suspension_pauses_the_clock_by_the_working_days_it_lasts(catalog, on_day):
    case = _accepted_on(catalog, on_day, D(2026, 9, 30))
    assert case.deadline == D(2026, 10, 13)
    on_day(D(2026, 10, 9))
    case = actions.do_transition(user("reviewer_wh_hrss"), case, "suspend", reason="等待鉴定")
    assert case.clock_paused_on == D(2026, 10, 9)
    assert clock.sla_state(case, D(2026, 10, 20)) == SlaState.PAUSED  # never overdue while paused
    on_day(D(2026, 10, 12))
    case = actions.do_transition(user("reviewer_wh_hrss"), case, "resume")
    # Paused over 10-10 (make-up Saturday) and 10-12: two working days; 10-11 is a Sunday.
    assert case.paused_working_days == 2
    assert case.deadline == D(2026, 10, 15)
    assert case.clock_paused_on is None


def test_a_pause_over_the_holiday_moves_nothing_for_the_holiday_days(catalog, on_day):
    case = _accepted_on(catalog, on_day, D(2026, 9, 29))
    assert case.deadline == D(2026, 10, 12)
    on_day(D(2026, 9, 30))
    case = actions.do_transition(user("reviewer_wh_hrss"), case, "suspend", reason="等待")
    on_day(D(2026, 10, 8))
    case = actions.do_transition(user("reviewer_wh_hrss"), case, "resume")
    assert case.paused_working_days == 1  # only 10-08; National Day is not working time
    assert case.deadline == D(2026, 10, 13)


def test_correction_during_review_pauses_the_clock_until_the_applicant_supplements(
        catalog, on_day):
    case = _accepted_on(catalog, on_day, D(2026, 9, 30))
    on_day(D(2026, 10, 8))
    case = actions.do_transition(user("reviewer_wh_hrss"), case, "request_review_correction",
                                 problems=["银行卡号有误"])
    assert case.status == S.CORRECTION_REQUESTED and case.clock_paused_on == D(2026, 10, 8)
    on_day(D(2026, 10, 14))
    case = actions.do_transition(user("zhangsan"), case, "supplement")
    assert case.status == S.UNDER_REVIEW
    # (10-08, 10-14]: 10-09, 10-10, 10-12, 10-13, 10-14 = five working days.
    assert case.paused_working_days == 5
    assert case.deadline == calendar.add_working_days(D(2026, 10, 13), 5) == D(2026, 10, 20)


def test_sla_states_and_the_query_agree_day_by_day(catalog):
    deadline = D(2026, 10, 13)
    case = make_case(catalog, S.UNDER_REVIEW, deadline=deadline)
    seen = set()
    for offset in range(-25, 10):
        today = deadline + dt.timedelta(days=offset)
        state = clock.sla_state(case, today)
        seen.add(state)
        matching = {s for s in SlaState.values
                    if Case.objects.filter(clock.sla_q(s, today), pk=case.pk).exists()}
        assert matching == {state}, today
    assert seen == {SlaState.ON_TIME, SlaState.NEAR_DUE, SlaState.OVERDUE}
    # Due soon from two working days before: 10-09 (Fri) leaves 10-10, 10-12 … 3 days.
    assert clock.sla_state(case, D(2026, 10, 9)) == SlaState.ON_TIME
    assert clock.sla_state(case, D(2026, 10, 10)) == SlaState.NEAR_DUE
    assert clock.sla_state(case, D(2026, 10, 14)) == SlaState.OVERDUE


def test_completed_and_paused_cases_have_their_own_colour(catalog):
    done = make_case(catalog, S.COMPLETED)
    assert clock.sla_state(done, D(2027, 1, 1)) == SlaState.NONE
    paused = make_case(catalog, S.SUSPENDED, paused_on=D(2026, 10, 1))
    assert clock.sla_state(paused, D(2027, 6, 1)) == SlaState.PAUSED
    for state in SlaState.values:
        matched = set(Case.objects.filter(clock.sla_q(state, D(2027, 6, 1)))
                      .values_list("pk", flat=True))
        assert (done.pk in matched) == (state == SlaState.NONE)
        assert (paused.pk in matched) == (state == SlaState.PAUSED)


@pytest.mark.parametrize(("moment", "day"), [
    (dt.datetime(2026, 12, 1, 15, 59, 59, tzinfo=dt.UTC), D(2026, 12, 1)),  # 23:59:59 in Hubei
    (dt.datetime(2026, 12, 1, 16, 0, tzinfo=dt.UTC), D(2026, 12, 2)),  # midnight in Hubei
])
def test_the_day_a_case_is_received_is_hubeis_whatever_zone_is_active(moment, day):
    assert clock.day_of(moment) == day == timezone.localdate(moment)
    with timezone.override("UTC"):  # a zone activated for display does not move the day
        assert clock.day_of(moment) == day
