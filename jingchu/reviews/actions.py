"""Every state change of 好差评: rating, window devices, rectification, appeal.

Each action is atomic, writes an AuditEvent, and refuses bad input with an ActionError before it
writes anything: 400 bad input, 403 not permitted, 409 wrong state or already done.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.cases.choices import CaseStatus
from jingchu.cases.models import Case
from jingchu.core import audit, calendar
from jingchu.core.actions import do_enqueue_notification
from jingchu.core.choices import NotificationChannel
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import Organization
from jingchu.identity.models import User
from jingchu.reviews import permissions
from jingchu.reviews.choices import (
    BAD_LEVELS,
    INDICATORS,
    SCORE_MAX,
    SCORE_MIN,
    AppealStatus,
    Indicator,
    Level,
    RatingChannel,
    RectificationStatus,
    Resolution,
    ServiceEvent,
)
from jingchu.reviews.models import Appeal, Rectification, Review, ReviewScore, WindowDevice

COMMENT_MAX = 1000
TEXT_MAX = 2000
DONE_STATUSES = frozenset({CaseStatus.DECIDED, CaseStatus.COMPLETED, CaseStatus.DELIVERED})


# --- validation ---------------------------------------------------------------------------


def _whole(raw: Any) -> int:
    """A whole number given as an int or a string of digits; anything else (3.5, True) is 0."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().isdigit():
        return int(raw.strip())
    return 0


def clean_level(raw: Any) -> int:
    level = _whole(raw)
    if level not in Level.values:
        raise ActionError("level_invalid", _("Choose one of the five rating levels."),
                          {"field": "level"})
    return level


def clean_scores(raw: Mapping[str, Any] | None, level: int) -> dict[str, int]:
    """Indicator scores 1–5 for the configured indicators; blanks are skipped, and 整体满意度
    defaults to the level itself when the rater left it blank."""
    scores: dict[str, int] = {}
    for name, value in (raw or {}).items():
        if name not in INDICATORS:
            raise ActionError("indicator_unknown", _("Unknown indicator: %s") % name,
                              {"field": f"scores.{name}"})
        if value is None or value == "":
            continue
        score = _whole(value)
        if not SCORE_MIN <= score <= SCORE_MAX:
            raise ActionError("score_invalid", _("Each score is a whole number from 1 to 5."),
                              {"field": f"scores.{name}"})
        scores[name] = score
    if Indicator.OVERALL in INDICATORS:
        scores.setdefault(Indicator.OVERALL, level)
    return scores


def _clean_text(raw: Any, field: str, *, required: bool, limit: int = TEXT_MAX) -> str:
    text = str(raw or "").strip()
    if required and not text:
        raise ActionError("text_required", _("Please fill in this field."), {"field": field})
    if len(text) > limit:
        raise ActionError("text_too_long", _("At most %(limit)d characters.") % {"limit": limit},
                          {"field": field})
    return text


def _clean_event(raw: Any) -> str:
    if raw not in ServiceEvent.values:
        raise ActionError("event_invalid", _("Unknown service event."), {"field": "event"})
    return str(raw)


# --- rating ---------------------------------------------------------------------------------


def event_reached(case: Case, event: str) -> bool:
    """Whether the case has been through the service event, so it can be rated."""
    if event == ServiceEvent.COMPLETION:
        return case.status in DONE_STATUSES
    if event == ServiceEvent.SUBMISSION:
        return case.submitted_at is not None
    if event == ServiceEvent.CORRECTION:
        return case.events.filter(action="request_correction").exists()
    if event == ServiceEvent.PAYMENT:
        impl_fee = case.implementation.fee
        fee = impl_fee if impl_fee is not None else case.version.fee
        return case.accepted_at is not None and fee > Decimal("0")
    return True  # a consultation can be rated at any time


def rated_org(case: Case, event: str) -> Organization:
    """Intake events rate the organization that took the application in (the hall, for a
    counter case); handling events rate the organization that decides."""
    intake = {ServiceEvent.CONSULTATION, ServiceEvent.SUBMISSION, ServiceEvent.CORRECTION}
    if event in intake and case.accepting_org is not None:
        return case.accepting_org
    return case.handling_org


def _require_reached(case: Case, event: str) -> None:
    if not event_reached(case, event):
        raise ActionError("event_not_reached",
                          _("This service step has not happened yet, so it cannot be rated."),
                          {"field": "event", "status": case.status}, status=409)


def _create_review(actor: Any, fields: dict[str, Any], scores: dict[str, int]) -> Review:
    review = Review.objects.create(**fields)
    ReviewScore.objects.bulk_create(
        [ReviewScore(review=review, indicator=k, score=v) for k, v in scores.items()])
    audit.record("reviews.review.create", actor, review, {
        "level": review.level, "event": review.event, "channel": review.channel,
        "case": review.case.number if review.case else None,
        "organization": str(review.organization.uid),
    })
    if review.level in BAD_LEVELS:
        open_rectification(actor, review)
    return review


def rectification_deadline(rated_at: dt.datetime) -> dt.date:
    """JINGCHU_RECTIFICATION_DAYS working days after the local day of the rating."""
    days: int = settings.RECTIFICATION_DAYS
    return calendar.add_working_days(timezone.localdate(rated_at), days)


