"""短信评价: the platform invites the applicant by SMS to rate a service event; the applicant
rates by replying, and the SMS gateway hands the reply to the inbound webhook.

The reply's grammar is in `jingchu.reviews.sms_reply`. A reply is matched on the sender's
number (by its blind index, as the invitation keeps it) and the reply code; the rating goes
through `create_review` like every other channel, so a bad one opens a rectification.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jingchu.cases.models import Case
from jingchu.core import audit, crypto, sms
from jingchu.core.actions import do_enqueue_notification
from jingchu.core.choices import NotificationChannel
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.reviews import permissions, sms_reply
from jingchu.reviews.actions.common import (
    clean_event,
    clean_scores,
    create_review,
    locked_case,
    rated_org,
    require_reached,
)
from jingchu.reviews.choices import RatingChannel, ServiceEvent, SmsInvitationStatus
from jingchu.reviews.models import Review, SmsRatingInvitation

logger = logging.getLogger("jingchu.reviews")

INVITATION_DAYS = 7
# The case steps (CaseEvent.action) after which the applicant is invited, and the service
# event the invitation rates. Completion only: one SMS per case, when there is most to rate.
INVITED_ON = {"complete": ServiceEvent.COMPLETION, "payment_paid": ServiceEvent.PAYMENT}
GATEWAY_LABEL = "sms-gateway"
CODE_ATTEMPTS = 8
OPEN = SmsInvitationStatus.OPEN


# --- inviting ------------------------------------------------------------------------------


def _invitation_text(inv: SmsRatingInvitation) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):  # stored once: the site's language
        subject = _("Please rate the service of application %(number)s") % {
            "number": inv.case.number or ""}
        body = _("Reply with \"%(code)s\" and a rating within %(days)d days: 5 very satisfied, "
                 "4 satisfied, 3 basically satisfied, 2 dissatisfied, 1 very dissatisfied. "
                 "Example: %(code)s 5") % {"code": inv.reply_code, "days": INVITATION_DAYS}
    return subject, body


def _send_direct(phone: str, text: str) -> None:
    """An SMS to a number without an account behind it (a walk-in applicant, a reply)."""
    try:
        sms.backend().send(phone, text)
    except OSError:
        logger.warning("SMS to a rating sender not delivered", exc_info=True)


def _send_later(phone: str, subject: str, body: str) -> None:
    text = sms.text_of(subject, body)
    transaction.on_commit(lambda: _send_direct(phone, text), robust=True)


def _free_code(now: dt.datetime) -> str:
    """A 6-digit code no open invitation holds; open ones past their expiry give theirs up."""
    for _attempt in range(CODE_ATTEMPTS):
        code = str(100000 + secrets.randbelow(900000))
        SmsRatingInvitation.objects.filter(reply_code=code, status=OPEN,
                                           expires_at__lte=now).update(
            status=SmsInvitationStatus.EXPIRED)
        if not SmsRatingInvitation.objects.filter(reply_code=code, status=OPEN).exists():
            return code
    raise ActionError("no_free_code", _("No reply code is free; try again."), status=409)


def _recipient(case: Case) -> tuple[Any, str]:
    """The applicant's account (when active) and the mobile number the invitation goes to."""
    person = case.applicant
    user = person.user if person.user is not None and person.user.is_active else None
    phone = sms.recipient_phone(user) if user is not None else str(person.phone or "")
    return user, phone


def _pending(case: Case, event: str, now: dt.datetime) -> SmsRatingInvitation | None:
    """The open invitation for this step, if one is still running; stale ones are expired."""
    mine = SmsRatingInvitation.objects.filter(case=case, event=event, person=case.applicant,
                                              status=OPEN)
    mine.filter(expires_at__lte=now).update(status=SmsInvitationStatus.EXPIRED)
    return mine.first()


def _create_invitation(case: Case, event: str, phone: str,
                       now: dt.datetime) -> SmsRatingInvitation:
    org = rated_org(case, event)
    try:
        with transaction.atomic():
            return SmsRatingInvitation.objects.create(
                case=case, event=event, organization=org, person=case.applicant,
                phone_index=crypto.blind_index(phone), reply_code=_free_code(now), sent_at=now,
                expires_at=now + dt.timedelta(days=INVITATION_DAYS))
    except IntegrityError:  # the same code or step taken at the same instant: rare, refused
        raise ActionError("invitation_conflict", _("Another invitation was just sent."),
                          status=409) from None


@transaction.atomic
def do_invite_sms_rating(actor: Any, case: Case, event: Any) -> SmsRatingInvitation | None:
    """Invite the applicant by SMS to rate the event: the platform does it on completion
    (actor None); staff handling the case may send one too. Answers the invitation, the one
    still open for this step, or None when there is nobody to invite (no mobile number, or
    the step is rated already)."""
    case = locked_case(case)
    if not permissions.can_invite_sms_rating(actor, case):
        raise NotPermitted(_("You may not invite ratings for this case."))
    event = clean_event(event)
    require_reached(case, event)
    user, phone = _recipient(case)
    if not phone or Review.objects.filter(case=case, event=event,
                                          rater=case.applicant).exists():
        return None
    now = timezone.now()
    pending = _pending(case, event, now)
    if pending is not None:
        return pending
    inv = _create_invitation(case, event, phone, now)
    audit.record("reviews.sms_invitation.send", actor, inv,
                 {"case": case.number, "event": event, "expires_at": inv.expires_at.isoformat()},
                 actor_label="" if actor is not None else "system")
    subject, body = _invitation_text(inv)
    if user is not None:
        do_enqueue_notification(actor, user, NotificationChannel.SMS, subject[:200], body)
    else:
        _send_later(phone, subject, body)
    return inv


