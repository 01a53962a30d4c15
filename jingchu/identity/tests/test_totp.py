"""The TOTP second factor: enrolment, verification, replay, lockout, the demo command."""

from __future__ import annotations

import datetime as dt
import io
import re

import pyotp
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from jingchu.identity.actions.login import PENDING_KEY
from jingchu.identity.demo import DEMO_PASSWORD
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
    with_totp,
    wrong_code,
)

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite_smoke]

ENROL = "/account/login/totp/enrol/"
CODE = "/account/login/totp/"


@pytest.fixture
def client():
    return english_client()


def _secret_on_page(response) -> str:
    match = re.search(r'data-secret="([A-Z2-7]+)"', response.content.decode())
    assert match, "the enrolment page shows the key for manual entry"
    return match.group(1)


def test_staff_without_totp_enrols_then_is_logged_in(client):
    member = staff("enroller")
    response = post_login(client, "enroller", next="/core/regions/")
    assert response["Location"] == ENROL
    assert logged_in_user_id(client) is None
    page = client.get(ENROL)
    assert page.status_code == 200 and "<svg" in page.content.decode()
    secret = _secret_on_page(page)
    user = User.objects.get(pk=member.user_id)
    assert user.totp_secret == secret and user.totp_confirmed_at is None
    with connection.cursor() as cursor:  # encrypted at rest: the column never holds the key
        cursor.execute("SELECT totp_secret FROM identity_user WHERE id = %s", [user.pk])
        assert secret not in cursor.fetchone()[0]
    response = client.post(ENROL, {"code": pyotp.TOTP(secret).now()})
    assert response["Location"] == "/core/regions/"
    assert str(logged_in_user_id(client)) == str(user.pk)
    assert client.session[SESSION_ACR_KEY] == 2
    assert PENDING_KEY not in client.session
    user.refresh_from_db()
    assert user.has_totp and user.totp_last_step > 0
    assert LoginRecord.objects.filter(user=user, stage="totp", success=True).count() == 1


def test_a_wrong_enrolment_code_leaves_it_unconfirmed(client):
    member = staff("enrolwrong")
    post_login(client, "enrolwrong")
    secret = _secret_on_page(client.get(ENROL))
    response = client.post(ENROL, {"code": wrong_code(pyotp.TOTP(secret))})
    assert "The code is not correct." in response.content.decode()
    user = User.objects.get(pk=member.user_id)
    assert user.totp_confirmed_at is None and user.failed_logins == 1
    assert logged_in_user_id(client) is None


def test_staff_with_totp_is_asked_for_the_code(client):
    member = staff("coded")
    totp = with_totp(member.user)
    response = post_login(client, "coded")
    assert response["Location"] == CODE
    assert logged_in_user_id(client) is None
    response = client.post(CODE, {"code": wrong_code(totp)})
    assert "The code is not correct." in response.content.decode()
    assert User.objects.get(pk=member.user_id).failed_logins == 1
    code = totp.now()
    response = client.post(CODE, {"code": f"{code[:3]} {code[3:]}"})  # as apps display it
    assert response["Location"] == "/account/"
    assert str(logged_in_user_id(client)) == str(member.user_id)
    assert User.objects.get(pk=member.user_id).failed_logins == 0
    reasons = list(LoginRecord.objects.filter(user=member.user).order_by("at", "id")
                   .values_list("stage", "success", "reason"))
    assert reasons == [("password", True, "second_factor_required"),
                       ("totp", False, "bad_code"), ("totp", True, "ok")]


def test_a_code_cannot_be_replayed(client):
    member = staff("replayer")
    totp = with_totp(member.user)
    post_login(client, "replayer")
    code = totp.now()
    assert client.post(CODE, {"code": code}).status_code == 302
    client.post("/account/logout/")
    post_login(client, "replayer")
    response = client.post(CODE, {"code": code})
    assert response.status_code == 200
    assert logged_in_user_id(client) is None
    assert LoginRecord.objects.filter(user=member.user, reason="replayed_code").exists()


def test_wrong_codes_count_toward_the_lock(client, settings):
    settings.LOGIN_MAX_FAILURES = 3
    member = staff("guesser")
    totp = with_totp(member.user)
    post_login(client, "wrong-pw-first", "x")  # another name's failure does not count here
    post_login(client, "guesser", "bad-password")
    post_login(client, "guesser")
    client.post(CODE, {"code": wrong_code(totp)})
    response = client.post(CODE, {"code": wrong_code(totp)})
    assert response["Location"] == "/account/login/"
    assert PENDING_KEY not in client.session
    assert "locked until" in client.get("/account/login/").content.decode()
    user = User.objects.get(pk=member.user_id)
    assert user.locked_until is not None and user.locked_until > timezone.now()
    # Re-entering the password does not buy more guesses.
    assert "locked until" in post_login(client, "guesser").content.decode()


def test_a_correct_password_alone_does_not_reset_the_count(client, settings):
    settings.LOGIN_MAX_FAILURES = 5
    member = staff("keeper")
    totp = with_totp(member.user)
    post_login(client, "keeper")
    client.post(CODE, {"code": wrong_code(totp)})
    post_login(client, "keeper")
    assert User.objects.get(pk=member.user_id).failed_logins == 1


