"""电话回访评价: an auditor records the rating an applicant gave by phone; outsiders, staff of the
rated organization and those who handled the case are refused with nothing written."""

from __future__ import annotations

import json

import pytest

from jingchu.core.errors import ActionError
from jingchu.core.models import AuditEvent
from jingchu.identity import actions as identity_actions
from jingchu.identity.choices import StaffRole
from jingchu.identity.models import User
from jingchu.reviews import actions, permissions
from jingchu.reviews.choices import RatingChannel, RectificationStatus
from jingchu.reviews.models import Rectification, Review
from jingchu.reviews.tests.conftest import make_staff

pytestmark = pytest.mark.django_db

PAYLOAD = {"event": "completion", "level": 2, "scores": {"attitude": 2},
           "comment": "回访：等了很久才拿到执照"}


def post(client, case, payload=None):
    return client.post(f"/api/v1/reviews/cases/{case.uid}/phone-ratings",
                       json.dumps(payload or PAYLOAD), content_type="application/json")


def form(case, level="2"):
    return {"case_number": case.number, "event": "completion", "level": level,
            "score_attitude": "2", "comment": "回访"}


def written() -> tuple[int, int, int]:
    return Review.objects.count(), Rectification.objects.count(), AuditEvent.objects.count()


@pytest.fixture
def auditor(world) -> User:
    return User.objects.get(username="auditor")  # 省政务办, the province


def test_an_auditor_records_a_phone_rating(client, world, completed_case, auditor):
    client.force_login(auditor)
    response = post(client, completed_case)
    assert response.status_code == 201, response.content
    body = response.json()
    review = Review.objects.get()
    assert body["uid"] == str(review.uid) and body["channel"] == "phone"
    assert body["recorded_by"] == str(auditor.uid)
    assert review.recorded_by == auditor and review.channel == RatingChannel.PHONE
    assert review.rater == world["users"]["wangwu"].person  # in the applicant's name
    assert review.organization == world["orgs"]["wh-scjg"] and review.level == 2
    assert dict(review.scores.values_list("indicator", "score")) == {"attitude": 2, "overall": 2}
    assert review.rectification.status == RectificationStatus.OPEN  # a bad one is followed up
    event = AuditEvent.objects.get(action="reviews.review.create")
    assert event.actor == auditor and event.details["channel"] == "phone"


def test_the_page_records_a_phone_rating(client, completed_case, auditor):
    client.force_login(auditor)
    assert client.get("/reviews/phone/").status_code == 200
    response = client.post("/reviews/phone/", form(completed_case, level="5"))
    assert response.status_code == 302, response.content.decode()[:2000]
    review = Review.objects.get()
    assert review.recorded_by == auditor and review.level == 5
    page = client.get("/reviews/phone/").content.decode()
    assert completed_case.number in page


@pytest.mark.parametrize("username", ["wangwu", "reviewer_amr", "clerk_wuhan"])
def test_staff_without_the_auditor_role_are_refused(client, world, completed_case, username):
    client.force_login(world["users"][username])
    before = written()
    assert post(client, completed_case).status_code == 403
    assert client.get("/reviews/phone/").status_code == 403
    assert client.post("/reviews/phone/", form(completed_case)).status_code == 403
    assert written() == before
    assert not permissions.can_record_phone_ratings(world["users"][username])


def test_an_anonymous_caller_is_refused(client, completed_case):
    assert post(client, completed_case).status_code == 401
    assert client.get("/reviews/phone/").status_code == 302  # to the sign-in page
    assert not Review.objects.exists()


def test_an_auditor_who_belongs_to_the_rated_organization_is_refused(client, world,
                                                                     completed_case):
    """An auditor at the province who also holds a role at the rated 武汉市市场监管局."""
    insider = make_staff("auditor_insider", world["orgs"]["hb-zwb"], StaffRole.AUDITOR)
    identity_actions.do_assign_role(None, staff=insider.staff,
                                    organization=world["orgs"]["wh-scjg"], role=StaffRole.REVIEWER)
    client.force_login(insider)
    before = written()
    response = post(client, completed_case)
    assert response.status_code == 403
    assert response.json()["code"] == "conflict_of_interest"
    assert response.json()["message"]
    page = client.post("/reviews/phone/", form(completed_case))
    assert page.status_code == 403
    assert written() == before


def test_an_auditor_at_the_rated_organization_itself_is_refused(world, completed_case):
    own = make_staff("auditor_own", world["orgs"]["wh-scjg"], StaffRole.AUDITOR)
    with pytest.raises(ActionError) as refused:
        actions.do_record_phone_rating(own, completed_case, event="completion", level=5)
    assert refused.value.code == "conflict_of_interest" and refused.value.status == 403
    assert not Review.objects.exists()


def test_an_auditor_who_took_part_in_the_case_is_refused(world, completed_case):
    """赵敏 accepted the case at 武汉市民之家; made an auditor, she still may not record it."""
    clerk = world["users"]["clerk_wuhan"]
    identity_actions.do_assign_role(None, staff=clerk.staff,
                                    organization=world["orgs"]["hb-zwb"], role=StaffRole.AUDITOR)
    with pytest.raises(ActionError) as refused:
        actions.do_record_phone_rating(clerk, completed_case, event="completion", level=5)
    assert refused.value.code == "conflict_of_interest"
    assert refused.value.details == {"case": completed_case.number}
    assert not Review.objects.exists()


def test_an_auditor_of_another_city_is_refused(client, world, completed_case):
    yichang = make_staff("auditor_yc", world["orgs"]["yc-zwzx"], StaffRole.AUDITOR)
    client.force_login(yichang)
    response = post(client, completed_case)
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert not Review.objects.exists()


def test_a_step_is_rated_once_whatever_the_channel(client, world, completed_case, auditor):
    actions.do_rate_case(world["users"]["wangwu"], completed_case, event="completion", level=4)
    client.force_login(auditor)
    before = written()
    response = post(client, completed_case)
    assert response.status_code == 409 and response.json()["code"] == "already_rated"
    assert written() == before
