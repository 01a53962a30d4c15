"""The pages: rate my case, my ratings, the rectification queue and steps, appeals, menu."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jingchu.core.navigation import menu
from jingchu.reviews import actions
from jingchu.reviews.choices import AppealStatus, RectificationStatus
from jingchu.reviews.models import Appeal, Rectification, Review

pytestmark = pytest.mark.django_db


def test_rate_my_case_page(client, world, completed_case):
    url = reverse("reviews:rate", kwargs={"uid": completed_case.uid})
    client.force_login(world["users"]["wangwu"])
    page = client.get(url)
    assert page.status_code == 200 and completed_case.number in page.content.decode()
    bad = client.post(url, {"event": "completion", "level": "7"})
    assert bad.status_code == 400 and not Review.objects.exists()
    done = client.post(url, {"event": "completion", "level": "1", "score_attitude": "2",
                             "comment": "很差"})
    assert done.status_code == 302 and done["Location"] == reverse("reviews:mine")
    review = Review.objects.get()
    assert review.level == 1 and review.scores.get(indicator="attitude").score == 2
    mine = client.get(reverse("reviews:mine")).content.decode()
    assert "很差" in mine and review.rectification.deadline.strftime("%Y-%m-%d") in mine


@pytest.mark.parametrize("who", ["zhangsan", "reviewer", "clerk_wuhan"])
def test_rate_page_refuses_others(client, world, completed_case, who):
    client.force_login(world["users"][who])
    url = reverse("reviews:rate", kwargs={"uid": completed_case.uid})
    assert client.get(url).status_code == 403
    assert client.post(url, {"event": "completion", "level": "1"}).status_code == 403
    assert not Review.objects.exists()


def test_the_rectification_flow_on_the_pages(client, world, bad_review):
    users = world["users"]
    rect = bad_review.rectification
    client.force_login(users["reviewer"])
    queue = client.get(reverse("reviews:queue")).content.decode()
    assert reverse("reviews:rectification", kwargs={"uid": rect.uid}) in queue
    detail = reverse("reviews:rectification", kwargs={"uid": rect.uid})
    assert client.get(detail).status_code == 200
    step = reverse("reviews:rectification_resolve", kwargs={"uid": rect.uid})
    early = client.post(step, {"resolution": "fixed", "text": "x"})
    assert early.status_code == 409
    callback = reverse("reviews:rectification_callback", kwargs={"uid": rect.uid})
    assert client.post(callback, {"note": "申请人表示等候时间太长"}).status_code == 302
    assert client.post(step, {"resolution": "fixed", "text": "增加窗口"}).status_code == 302
    close = reverse("reviews:rectification_close", kwargs={"uid": rect.uid})
    assert client.post(close).status_code == 403  # a reviewer does not sign off
    client.force_login(users["approver"])
    assert client.post(close).status_code == 302
    assert Rectification.objects.get(pk=rect.pk).status == RectificationStatus.CLOSED
    client.force_login(users["wangwu"])
    mine = client.get(reverse("reviews:mine")).content.decode()
    assert "增加窗口" in mine


@pytest.mark.parametrize("who", ["zhangsan", "wangwu", "clerk_wuhan", "reviewer_amr"])
def test_staff_pages_refuse_outsiders(client, world, bad_review, who):
    rect = bad_review.rectification
    client.force_login(world["users"][who])
    assert client.get(reverse("reviews:rectification", kwargs={"uid": rect.uid})).status_code \
        == 403
    callback = reverse("reviews:rectification_callback", kwargs={"uid": rect.uid})
    assert client.post(callback, {"note": "x"}).status_code == 403
    assert client.get(reverse("reviews:appeal", kwargs={"uid": bad_review.uid})).status_code \
        == 403
    assert Rectification.objects.get(pk=rect.pk).status == RectificationStatus.OPEN


def test_queue_needs_a_handler_role(client, world):
    client.force_login(world["users"]["wangwu"])
    assert client.get(reverse("reviews:queue")).status_code == 403
    client.force_login(world["users"]["admin_org"])
    assert client.get(reverse("reviews:queue")).status_code == 200


def test_appeal_and_decision_pages(client, world, bad_review):
    users = world["users"]
    client.force_login(users["reviewer"])
    appeal_url = reverse("reviews:appeal", kwargs={"uid": bad_review.uid})
    assert client.get(appeal_url).status_code == 200
    assert client.post(appeal_url, {"reason": "恶意刷差评"}).status_code == 302
    appeal = Appeal.objects.get()
    decide = reverse("reviews:appeal_decide", kwargs={"uid": appeal.uid})
    assert client.get(decide).status_code == 403  # a reviewer does not decide
    assert client.get(reverse("reviews:appeals")).status_code == 403
    client.force_login(users["approver"])
    listing = client.get(reverse("reviews:appeals")).content.decode()
    assert decide in listing
    assert client.post(decide, {"decision": "uphold", "note": ""}).status_code == 400
    assert client.post(decide, {"decision": "uphold", "note": "属实"}).status_code == 302
    assert Appeal.objects.get().status == AppealStatus.UPHELD
    assert Review.objects.get().excluded_from_stats
    again = client.post(decide, {"decision": "reject", "note": "x"})
    assert again.status_code == 409


def test_menu_entries_follow_the_permissions(world):
    from django.contrib.auth.models import AnonymousUser

    def urls(user):
        return {url for _label, url in menu(user)}

    assert "/reviews/stats/" in urls(AnonymousUser())
    assert "/reviews/mine/" not in urls(AnonymousUser())
    assert "/reviews/mine/" in urls(world["users"]["wangwu"])
    reviewer = urls(world["users"]["reviewer"])
    assert "/reviews/rectifications/" in reviewer and "/reviews/appeals/" not in reviewer
    assert "/reviews/appeals/" in urls(world["users"]["approver"])
    assert "/reviews/window/" in urls(world["users"]["clerk_wuhan"])


def test_an_approver_elsewhere_neither_sees_nor_decides_the_appeal(client, world, bad_review):
    appeal = actions.do_file_appeal(world["users"]["reviewer"], bad_review, reason="x")
    client.force_login(world["users"]["approver_amr"])  # 省市场监管局, not 武汉市
    decide = reverse("reviews:appeal_decide", kwargs={"uid": appeal.uid})
    assert decide not in client.get(reverse("reviews:appeals")).content.decode()
    assert client.post(decide, {"decision": "uphold", "note": "x"}).status_code == 403
    assert Appeal.objects.get().status == AppealStatus.PENDING
    queue = client.get(reverse("reviews:queue"))  # their own organization's queue only
    rect_url = reverse("reviews:rectification", kwargs={"uid": bad_review.rectification.uid})
    assert queue.status_code == 200 and rect_url not in queue.content.decode()


def test_the_case_page_offers_the_rating_to_its_applicant_only(client, world, completed_case):
    page = f"/cases/{completed_case.uid}/"
    client.force_login(world["users"]["wangwu"])
    assert f'href="/reviews/rate/{completed_case.uid}/"' in client.get(page).content.decode()
    client.force_login(world["users"]["reviewer"])
    assert "/reviews/rate/" not in client.get(page).content.decode()
