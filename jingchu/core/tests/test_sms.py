"""SMS goes through the adapter; the default adapter's outbox is a JSON-lines file."""

from __future__ import annotations

import json

import pytest

from jingchu.core.actions import do_enqueue_notification
from jingchu.core.choices import NotificationChannel, NotificationStatus
from jingchu.core.errors import ActionError
from jingchu.core.models import AuditEvent, Notification
from jingchu.identity.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox(settings, tmp_path):
    settings.SMS_OUTBOX_PATH = tmp_path / "sms.jsonl"
    settings.SMS_BACKEND = "jingchu.core.sms.FileOutboxBackend"
    return settings.SMS_OUTBOX_PATH


def test_sms_reaches_the_citizen_s_mobile_through_the_outbox(
        demo_world, outbox, django_capture_on_commit_callbacks):
    zhangsan = User.objects.get(username="zhangsan")
    with django_capture_on_commit_callbacks(execute=True):
        note = do_enqueue_notification(None, zhangsan, NotificationChannel.SMS, "办件已受理",
                                       "您的申请已受理。")
    note.refresh_from_db()
    assert note.status == NotificationStatus.SENT
    [line] = outbox.read_text(encoding="utf-8").splitlines()
    message = json.loads(line)
    assert message["phone"] == zhangsan.person.phone
    assert message["text"].startswith("【荆楚政务】办件已受理")


def test_a_recipient_without_a_mobile_number_is_refused_and_nothing_written(demo_world, outbox):
    auditor = User.objects.get(username="auditor")  # staff without a phone in the demo
    before = (Notification.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ActionError) as refused:
        do_enqueue_notification(None, auditor, NotificationChannel.SMS, "s", "b")
    assert refused.value.code == "recipient_no_phone"
    assert (Notification.objects.count(), AuditEvent.objects.count()) == before
    assert not outbox.exists()
