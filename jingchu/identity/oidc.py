"""The OpenID Connect provider for department systems (一次认证，全省通行).

Built on django-oauth-toolkit (DOT); this module holds what Jingchu changes in it:

- The issuer is the site's root URL (``https://host``), so the discovery document lives where
  OpenID Connect Discovery says a client looks for it,
  ``{issuer}/.well-known/openid-configuration``, and the ID token's ``iss`` is that same value.
  DOT alone derives ``https://host/oidc`` from its mount point; `issuer_for` replaces that
  everywhere DOT asks the validator.
- ``sub`` is the user's opaque uid, never the sequential primary key.
- ``acr`` is the assurance level of the session that approved the request (`SESSION_ACR_KEY`),
  kept in `TokenAssurance` because the token endpoint has no browser session.
- Scopes a client may request come from its `ClientPolicy`; `id_number` only when an
  administrator granted it. See `jingchu.identity.claims` for which claim each scope releases.
- A disabled client is unknown to every endpoint.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _
from oauth2_provider import views as dot_views
from oauth2_provider.models import AbstractApplication
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import SettingsScopes
from oauth2_provider.settings import oauth2_settings
from oauthlib.common import Request as OauthlibRequest

from jingchu.identity.models import ClientPolicy, TokenAssurance
from jingchu.identity.services import session_assurance

# The attribute carrying the acr on oauthlib's request (credentials are copied onto it).
ACR_ATTR = "jingchu_acr"
LOWEST_ACR = "1"
ACR_VALUES = ["1", "2", "3"]
# Claims a client may meet, for the discovery document (DOT lists only `sub` when
# `get_additional_claims` takes the request, as ours does).
DISCOVERY_CLAIMS = [
    "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr",
    "name", "kind", "id_number_masked", "id_number", "phone_number_masked", "entities",
]
SCOPE_LABELS = {
    "openid": _("Your account identifier (an opaque number)"),
    "profile": _("Your name, kind of account and masked citizen ID number"),
    "phone": _("Your masked mobile number"),
    "id_number": _("Your full citizen ID number"),
    "entities": _("The enterprises you may act for"),
}


def issuer_for(request: HttpRequest | OauthlibRequest) -> str:
    """The issuer identifier: the site's root URL as the client reached it."""
    if oauth2_settings.OIDC_ISS_ENDPOINT:
        return str(oauth2_settings.OIDC_ISS_ENDPOINT)
    if isinstance(request, HttpRequest):
        return request.build_absolute_uri("/").rstrip("/")
    # An oauthlib request carries the Django request's META as its headers (DOT's backend).
    http = HttpRequest()
    http.META = dict(request.headers)
    secure = request.headers.get("X_DJANGO_OAUTH_TOOLKIT_SECURE", False)
    scheme = "https" if secure else "http"
    return f"{scheme}://{http.get_host()}"


def policy_of(application: Any) -> ClientPolicy | None:
    if application is None or application.pk is None:
        return None
    return ClientPolicy.objects.filter(application_id=application.pk).first()


class ClientScopes(SettingsScopes):
    """The scopes a client may request are those its administrator allowed."""

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        every = list(super().get_available_scopes(application, request, *args, **kwargs))
        if application is None:
            return every  # the discovery document lists them all
        policy = policy_of(application)
        allowed = policy.scopes() if policy is not None else ["openid"]
        return [scope for scope in every if scope in allowed]

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return ["openid"]


