"""Background jobs of the core app. Each is idempotent: running one twice does no harm."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from jingchu.core import notifications

MAX_RETRIES = 5


@shared_task(
    bind=True,
    autoretry_for=(notifications.DeliveryError,),
    max_retries=MAX_RETRIES,
    retry_backoff=30,  # 30 s, 60 s, 120 s … with jitter, capped below
    retry_backoff_max=3600,
    retry_jitter=True,
    # Acknowledge after the work: a worker killed mid-send leaves the message to be redelivered,
    # and the claim in `notifications.deliver` keeps the redelivery from sending twice.
    acks_late=True,
    ignore_result=True,
)
def deliver_notification(self: Any, uid: str) -> str:
    """Deliver one outbox row (e-mail or site message); retried with backoff on failure."""
    # In the embedded mode (always eager) the task runs inside the request that committed the
    # notification: one attempt, no sleeping retries there. A failure is kept as FAILED with
    # its error, and an operator can schedule it again.
    final = bool(self.app.conf.task_always_eager) or self.request.retries >= MAX_RETRIES
    return notifications.deliver(uid, final=final)


@shared_task(ignore_result=True)
def requeue_pending_notifications(older_than_seconds: int = 900) -> int:
    """Schedule again the PENDING rows whose delivery message was lost (broker down at commit).

    Meant for Celery beat every few minutes; safe to run at any time.
    """
    uids = notifications.pending_uids(older_than_seconds)
    for uid in uids:
        deliver_notification.delay(uid)
    return len(uids)
