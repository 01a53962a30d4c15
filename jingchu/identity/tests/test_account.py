"""My account, the JSON /me beside it, assurance levels, and verification in person."""

from __future__ import annotations

import pytest
from django.utils import timezone

from jingchu.core.models import AuditEvent
from jingchu.identity.choices import StaffRole
from jingchu.identity.models import LoginRecord, Person, User
from jingchu.identity.services import SESSION_ACR_KEY
from jingchu.identity.tests.login_helpers import (
    citizen,
    english_client,
    post_login,
    staff,
    user_of,
    with_totp,
)

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite_smoke]

VERIFY = "/account/verify-in-person/"


@pytest.fixture
def client():
    return english_client()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/account/")
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")


def test_my_account_shows_me_masked(client):
    person = citizen("masked", name="晴川", phone="13912345678")
    post_login(client, "masked")
    page = client.get("/account/").content.decode()
    assert "晴川" in page
    assert person.id_number not in page
    assert person.id_number[:6] + "********" + person.id_number[-4:] in page
    assert "13912345678" not in page and "139****5678" in page
    assert "Password" in page and 'data-level="1"' in page
    assert "Set up an authenticator" in page


def test_my_account_lists_the_enterprises_i_may_act_for(client, demo_world):
    post_login(client, "lisi", "Jingchu@2026")
    page = client.get("/account/").content.decode()
    assert "武汉荆楚云数科技有限公司" in page
    assert "Authorized agent" in page
    assert 'href="/account/acting-as/"' in page


def test_revoked_authorizations_are_not_listed(client, demo_world):
    lisi = Person.objects.get(user__username="lisi")
    lisi.authorizations.update(revoked_at=timezone.now())
    client.force_login(lisi.user)
    page = client.get("/account/").content.decode()
    assert "武汉荆楚云数科技有限公司" not in page
    assert "You may not act for any enterprise." in page


def test_staff_see_their_roles_and_organizations(client, demo_world):
    clerk = User.objects.get(username="clerk_wuhan")
    client.force_login(clerk)
    page = client.get("/account/").content.decode()
    assert "Window clerk" in page
    assert clerk.staff.assignments.get().organization.name in page
    assert 'href="/account/verify-in-person/"' in page
    assert "Staff accounts must keep their authenticator." not in page  # not enrolled yet


def test_the_last_20_logins_are_listed_in_beijing_time(client):
    person = citizen("history")
    for i in range(25):
        LoginRecord.objects.create(user=user_of(person), username_tried="history",
                                   success=i % 2 == 0, stage="password", source_ip=f"10.0.0.{i}")
    at = timezone.now().replace(hour=0, minute=30, second=0, microsecond=0)
    LoginRecord.objects.filter(user=user_of(person)).update(at=at)
    client.force_login(user_of(person))
    page = client.get("/account/").content.decode()
    section = page[page.index('id="logins"'):]
    assert section.count("<tr>") == 21  # header + 20
    assert f"{timezone.localtime(at):%Y-%m-%d} 08:30:00" in section  # UTC+8
    shown = {f"10.0.0.{i}" for i in range(25) if f">10.0.0.{i}<" in section}
    assert shown == {f"10.0.0.{i}" for i in range(5, 25)}  # the newest 20


def test_api_me_agrees_with_the_page(client):
    person = citizen("apime")
    post_login(client, "apime")
    body = client.get("/api/v1/identity/me").json()
    assert body["assurance_level"] == 1
    assert body["id_number_masked"] in client.get("/account/").content.decode()
    assert body["uid"] == str(user_of(person).uid)


def test_assurance_levels_password_totp_in_person(client):
    person = citizen("levels")
    post_login(client, "levels")
    assert client.session[SESSION_ACR_KEY] == 1
    client.post("/account/logout/")
    totp = with_totp(user_of(person))
    post_login(client, "levels")
    client.post("/account/login/totp/", {"code": totp.now()})
    assert client.session[SESSION_ACR_KEY] == 2
    assert client.get("/api/v1/identity/me").json()["assurance_level"] == 2
    client.post("/account/logout/")
    Person.objects.filter(pk=person.pk).update(verified_in_person_at=timezone.now())
    User.objects.filter(pk=user_of(person).pk).update(totp_secret="", totp_confirmed_at=None)
    post_login(client, "levels")
    assert client.session[SESSION_ACR_KEY] == 3
    assert "Verified in person" in client.get("/account/").content.decode()


@pytest.mark.parametrize("who", ["citizen", "reviewer"])
def test_verify_in_person_is_refused_to_others(client, demo_orgs, who):
    person = citizen("target")
    if who == "citizen":
        client.force_login(citizen("someone").user)
    else:
        client.force_login(staff("rev", StaffRole.REVIEWER, demo_orgs["hb-scjg"]).user)
    assert client.get(VERIFY).status_code == 403
    assert client.post(VERIFY, {"id_number": person.id_number}).status_code == 403
    assert client.post(VERIFY, {"person": str(person.uid)}).status_code == 403
    person.refresh_from_db()
    assert person.verified_in_person_at is None
    assert not AuditEvent.objects.filter(action="identity.person.look_up").exists()


def test_verify_in_person_sends_anonymous_visitors_to_sign_in(client):
    assert "/account/login/" in client.get(VERIFY)["Location"]


def test_a_window_clerk_looks_up_and_verifies_a_citizen(client, demo_orgs):
    clerk = staff("clerk", StaffRole.WINDOW_CLERK, demo_orgs["wh-smzj"])
    person = citizen("walkin", name="归元")
    client.force_login(clerk.user)
    assert client.get(VERIFY).status_code == 200
    page = client.post(VERIFY, {"id_number": person.id_number.lower()}).content.decode()
    assert "归元" in page and person.id_number not in page
    assert AuditEvent.objects.filter(action="identity.person.look_up",
                                     object_id=str(person.uid)).count() == 1
    response = client.post(VERIFY, {"person": str(person.uid)})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.verified_in_person_at is not None
    assert person.verified_in_person_by == clerk
    event = AuditEvent.objects.get(action="identity.person.verify_in_person")
    assert event.actor_id == clerk.user_id and event.object_id == str(person.uid)


def test_verify_in_person_explains_bad_and_unknown_numbers(client, demo_orgs):
    clerk = staff("clerk2", StaffRole.WINDOW_CLERK, demo_orgs["wh-smzj"])
    client.force_login(clerk.user)
    bad = client.post(VERIFY, {"id_number": "420102198501010000"}).content.decode()
    assert 'id="verify-error"' in bad
    from jingchu.identity.tests.login_helpers import new_id_number

    unknown = client.post(VERIFY, {"id_number": new_id_number()}).content.decode()
    assert "No person with this ID number is registered." in unknown


def test_nobody_verifies_themselves(client, demo_orgs):
    from jingchu.core.errors import ActionError
    from jingchu.identity.actions import do_verify_in_person

    clerk = staff("selfie", StaffRole.WINDOW_CLERK, demo_orgs["wh-smzj"])
    person = citizen("selfperson")
    Person.objects.filter(pk=person.pk).update(user=clerk.user)
    person.refresh_from_db()
    with pytest.raises(ActionError):
        do_verify_in_person(clerk.user, person=person)
