"""Who is calling the exchange gateway: an OAuth2 access token of the client-credentials grant,
issued by the platform's identity provider (/oidc/token/) to a registered `GatewayClient`.

The token is looked up as django-oauth-toolkit stores it (the SHA-256 checksum of the raw
token), so a token revoked at /oidc/revoke_token/ or deleted when its client is disabled stops
working at the next call; nothing is cached between calls. The same statement reads what the
rest of the call's checks need (hot.context).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import NoReturn

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.models import get_access_token_model

from jingchu.identity.models import ClientPolicy
from jingchu.sharing import hot
from jingchu.sharing.choices import CallResult
from jingchu.sharing.gateway_rows import CallContext, Caller
from jingchu.sharing.models import GatewayClient

AccessToken = get_access_token_model()


class Refusal(Exception):
    """A call the gateway refuses: answered with `status` and recorded with `result`."""

    def __init__(self, result: CallResult, status: int, message: str,
                 details: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.result = result
        self.status = status
        self.message = str(message)
        self.details = details or {}


def _unauthenticated(message: str) -> Refusal:
    return Refusal(CallResult.UNAUTHENTICATED, 401, message)


def bearer_token(request: HttpRequest) -> str:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthenticated(_("An OAuth2 bearer token from the platform's identity provider "
                                 "is required."))
    return token.strip()


def context_for_token(token: str, username: str = "", code: str = "") -> CallContext:
    """The gateway client a live client-credentials token was issued to, with the civil servant
    `username` and the resource `code` of the call (hot.context): one query on every call;
    when it finds nothing, `_diagnose` says why."""
    checksum = hashlib.sha256(token.encode("utf-8")).hexdigest()
    found = hot.context(checksum, username, code)
    if found is None:
        _diagnose(checksum)
    return found


def _diagnose(checksum: str) -> NoReturn:
    access = (AccessToken.objects.filter(token_checksum=checksum, user__isnull=True)
              .only("expires", "application_id").first())
    if access is None or access.expires <= timezone.now():
        raise _unauthenticated(_("The access token is unknown or has expired."))
    client = (GatewayClient.objects.filter(application_id=access.application_id,
                                           disabled_at__isnull=True).first())
    if client is None:
        raise _unauthenticated(_("The token's client is not a registered gateway client."))
    disabled = ClientPolicy.objects.filter(application_id=access.application_id,
                                           disabled_at__isnull=False).exists()
    if disabled:
        raise _unauthenticated(_("The token's client is disabled."))
    # Only when the client changed between the two queries.
    raise _unauthenticated(_("The access token is unknown or has expired."))


def authenticate(request: HttpRequest, username: str = "", code: str = "") -> CallContext:
    """The calling client and what the call needs checked (see `context_for_token`)."""
    return context_for_token(bearer_token(request), username, code)


@dataclass(frozen=True)
class OnBehalfOf:
    username: str
    staff_name: str


def civil_servant(client: Caller, username: str) -> OnBehalfOf:
    """The civil servant named in X-Jingchu-User must be active staff of the calling system's
    organization: a system cannot claim to act for someone of another department (read with
    the client, hot.context)."""
    if client.staff_name is None:
        raise Refusal(CallResult.BAD_REQUEST, 400,
                      _("X-Jingchu-User must name an active civil servant of the calling "
                        "system's organization."), {"header": "X-Jingchu-User"})
    return OnBehalfOf(username=username, staff_name=client.staff_name)
