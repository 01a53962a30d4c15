"""Rating a case: levels and indicators, who may rate, once per step, when a step can be rated."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jingchu.core import calendar
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import AuditEvent
from jingchu.reviews import actions
from jingchu.reviews.choices import Indicator, RectificationStatus
from jingchu.reviews.models import Rectification, Review, ReviewScore
from jingchu.reviews.tests.conftest import make_case

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("raw", [0, 6, -1, "x", None, "", 3.5, True, "4.0"])
def test_a_level_outside_the_five_is_refused(raw):
    with pytest.raises(ActionError) as refused:
        actions.clean_level(raw)
    assert refused.value.code == "level_invalid"


@pytest.mark.parametrize("raw", [5, 4, 3, 2, 1, "5", "1"])
def test_the_five_levels_are_accepted(raw):
    assert actions.clean_level(raw) == int(raw)


def test_indicator_scores_are_checked_and_overall_defaults_to_the_level():
    assert actions.clean_scores({"attitude": "4", "efficiency": ""}, 2) == {
        "attitude": 4, "overall": 2}
    assert actions.clean_scores({"overall": 5}, 1) == {"overall": 5}
    for bad in ({"attitude": 0}, {"attitude": 6}, {"attitude": "good"}):
        with pytest.raises(ActionError) as refused:
            actions.clean_scores(bad, 3)
        assert refused.value.code == "score_invalid"
        assert refused.value.details["field"] == "scores.attitude"
    with pytest.raises(ActionError) as unknown:
        actions.clean_scores({"speed": 5}, 3)
    assert unknown.value.code == "indicator_unknown"


def test_the_applicant_rates_a_completed_case(world, completed_case):
    wangwu = world["users"]["wangwu"]
    review = actions.do_rate_case(wangwu, completed_case, event="completion", level=5,
                                  scores={"attitude": 5, "efficiency": 4}, comment="很快")
    assert review.rater == wangwu.person and review.channel == "online"
    assert review.organization == world["orgs"]["wh-scjg"]
    assert review.region == world["orgs"]["wh-scjg"].region
    assert review.item == completed_case.item and review.case == completed_case
    scores = dict(review.scores.values_list("indicator", "score"))
    assert scores == {Indicator.ATTITUDE: 5, Indicator.EFFICIENCY: 4, Indicator.OVERALL: 5}
    assert not Rectification.objects.exists()
    assert AuditEvent.objects.filter(action="reviews.review.create",
                                     object_id=str(review.uid)).exists()


def test_an_agent_of_the_enterprise_may_rate_too(world, completed_case):
    review = actions.do_rate_case(world["users"]["lisi"], completed_case, event="completion",
                                  level=4)
    assert review.rater == world["users"]["lisi"].person


@pytest.mark.parametrize("who", ["zhangsan", "reviewer", "clerk_wuhan"])
def test_only_the_applicant_may_rate(world, completed_case, who):
    before = AuditEvent.objects.count()
    with pytest.raises(NotPermitted):
        actions.do_rate_case(world["users"][who], completed_case, event="completion", level=1)
    assert not Review.objects.exists() and not Rectification.objects.exists()
    assert AuditEvent.objects.count() == before


def test_one_rating_per_step_per_rater(world, completed_case):
    wangwu = world["users"]["wangwu"]
    actions.do_rate_case(wangwu, completed_case, event="completion", level=2)
    with pytest.raises(ActionError) as again:
        actions.do_rate_case(wangwu, completed_case, event="completion", level=5)
    assert again.value.code == "already_rated" and again.value.status == 409
    assert Review.objects.count() == 1 and Rectification.objects.count() == 1
    # Another step of the same case is a separate rating.
    submission = actions.do_rate_case(wangwu, completed_case, event="submission", level=4)
    # The submission was taken in at 武汉市民之家: the intake step rates the hall.
    assert submission.organization == world["orgs"]["wh-smzj"]


def test_completion_can_be_rated_only_once_the_case_is_done(world):
    case = make_case(world["orgs"], world["users"], upto="start_review")
    wangwu = world["users"]["wangwu"]
    with pytest.raises(ActionError) as early:
        actions.do_rate_case(wangwu, case, event="completion", level=5)
    assert early.value.code == "event_not_reached" and early.value.status == 409
    with pytest.raises(ActionError) as never:
        actions.do_rate_case(wangwu, case, event="correction", level=5)
    assert never.value.code == "event_not_reached"
    assert actions.do_rate_case(wangwu, case, event="submission", level=5).pk
    assert not Review.objects.filter(event="completion").exists()


def test_unknown_event_and_long_comment_are_refused(world, completed_case):
    wangwu = world["users"]["wangwu"]
    with pytest.raises(ActionError) as event:
        actions.do_rate_case(wangwu, completed_case, event="lunch", level=5)
    assert event.value.code == "event_invalid"
    with pytest.raises(ActionError) as long_comment:
        actions.do_rate_case(wangwu, completed_case, event="completion", level=5,
                             comment="长" * 1001)
    assert long_comment.value.code == "text_too_long"
    assert not Review.objects.exists() and not ReviewScore.objects.exists()


@pytest.mark.parametrize("level", [1, 2])
def test_a_bad_rating_opens_a_rectification_due_in_five_working_days(world, completed_case,
                                                                     level):
    review = actions.do_rate_case(world["users"]["wangwu"], completed_case, event="completion",
                                  level=level)
    rect = review.rectification
    assert rect.status == RectificationStatus.OPEN
    assert rect.organization == world["orgs"]["wh-scjg"]
    assert rect.deadline == calendar.add_working_days(timezone.localdate(), 5)
    assert AuditEvent.objects.filter(action="reviews.rectification.open").count() == 1


def test_basically_satisfied_is_not_a_bad_rating(world, completed_case):
    actions.do_rate_case(world["users"]["wangwu"], completed_case, event="completion", level=3)
    assert not Rectification.objects.exists()


def test_the_deadline_counts_working_days_across_the_national_day_holiday(settings):
    settings.RECTIFICATION_DAYS = 5
    # Wednesday 30 September 2026, 23:00 in Wuhan: 1–7 October are holidays, Saturday
    # 10 October is a make-up working day. Working days: 8, 9, 10, 12, 13 October.
    rated = dt.datetime(2026, 9, 30, 15, 0, tzinfo=dt.UTC)
    assert actions.rectification_deadline(rated) == dt.date(2026, 10, 13)
    settings.RECTIFICATION_DAYS = 2
    assert actions.rectification_deadline(rated) == dt.date(2026, 10, 9)


def test_the_configured_number_of_days_is_used(world, completed_case, settings):
    settings.RECTIFICATION_DAYS = 3
    review = actions.do_rate_case(world["users"]["wangwu"], completed_case, event="completion",
                                  level=1)
    assert review.rectification.deadline == calendar.add_working_days(timezone.localdate(), 3)
