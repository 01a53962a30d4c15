"""The service-rating API: rate my case, list my ratings, public statistics, phone ratings
recorded by auditors, and the SMS gateway's inbound webhook (replies to rating invitations)."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.security import django_auth
from pydantic import ValidationError

from jingchu.cases.models import Case
from jingchu.core.errors import ActionError
from jingchu.reviews import actions, permissions, queries, stats
from jingchu.reviews.forms import StatsFilterForm
from jingchu.reviews.models import Rectification, Review
from jingchu.reviews.schemas import (
    PhoneRatingIn,
    RatingIn,
    RectificationOut,
    ReviewOut,
    SmsInboundIn,
    SmsInboundOut,
    StatsOut,
    StatsRowOut,
)
from jingchu.reviews.views.common import safe_get

router = Router(tags=["reviews"])


def _rectification(review: Review) -> RectificationOut | None:
    rect = safe_get(review, "rectification")
    if not isinstance(rect, Rectification):
        return None
    return RectificationOut(
        status=rect.status, deadline=rect.deadline.isoformat(), overdue=rect.is_overdue,
        called_back_at=rect.callback_at.isoformat() if rect.callback_at else None,
        resolution=rect.resolution, resolution_text=rect.resolution_text,
        closed_at=rect.closed_at.isoformat() if rect.closed_at else None,
    )


def review_out(review: Review) -> ReviewOut:
    return ReviewOut(
        uid=str(review.uid), level=review.level, level_label=str(review.get_level_display()),
        event=review.event, channel=review.channel,
        case_number=review.case.number if review.case else None,
        organization_uid=str(review.organization.uid),
        organization_name=review.organization.name,
        item_code=review.item.code if review.item else None,
        scores={s.indicator: s.score for s in review.scores.all()},
        comment=review.comment, created_at=review.created_at.isoformat(),
        excluded_from_stats=review.excluded_from_stats,
        rectification=_rectification(review),
        recorded_by=str(review.recorded_by.uid) if review.recorded_by else None,
    )


@router.post("/cases/{case_uid}/ratings", response={201: ReviewOut}, auth=django_auth)
def rate_case(request: HttpRequest, case_uid: uuid.UUID, body: RatingIn) -> Status[ReviewOut]:
    """Rate one service step of my case (once per step)."""
    case = queries.by_uid(Case, case_uid)
    permissions.require(permissions.can_rate_case(request.user, case))
    review = actions.do_rate_case(request.user, case, event=body.event, level=body.level,
                                  scores=body.scores, comment=body.comment)
    return Status(201, review_out(queries.reviews_detailed().get(pk=review.pk)))


@router.post("/cases/{case_uid}/phone-ratings", response={201: ReviewOut}, auth=django_auth)
def record_phone_rating(request: HttpRequest, case_uid: uuid.UUID,
                        body: PhoneRatingIn) -> Status[ReviewOut]:
    """Record the rating the applicant gave by phone in a call-back survey (auditors only;
    not for the rated organization's own staff nor those who handled the case)."""
    permissions.require(permissions.can_record_phone_ratings(request.user))
    case = queries.by_uid(Case, case_uid)
    review = actions.do_record_phone_rating(request.user, case, event=body.event,
                                            level=body.level, scores=body.scores,
                                            comment=body.comment)
    return Status(201, review_out(queries.reviews_detailed().get(pk=review.pk)))


SIGNATURE_HEADER = "X-Jingchu-Signature"
_INBOUND_DOC = {
    "requestBody": {"required": True, "content": {"application/json": {
        "schema": SmsInboundIn.model_json_schema(by_alias=True)}}},
    "parameters": [{
        "in": "header", "name": SIGNATURE_HEADER, "required": True, "schema": {"type": "string"},
        "description": "hex HMAC-SHA256 of the raw body under JINGCHU_SMS_INBOUND_SECRET, "
                       "optionally prefixed sha256=",
    }],
}


def _inbound_message(request: HttpRequest) -> actions.InboundSms:
    """The gateway's message, read only once the signature over the raw body is proven."""
    if not permissions.sms_gateway_configured():
        raise ActionError("sms_inbound_not_configured",
                          _("The SMS inbound webhook is off: JINGCHU_SMS_INBOUND_SECRET is not "
                            "set."), status=503)
    if not permissions.is_sms_gateway(request.body, request.headers.get(SIGNATURE_HEADER, "")):
        raise ActionError("signature_invalid",
                          _("The request is not signed with the SMS gateway's secret."),
                          {"header": SIGNATURE_HEADER}, status=403)
    try:
        body = SmsInboundIn.model_validate_json(request.body)
    except ValidationError as exc:
        errors = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
        raise ActionError("invalid_input", _("The request is not valid."),
                          {"errors": errors}) from None
    return actions.InboundSms(sender=body.sender, text=body.text,
                              received_at=body.received_at)


@router.post("/sms/inbound", response={200: SmsInboundOut}, auth=None,
             openapi_extra=_INBOUND_DOC)
def sms_inbound(request: HttpRequest) -> SmsInboundOut:
    """The SMS gateway forwards a reply to a rating invitation (短信评价). Signed by the
    gateway; a reply that cannot be read or matches no open invitation is refused with its
    code (reply_unreadable, invitation_unknown, invitation_expired, invitation_answered,
    reply_code_required, already_rated), nothing written, and the sender told why by SMS."""
    review = actions.answer_inbound_sms(_inbound_message(request))
    return SmsInboundOut(result="rated", review_uid=str(review.uid),
                         case_number=review.case.number if review.case else None,
                         level=review.level,
                         rectification_opened=safe_get(review, "rectification") is not None)


@router.get("/mine", response=list[ReviewOut], auth=django_auth)
def my_ratings(request: HttpRequest) -> list[ReviewOut]:
    """My ratings, newest first, each with the outcome of its rectification."""
    permissions.require(permissions.can_list_own_ratings(request.user))
    person = getattr(request.user, "person", None)
    return [review_out(r) for r in queries.my_reviews(person)[:200]]


class StatsQuery(Schema):
    by: str = "organization"
    region: str = ""
    organization: str = ""
    item: str = ""
    date_from: str = ""
    date_to: str = ""


def _row(row: stats.StatsRow) -> StatsRowOut:
    return StatsRowOut(key=row.key, label=row.label, count=row.count, good=row.good,
                       bad=row.bad, good_rate=row.good_rate,
                       rectified_on_time=row.rectified_on_time,
                       rectification_due=row.rectification_due, on_time_rate=row.on_time_rate,
                       averages=row.averages)


@router.get("/stats", response=StatsOut, auth=None)
def statistics(request: HttpRequest, query: Query[StatsQuery]) -> StatsOut:
    """Public statistics by organization, item or region (a region includes its descendants)."""
    permissions.require(permissions.can_view_stats(request.user))
    form = StatsFilterForm(query.dict())
    if not form.is_valid():
        errors: dict[str, Any] = {k: [str(m) for m in v] for k, v in form.errors.items()}
        raise ActionError("filter_invalid", _("The filters are not valid."), {"errors": errors})
    f = form.to_filter()
    return StatsOut(by=f.by, total=_row(stats.total(f)), rows=[_row(r) for r in stats.rows(f)])