@pytest.mark.parametrize("url", ["/account/", "/account/totp/", "/account/verify-in-person/",
                                 "/api/v1/identity/me", "/admin/"])
def test_staff_reach_no_page_before_the_second_factor(client, url):
    member = staff("halfway")
    with_totp(member.user)
    post_login(client, "halfway")
    response = client.get(url)
    assert response.status_code in (302, 401)
    if response.status_code == 302:
        assert "login" in response["Location"]


def test_an_old_pending_login_expires(client):
    member = staff("slowpoke")
    totp = with_totp(member.user)
    post_login(client, "slowpoke")
    session = client.session
    session[PENDING_KEY]["since"] -= 3600
    session.save()
    response = client.post(CODE, {"code": totp.now()})
    assert response["Location"] == "/account/login/"
    assert logged_in_user_id(client) is None


def test_code_pages_without_a_password_step_go_back_to_sign_in(client):
    assert client.get(CODE)["Location"] == "/account/login/"
    assert client.get(ENROL)["Location"] == "/account/login/"


def test_citizen_enrols_from_my_account_then_is_asked_and_can_turn_it_off(client):
    person = citizen("optin")
    post_login(client, "optin")
    page = client.post("/account/totp/", {"op": "start"})
    totp = pyotp.TOTP(_secret_on_page(page))
    response = client.post("/account/totp/", {"op": "confirm", "code": totp.now()})
    assert response["Location"] == "/account/"
    assert User.objects.get(pk=user_of(person).pk).has_totp
    client.post("/account/logout/")
    assert post_login(client, "optin")["Location"] == CODE
    # The code used to confirm cannot sign in again within its step: use the next one.
    User.objects.filter(pk=user_of(person).pk).update(totp_last_step=0)
    assert client.post(CODE, {"code": totp.now()}).status_code == 302
    assert client.session[SESSION_ACR_KEY] == 2
    User.objects.filter(pk=user_of(person).pk).update(totp_last_step=0)
    response = client.post("/account/totp/", {"op": "disable", "code": totp.now()})
    assert response["Location"] == "/account/"
    assert not User.objects.get(pk=user_of(person).pk).has_totp


def test_disabling_needs_a_valid_code(client):
    person = citizen("keepit")
    totp = with_totp(user_of(person))
    client.force_login(user_of(person))
    client.post("/account/totp/", {"op": "disable", "code": wrong_code(totp)})
    assert User.objects.get(pk=user_of(person).pk).has_totp


def test_staff_cannot_turn_their_authenticator_off(client):
    member = staff("mustkeep")
    totp = with_totp(member.user)
    client.force_login(member.user)
    response = client.post("/account/totp/", {"op": "disable", "code": totp.now()})
    assert response.status_code == 403
    assert User.objects.get(pk=member.user_id).has_totp


def test_demo_staff_persona_signs_in_and_enrols(client, demo_world):
    response = post_login(client, "clerk_wuhan", DEMO_PASSWORD)
    assert response["Location"] == ENROL
    secret = _secret_on_page(client.get(ENROL))
    assert client.post(ENROL, {"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert client.get("/account/").status_code == 200


def test_totp_command_prints_the_code_in_demo_mode(settings):
    settings.DEMO = True
    member = staff("democode")
    totp = with_totp(member.user)
    before = totp.now()
    out = io.StringIO()
    call_command("totp", "democode", stdout=out)
    assert out.getvalue().strip() in {before, totp.now()}


def test_totp_command_refuses_outside_demo_mode(settings):
    settings.DEMO = False
    member = staff("livecode")
    with_totp(member.user)
    with pytest.raises(CommandError, match="only in demo mode"):
        call_command("totp", "livecode", stdout=io.StringIO())


def test_totp_command_explains_a_missing_authenticator(settings):
    settings.DEMO = True
    staff("nocode")
    with pytest.raises(CommandError, match="no authenticator"):
        call_command("totp", "nocode", stdout=io.StringIO())


def test_password_grant_style_authenticate_refuses_staff():
    from django.contrib.auth import authenticate
    from django.test import RequestFactory

    staff("oauthpw")
    request = RequestFactory().post("/oidc/token/")
    assert authenticate(request, username="oauthpw", password=PASSWORD) is None
    assert authenticate(request, username="oauthpw", password=PASSWORD,
                        second_factor_aware=True) is not None


def test_codes_from_the_neighbouring_steps_are_accepted_for_clock_drift(client):
    member = staff("drifter")
    totp = with_totp(member.user)
    post_login(client, "drifter")
    earlier = totp.at(timezone.now() - dt.timedelta(seconds=30))
    assert client.post(CODE, {"code": earlier})["Location"] == "/account/"


def test_the_qr_code_carries_an_rfc6238_otpauth_uri():
    from jingchu.identity.actions.login import totp_uri

    user = User(username="qr-user")
    uri = totp_uri(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    assert uri.startswith("otpauth://totp/Jingchu:qr-user?")
    assert "secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" in uri and "issuer=Jingchu" in uri
