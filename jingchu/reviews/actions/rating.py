"""Ratings given by the applicant: online by themselves, or by phone to a staff member who
records it during a call-back survey (电话回访)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jingchu.cases.models import Case
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.reviews import permissions
from jingchu.reviews.actions.common import (
    COMMENT_MAX,
    clean_event,
    clean_level,
    clean_scores,
    clean_text,
    create_review,
    locked_case,
    rated_org,
    require_reached,
)
from jingchu.reviews.choices import RatingChannel
from jingchu.reviews.models import Review


@transaction.atomic
def do_rate_case(actor: Any, case: Case, *, event: Any, level: Any,
                 scores: Mapping[str, Any] | None = None, comment: Any = "") -> Review:
    """The applicant rates one service event of their own case, once."""
    case = locked_case(case)
    if not permissions.can_rate_case(actor, case):
        raise NotPermitted(_("Only the applicant may rate this case."))
    event = clean_event(event)
    level_value = clean_level(level)
    cleaned = clean_scores(scores, level_value)
    text = clean_text(comment, "comment", required=False, limit=COMMENT_MAX)
    require_reached(case, event)
    person = actor.person
    if Review.objects.filter(case=case, event=event, rater=person).exists():
        raise ActionError("already_rated", _("You have already rated this step of the case."),
                          {"field": "event"}, status=409)
    org = rated_org(case, event)
    return create_review(actor, {
        "level": level_value, "comment": text, "event": event, "case": case,
        "organization": org, "item": case.item, "region": org.region,
        "channel": RatingChannel.ONLINE, "rater": person,
    }, cleaned)


def _refuse_conflict(actor: Any, case: Case, org: Any) -> None:
    """The recorder must be independent of what is rated (回避): 403 with the reason."""
    conflict = permissions.phone_rating_conflict(actor, case, org)
    if conflict == "member":
        raise ActionError(
            "conflict_of_interest",
            _("You belong to the organization being rated, so you may not record its rating."),
            {"organization": str(org.uid)}, status=403)
    if conflict == "handled":
        raise ActionError(
            "conflict_of_interest",
            _("You took part in handling this case, so you may not record its rating."),
            {"case": case.number}, status=403)


@transaction.atomic
def do_record_phone_rating(actor: Any, case: Case, *, event: Any, level: Any,
                           scores: Mapping[str, Any] | None = None,
                           comment: Any = "") -> Review:
    """Record the rating the applicant gave on the phone (电话回访), in their name, once per step.

    The recorder is kept on the rating; whoever belongs to the rated organization or handled
    the case is refused (conflict of interest)."""
    case = locked_case(case)
    if not permissions.can_record_phone_ratings(actor):
        raise NotPermitted(_("Only an auditor may record ratings given by phone."))
    event = clean_event(event)
    level_value = clean_level(level)
    cleaned = clean_scores(scores, level_value)
    text = clean_text(comment, "comment", required=False, limit=COMMENT_MAX)
    org = rated_org(case, event)
    if not permissions.can_record_phone_rating(actor, org):
        raise NotPermitted(_("This organization is outside the region you survey."))
    _refuse_conflict(actor, case, org)
    require_reached(case, event)
    person = case.applicant
    if Review.objects.filter(case=case, event=event, rater=person).exists():
        raise ActionError("already_rated", _("The applicant has already rated this step."),
                          {"field": "event"}, status=409)
    return create_review(actor, {
        "level": level_value, "comment": text, "event": event, "case": case,
        "organization": org, "item": case.item, "region": org.region,
        "channel": RatingChannel.PHONE, "rater": person, "recorded_by": actor,
    }, cleaned)
