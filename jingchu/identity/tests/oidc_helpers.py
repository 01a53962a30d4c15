"""Shared pieces of the OpenID Connect tests: a signing key, clients, people, PKCE."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import secrets
from html.parser import HTMLParser
from typing import Any

from jingchu.core.identifiers import make_id_number
from jingchu.identity import actions
from jingchu.identity.models import Person, User

PASSWORD = "Jingchu@2026-oidc"
CALLBACK = "https://dept.example/callback"


@functools.cache
def rsa_pem() -> str:
    """One RSA key for the whole run: generating one per test would cost seconds."""
    from jingchu.demo_secrets import _rsa_pem

    return _rsa_pem()


def use_test_key(settings: Any) -> None:
    """Tests run without JINGCHU_OIDC_RSA_KEY; give DOT a key (it reloads on setting_changed)."""
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_RSA_PRIVATE_KEY": rsa_pem()}


def superuser(username: str = "oidc-root") -> User:
    return User.objects.create(username=username, kind="staff", is_superuser=True)


def citizen(username: str = "oidc-citizen", seq: int = 21, *, verified: bool = False) -> Person:
    number = make_id_number("420102", dt.date(1988, 3, 15), seq, True)
    person = actions.do_register_person(
        None, name="张三", id_number=number, phone="13871234567",
        username=username, password=PASSWORD,
    )
    if verified:
        Person.objects.filter(pk=person.pk).update(verified_in_person_at=dt.datetime.now(dt.UTC))
    return person


def register(admin: User, *, scopes: list[str] | None = None, id_number: bool = False,
             confidential: bool = True, redirect: str = CALLBACK,
             skip: bool = False, post_logout: str = "") -> tuple[Any, str]:
    return actions.do_register_client(
        admin, name="不动产登记系统", redirect_uris=[redirect],
        scopes=scopes or ["openid", "profile", "phone", "entities"],
        may_receive_id_number=id_number, confidential=confidential,
        skip_authorization=skip, post_logout_redirect_uris=post_logout,
    )


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class FormInputs(HTMLParser):
    """The named <input> values of one form of an HTML page (e.g. the consent form)."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form":
            self.inside = found.get("id") == self.form_id
        elif tag == "input" and self.inside and found.get("name"):
            self.values[str(found["name"])] = found.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


def form_inputs(html: str, form_id: str = "authorizationForm") -> dict[str, str]:
    parser = FormInputs(form_id)
    parser.feed(html)
    return parser.values