# --- answering -----------------------------------------------------------------------------


@dataclass(frozen=True)
class InboundSms:
    """One message the gateway received: sender, text, when it reached the gateway."""

    sender: str
    text: str
    received_at: dt.datetime | None = None


def _received(at: dt.datetime | None) -> dt.datetime:
    """When the reply was sent; never later than now (a gateway clock running ahead)."""
    now = timezone.now()
    if at is None:
        return now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    return min(at, now)


def _unknown() -> ActionError:
    return ActionError("invitation_unknown",
                       _("No rating invitation with this reply code was sent to this number."),
                       status=404)


def _by_code(mine: Any, code: str) -> SmsRatingInvitation:
    inv: SmsRatingInvitation | None = (mine.filter(reply_code=code, status=OPEN).first()
                                       or mine.filter(reply_code=code).first())
    if inv is None:
        raise _unknown()
    return inv


def _without_code(mine: Any, at: dt.datetime) -> SmsRatingInvitation:
    running = list(mine.filter(status=OPEN, expires_at__gt=at)[:2])
    if len(running) > 1:
        raise ActionError(
            "reply_code_required",
            _("Several rating invitations await your reply: put the 6-digit code first, "
              "e.g. 123456 5."), status=400)
    inv: SmsRatingInvitation | None = running[0] if running else mine.first()
    if inv is None:
        raise _unknown()
    return inv


def _match(phone: str, code: str | None, at: dt.datetime) -> SmsRatingInvitation:
    mine = SmsRatingInvitation.objects.filter(phone_index=crypto.blind_index(phone))
    inv = _by_code(mine, code) if code else _without_code(mine, at)
    inv = SmsRatingInvitation.objects.select_for_update().select_related(
        "case", "person", "organization__region").get(pk=inv.pk)
    if inv.status == SmsInvitationStatus.ANSWERED:
        raise ActionError("invitation_answered",
                          _("This rating invitation has already been answered. Thank you."),
                          status=409)
    if inv.status == SmsInvitationStatus.EXPIRED or inv.expires_at <= at:
        raise ActionError("invitation_expired",
                          _("This rating invitation has expired; please rate online."),
                          {"expired_at": inv.expires_at.isoformat()}, status=409)
    return inv


def _parse(message: InboundSms) -> tuple[str, sms_reply.Reply]:
    phone = sms_reply.normalize_phone(message.sender)
    if not phone:
        raise ActionError("sender_invalid", _("The sender is not a mobile number."),
                          {"field": "from"})
    reply = sms_reply.parse(message.text)
    if reply is None:
        raise ActionError(
            "reply_unreadable",
            _("Your reply could not be read. Reply with the 6-digit code and a rating from "
              "5 (very satisfied) to 1 (very dissatisfied), e.g. 123456 5."),
            {"field": "text"})
    return phone, reply


@transaction.atomic
def do_rate_by_sms(message: InboundSms) -> Review:
    """Rate the invited step from a reply; refused with nothing written when the reply cannot
    be read or matches no open invitation of the sender (the caller proved the gateway)."""
    phone, reply = _parse(message)
    at = _received(message.received_at)
    inv = _match(phone, reply.code, at)
    case = locked_case(inv.case)
    if Review.objects.filter(case=case, event=inv.event, rater=inv.person).exists():
        raise ActionError("already_rated",
                          _("This service has already been rated. Thank you."), status=409)
    review = create_review(None, {
        "level": reply.level, "comment": reply.comment, "event": inv.event, "case": case,
        "organization": inv.organization, "item": case.item,
        "region": inv.organization.region, "channel": RatingChannel.SMS, "rater": inv.person,
    }, clean_scores({}, reply.level), actor_label=GATEWAY_LABEL)
    inv.status, inv.review, inv.answered_at = SmsInvitationStatus.ANSWERED, review, at
    inv.save(update_fields=["status", "review", "answered_at"])
    audit.record("reviews.sms_invitation.answer", None, inv,
                 {"review": str(review.uid), "level": review.level}, actor_label=GATEWAY_LABEL)
    _send_later(phone, _("Service rating"), _("Thank you: your rating was recorded."))
    return review


def answer_inbound_sms(message: InboundSms) -> Review:
    """Rate from the reply, or refuse it and tell the sender why by SMS. A number that was
    never invited hears nothing, so the webhook cannot be used to send SMS to strangers."""
    try:
        return do_rate_by_sms(message)
    except ActionError as exc:
        phone = sms_reply.normalize_phone(message.sender)
        if phone and SmsRatingInvitation.objects.filter(
                phone_index=crypto.blind_index(phone)).exists():
            _send_later(phone, _("Service rating"), exc.message)
        raise
