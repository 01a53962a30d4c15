"""The rating device at a window: only in the session of a clerk of that organization who
opened it; ratings are anonymous and linked to the organization and, optionally, a case."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import AuditEvent
from jingchu.reviews import actions
from jingchu.reviews.choices import RatingChannel
from jingchu.reviews.models import Rectification, Review, WindowDevice
from jingchu.reviews.tests.conftest import open_device, rate_at

pytestmark = pytest.mark.django_db


def url(org):
    return reverse("reviews:window", kwargs={"uid": org.uid})


def test_the_clerk_opens_the_device_and_a_citizen_rates_anonymously(client, world):
    org, clerk = world["orgs"]["wh-smzj"], world["users"]["clerk_wuhan"]
    client.force_login(clerk)
    page = client.get(url(org))
    assert page.status_code == 200 and 'value="open"' in page.content.decode()
    refused = client.post(url(org), {"op": "rate", "level": "5", "event": "consultation"})
    assert refused.status_code == 403 and not Review.objects.exists()
    assert client.post(url(org), {"op": "open"}).status_code == 302
    assert WindowDevice.objects.filter(organization=org, opened_by=clerk).count() == 1
    rated = client.post(url(org), {"op": "rate", "level": "1", "event": "consultation",
                                   "score_attitude": "1", "comment": "排队太久"})
    assert rated.status_code == 302
    review = Review.objects.get()
    assert review.rater is None and review.channel == RatingChannel.WINDOW_DEVICE
    assert review.organization == org and review.case is None and review.device is not None
    assert dict(review.scores.values_list("indicator", "score")) == {"attitude": 1,
                                                                     "overall": 1}
    assert Rectification.objects.get(review=review).organization == org
    big_buttons = client.get(url(org)).content.decode()
    assert big_buttons.count('name="level"') == 5
    # A kiosk: no menu leading to the clerk's other pages.
    assert 'class="topbar"' not in big_buttons and "/cases/workbench/" not in big_buttons


def test_another_session_of_the_same_clerk_has_no_device(client, world):
    org, clerk = world["orgs"]["wh-smzj"], world["users"]["clerk_wuhan"]
    client.force_login(clerk)
    client.post(url(org), {"op": "open"})
    other = Client()
    other.force_login(clerk)
    response = other.post(url(org), {"op": "rate", "level": "5", "event": "consultation"})
    assert response.status_code == 403 and not Review.objects.exists()


@pytest.mark.parametrize("who", ["zhangsan", "reviewer", "clerk_at_amr"])
def test_people_who_are_not_clerks_of_the_organization_are_refused(client, world, who):
    org = world["orgs"]["wh-smzj"]
    client.force_login(world["users"][who])
    assert client.get(url(org)).status_code == 403
    assert client.post(url(org), {"op": "open"}).status_code == 403
    assert not WindowDevice.objects.exists()


def test_without_signing_in_the_page_sends_to_the_login(client, world):
    response = client.get(url(world["orgs"]["wh-smzj"]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_token_is_bound_to_its_organization_and_clerk(world):
    hall, amr = world["orgs"]["wh-smzj"], world["orgs"]["wh-scjg"]
    clerk, amr_clerk = world["users"]["clerk_wuhan"], world["users"]["clerk_at_amr"]
    token = open_device(clerk, hall)
    with pytest.raises(NotPermitted):
        rate_at(amr, amr_clerk, token, 5)  # the hall's token at another organization
    with pytest.raises(NotPermitted):
        rate_at(hall, amr_clerk, token, 5)  # not the clerk who opened it
    with pytest.raises(NotPermitted):
        actions.do_open_window_device(amr_clerk, hall)
    assert rate_at(hall, clerk, token, 5).organization == hall


def test_a_closed_device_no_longer_rates(client, world):
    org, clerk = world["orgs"]["wh-smzj"], world["users"]["clerk_wuhan"]
    client.force_login(clerk)
    client.post(url(org), {"op": "open"})
    assert client.post(url(org), {"op": "close"}).status_code == 302
    assert WindowDevice.objects.get().closed_at is not None
    response = client.post(url(org), {"op": "rate", "level": "5", "event": "consultation"})
    assert response.status_code == 403 and not Review.objects.exists()


def test_the_clerk_may_link_a_case_by_its_number(world, completed_case):
    hall, clerk = world["orgs"]["wh-smzj"], world["users"]["clerk_wuhan"]
    token = open_device(clerk, hall)
    review = rate_at(hall, clerk, token, 4, event="submission",
                     case_number=completed_case.number)
    assert review.case == completed_case and review.item == completed_case.item
    assert review.organization == hall and review.rater is None
    with pytest.raises(ActionError) as again:
        rate_at(hall, clerk, token, 1, event="submission", case_number=completed_case.number)
    assert again.value.status == 409
    before = AuditEvent.objects.count()
    with pytest.raises(ActionError) as unknown:
        rate_at(hall, clerk, token, 1, event="submission", case_number="420100-01-x")
    assert unknown.value.code == "case_unknown"
    assert Review.objects.count() == 1 and AuditEvent.objects.count() == before


def test_a_case_of_another_organization_cannot_be_linked(world, completed_case):
    org = world["orgs"]["yc-zwzx"]
    from jingchu.reviews.tests.conftest import make_staff

    clerk = make_staff("yc_clerk", org, "window_clerk")
    token = open_device(clerk, org)
    with pytest.raises(ActionError) as refused:
        rate_at(org, clerk, token, 5, event="completion", case_number=completed_case.number)
    assert refused.value.code == "case_unknown"


def test_the_demo_loader_rates_at_the_hall_once(world):
    from jingchu.core.demo import DemoContext
    from jingchu.reviews import demo

    ctx = DemoContext(orgs=world["orgs"])
    demo.load_demo(ctx)
    demo.load_demo(ctx)
    assert Review.objects.count() == len(demo.RATINGS)
    assert not Review.objects.exclude(organization=world["orgs"]["wh-smzj"]).exists()
    assert WindowDevice.objects.get().closed_at is not None


def test_the_clerk_finds_their_windows(client, world):
    client.force_login(world["users"]["clerk_wuhan"])
    page = client.get(reverse("reviews:window_start"))
    assert page.status_code == 200 and url(world["orgs"]["wh-smzj"]) in page.content.decode()
    client.force_login(world["users"]["zhangsan"])
    assert client.get(reverse("reviews:window_start")).status_code == 403
