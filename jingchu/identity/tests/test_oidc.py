"""The OpenID Connect provider: discovery, JWKS, PKCE, claims by scope, acr, end to end."""

from __future__ import annotations

import json
import re
import secrets
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from jwcrypto import jwk, jwt

from jingchu.core.masking import mask_id_number
from jingchu.identity import actions
from jingchu.identity.models import TokenAssurance
from jingchu.identity.services import SESSION_ACR_KEY
from jingchu.identity.tests import oidc_helpers as h


@pytest.fixture(autouse=True)
def _signing_key(settings: Any) -> None:
    h.use_test_key(settings)


@pytest.fixture
def admin(db: Any) -> Any:
    return h.superuser()


def _auth_query(app: Any, scope: str, challenge: str | None, **extra: str) -> str:
    params = {"response_type": "code", "client_id": app.client_id, "redirect_uri": h.CALLBACK,
              "scope": scope, "state": "st-1", "nonce": "n-1", **extra}
    if challenge is not None:
        params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    return "/oidc/authorize/?" + urlencode(params)


def _redirect_params(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 302, response.content[:500]
    location = response["Location"]
    assert location.startswith(h.CALLBACK)
    return parse_qs(urlparse(location).query)


def _code_flow(client: Any, app: Any, secret: str, scope: str,
               acr: str | None = None) -> dict[str, Any]:
    """Sign in (already done by the caller), approve, exchange the code: the token response."""
    if acr is not None:
        session = client.session
        session[SESSION_ACR_KEY] = acr
        session.save()
    verifier, challenge = h.pkce_pair()
    response = client.get(_auth_query(app, scope, challenge))
    if response.status_code == 200:  # the consent page, unless the client skips it
        form = h.form_inputs(response.content.decode())
        response = client.post(_auth_query(app, scope, challenge), {**form, "allow": "Authorize"})
    code = _redirect_params(response)["code"][0]
    token = client.post("/oidc/token/", {
        "grant_type": "authorization_code", "code": code, "redirect_uri": h.CALLBACK,
        "code_verifier": verifier, "client_id": app.client_id, "client_secret": secret,
    })
    assert token.status_code == 200, token.content
    return dict(token.json())


def _claims(id_token: str) -> dict[str, Any]:
    key = jwk.JWK.from_pem(h.rsa_pem().encode())
    return dict(json.loads(jwt.JWT(key=key, jwt=id_token).claims))


def test_discovery_document_at_the_root_names_the_root_as_issuer(client: Any, db: Any) -> None:
    doc = client.get("/.well-known/openid-configuration").json()
    assert doc["issuer"] == "http://testserver"
    assert doc["authorization_endpoint"] == "http://testserver/oidc/authorize/"
    assert doc["token_endpoint"] == "http://testserver/oidc/token/"
    assert doc["userinfo_endpoint"] == "http://testserver/oidc/userinfo/"
    assert doc["jwks_uri"] == "http://testserver/oidc/.well-known/jwks.json"
    assert doc["end_session_endpoint"] == "http://testserver/oidc/logout/"
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert doc["id_token_signing_alg_values_supported"] == ["RS256"]
    assert doc["acr_values_supported"] == ["1", "2", "3"]
    assert {"openid", "profile", "phone", "id_number", "entities"} <= set(
        doc["scopes_supported"]
    )
    assert {"sub", "acr", "id_number", "id_number_masked", "entities"} <= set(
        doc["claims_supported"]
    )
    assert "code" in doc["response_types_supported"]
    assert "token" not in doc["response_types_supported"]  # no implicit flow


def test_old_discovery_address_points_to_the_root(client: Any, db: Any) -> None:
    response = client.get("/oidc/.well-known/openid-configuration")
    assert response.status_code == 302
    assert response["Location"] == "/.well-known/openid-configuration"


def test_jwks_publishes_the_public_rsa_key_with_its_kid(client: Any, db: Any) -> None:
    keys = client.get("/oidc/.well-known/jwks.json").json()["keys"]
    assert len(keys) == 1
    key = keys[0]
    assert key["kty"] == "RSA"
    assert key["alg"] == "RS256"
    assert key["kid"] == jwk.JWK.from_pem(h.rsa_pem().encode()).thumbprint()
    assert "d" not in key and "p" not in key  # the public half only


def test_dot_management_pages_are_not_mounted(client: Any, admin: Any) -> None:
    """DOT's own pages would let any signed-in user register a client."""
    client.force_login(h.citizen().user)
    assert client.get("/oidc/applications/register/").status_code == 404
    assert client.get("/oidc/applications/").status_code == 404


def test_authorization_without_pkce_is_refused(client: Any, admin: Any) -> None:
    app, _secret = h.register(admin, skip=True)
    client.force_login(h.citizen().user)
    params = _redirect_params(client.get(_auth_query(app, "openid", None)))
    assert params["error"] == ["invalid_request"]
    assert "code" not in params


def test_plain_pkce_is_refused(client: Any, admin: Any) -> None:
    app, _secret = h.register(admin, skip=True)
    client.force_login(h.citizen().user)
    query = _auth_query(app, "openid", None, code_challenge="x" * 43,
                        code_challenge_method="plain")
    params = _redirect_params(client.get(query))
    assert "code" not in params
    assert params["error"] == ["invalid_request"]
    assert not TokenAssurance.objects.exists()


def test_claims_follow_scopes_and_sub_is_the_uid(client: Any, admin: Any) -> None:
    app, secret = h.register(admin)
    person: Any = h.citizen()
    client.force_login(person.user)
    token = _code_flow(client, app, secret, "openid profile phone entities")
    claims = _claims(token["id_token"])
    assert claims["sub"] == str(person.user.uid)
    assert claims["sub"] != str(person.user.pk)
    assert claims["iss"] == "http://testserver"
    assert claims["aud"] == app.client_id
    assert claims["nonce"] == "n-1"
    assert claims["name"] == "张三"
    assert claims["kind"] == "person"
    assert claims["id_number_masked"] == mask_id_number(person.id_number)
    assert "id_number" not in claims  # the client was not granted the full number
    assert claims["phone_number_masked"] == "138****4567"
    assert "phone_number" not in claims
    assert claims["entities"] == []


def test_openid_scope_alone_releases_no_personal_data(client: Any, admin: Any) -> None:
    app, secret = h.register(admin, id_number=True)
    person: Any = h.citizen()
    client.force_login(person.user)
    claims = _claims(_code_flow(client, app, secret, "openid")["id_token"])
    assert claims["sub"] == str(person.user.uid)
    for private in ("name", "id_number", "id_number_masked", "phone_number_masked", "entities"):
        assert private not in claims


def test_client_without_the_grant_cannot_get_the_full_number(client: Any, admin: Any) -> None:
    app, _secret = h.register(admin, skip=True)
    client.force_login(h.citizen().user)
    _verifier, challenge = h.pkce_pair()
    params = _redirect_params(client.get(_auth_query(app, "openid id_number", challenge)))
    assert params["error"] == ["invalid_scope"]
    assert "code" not in params


def test_granted_client_gets_the_full_number_only_under_its_scope(
    client: Any, admin: Any
) -> None:
    app, secret = h.register(admin, id_number=True)
    person: Any = h.citizen()
    client.force_login(person.user)
    with_scope = _claims(_code_flow(client, app, secret, "openid profile id_number")["id_token"])
    assert with_scope["id_number"] == person.id_number
    without = _claims(_code_flow(client, app, secret, "openid profile")["id_token"])
    assert "id_number" not in without
    assert without["id_number_masked"] == mask_id_number(person.id_number)


def test_withdrawn_grant_stops_the_full_number_at_once(client: Any, admin: Any) -> None:
    app, secret = h.register(admin, id_number=True)
    client.force_login(h.citizen().user)
    token = _code_flow(client, app, secret, "openid id_number")
    actions.do_set_id_number_access(admin, app.client_id, False)
    info = client.get("/oidc/userinfo/", HTTP_AUTHORIZATION=f"Bearer {token['access_token']}")
    assert info.status_code == 200
    assert "id_number" not in info.json()


@pytest.mark.parametrize("acr", ["2", "3"])
def test_acr_is_the_session_level_and_survives_refresh(client: Any, admin: Any, acr: str) -> None:
    app, secret = h.register(admin)
    client.force_login(h.citizen().user)
    token = _code_flow(client, app, secret, "openid", acr=acr)
    assert _claims(token["id_token"])["acr"] == acr
    refreshed = client.post("/oidc/token/", {
        "grant_type": "refresh_token", "refresh_token": token["refresh_token"],
        "client_id": app.client_id, "client_secret": secret,
    })
    assert refreshed.status_code == 200, refreshed.content
    assert _claims(refreshed.json()["id_token"])["acr"] == acr


def test_staff_get_no_citizen_claims(client: Any, admin: Any) -> None:
    app, secret = h.register(admin)
    client.force_login(admin)
    claims = _claims(_code_flow(client, app, secret, "openid profile entities")["id_token"])
    assert claims["sub"] == str(admin.uid)
    assert claims["kind"] == "staff"
    assert "id_number_masked" not in claims and "entities" not in claims


def test_entities_claim_lists_the_enterprises_a_person_may_act_for(demo_world: Any) -> None:
    from jingchu.identity.claims import user_claims
    from jingchu.identity.models import User

    claims = user_claims(User.objects.get(username="wangwu"))
    assert [e["basis"] for e in claims["entities"]] == ["legal_representative"]
    assert re.fullmatch(r"[0-9A-Z]{18}", claims["entities"][0]["uscc"])
    assert "id_number" not in claims


def test_disabled_client_is_refused_everywhere(client: Any, admin: Any) -> None:
    app, secret = h.register(admin, skip=True)
    client.force_login(h.citizen().user)
    token = _code_flow(client, app, secret, "openid")
    actions.do_disable_client(admin, app.client_id)
    _verifier, challenge = h.pkce_pair()
    page = client.get(_auth_query(app, "openid", challenge))
    assert page.status_code == 400  # an unknown client: no redirect to its URI
    assert "code=" not in page.get("Location", "")
    info = client.get("/oidc/userinfo/", HTTP_AUTHORIZATION=f"Bearer {token['access_token']}")
    assert info.status_code == 401
    refreshed = client.post("/oidc/token/", {
        "grant_type": "refresh_token", "refresh_token": token["refresh_token"],
        "client_id": app.client_id, "client_secret": secret,
    })
    assert refreshed.status_code in (400, 401)


def test_consent_page_names_what_is_released(client: Any, admin: Any) -> None:
    app, _secret = h.register(admin, id_number=True)
    client.force_login(h.citizen().user)
    _verifier, challenge = h.pkce_pair()
    client.cookies["django_language"] = "en"
    page = client.get(_auth_query(app, "openid id_number", challenge))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Your full citizen ID number" in text
    assert "不动产登记系统" in text


def test_authorization_is_audited_with_its_acr(client: Any, admin: Any) -> None:
    from jingchu.core.models import AuditEvent

    app, secret = h.register(admin)
    person: Any = h.citizen()
    client.force_login(person.user)
    _code_flow(client, app, secret, "openid profile", acr="2")
    event = AuditEvent.objects.get(action="identity.oidc.authorize")
    assert event.actor == person.user
    assert event.object_id == app.client_id
    assert event.details["acr"] == "2"
    assert AuditEvent.objects.filter(action="identity.oidc.id_token").count() == 1


def test_logout_without_a_hint_asks_first(client: Any, admin: Any) -> None:
    person: Any = h.citizen()
    client.force_login(person.user)
    client.cookies["django_language"] = "en"
    page = client.get("/oidc/logout/")
    assert page.status_code == 200
    assert "Sign out of Jingchu?" in page.content.decode()
    assert client.get("/account/").status_code == 200  # not signed out by merely asking
    form = h.form_inputs(page.content.decode(), "logout-form")
    done = client.post("/oidc/logout/", {**form, "allow": "Logout"})
    assert done.status_code == 302
    assert client.get("/account/").status_code == 302


# ---------------------------------------------------------------------------------------------
# End to end, over HTTP, with a stock client library (authlib) against a live server.


def _sign_in(browser: Any, base: str, username: str) -> None:
    browser.get(f"{base}/account/login/")
    response = browser.post(f"{base}/account/login/", data={
        "username": username, "password": h.PASSWORD, "next": "/account/",
        "csrfmiddlewaretoken": browser.cookies["csrftoken"],
    }, allow_redirects=False)
    assert response.status_code == 302, response.text[:500]
    assert browser.get(f"{base}/account/", allow_redirects=False).status_code == 200


def _approve(browser: Any, url: str) -> str:
    """Follow the authorization URL as the signed-in person; the redirect back to the client."""
    page = browser.get(url, allow_redirects=False)
    if page.status_code == 200:  # the consent page
        form = h.form_inputs(page.text)
        page = browser.post(url, data={**form, "allow": "Authorize"}, allow_redirects=False)
    assert page.status_code == 302, page.text[:500]
    return str(page.headers["Location"])


@pytest.fixture
def sessions() -> Any:
    """HTTP sessions closed before the live server stops: a keep-alive connection left open
    would end its server thread after the server released the shared test database."""
    opened: list[Any] = []
    yield opened
    for session in opened:
        session.close()


@pytest.mark.django_db(transaction=True)
def test_end_to_end_with_authlib(live_server: Any, sessions: list[Any]) -> None:
    import requests
    from authlib.integrations.requests_client import OAuth2Session
    from joserfc import jwt as jose_jwt
    from joserfc.jwk import KeySet

    base = live_server.url
    doc = requests.get(f"{base}/.well-known/openid-configuration", timeout=10).json()
    assert doc["issuer"] == base  # where the client fetched it from, minus the well-known part
    callback = f"{base}/department/callback"
    admin = h.superuser()
    app, secret = h.register(admin, id_number=True, redirect=callback,
                             post_logout=f"{base}/department/bye")
    person: Any = h.citizen(verified=True)  # verified in person: the session's acr is 3

    browser = requests.Session()
    sessions.append(browser)
    _sign_in(browser, base, person.user.username)
    rp = OAuth2Session(app.client_id, secret, scope="openid profile id_number entities",
                       redirect_uri=callback, code_challenge_method="S256")
    sessions.append(rp)
    verifier, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(16)
    url, state = rp.create_authorization_url(doc["authorization_endpoint"],
                                             code_verifier=verifier, nonce=nonce)
    assert "code_challenge=" in url
    location = _approve(browser, url)
    assert location.startswith(callback) and f"state={state}" in location
    token = rp.fetch_token(doc["token_endpoint"], authorization_response=location,
                           code_verifier=verifier)

    keys = KeySet.import_key_set(requests.get(doc["jwks_uri"], timeout=10).json())
    registry = jose_jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": doc["issuer"]},
        aud={"essential": True, "value": app.client_id},
        nonce={"essential": True, "value": nonce},
        exp={"essential": True}, sub={"essential": True},
    )
    id_token = jose_jwt.decode(token["id_token"], keys, algorithms=["RS256"])
    registry.validate(id_token.claims)
    claims = id_token.claims
    assert id_token.header["kid"] == keys.keys[0].kid
    assert claims["sub"] == str(person.user.uid)
    assert claims["acr"] == "3"
    assert claims["id_number"] == person.id_number
    assert claims["id_number_masked"] == mask_id_number(person.id_number)
    assert claims["entities"] == []
    assert "phone_number_masked" not in claims  # phone was not requested

    info = rp.get(doc["userinfo_endpoint"]).json()
    assert info["sub"] == claims["sub"] and info["id_number"] == person.id_number

    refreshed = rp.refresh_token(doc["token_endpoint"])
    assert refreshed["access_token"] != token["access_token"]
    again = jose_jwt.decode(refreshed["id_token"], keys, algorithms=["RS256"])
    assert again.claims["sub"] == claims["sub"] and again.claims["acr"] == "3"
    assert again.claims["iss"] == doc["issuer"]

    bye = browser.get(doc["end_session_endpoint"], params={
        "id_token_hint": refreshed["id_token"], "client_id": app.client_id,
        "post_logout_redirect_uri": f"{base}/department/bye", "state": "out-1",
    }, allow_redirects=False)
    assert bye.status_code == 302
    assert bye.headers["Location"] == f"{base}/department/bye?state=out-1"
    # Signed out of Jingchu, and the client's tokens are revoked.
    assert browser.get(f"{base}/account/", allow_redirects=False).status_code == 302
    assert rp.get(doc["userinfo_endpoint"]).status_code == 401


