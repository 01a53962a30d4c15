"""The password step: records, audit, lockout and its expiry, unknown usernames, next URLs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jingchu.core.models import AuditEvent
from jingchu.identity.models import LoginRecord, User
from jingchu.identity.services import SESSION_ACR_KEY
from jingchu.identity.tests.login_helpers import (
    PASSWORD,
    citizen,
    english_client,
    logged_in_user_id,
    post_login,
    staff,
    user_of,
)

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite_smoke]


@pytest.fixture
def client():
    return english_client()


@pytest.fixture
def max3(settings):
    settings.LOGIN_MAX_FAILURES = 3
    settings.LOGIN_LOCK_MINUTES = 15
    return settings


def test_login_page_has_the_contract_fields(client):
    page = client.get("/account/login/?next=/core/regions/").content.decode()
    for field in ('name="username"', 'name="password"', 'name="next"', "csrfmiddlewaretoken"):
        assert field in page
    assert 'value="/core/regions/"' in page


def test_citizen_login_succeeds_is_recorded_audited_and_rotates_the_session(client):
    person = citizen("huanghe")
    old_key = client.session.session_key
    response = post_login(client, "huanghe", HTTP_USER_AGENT="pytest-agent")
    assert response.status_code == 302
    assert response["Location"] == "/account/"
    assert str(logged_in_user_id(client)) == str(user_of(person).pk)
    assert client.cookies["sessionid"].value != old_key
    assert client.session[SESSION_ACR_KEY] == 1
    record = LoginRecord.objects.get(user=user_of(person))
    assert (record.success, record.stage, record.reason) == (True, "password", "ok")
    assert record.source_ip == "127.0.0.1"
    assert record.user_agent == "pytest-agent"
    event = AuditEvent.objects.get(action="identity.login.password.success")
    assert event.actor_id == user_of(person).pk


def test_next_is_followed_only_on_this_site(client):
    citizen("nexter")
    response = post_login(client, "nexter", next="/core/regions/")
    assert response["Location"] == "/core/regions/"
    client.post("/account/logout/")
    response = post_login(client, "nexter", next="https://evil.example/steal")
    assert response["Location"] == "/account/"


def test_wrong_password_is_refused_recorded_and_counted(client):
    person = citizen("wrongpw")
    response = post_login(client, "wrongpw", "not-the-password")
    assert response.status_code == 200
    assert "The username or password is incorrect." in response.content.decode()
    assert logged_in_user_id(client) is None
    user = User.objects.get(pk=user_of(person).pk)
    assert user.failed_logins == 1
    record = LoginRecord.objects.get(user=user)
    assert (record.success, record.stage, record.reason) == (False, "password", "bad_password")
    event = AuditEvent.objects.get(action="identity.login.password.failure")
    assert event.actor_id is None and event.object_id == str(user.uid)


def test_account_locks_after_max_failures_and_refuses_the_right_password(client, max3):
    person = citizen("locked")
    for _ in range(2):
        assert "incorrect" in post_login(client, "locked", "bad-one").content.decode()
    response = post_login(client, "locked", "bad-one")
    user = User.objects.get(pk=user_of(person).pk)
    assert user.locked_until is not None and user.locked_until > timezone.now()
    until = timezone.localtime(user.locked_until).strftime("%Y-%m-%d %H:%M")
    assert f"locked until {until}" in response.content.decode()
    response = post_login(client, "locked", PASSWORD)
    assert "locked until" in response.content.decode()
    assert logged_in_user_id(client) is None
    reasons = list(LoginRecord.objects.filter(user=user).order_by("at", "id")
                   .values_list("reason", flat=True))
    assert reasons == ["bad_password", "bad_password", "lock_started", "locked"]


def test_lock_expires_and_success_resets_the_count(client, max3):
    person = citizen("expires")
    for _ in range(3):
        post_login(client, "expires", "bad-one")
    # Freeze-free expiry: move the lock into the past instead of sleeping.
    User.objects.filter(pk=user_of(person).pk).update(
        locked_until=timezone.now() - dt.timedelta(seconds=1)
    )
    response = post_login(client, "expires", PASSWORD)
    assert response.status_code == 302
    user = User.objects.get(pk=user_of(person).pk)
    assert (user.failed_logins, user.locked_until) == (0, None)


def test_an_expired_lock_gives_a_fresh_count(client, max3):
    person = citizen("fresh")
    User.objects.filter(pk=user_of(person).pk).update(
        failed_logins=3, locked_until=timezone.now() - dt.timedelta(minutes=1)
    )
    response = post_login(client, "fresh", "bad-one")
    assert "incorrect" in response.content.decode()
    assert User.objects.get(pk=user_of(person).pk).failed_logins == 1


def test_success_resets_the_failure_count(client, max3):
    person = citizen("resets")
    post_login(client, "resets", "bad-one")
    post_login(client, "resets", "bad-one")
    post_login(client, "resets", PASSWORD)
    assert User.objects.get(pk=user_of(person).pk).failed_logins == 0


def _error_text(response) -> str:
    body = response.content.decode()
    start = body.index('id="login-error">') + len('id="login-error">')
    return body[start:body.index("</li>", start)]


def test_unknown_username_is_answered_exactly_like_a_known_one(client, max3):
    citizen("knownuser")
    known = [_error_text(post_login(client, "knownuser", "bad-one")) for _ in range(4)]
    unknown = [_error_text(post_login(client, "nobody-here", "bad-one")) for _ in range(4)]
    assert known == unknown
    assert "incorrect" in known[0] and "locked until" in known[2] and "locked until" in known[3]
    records = LoginRecord.objects.filter(username_tried="nobody-here").order_by("at", "id")
    assert [r.reason for r in records] == ["unknown_user", "unknown_user", "lock_started",
                                           "locked"]
    assert all(r.user_id is None for r in records)


def test_the_lock_of_an_unknown_username_expires_too(client, max3):
    for _ in range(3):
        post_login(client, "ghost", "bad-one")
    LoginRecord.objects.filter(username_tried="ghost").update(
        at=timezone.now() - dt.timedelta(minutes=16)
    )
    assert "incorrect" in _error_text(post_login(client, "ghost", "bad-one"))


def test_empty_form_is_refused_without_a_record(client):
    response = client.post("/account/login/", {"username": "", "password": ""})
    assert "Enter your username and password." in response.content.decode()
    assert LoginRecord.objects.count() == 0


def test_admin_login_cannot_skip_the_second_factor(client):
    member = staff("adminpath")
    User.objects.filter(pk=member.user_id).update(is_staff=True, is_superuser=True)
    response = client.post("/admin/login/?next=/admin/",
                           {"username": "adminpath", "password": PASSWORD})
    # Django's admin login is replaced by the platform's, which asks for the second factor.
    assert response.status_code == 302
    assert response["Location"] == "/account/login/?next=/admin/"
    assert logged_in_user_id(client) is None
    # The backend refuses the password-only path too, should anything post to it directly.
    from django.contrib.auth import authenticate
    from django.test import RequestFactory

    request = RequestFactory().post("/admin/login/")
    assert authenticate(request, username="adminpath", password=PASSWORD) is None


def test_a_request_less_authenticate_still_works_for_staff(client):
    # Client.login() passes no request: tests and the shell keep the plain password check.
    staff("shellstaff")
    assert client.login(username="shellstaff", password=PASSWORD)
