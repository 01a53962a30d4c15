"""The rectification of a bad rating: call back, fix or explain, close; every refusal writes
nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import AuditEvent, Notification
from jingchu.reviews import actions
from jingchu.reviews.choices import RectificationStatus, Resolution
from jingchu.reviews.models import Rectification

pytestmark = pytest.mark.django_db


def fresh(rect):
    return Rectification.objects.get(pk=rect.pk)


def run_flow(users, rect):
    actions.do_record_callback(users["reviewer"], rect, called_at=None,
                               note="申请人说窗口态度不好")
    actions.do_resolve_rectification(users["reviewer"], rect, resolution="fixed",
                                      text="已对窗口人员批评教育")
    return actions.do_close_rectification(users["approver"], rect)


def test_the_whole_flow_closes_on_time(world, bad_review):
    users = world["users"]
    rect = bad_review.rectification
    closed = run_flow(users, rect)
    assert closed.status == RectificationStatus.CLOSED and closed.closed_on_time is True
    assert closed.callback_by == users["reviewer"] and closed.callback_note
    assert closed.resolution == Resolution.FIXED and closed.closed_by == users["approver"]
    actions_done = list(AuditEvent.objects.filter(object_id=str(rect.uid))
                        .order_by("at", "id").values_list("action", flat=True))
    assert actions_done == ["reviews.rectification.open", "reviews.rectification.callback",
                            "reviews.rectification.resolve", "reviews.rectification.close"]
    # The rater is told once the outcome is recorded.
    told = Notification.objects.filter(recipient=users["wangwu"],
                                       body__contains="已对窗口人员批评教育")
    assert told.count() == 1


def test_closing_after_the_deadline_is_late_and_overdue_is_flagged(world, bad_review):
    users = world["users"]
    rect = bad_review.rectification
    Rectification.objects.filter(pk=rect.pk).update(
        deadline=timezone.localdate() - dt.timedelta(days=1))
    assert fresh(rect).is_overdue
    closed = run_flow(users, fresh(rect))
    assert closed.closed_on_time is False and not closed.is_overdue


@pytest.mark.parametrize("who", ["zhangsan", "wangwu", "clerk_wuhan", "reviewer_amr",
                                 "clerk_at_amr"])
def test_outsiders_may_not_handle_it_and_nothing_is_written(world, bad_review, who):
    rect = bad_review.rectification
    before = AuditEvent.objects.count()
    user = world["users"][who]
    with pytest.raises(NotPermitted):
        actions.do_record_callback(user, rect, called_at=None, note="x")
    with pytest.raises(NotPermitted):
        actions.do_resolve_rectification(user, rect, resolution="fixed", text="x")
    with pytest.raises(NotPermitted):
        actions.do_close_rectification(user, rect)
    assert fresh(rect).status == RectificationStatus.OPEN and not fresh(rect).callback_note
    assert AuditEvent.objects.count() == before


def test_steps_out_of_order_are_refused_with_409(world, bad_review):
    users = world["users"]
    rect = bad_review.rectification
    with pytest.raises(ActionError) as early:
        actions.do_resolve_rectification(users["reviewer"], rect, resolution="fixed", text="x")
    assert early.value.status == 409 and early.value.code == "wrong_state"
    with pytest.raises(ActionError) as not_resolved:
        actions.do_close_rectification(users["approver"], rect)
    assert not_resolved.value.status == 409
    actions.do_record_callback(users["reviewer"], rect, called_at=None, note="回访")
    before = AuditEvent.objects.count()
    with pytest.raises(ActionError) as twice:
        actions.do_record_callback(users["reviewer"], rect, called_at=None, note="again")
    assert twice.value.status == 409
    assert fresh(rect).callback_note == "回访" and AuditEvent.objects.count() == before


def test_a_reviewer_may_not_close_an_approver_or_administrator_may(world, bad_review):
    users = world["users"]
    rect = bad_review.rectification
    actions.do_record_callback(users["reviewer"], rect, called_at=None, note="回访")
    actions.do_resolve_rectification(users["admin_org"], rect, resolution="explained",
                                      text="依法需要补充材料，已解释")
    with pytest.raises(NotPermitted):
        actions.do_close_rectification(users["reviewer"], rect)
    assert fresh(rect).status == RectificationStatus.RESOLVED
    assert actions.do_close_rectification(users["admin_org"], rect).status == "closed"


def test_bad_input_is_refused(world, bad_review):
    users = world["users"]
    rect = bad_review.rectification
    with pytest.raises(ActionError) as no_note:
        actions.do_record_callback(users["reviewer"], rect, called_at=None, note="  ")
    assert no_note.value.details["field"] == "note"
    future = timezone.now() + dt.timedelta(hours=2)
    with pytest.raises(ActionError) as later:
        actions.do_record_callback(users["reviewer"], rect, called_at=future, note="x")
    assert later.value.code == "callback_time_invalid"
    actions.do_record_callback(users["reviewer"], rect, called_at=None, note="回访")
    with pytest.raises(ActionError) as kind:
        actions.do_resolve_rectification(users["reviewer"], rect, resolution="appeal_upheld",
                                          text="x")
    assert kind.value.code == "resolution_invalid"
    with pytest.raises(ActionError) as empty:
        actions.do_resolve_rectification(users["reviewer"], rect, resolution="fixed", text="")
    assert empty.value.details["field"] == "text"
    assert fresh(rect).status == RectificationStatus.CALLED_BACK


def test_an_anonymous_window_rating_can_be_answered_without_a_call_back(world):
    from jingchu.reviews.tests.conftest import open_device, rate_at

    org = world["orgs"]["wh-scjg"]
    clerk = world["users"]["clerk_at_amr"]
    review = rate_at(org, clerk, open_device(clerk, org), 2)
    rect = review.rectification
    resolved = actions.do_resolve_rectification(world["users"]["reviewer"], rect,
                                                resolution="explained", text="已说明")
    assert resolved.status == RectificationStatus.RESOLVED


def test_the_handlers_of_the_rated_organization_are_told_at_once(world, bad_review):
    users = world["users"]
    told = set(Notification.objects.filter(body__contains=world["orgs"]["wh-scjg"].name)
               .values_list("recipient__username", flat=True))
    assert {"wh_reviewer", "wh_approver", "wh_approver2", "wh_admin"} <= told
    assert "wh_amr_clerk" not in told and users["reviewer_amr"].username not in told
