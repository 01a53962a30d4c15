"""Appeals against malicious ratings: filed by staff, decided by another approver."""

from __future__ import annotations

import pytest

from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import AuditEvent
from jingchu.reviews import actions, stats
from jingchu.reviews.choices import AppealStatus, RectificationStatus, Resolution
from jingchu.reviews.models import Appeal, Rectification, Review

pytestmark = pytest.mark.django_db


def org_stats(org):
    return stats.total(stats.StatsFilter(organization=org))


def test_an_upheld_appeal_excludes_the_rating_and_closes_the_rectification(world, bad_review):
    users, org = world["users"], world["orgs"]["wh-scjg"]
    assert org_stats(org).count == 1 and org_stats(org).bad == 1
    appeal = actions.do_file_appeal(users["reviewer"], bad_review, reason="同一人连续恶意差评")
    decided = actions.do_decide_appeal(users["approver"], appeal, uphold=True,
                                       note="经核实为恶意差评")
    assert decided.status == AppealStatus.UPHELD and decided.decided_by == users["approver"]
    review = Review.objects.get(pk=bad_review.pk)
    assert review.excluded_from_stats
    rect = Rectification.objects.get(review=review)
    assert rect.status == RectificationStatus.CLOSED
    assert rect.resolution == Resolution.APPEAL_UPHELD
    assert org_stats(org).count == 0 and org_stats(org).bad == 0
    assert AuditEvent.objects.filter(action="reviews.appeal.decide").count() == 1


def test_a_rejected_appeal_leaves_the_rating_counted(world, bad_review):
    users, org = world["users"], world["orgs"]["wh-scjg"]
    appeal = actions.do_file_appeal(users["reviewer"], bad_review, reason="恶意")
    actions.do_decide_appeal(users["approver"], appeal, uphold=False, note="理由不充分")
    assert not Review.objects.get(pk=bad_review.pk).excluded_from_stats
    assert Rectification.objects.get(review=bad_review).status == RectificationStatus.OPEN
    assert org_stats(org).count == 1
    with pytest.raises(ActionError) as again:
        actions.do_decide_appeal(users["approver"], appeal, uphold=True, note="改判")
    assert again.value.status == 409


def test_the_approver_who_filed_may_not_decide_another_may(world, bad_review):
    users = world["users"]
    appeal = actions.do_file_appeal(users["approver"], bad_review, reason="恶意")
    with pytest.raises(NotPermitted):
        actions.do_decide_appeal(users["approver"], appeal, uphold=True, note="x")
    assert Appeal.objects.get(pk=appeal.pk).status == AppealStatus.PENDING
    assert actions.do_decide_appeal(users["approver2"], appeal, uphold=True,
                                    note="x").status == "upheld"


@pytest.mark.parametrize("who", ["reviewer", "admin_org", "approver_amr", "zhangsan"])
def test_only_approvers_of_the_organization_decide(world, bad_review, who):
    users = world["users"]
    appeal = actions.do_file_appeal(users["approver"], bad_review, reason="恶意")
    before = AuditEvent.objects.count()
    with pytest.raises(NotPermitted):
        actions.do_decide_appeal(users[who], appeal, uphold=True, note="x")
    assert AuditEvent.objects.count() == before
    assert not Review.objects.get(pk=bad_review.pk).excluded_from_stats


def test_filing_is_refused_for_outsiders_good_ratings_and_twice(world, completed_case,
                                                                bad_review):
    users = world["users"]
    for outsider in ("wangwu", "clerk_wuhan", "reviewer_amr"):
        with pytest.raises(NotPermitted):
            actions.do_file_appeal(users[outsider], bad_review, reason="x")
    good = actions.do_rate_case(users["lisi"], completed_case, event="completion", level=5)
    with pytest.raises(ActionError) as not_bad:
        actions.do_file_appeal(users["reviewer"], good, reason="x")
    assert not_bad.value.status == 409
    actions.do_file_appeal(users["reviewer"], bad_review, reason="恶意")
    with pytest.raises(ActionError) as twice:
        actions.do_file_appeal(users["reviewer"], bad_review, reason="再次")
    assert twice.value.code == "already_appealed"
    assert Appeal.objects.count() == 1


def test_a_pending_appeal_holds_the_closure(world, bad_review):
    users = world["users"]
    rect = bad_review.rectification
    actions.do_record_callback(users["reviewer"], rect, called_at=None, note="回访")
    actions.do_resolve_rectification(users["reviewer"], rect, resolution="explained", text="说明")
    actions.do_file_appeal(users["reviewer"], bad_review, reason="恶意")
    with pytest.raises(ActionError) as held:
        actions.do_close_rectification(users["approver"], rect)
    assert held.value.code == "appeal_pending"
    assert Rectification.objects.get(pk=rect.pk).status == RectificationStatus.RESOLVED