def open_rectification(actor: Any, review: Review) -> Rectification:
    """Called inside the rating's transaction, so a bad rating never exists without one."""
    days: int = settings.RECTIFICATION_DAYS
    deadline = rectification_deadline(review.created_at)
    rect = Rectification.objects.create(review=review, organization=review.organization,
                                        deadline=deadline, opened_at=review.created_at)
    audit.record("reviews.rectification.open", actor, rect,
                 {"review": str(review.uid), "deadline": deadline.isoformat(), "days": days})
    _tell_handlers(actor, rect)
    return rect


def _tell_handlers(actor: Any, rect: Rectification) -> None:
    """Every reviewer, approver and administrator of the rated organization hears of it."""
    users = User.objects.filter(
        is_active=True, staff__assignments__organization=rect.organization,
        staff__assignments__role__in=permissions.HANDLER_ROLES).distinct()
    subject = _("Bad service rating to rectify by %(date)s") % {
        "date": rect.deadline.isoformat()}
    body = _("%(org)s received a rating of %(level)s. Open the rectification queue.") % {
        "org": rect.organization.name, "level": rect.review.get_level_display()}
    for user in users:
        do_enqueue_notification(actor, user, NotificationChannel.SITE, subject, body)


@transaction.atomic
def do_rate_case(actor: Any, case: Case, *, event: Any, level: Any,
                 scores: Mapping[str, Any] | None = None, comment: Any = "") -> Review:
    """The applicant rates one service event of their own case, once."""
    # The lock serializes two ratings of the same case, so "once" holds under concurrency.
    case = Case.objects.select_for_update(of=("self",)).select_related(
        "accepting_org", "handling_org__region", "implementation", "version").get(pk=case.pk)
    if not permissions.can_rate_case(actor, case):
        raise NotPermitted(_("Only the applicant may rate this case."))
    event = _clean_event(event)
    level_value = clean_level(level)
    cleaned = clean_scores(scores, level_value)
    text = _clean_text(comment, "comment", required=False, limit=COMMENT_MAX)
    _require_reached(case, event)
    person = actor.person
    if Review.objects.filter(case=case, event=event, rater=person).exists():
        raise ActionError("already_rated", _("You have already rated this step of the case."),
                          {"field": "event"}, status=409)
    org = rated_org(case, event)
    return _create_review(actor, {
        "level": level_value, "comment": text, "event": event, "case": case,
        "organization": org, "item": case.item, "region": org.region,
        "channel": RatingChannel.ONLINE, "rater": person,
    }, cleaned)


# --- window devices -------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def do_open_window_device(actor: Any, organization: Organization) -> tuple[WindowDevice, str]:
    """A window clerk opens the tablet at their window; returns the device and its raw token,
    which the caller keeps in the clerk's session and nowhere else."""
    if not permissions.can_open_window_device(actor, organization):
        raise NotPermitted(_("Only a window clerk of this organization may open its device."))
    token = secrets.token_urlsafe(32)
    device = WindowDevice.objects.create(organization=organization, opened_by=actor,
                                         token_hash=_token_hash(token))
    audit.record("reviews.device.open", actor, device, {"organization": str(organization.uid)})
    return device, token


def live_device(actor: Any, token: str, organization: Organization) -> WindowDevice | None:
    """The open device behind the token, if it belongs to this clerk and this organization."""
    if not token or not permissions.can_open_window_device(actor, organization):
        return None
    return WindowDevice.objects.filter(
        token_hash=_token_hash(token), organization=organization, opened_by=actor,
        closed_at__isnull=True).first()


@transaction.atomic
def do_close_window_device(actor: Any, token: str, organization: Organization) -> WindowDevice:
    device = live_device(actor, token, organization)
    if device is None:
        raise NotPermitted(_("This device is not open."))
    device.closed_at = timezone.now()
    device.save(update_fields=["closed_at"])
    audit.record("reviews.device.close", actor, device)
    return device


def _window_case(number: str, organization: Organization) -> Case | None:
    if not number:
        return None
    case = Case.objects.select_for_update().filter(number=number).first()
    if case is None or organization.pk not in (case.accepting_org_id, case.handling_org_id):
        raise ActionError("case_unknown",
                          _("No case with this number was handled at this organization."),
                          {"field": "case_number"})
    return case


@transaction.atomic
def do_rate_at_window(actor: Any, token: str, organization: Organization, *, event: Any,
                      level: Any, scores: Mapping[str, Any] | None = None,
                      comment: Any = "", case_number: Any = "") -> Review:
    """An anonymous rating from the device at the window, in the opening clerk's session."""
    device = live_device(actor, token, organization)
    if device is None:
        raise NotPermitted(_("The rating device has not been opened by a clerk here."))
    event = _clean_event(event)
    level_value = clean_level(level)
    cleaned = clean_scores(scores, level_value)
    text = _clean_text(comment, "comment", required=False, limit=COMMENT_MAX)
    case = _window_case(str(case_number or "").strip(), organization)
    if case is not None:
        _require_reached(case, event)
        if Review.objects.filter(case=case, event=event, rater__isnull=True).exists():
            raise ActionError("already_rated", _("This step of the case was already rated here."),
                              {"field": "case_number"}, status=409)
    return _create_review(actor, {
        "level": level_value, "comment": text, "event": event, "case": case,
        "organization": organization, "item": case.item if case else None,
        "region": organization.region, "channel": RatingChannel.WINDOW_DEVICE,
        "rater": None, "device": device,
    }, cleaned)


# --- rectification --------------------------------------------------------------------------


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
    text = _clean_text(note, "note", required=True)
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
    rect.resolution_text = _clean_text(text, "text", required=True)
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
    text = _clean_text(reason, "reason", required=True)
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
    appeal.decision_note = _clean_text(note, "note", required=True)
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
