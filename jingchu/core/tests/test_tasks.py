"""The notification outbox on the embedded (eager, in-process) path."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from jingchu import celery_app
from jingchu.core import actions, notifications, tasks
from jingchu.core.choices import NotificationChannel, NotificationStatus
from jingchu.core.errors import ActionError
from jingchu.core.models import AuditEvent, Notification
from jingchu.identity.choices import UserKind
from jingchu.identity.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite_smoke]

REFUSING = "jingchu.core.tests.test_tasks.RefusingBackend"
FLAKY = "jingchu.core.tests.test_tasks.FlakyBackend"


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    calls = 0

    def send_messages(self, email_messages: Any) -> int:
        type(self).calls += 1
        raise ConnectionRefusedError("mail server refused the connection")


class FlakyBackend(BaseEmailBackend):
    """Refuses the first two attempts, then accepts; keeps what it accepted."""

    calls = 0
    sent: list[Any] = []

    def send_messages(self, email_messages: Any) -> int:
        type(self).calls += 1
        if type(self).calls <= 2:
            raise ConnectionRefusedError("try again")
        type(self).sent.extend(email_messages)
        return len(email_messages)


@pytest.fixture
def citizen() -> User:
    return User.objects.create_user(
        username="outbox_citizen", email="citizen@example.org", kind=UserKind.PERSON
    )


@pytest.fixture
def sender() -> User:
    return User.objects.create_user(username="outbox_sender", kind=UserKind.STAFF)


def _enqueue(sender: User, citizen: User, capture: Any, **overrides: str) -> Notification:
    args = {"channel": NotificationChannel.EMAIL, "subject": "Case accepted",
            "body": "Your case 2026-0001 was accepted."}
    args.update(overrides)
    with capture(execute=True):
        note = actions.do_enqueue_notification(sender, citizen, **args)
    note.refresh_from_db()
    return note


def test_email_is_sent_once_after_commit_and_audited(
    sender, citizen, django_capture_on_commit_callbacks, mailoutbox
):
    note = _enqueue(sender, citizen, django_capture_on_commit_callbacks)
    assert note.status == NotificationStatus.SENT
    assert note.sent_at is not None
    assert note.attempts == 1
    assert note.last_error == ""
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["citizen@example.org"]
    assert mailoutbox[0].subject == "Case accepted"
    actions_logged = list(
        AuditEvent.objects.filter(object_id=str(note.uid)).values_list("action", flat=True)
    )
    assert sorted(actions_logged) == ["core.notification.enqueue", "core.notification.send"]


def test_delivery_waits_for_the_commit(sender, citizen, django_capture_on_commit_callbacks,
                                       mailoutbox):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        note = actions.do_enqueue_notification(
            sender, citizen, NotificationChannel.EMAIL, "Hello", "Body"
        )
    note.refresh_from_db()
    assert len(callbacks) == 1
    assert note.status == NotificationStatus.PENDING
    assert mailoutbox == []


def test_a_sent_notification_is_never_sent_twice(
    sender, citizen, django_capture_on_commit_callbacks, mailoutbox
):
    note = _enqueue(sender, citizen, django_capture_on_commit_callbacks)
    # A redelivered message (worker restart, the sweeper) runs the task again.
    assert tasks.deliver_notification.delay(str(note.uid)).get() == "skipped"
    assert tasks.deliver_notification(str(note.uid)) == "skipped"
    note.refresh_from_db()
    assert len(mailoutbox) == 1
    assert note.attempts == 1
    assert AuditEvent.objects.filter(action="core.notification.send").count() == 1


def test_site_message_is_marked_delivered_without_mail(
    sender, citizen, django_capture_on_commit_callbacks, mailoutbox
):
    note = _enqueue(sender, citizen, django_capture_on_commit_callbacks,
                    channel=NotificationChannel.SITE)
    assert note.status == NotificationStatus.SENT
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"channel": "pigeon"}, "channel_invalid"),
        ({"subject": "   "}, "subject_invalid"),
        ({"subject": "x" * 201}, "subject_invalid"),
        ({"body": ""}, "body_required"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(sender, citizen, overrides, code):
    args = {"channel": NotificationChannel.EMAIL, "subject": "S", "body": "B", **overrides}
    with pytest.raises(ActionError) as caught:
        actions.do_enqueue_notification(sender, citizen, **args)
    assert caught.value.code == code
    assert not Notification.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="core.notification").exists()


def test_email_to_a_user_without_address_is_refused(sender):
    nobody = User.objects.create_user(username="no_mail", kind=UserKind.PERSON)
    with pytest.raises(ActionError) as caught:
        actions.do_enqueue_notification(sender, nobody, NotificationChannel.EMAIL, "S", "B")
    assert caught.value.code == "recipient_no_email"
    inactive = User.objects.create_user(username="gone", email="g@example.org", is_active=False)
    with pytest.raises(ActionError) as caught:
        actions.do_enqueue_notification(sender, inactive, NotificationChannel.SITE, "S", "B")
    assert caught.value.code == "recipient_invalid"
    assert not Notification.objects.exists()


def test_rolled_back_enqueue_schedules_nothing(sender, citizen, mailoutbox,
                                               django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        actions.do_enqueue_notification(sender, citizen, NotificationChannel.EMAIL, "S", "B")
        raise RuntimeError("the caller's own work failed")
    assert callbacks == []
    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_embedded_mode_makes_one_attempt_and_keeps_the_error(
    sender, citizen, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = REFUSING
    RefusingBackend.calls = 0
    # Eager: delivery runs inside the caller's request, so no sleeping retries there; the
    # failure is recorded, and it is not raised into the caller.
    note = _enqueue(sender, citizen, django_capture_on_commit_callbacks)
    assert RefusingBackend.calls == 1
    assert note.status == NotificationStatus.FAILED
    assert note.attempts == 1
    assert "refused" in note.last_error
    assert note.sent_at is None
    failed = AuditEvent.objects.get(action="core.notification.fail")
    assert failed.object_id == str(note.uid)
    assert not AuditEvent.objects.filter(action="core.notification.send").exists()


@pytest.fixture
def worker_like() -> Any:
    """Run the task as a worker would (retries on), still in-process: Celery then replays the
    retries at once instead of after the backoff."""
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.task_eager_propagates)
    conf.task_always_eager, conf.task_eager_propagates = False, False
    yield
    conf.task_always_eager, conf.task_eager_propagates = saved


def _pending(sender: User, citizen: User, capture: Any) -> Notification:
    with capture(execute=False):
        return actions.do_enqueue_notification(
            sender, citizen, NotificationChannel.EMAIL, "S", "B"
        )


def test_worker_retries_then_marks_failed(
    sender, citizen, django_capture_on_commit_callbacks, settings, worker_like
):
    settings.EMAIL_BACKEND = REFUSING
    RefusingBackend.calls = 0
    note = _pending(sender, citizen, django_capture_on_commit_callbacks)
    tasks.deliver_notification.apply(args=(str(note.uid),))
    note.refresh_from_db()
    assert RefusingBackend.calls == tasks.MAX_RETRIES + 1
    assert note.status == NotificationStatus.FAILED
    assert note.attempts == tasks.MAX_RETRIES + 1
    assert AuditEvent.objects.filter(action="core.notification.fail").count() == 1


def test_worker_retries_a_passing_failure_until_sent(
    sender, citizen, django_capture_on_commit_callbacks, settings, worker_like
):
    settings.EMAIL_BACKEND = FLAKY
    FlakyBackend.calls, FlakyBackend.sent = 0, []
    note = _pending(sender, citizen, django_capture_on_commit_callbacks)
    tasks.deliver_notification.apply(args=(str(note.uid),))
    note.refresh_from_db()
    assert note.status == NotificationStatus.SENT
    assert note.attempts == 3
    assert note.last_error == ""
    assert len(FlakyBackend.sent) == 1


def test_retry_policy_is_backoff_on_delivery_errors_only():
    task: Any = tasks.deliver_notification
    assert task.autoretry_for == (notifications.DeliveryError,)
    assert task.retry_backoff and task.retry_jitter
    assert task.max_retries == tasks.MAX_RETRIES
    assert task.acks_late


def test_a_failed_attempt_before_the_last_stays_pending(sender, citizen, settings,
                                                       django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = REFUSING
    note = _pending(sender, citizen, django_capture_on_commit_callbacks)
    with pytest.raises(notifications.DeliveryError):
        notifications.deliver(str(note.uid), final=False)
    note.refresh_from_db()
    assert note.status == NotificationStatus.PENDING
    assert note.attempts == 1
    assert "refused" in note.last_error


def test_address_removed_before_delivery_fails_without_retry(
    sender, citizen, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        note = actions.do_enqueue_notification(
            sender, citizen, NotificationChannel.EMAIL, "S", "B"
        )
    User.objects.filter(pk=citizen.pk).update(email="")
    callbacks[0]()
    note.refresh_from_db()
    assert note.status == NotificationStatus.FAILED
    assert note.attempts == 1
    assert "no e-mail address" in note.last_error
    assert mailoutbox == []


def test_unknown_uid_is_skipped():
    assert notifications.deliver("00000000-0000-0000-0000-000000000000") == "skipped"


def test_sweeper_requeues_only_old_pending_rows(sender, citizen, mailoutbox,
                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        old = actions.do_enqueue_notification(sender, citizen, NotificationChannel.EMAIL,
                                              "Old", "B")
        fresh = actions.do_enqueue_notification(sender, citizen, NotificationChannel.EMAIL,
                                                "Fresh", "B")
    Notification.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=1)
    )
    assert tasks.requeue_pending_notifications(older_than_seconds=900) == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == NotificationStatus.SENT
    assert fresh.status == NotificationStatus.PENDING
    assert [m.subject for m in mailoutbox] == ["Old"]
