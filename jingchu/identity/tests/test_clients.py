"""Registering department systems as OpenID Connect clients: pages, actions, refusals."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.hashers import check_password
from oauth2_provider.models import AccessToken, Application, Grant, RefreshToken

from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import AuditEvent
from jingchu.identity import actions
from jingchu.identity.models import ClientPolicy, User
from jingchu.identity.tests import oidc_helpers as h

FORM = {
    "name": "公积金管理系统",
    "redirect_uris": "https://gjj.example/callback\nhttps://gjj.example/cb2",
    "post_logout_redirect_uris": "https://gjj.example/bye",
    "scopes": ["openid", "profile", "entities"],
    "confidential": "1",
}


@pytest.fixture(autouse=True)
def _signing_key(settings: Any) -> None:
    h.use_test_key(settings)


@pytest.fixture
def admin(demo_world: Any) -> User:
    return User.objects.get(username="admin")


def _as(client: Any, username: str) -> Any:
    client.force_login(User.objects.get(username=username))
    return client


def _client_urls(client_id: str) -> list[str]:
    return [f"/account/clients/{client_id}/rotate-secret/",
            f"/account/clients/{client_id}/disable/",
            f"/account/clients/{client_id}/id-number/"]


def test_anonymous_is_sent_to_sign_in(client: Any, db: Any) -> None:
    response = client.get("/account/clients/")
    assert response.status_code == 302
    assert "/account/login/" in response["Location"]
    assert client.post("/account/clients/", FORM).status_code == 302
    assert not Application.objects.exists()


@pytest.mark.parametrize("username", ["zhangsan", "clerk_wuhan", "auditor"])
def test_outsiders_are_refused(client: Any, admin: User, username: str) -> None:
    app, _secret = h.register(admin)
    _as(client, username)
    assert client.get("/account/clients/").status_code == 403
    assert client.post("/account/clients/", FORM).status_code == 403
    for url in _client_urls(app.client_id):
        assert client.post(url, {"allowed": "1"}).status_code == 403
    assert Application.objects.count() == 1
    policy = ClientPolicy.objects.get()
    assert policy.disabled_at is None and not policy.may_receive_id_number
    assert not AuditEvent.objects.filter(action__startswith="identity.client.",
                                         actor__username=username).exists()


def test_actions_refuse_a_non_administrator(demo_world: Any) -> None:
    citizen = User.objects.get(username="zhangsan")
    with pytest.raises(NotPermitted):
        h.register(citizen)
    assert not Application.objects.exists()


def test_administrator_registers_a_client_and_sees_the_secret_once(
    client: Any, admin: User
) -> None:
    _as(client, "admin")
    assert client.get("/account/clients/").status_code == 200
    response = client.post("/account/clients/", FORM)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    secret = response.context["secret"]
    app = Application.objects.get()
    assert secret and secret in response.content.decode()
    assert app.client_secret != secret and check_password(secret, app.client_secret)
    assert app.client_type == Application.CLIENT_CONFIDENTIAL
    assert app.algorithm == Application.RS256_ALGORITHM
    assert app.redirect_uris.split() == ["https://gjj.example/callback", "https://gjj.example/cb2"]
    assert app.post_logout_redirect_uris == "https://gjj.example/bye"
    policy = ClientPolicy.objects.get(application=app)
    assert policy.allowed_scopes == "openid profile entities"
    assert policy.scopes() == ["openid", "profile", "entities"]
    assert policy.registered_by == admin
    listing = client.get("/account/clients/").content.decode()
    assert app.client_id in listing and secret not in listing
    event = AuditEvent.objects.get(action="identity.client.register")
    assert event.object_id == app.client_id and event.actor == admin


def test_public_client_has_no_secret(client: Any, admin: User) -> None:
    _as(client, "admin")
    response = client.post("/account/clients/", {**FORM, "confidential": "0"})
    assert response.status_code == 200
    assert response.context["secret"] == ""
    assert Application.objects.get().client_type == Application.CLIENT_PUBLIC
    with pytest.raises(ActionError) as info:
        actions.do_rotate_client_secret(admin, Application.objects.get().client_id)
    assert info.value.code == "client_public"


def test_id_number_is_granted_separately(client: Any, admin: User) -> None:
    _as(client, "admin")
    client.post("/account/clients/", {**FORM, "may_receive_id_number": "on"})
    policy = ClientPolicy.objects.get()
    assert policy.may_receive_id_number
    assert "id_number" in policy.scopes() and "id_number" not in policy.allowed_scopes
    client_id = policy.application.client_id
    assert client.post(f"/account/clients/{client_id}/id-number/").status_code == 302
    policy.refresh_from_db()
    assert not policy.may_receive_id_number
    client.post(f"/account/clients/{client_id}/id-number/", {"allowed": "1"})
    policy.refresh_from_db()
    assert policy.may_receive_id_number
    details = [e.details["allowed"] for e in AuditEvent.objects.filter(
        action="identity.client.id_number_access").order_by("id")]
    assert details == [False, True]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"redirect_uris": "ftp://gjj.example/cb"}, "redirect_uris"),
        ({"redirect_uris": "not a url"}, "redirect_uris"),
        ({"name": "  "}, "name"),
    ],
)
def test_bad_registration_writes_nothing(client: Any, admin: User, change: dict[str, str],
                                         field: str) -> None:
    _as(client, "admin")
    before = AuditEvent.objects.count()
    response = client.post("/account/clients/", {**FORM, **change})
    assert response.status_code == 400
    assert response.context["form"].errors.get(field)
    assert not Application.objects.exists() and not ClientPolicy.objects.exists()
    assert AuditEvent.objects.count() == before


def test_scope_rules_of_the_action(admin: User) -> None:
    with pytest.raises(ActionError) as info:
        h.register(admin, scopes=["profile"])
    assert info.value.code == "scope_openid_required"
    with pytest.raises(ActionError) as info:
        h.register(admin, scopes=["openid", "id_number"])  # only through its own grant
    assert info.value.code == "scope_unknown"
    assert not Application.objects.exists()


def test_rotating_the_secret_shows_the_new_one_and_kills_the_old(
    client: Any, admin: User
) -> None:
    app, old = h.register(admin)
    _as(client, "admin")
    response = client.post(f"/account/clients/{app.client_id}/rotate-secret/")
    assert response.status_code == 200
    new = response.context["secret"]
    assert new and new != old and new in response.content.decode()
    app.refresh_from_db()
    assert check_password(new, app.client_secret)
    assert not check_password(old, app.client_secret)
    assert ClientPolicy.objects.get().secret_rotated_at is not None
    assert AuditEvent.objects.filter(action="identity.client.rotate_secret",
                                     object_id=app.client_id).count() == 1
    # The token endpoint refuses the old secret.
    refused = client.post("/oidc/token/", {"grant_type": "authorization_code", "code": "x",
                                           "redirect_uri": h.CALLBACK,
                                           "client_id": app.client_id, "client_secret": old})
    assert refused.status_code == 401


def test_disabling_revokes_everything_and_is_final(client: Any, admin: User) -> None:
    app, _secret = h.register(admin)
    person = User.objects.get(username="zhangsan")
    Grant.objects.create(application=app, user=person, code="c1", redirect_uri=h.CALLBACK,
                         scope="openid", expires="2999-01-01T00:00Z")
    access = AccessToken.objects.create(application=app, user=person, token="a1",
                                        scope="openid", expires="2999-01-01T00:00Z")
    RefreshToken.objects.create(application=app, user=person, token="r1", access_token=access)
    _as(client, "admin")
    assert client.post(f"/account/clients/{app.client_id}/disable/").status_code == 302
    assert ClientPolicy.objects.get().disabled_at is not None
    assert not Grant.objects.exists() and not AccessToken.objects.exists()
    assert RefreshToken.objects.get().revoked is not None
    event = AuditEvent.objects.get(action="identity.client.disable")
    assert event.details == {"grants": 1, "access_tokens": 1, "refresh_tokens": 1}
    with pytest.raises(ActionError) as info:
        actions.do_rotate_client_secret(admin, app.client_id)
    assert info.value.code == "client_disabled"
    listing = client.get("/account/clients/").content.decode()
    assert f"/account/clients/{app.client_id}/disable/" not in listing


def test_unknown_client_is_not_found(admin: User) -> None:
    with pytest.raises(ActionError) as info:
        actions.do_disable_client(admin, "no-such-client")
    assert info.value.status == 404
