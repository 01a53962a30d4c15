"""OAuth2 bearer access tokens issued by our own OpenID Connect provider, for the cases API.

A department system that signed a citizen in through the provider calls the API with the access
token it received. The token must exist, be unexpired, carry `REQUIRED_SCOPES`, belong to a user
(client-credentials tokens act for nobody) who is still active, and come from a client that is
not disabled. On success `request.user` is that user, so the same permission functions apply as
for a browser session.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer
from oauth2_provider.models import AccessToken

# Every token our provider issues carries `openid`. A dedicated `cases` scope (so that a client
# that only signs people in cannot file applications for them) needs an entry in
# OAUTH2_PROVIDER["SCOPES"] and in the client policies first; then name it here.
REQUIRED_SCOPES = ["openid"]
# Set on the request so handlers know the call came from a department system, not a browser.
CLIENT_ATTR = "jingchu_oauth_client"


def _lookup(raw: str) -> AccessToken | None:
    # DOT stores a SHA-256 checksum beside the token and may redact the token itself at rest.
    checksum = hashlib.sha256(raw.encode("utf-8")).hexdigest()
    return (
        AccessToken.objects.select_related("user", "application__jingchu_policy")
        .filter(token_checksum=checksum).first()
    )


def _client_disabled(token: AccessToken) -> bool:
    application: Any = token.application
    if application is None:
        return True
    policy = getattr(application, "jingchu_policy", None)
    return policy is not None and policy.disabled_at is not None


class OIDCBearer(HttpBearer):
    """`Authorization: Bearer <access token>` from the platform's OpenID Connect provider."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token or len(token) > 255:
            return None
        found = _lookup(token)
        if found is None or not found.is_valid(REQUIRED_SCOPES):
            return None
        user = found.user
        if user is None or not user.is_active or _client_disabled(found):
            return None
        request.user = user
        setattr(request, CLIENT_ATTR, found.application)
        return user


bearer = OIDCBearer()