@pytest.mark.django_db(transaction=True)
def test_end_to_end_client_without_grant_gets_the_masked_number(
    live_server: Any, sessions: list[Any]
) -> None:
    import requests
    from authlib.integrations.requests_client import OAuth2Session
    from joserfc import jwt as jose_jwt
    from joserfc.jwk import KeySet

    base = live_server.url
    doc = requests.get(f"{base}/.well-known/openid-configuration", timeout=10).json()
    callback = f"{base}/department/callback"
    app, secret = h.register(h.superuser(), redirect=callback, skip=True)
    person: Any = h.citizen()
    browser = requests.Session()
    sessions.append(browser)
    _sign_in(browser, base, person.user.username)

    refused = OAuth2Session(app.client_id, secret, scope="openid id_number",
                            redirect_uri=callback, code_challenge_method="S256")
    sessions.append(refused)
    url, _state = refused.create_authorization_url(doc["authorization_endpoint"],
                                                   code_verifier=secrets.token_urlsafe(48))
    assert "error=invalid_scope" in _approve(browser, url)

    rp = OAuth2Session(app.client_id, secret, scope="openid profile",
                       redirect_uri=callback, code_challenge_method="S256")
    sessions.append(rp)
    verifier = secrets.token_urlsafe(48)
    url, _state = rp.create_authorization_url(doc["authorization_endpoint"],
                                              code_verifier=verifier)
    token = rp.fetch_token(doc["token_endpoint"], authorization_response=_approve(browser, url),
                           code_verifier=verifier)
    keys = KeySet.import_key_set(requests.get(doc["jwks_uri"], timeout=10).json())
    claims = jose_jwt.decode(token["id_token"], keys, algorithms=["RS256"]).claims
    assert claims["acr"] == "1"
    assert "id_number" not in claims
    assert claims["id_number_masked"] == mask_id_number(person.id_number)
