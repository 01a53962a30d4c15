"""What every way of rating shares: input validation, when a step can be rated, whom it rates,
and writing the rating with its rectification. Used by the other modules of this package."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.cases.choices import CaseStatus
from jingchu.cases.models import Case
from jingchu.core import audit, calendar
from jingchu.core.actions import do_enqueue_notification
from jingchu.core.choices import NotificationChannel
from jingchu.core.errors import ActionError
from jingchu.core.models import Organization
from jingchu.identity.models import User
from jingchu.reviews import permissions
from jingchu.reviews.choices import (
    BAD_LEVELS,
    INDICATORS,
    SCORE_MAX,
    SCORE_MIN,
    Indicator,
    Level,
    ServiceEvent,
)
from jingchu.reviews.models import Rectification, Review, ReviewScore

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


def clean_text(raw: Any, field: str, *, required: bool, limit: int = TEXT_MAX) -> str:
    text = str(raw or "").strip()
    if required and not text:
        raise ActionError("text_required", _("Please fill in this field."), {"field": field})
    if len(text) > limit:
        raise ActionError("text_too_long", _("At most %(limit)d characters.") % {"limit": limit},
                          {"field": field})
    return text


def clean_event(raw: Any) -> str:
    if raw not in ServiceEvent.values:
        raise ActionError("event_invalid", _("Unknown service event."), {"field": "event"})
    return str(raw)


# --- which step, which organization -------------------------------------------------------


def event_reached(case: Case, event: str) -> bool:
    """Whether the case has been through the service event, so it can be rated."""
    if event == ServiceEvent.COMPLETION:
        return case.status in DONE_STATUSES
    if event == ServiceEvent.SUBMISSION:
        return case.submitted_at is not None
    if event == ServiceEvent.CORRECTION:
        return case.events.filter(action="request_correction").exists()
    if event == ServiceEvent.PAYMENT:
        # Imported here: payments stands beside reviews, and only this branch needs it.
        from jingchu.payments.queries import case_paid

        return bool(case_paid(case))
    return True  # a consultation can be rated at any time


def rated_org(case: Case, event: str) -> Organization:
    """Intake events rate the organization that took the application in (the hall, for a
    counter case); handling events rate the organization that decides."""
    intake = {ServiceEvent.CONSULTATION, ServiceEvent.SUBMISSION, ServiceEvent.CORRECTION}
    if event in intake and case.accepting_org is not None:
        return case.accepting_org
    return case.handling_org


def require_reached(case: Case, event: str) -> None:
    if not event_reached(case, event):
        raise ActionError("event_not_reached",
                          _("This service step has not happened yet, so it cannot be rated."),
                          {"field": "event", "status": case.status}, status=409)


def locked_case(case: Case) -> Case:
    """The case row locked: it serializes two ratings of the same case, so "once" holds."""
    return Case.objects.select_for_update(of=("self",)).select_related(
        "accepting_org", "handling_org__region", "implementation", "version",
        "applicant__user").get(pk=case.pk)


# --- writing a rating ----------------------------------------------------------------------


def create_review(actor: Any, fields: dict[str, Any], scores: dict[str, int], *,
                  actor_label: str = "") -> Review:
    """Write the rating, its scores and its AuditEvent; a bad one opens its rectification.

    Every channel (online, window, phone, SMS) comes through here, inside its transaction;
    `actor_label` names the actor in the audit trail when it is no user (the SMS gateway)."""
    review = Review.objects.create(**fields)
    ReviewScore.objects.bulk_create(
        [ReviewScore(review=review, indicator=k, score=v) for k, v in scores.items()])
    audit.record("reviews.review.create", actor, review, {
        "level": review.level, "event": review.event, "channel": review.channel,
        "case": review.case.number if review.case else None,
        "organization": str(review.organization.uid),
    }, actor_label=actor_label)
    if review.level in BAD_LEVELS:
        open_rectification(actor, review, actor_label=actor_label)
    return review


def rectification_deadline(rated_at: dt.datetime) -> dt.date:
    """JINGCHU_RECTIFICATION_DAYS working days after the local day of the rating."""
    days: int = settings.RECTIFICATION_DAYS
    return calendar.add_working_days(timezone.localdate(rated_at), days)


def open_rectification(actor: Any, review: Review, *, actor_label: str = "") -> Rectification:
    """Called inside the rating's transaction, so a bad rating never exists without one."""
    days: int = settings.RECTIFICATION_DAYS
    deadline = rectification_deadline(review.created_at)
    rect = Rectification.objects.create(review=review, organization=review.organization,
                                        deadline=deadline, opened_at=review.created_at)
    audit.record("reviews.rectification.open", actor, rect,
                 {"review": str(review.uid), "deadline": deadline.isoformat(), "days": days},
                 actor_label=actor_label)
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
