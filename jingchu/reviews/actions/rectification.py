"""Rectifying a bad rating (call back, fix or explain, close) and appealing a malicious one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.core import audit
from jingchu.core.actions import do_enqueue_notification
from jingchu.core.choices import NotificationChannel
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.reviews import permissions
from jingchu.reviews.actions.common import clean_text
from jingchu.reviews.choices import BAD_LEVELS, AppealStatus, RectificationStatus, Resolution
from jingchu.reviews.models import Appeal, Rectification, Review


def _locked(rect: Rectification) -> Rectification:
    return Rectification.objects.select_for_update(of=("self",)).select_related(
        "review__rater__user", "organization").get(pk=rect.pk)


def _require_status(rect: Rectification, *allowed: str) -> None:
    if rect.status not in allowed:
        raise ActionError(
            "wrong_state",
            _("Not possible while the rectification is %(status)s.")
            % {"status": rect.get_status_display()},
            {"status": rect.status}, status=409)


@transaction.atomic
def do_record_callback(actor: Any, rect: Rectification, *, called_at: dt.datetime | None,
                       note: Any) -> Rectification:
    """The call-back to the rater (回访): when, by whom (the actor), what they said."""
    rect = _locked(rect)
    if not permissions.can_handle_rectification(actor, rect):
        raise NotPermitted(_("You may not handle this rectification."))
    _require_status(rect, RectificationStatus.OPEN)
    text = clean_text(note, "note", required=True)
    when = called_at or timezone.now()
    if when > timezone.now() or when < rect.review.created_at:
        raise ActionError("callback_time_invalid",
                          _("The call-back time must be between the rating and now."),
                          {"field": "called_at"})
    rect.callback_at, rect.callback_by, rect.callback_note = when, actor, text
    rect.status = RectificationStatus.CALLED_BACK
    rect.save()
    audit.record("reviews.rectification.callback", actor, rect,
                 {"called_at": when.isoformat()})
    return rect


def _tell_rater(actor: Any, rect: Rectification, subject: str, body: str) -> None:
    rater = rect.review.rater
    user = rater.user if rater is not None else None
    if user is not None and user.is_active:
        do_enqueue_notification(actor, user, NotificationChannel.SITE, subject, body)


@transaction.atomic
def do_resolve_rectification(actor: Any, rect: Rectification, *, resolution: Any,
                             text: Any) -> Rectification:
    """Record the fix or the explanation; the rater sees it on their rating."""
    rect = _locked(rect)
    if not permissions.can_handle_rectification(actor, rect):
        raise NotPermitted(_("You may not handle this rectification."))
    # An anonymous window rating leaves nobody to call back: it may be answered straight away.
    anonymous = rect.review.rater_id is None
    _require_status(rect, RectificationStatus.CALLED_BACK,
                    *([RectificationStatus.OPEN] if anonymous else []))
    if resolution not in (Resolution.FIXED, Resolution.EXPLAINED):
        raise ActionError("resolution_invalid", _("Choose fixed or explained."),
                          {"field": "resolution"})
    rect.resolution = str(resolution)
    rect.resolution_text = clean_text(text, "text", required=True)
    rect.resolved_at, rect.resolved_by = timezone.now(), actor
    rect.status = RectificationStatus.RESOLVED
    rect.save()
    audit.record("reviews.rectification.resolve", actor, rect, {"resolution": rect.resolution})
    _tell_rater(actor, rect, _("Your service rating has been answered"),
                _("%(org)s: %(text)s") % {"org": rect.organization.name,
                                          "text": rect.resolution_text})
    return rect


@transaction.atomic
def do_close_rectification(actor: Any, rect: Rectification) -> Rectification:
    """The approver's sign-off on the fix; on time when closed by the deadline."""
    rect = _locked(rect)
    if not permissions.can_close_rectification(actor, rect):
        raise NotPermitted(_("Only an approver of the organization may close a rectification."))
    _require_status(rect, RectificationStatus.RESOLVED)
    if Appeal.objects.filter(review_id=rect.review_id, status=AppealStatus.PENDING).exists():
        raise ActionError("appeal_pending", _("An appeal against this rating awaits decision."),
                          status=409)
    now = timezone.now()
    rect.closed_at, rect.closed_by = now, actor
    rect.closed_on_time = timezone.localdate(now) <= rect.deadline
    rect.status = RectificationStatus.CLOSED
    rect.save()
    audit.record("reviews.rectification.close", actor, rect,
                 {"on_time": rect.closed_on_time})
    return rect


# --- appeal ---------------------------------------------------------------------------------


@transaction.atomic
def do_file_appeal(actor: Any, review: Review, *, reason: Any) -> Appeal:
    """Staff of the rated organization contest a bad rating as malicious."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if not permissions.can_appeal(actor, review):
        raise NotPermitted(_("You may not appeal ratings of this organization."))
    if review.level not in BAD_LEVELS:
        raise ActionError("not_a_bad_rating", _("Only a bad rating can be appealed."),
                          status=409)
    if Appeal.objects.filter(review=review).exists():
        raise ActionError("already_appealed", _("This rating has already been appealed."),
                          status=409)
    rect = Rectification.objects.filter(review=review).first()
    if rect is not None and rect.status == RectificationStatus.CLOSED:
        raise ActionError("wrong_state", _("The rectification is already closed."), status=409)
    text = clean_text(reason, "reason", required=True)
    appeal = Appeal.objects.create(review=review, reason=text, filed_by=actor)
    audit.record("reviews.appeal.file", actor, appeal, {"review": str(review.uid)})
    return appeal


def _close_as_upheld(actor: Any, review: Review) -> None:
    rect = Rectification.objects.select_for_update().filter(review=review).first()
    if rect is None or rect.status == RectificationStatus.CLOSED:
        return
    rect.status, rect.resolution = RectificationStatus.CLOSED, Resolution.APPEAL_UPHELD
    rect.closed_at, rect.closed_by, rect.closed_on_time = timezone.now(), actor, None
    rect.save()
    audit.record("reviews.rectification.close", actor, rect,
                 {"resolution": Resolution.APPEAL_UPHELD})


@transaction.atomic
def do_decide_appeal(actor: Any, appeal: Appeal, *, uphold: bool, note: Any) -> Appeal:
    """Upheld: the rating leaves the statistics and its rectification closes. Rejected: stays."""
    appeal = Appeal.objects.select_for_update(of=("self",)).select_related("review").get(
        pk=appeal.pk)
    if not permissions.can_decide_appeal(actor, appeal):
        raise NotPermitted(_("Only another approver of the organization may decide."))
    if appeal.status != AppealStatus.PENDING:
        raise ActionError("already_decided", _("This appeal has already been decided."),
                          status=409)
    appeal.decision_note = clean_text(note, "note", required=True)
    appeal.status = AppealStatus.UPHELD if uphold else AppealStatus.REJECTED
    appeal.decided_by, appeal.decided_at = actor, timezone.now()
    appeal.save()
    review = Review.objects.select_for_update().get(pk=appeal.review_id)
    if uphold:
        review.excluded_from_stats = True
        review.save(update_fields=["excluded_from_stats"])
        _close_as_upheld(actor, review)
    audit.record("reviews.appeal.decide", actor, appeal,
                 {"review": str(review.uid), "upheld": uphold})
    return appeal
