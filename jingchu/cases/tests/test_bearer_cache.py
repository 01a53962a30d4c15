"""The bearer-token cache: a cached token still expires on time, unknown tokens are not kept,
and each request gets its own copy of the user."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import RequestFactory
from django.utils import timezone
from ninja.security import HttpBearer

from jingchu.cases import bearer
from jingchu.cases.tests.test_api import _token
from jingchu.identity.models import User

pytestmark = pytest.mark.django_db


class HttpBearerOfNinja(HttpBearer):
    """ninja's own reading of the header, with our check of the token."""

    def authenticate(self, request: Any, token: str) -> Any:
        return bearer.bearer.authenticate(request, token)


def _auth(raw: str) -> object:
    return bearer.bearer.authenticate(RequestFactory().get("/"), raw)


def test_a_cached_token_still_expires_on_time(catalog, monkeypatch):
    raw = _token(User.objects.get(username="zhangsan"), minutes=30)
    first = _auth(raw)
    assert first is not None and bearer._tokens  # found and kept
    later = timezone.now() + dt.timedelta(minutes=31)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert _auth(raw) is None  # served from the cache, and refused: expired


def test_unknown_tokens_are_not_kept_and_users_are_copied(catalog, django_assert_num_queries):
    assert _auth("no-such-token") is None and not bearer._tokens
    raw = _token(User.objects.get(username="zhangsan"))
    one, two = _auth(raw), _auth(raw)
    assert isinstance(one, User) and isinstance(two, User)
    assert one == two and one is not two  # same user, not the same object
    with django_assert_num_queries(0):  # the copy keeps what the lookup loaded
        assert one.person.name == two.person.name == "张三"
    assert (one._state.db, one._state.adding) == ("default", False)
    assert one._state is not two._state  # what one request caches stays with its copy
    assert one._state.fields_cache is not two._state.fields_cache
    one.jingchu_cached = True  # type: ignore[attr-defined]
    assert not hasattr(two, "jingchu_cached") and one.__dict__.keys() - {"jingchu_cached"} == (
        two.__dict__.keys())


@pytest.mark.parametrize(("header", "found"), [
    ("Bearer {raw}", True), ("bearer {raw}", True), ("BEARER {raw}", True),
    ("Basic {raw}", False), ("Bearer", False), ("", False), ("Bearer  {raw}", False),
    ("{raw}", False),
])
def test_the_header_is_read_as_ninja_reads_it(catalog, header, found):
    raw = _token(User.objects.get(username="zhangsan"))
    request = RequestFactory().get("/", HTTP_AUTHORIZATION=header.format(raw=raw))
    assert (bearer.bearer(request) is not None) is found
    assert (HttpBearerOfNinja()(request) is not None) is found


def test_forgetting_makes_a_deactivation_bite_at_once(catalog):
    user = User.objects.get(username="zhangsan")
    raw = _token(user)
    assert _auth(raw) is not None
    user.is_active = False
    user.save(update_fields=["is_active"])
    bearer.forget_tokens()
    assert _auth(raw) is None


def test_a_kept_token_is_judged_once_per_lookup_and_its_expiry_on_every_call(
        catalog, django_assert_num_queries):
    user = User.objects.get(username="zhangsan")
    raw = _token(user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert _auth(raw) is None  # looked up: an inactive user's token is refused ...
    with django_assert_num_queries(0):
        assert _auth(raw) is None  # ... and kept refused, without asking again
    User.objects.filter(pk=user.pk).update(is_active=True)
    assert _auth(raw) is None  # the kept judgement stands until the token is looked up again
    bearer.forget_tokens()
    assert _auth(raw) is not None
