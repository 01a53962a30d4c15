"""Delivery of the notification outbox: claim a row, send it at most once, record the outcome.

The Celery task in `jingchu.core.tasks` is a thin wrapper around `deliver`; the logic lives here
so that it reads (and is tested) without Celery.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from jingchu.core import audit, sms
from jingchu.core.choices import NotificationChannel, NotificationStatus
from jingchu.core.models import Notification

logger = logging.getLogger("jingchu.notifications")

# A FAILED notification may be delivered again (an operator re-queues it); a SENT one never.
CLAIMABLE = (NotificationStatus.PENDING, NotificationStatus.FAILED)
SYSTEM_LABEL = "system"


class DeliveryError(Exception):
    """An attempt failed for a reason that may pass (mail server down); worth retrying."""


class PermanentDeliveryError(Exception):
    """An attempt failed for a reason a retry cannot fix (the recipient has no address)."""


def deliver(uid: str, *, final: bool = False) -> str:
    """Send one notification unless it was sent already; returns "sent", "skipped" or "failed".

    `final` says this is the last attempt Celery will make: a failure then marks the row FAILED
    and answers "failed"; otherwise a passing failure leaves the row PENDING and raises
    DeliveryError, which the task turns into a retry with backoff.
    """
    try:
        with transaction.atomic():
            note = _claim(uid)
            if note is None:
                return "skipped"
            _send(note)
            _mark_sent(note)
        return "sent"
    except PermanentDeliveryError as exc:
        _record_failure(uid, str(exc), give_up=True)
        return "failed"
    except OSError as exc:  # smtplib errors and refused connections are OSErrors
        _record_failure(uid, f"{type(exc).__name__}: {exc}", give_up=final)
        if final:
            return "failed"
        raise DeliveryError(str(exc)) from exc


def _claim(uid: str) -> Notification | None:
    # The conditional UPDATE is the claim: it row-locks on PostgreSQL (and takes the write lock
    # on SQLite) until this transaction ends, and a second worker's UPDATE, re-checked after our
    # commit, matches nothing once the row is SENT. So two workers cannot both send.
    claimed = Notification.objects.filter(uid=uid, status__in=CLAIMABLE).update(
        attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    return Notification.objects.select_related("recipient").get(uid=uid)


def _send(note: Notification) -> None:
    if note.channel == NotificationChannel.SITE:
        return  # a site message is delivered by being marked so; the inbox page lists it
    if note.channel == NotificationChannel.SMS:
        phone = sms.recipient_phone(note.recipient)
        if not phone:
            raise PermanentDeliveryError("the recipient has no mobile number")
        sms.backend().send(phone, sms.text_of(note.subject, note.body))
        return
    if note.channel != NotificationChannel.EMAIL:
        raise PermanentDeliveryError(f"unknown channel {note.channel!r}")
    address = note.recipient.email
    if not address:
        raise PermanentDeliveryError("the recipient has no e-mail address")
    send_mail(note.subject, note.body, None, [address], fail_silently=False)


def _mark_sent(note: Notification) -> None:
    note.status = NotificationStatus.SENT
    note.sent_at = timezone.now()
    note.last_error = ""
    note.save(update_fields=["status", "sent_at", "last_error"])
    audit.record(
        "core.notification.send", None, note,
        {"channel": note.channel, "recipient": str(note.recipient.uid),
         "attempts": note.attempts},
        actor_label=SYSTEM_LABEL,
    )


def _record_failure(uid: str, message: str, *, give_up: bool) -> None:
    status = NotificationStatus.FAILED if give_up else NotificationStatus.PENDING
    logger.warning("notification %s not delivered (%s): %s", uid, status, message)
    with transaction.atomic():
        updated = (
            Notification.objects.filter(uid=uid)
            .exclude(status=NotificationStatus.SENT)
            .update(attempts=F("attempts") + 1, last_error=message[:300], status=status)
        )
        if updated and give_up:
            note = Notification.objects.get(uid=uid)
            audit.record(
                "core.notification.fail", None, note,
                {"channel": note.channel, "attempts": note.attempts, "error": message[:300]},
                actor_label=SYSTEM_LABEL,
            )


def pending_uids(older_than_seconds: int) -> list[str]:
    """PENDING notifications created before the cut-off: their delivery message may be lost
    (the broker was down at commit time), so the sweeper schedules them again."""
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    rows = Notification.objects.filter(status=NotificationStatus.PENDING, created_at__lt=cutoff)
    return [str(uid) for uid in rows.values_list("uid", flat=True)]