class JingchuOIDCValidator(OAuth2Validator):
    oidc_claim_scope = OAuth2Validator.oidc_claim_scope | {
        "name": "profile",
        "kind": "profile",
        "id_number_masked": "profile",
        "id_number": "id_number",
        "phone_number_masked": "phone",
        "entities": "entities",
    }

    def _load_application(self, client_id: str, request: OauthlibRequest) -> Any:
        client = super()._load_application(client_id, request)
        policy = policy_of(client)
        if policy is not None and policy.disabled_at is not None:
            request.client = None
            return None
        return client

    def get_oidc_issuer_endpoint(self, request: Any) -> str:
        return issuer_for(request)

    def get_claim_dict(self, request: OauthlibRequest) -> dict[str, Any]:
        from jingchu.identity.claims import user_claims

        policy = policy_of(request.client)
        full_number = bool(policy and policy.may_receive_id_number)
        return {"sub": str(request.user.uid), **user_claims(request.user, full_number)}

    def get_additional_claims(self, request: OauthlibRequest) -> dict[str, Any]:
        return {}  # everything is in get_claim_dict, which knows the client

    def get_discovery_claims(self, request: Any) -> list[str]:
        return list(DISCOVERY_CLAIMS)

    def get_id_token_dictionary(
        self, token: Any, token_handler: Any, request: OauthlibRequest
    ) -> tuple[dict[str, Any], Any]:
        claims, expires = super().get_id_token_dictionary(token, token_handler, request)
        claims["acr"] = getattr(request, ACR_ATTR, None) or LOWEST_ACR
        return claims, expires

    def _create_authorization_code(self, request: OauthlibRequest, code: Any,
                                   expires: Any = None) -> Any:
        from jingchu.identity.actions.clients import note_authorization

        grant = super()._create_authorization_code(request, code, expires)
        note_authorization(grant, getattr(request, ACR_ATTR, None) or LOWEST_ACR)
        return grant

    def validate_code(self, client_id: str, code: str, client: Any, request: OauthlibRequest,
                      *args: Any, **kwargs: Any) -> bool:
        valid = bool(super().validate_code(client_id, code, client, request, *args, **kwargs))
        if valid:
            found = TokenAssurance.objects.filter(grant__code=code).values_list("acr", flat=True)
            setattr(request, ACR_ATTR, found.first() or LOWEST_ACR)
        return valid

    def validate_refresh_token(self, refresh_token: str, client: Any, request: OauthlibRequest,
                               *args: Any, **kwargs: Any) -> bool:
        valid = bool(super().validate_refresh_token(refresh_token, client, request,
                                                    *args, **kwargs))
        if valid:
            # A refreshed ID token reports the sign-in it continues, not a new one.
            rt = request.refresh_token_instance
            id_token_id = rt.access_token.id_token_id if rt.access_token else None
            found = TokenAssurance.objects.filter(id_token_id=id_token_id).values_list(
                "acr", flat=True
            )
            setattr(request, ACR_ATTR, (id_token_id and found.first()) or LOWEST_ACR)
        return valid

    def _save_id_token(self, jti: Any, request: OauthlibRequest, expires: Any,
                       *args: Any, **kwargs: Any) -> Any:
        from jingchu.identity.actions.clients import note_id_token

        id_token = super()._save_id_token(jti, request, expires, *args, **kwargs)
        note_id_token(id_token, getattr(request, ACR_ATTR, None) or LOWEST_ACR)
        return id_token


class AuthorizationView(dot_views.AuthorizationView):
    """DOT's authorization (consent) view, in the site's look, recording the session's acr."""

    template_name = "identity/clients_authorize.html"

    def create_authorization_response(
        self, request: HttpRequest, scopes: Any, credentials: dict[str, Any], allow: bool
    ) -> Any:
        # oauthlib copies every credential onto its request, where the validator reads it.
        credentials = {**credentials, ACR_ATTR: str(session_assurance(request))}
        return super().create_authorization_response(request, scopes, credentials, allow)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        scopes = context.get("scopes") or []
        context["scope_labels"] = [SCOPE_LABELS.get(s, s) for s in scopes]
        return context


class LogoutView(dot_views.RPInitiatedLogoutView):
    """RP-initiated logout (end_session_endpoint), its confirmation page in the site's look."""

    template_name = "identity/clients_logout.html"


class DiscoveryView(dot_views.ConnectDiscoveryInfoView):
    """DOT's discovery document, served at the root with the root issuer."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        data = json.loads(response.content)
        data["issuer"] = issuer_for(request)
        data["acr_values_supported"] = ACR_VALUES
        # Clients registered here sign with RS256 only; HS256 is DOT's fallback, not offered.
        if AbstractApplication.RS256_ALGORITHM in data["id_token_signing_alg_values_supported"]:
            data["id_token_signing_alg_values_supported"] = [AbstractApplication.RS256_ALGORITHM]
        out = JsonResponse(data)
        out["Access-Control-Allow-Origin"] = "*"
        return out
