"""The in-app inbox: my site messages only, newest first, marked read by an action."""

from __future__ import annotations

import pytest

from jingchu.core.actions import do_enqueue_notification, do_mark_notifications_read
from jingchu.core.errors import ActionError
from jingchu.core.models import AuditEvent, Notification
from jingchu.identity.models import User

pytestmark = pytest.mark.django_db

URL = "/core/inbox/"


def _send(user, subject, channel="site"):
    return do_enqueue_notification(None, user, channel, subject, "正文")


@pytest.fixture
def people(demo_world):
    return User.objects.get(username="zhangsan"), User.objects.get(username="lisi")


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login" in response["Location"]
    assert client.post(URL).status_code == 302


def test_lists_my_site_messages_newest_first_and_nobody_elses(client, people):
    zhangsan, lisi = people
    _send(zhangsan, "第一条")
    _send(zhangsan, "第二条")
    _send(lisi, "李四的消息")
    zhangsan.email = "z@example.cn"
    zhangsan.save()
    _send(zhangsan, "邮件", channel="email")
    client.force_login(zhangsan)
    response = client.get(URL)
    assert [n.subject for n in response.context["page"]] == ["第二条", "第一条"]
    assert response.context["unread"] == 2
    assert "李四的消息" not in response.content.decode()


def test_mark_one_then_all_as_read(client, people):
    zhangsan, lisi = people
    first, second = _send(zhangsan, "一"), _send(zhangsan, "二")
    other = _send(lisi, "别人的")
    client.force_login(zhangsan)
    # Someone else's message is never touched, even when its uid is posted.
    client.post(URL, {"uid": [str(first.uid), str(other.uid), "not-a-uuid"]})
    first.refresh_from_db()
    other.refresh_from_db()
    assert first.read_at is not None and other.read_at is None
    read_at = first.read_at
    client.post(URL)
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.read_at is not None and first.read_at == read_at
    assert client.get(URL).context["unread"] == 0


def test_the_action_is_audited_and_refuses_anonymous(people):
    from django.contrib.auth.models import AnonymousUser

    zhangsan, _lisi = people
    _send(zhangsan, "一")
    assert do_mark_notifications_read(zhangsan) == 1
    assert AuditEvent.objects.filter(action="core.notification.read").count() == 1
    assert do_mark_notifications_read(zhangsan) == 0  # nothing new: nothing written
    assert AuditEvent.objects.filter(action="core.notification.read").count() == 1
    with pytest.raises(ActionError):
        do_mark_notifications_read(AnonymousUser())
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


def test_the_menu_offers_the_inbox_to_signed_in_users(client, people):
    assert 'href="/core/inbox/"' not in client.get("/").content.decode()
    client.force_login(people[0])
    assert 'href="/core/inbox/"' in client.get("/").content.decode()
