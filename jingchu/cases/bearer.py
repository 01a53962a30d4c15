"""OAuth2 bearer access tokens issued by our own OpenID Connect provider, for the cases API.

A department system that signed a citizen in through the provider calls the API with the access
token it received. The token must exist, be unexpired, carry `REQUIRED_SCOPES`, belong to a user
(client-credentials tokens act for nobody) who is still active, and come from a client that is
not disabled. On success `request.user` is that user, so the same permission functions apply as
for a browser session.
"""

from __future__ import annotations

import hashlib
import threading
import time
from typing import Any, NamedTuple

from django.db.models.base import ModelState
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer
from oauth2_provider.models import AccessToken

from jingchu.core.compiled import CompiledQuery

# Every token our provider issues carries `openid`. A dedicated `cases` scope (so that a client
# that only signs people in cannot file applications for them) needs an entry in
# OAUTH2_PROVIDER["SCOPES"] and in the client policies first; then name it here.
REQUIRED_SCOPES = ["openid"]
# Set on the request so handlers know the call came from a department system, not a browser.
CLIENT_ATTR = "jingchu_oauth_client"
# A token found in the database is kept per process for this long, so a department system
# calling many times a second costs one lookup per token every few seconds. Expiry is checked on
# every call; the price is that a token revoked (deleted) or narrowed, a user deactivated or a
# client disabled is still honoured for at most this many seconds in each process.
TOKEN_CACHE_SECONDS = 2.0
TOKEN_CACHE_SIZE = 10_000


class _Kept(NamedTuple):
    """A token found in the database, as kept: until when, the token, and whether what cannot
    change while it is kept lets it in (scopes, user, client). Why asked once: on every call
    those checks (a scope string split into sets, three related objects) cost more than the
    rest of a cached token's check (bench/HISTORY.md, "Twenty-third session")."""
    until: float
    token: AccessToken
    admits: bool


# Keyed by the raw token, so that a kept token needs no checksum: the raw token is what every
# request of its caller carries anyway.
_tokens: dict[str, _Kept] = {}
_tokens_lock = threading.Lock()


def forget_tokens() -> None:
    """Drop every cached token (tests; a revocation that must bite at once in this process)."""
    with _tokens_lock:
        _tokens.clear()


def _admits(token: AccessToken) -> bool:
    """What `authenticate` asks of a token beyond its expiry: it carries REQUIRED_SCOPES, acts
    for a user who is active, and comes from a client that is not disabled."""
    user = token.user
    return (token.allow_scopes(REQUIRED_SCOPES) and user is not None and user.is_active
            and not _client_disabled(token))


def _cached(raw: str) -> _Kept | None:
    now = time.monotonic()
    with _tokens_lock:
        entry = _tokens.get(raw)
    if entry is not None and entry.until > now:
        return entry
    found = _lookup(_checksum(raw))
    if found is None:  # unknown tokens are not kept: nobody can fill the cache with them
        return None
    kept = _Kept(now + TOKEN_CACHE_SECONDS, found, _admits(found))
    with _tokens_lock:
        if len(_tokens) >= TOKEN_CACHE_SIZE:
            _tokens.clear()
        _tokens[raw] = kept
    return kept


def _checksum(raw: str) -> str:
    # DOT stores a SHA-256 checksum beside the token and may redact the token itself at rest.
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _by_checksum(checksum: str) -> Any:
    # The user's person and staff come along: every handler asks which one the caller is.
    # No ORDER BY: the checksum is unique.
    return AccessToken.objects.select_related(
        "user__person", "user__staff", "application__jingchu_policy",
    ).filter(token_checksum=checksum).order_by()[:1]


# Compiled once per process: each token is looked up again every TOKEN_CACHE_SECONDS, and
# compiling this six-table query was nine-tenths of a lookup (jingchu.core.compiled).
_BY_CHECKSUM: CompiledQuery[AccessToken] = CompiledQuery(_by_checksum, 1)


def _lookup(checksum: str) -> AccessToken | None:
    found = _BY_CHECKSUM.run(checksum)
    return found[0] if found else None


def _client_disabled(token: AccessToken) -> bool:
    application: Any = token.application
    if application is None:
        return True
    policy = getattr(application, "jingchu_policy", None)
    return policy is not None and policy.disabled_at is not None


def _own_copy(user: Any) -> Any:
    """`copy.copy(user)`: a new instance with a copy of its dict, of its `_state` and of the
    cache of related objects (what Django's `Model.__getstate__` copies; other values are
    shared, as in any shallow copy). Why not copy.copy: that goes through the pickle protocol,
    which looks the model up by name and checks the Django version on every call, and
    `__getstate__` itself copies the state through `copy.copy` again: together ~1.5% of a
    submission's time in the API process (bench/HISTORY.md, "Ninth session")."""
    clone = object.__new__(type(user))
    values = user.__dict__.copy()
    state = object.__new__(ModelState)
    state.__dict__.update(user._state.__dict__)
    state.fields_cache = user._state.fields_cache.copy()
    values["_state"] = state
    clone.__dict__.update(values)
    return clone


class OIDCBearer(HttpBearer):
    """`Authorization: Bearer <access token>` from the platform's OpenID Connect provider."""

    def __call__(self, request: HttpRequest) -> Any:
        # As ninja's HttpBearer reads the header, but from the WSGI environ: `request.headers`
        # would first build a mapping of every header the request carries.
        scheme, _space, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() != self.openapi_scheme:
            return None
        return self.authenticate(request, token)

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token or len(token) > 255:
            return None
        kept = _cached(token)
        if kept is None or not kept.admits:
            return None
        found = kept.token
        # Expiry as AccessToken.is_expired asks it, on every call.
        if found.expires is None or timezone.now() >= found.expires:
            return None
        # A copy per request: the cached user (and what the request caches on it) is not shared
        # between requests running at once.
        user = _own_copy(found.user)
        request.user = user
        setattr(request, CLIENT_ATTR, found.application)
        return user


bearer = OIDCBearer()
