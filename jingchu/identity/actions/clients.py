"""OpenID Connect clients (department systems): registration, secrets, disabling, sign-ins.

A client is django-oauth-toolkit's Application plus Jingchu's ClientPolicy (allowed scopes, the
citizen-ID grant, disabled or not). Secrets are stored hashed; the plain secret is returned
once, by the action that made it, for the page to show once.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import (
    AbstractApplication,
    get_access_token_model,
    get_application_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
)

from jingchu.core import audit
from jingchu.core.errors import ActionError, NotFound, NotPermitted
from jingchu.identity import permissions
from jingchu.identity.models import ClientPolicy, TokenAssurance

# Scopes an administrator may allow by ticking a box; `id_number` is granted on its own.
GRANTABLE_SCOPES = ["openid", "profile", "phone", "entities"]
Application = get_application_model()


def _require_admin(actor: Any) -> None:
    if not permissions.can_manage_oidc_clients(actor):
        raise NotPermitted(_("Only an administrator may manage OpenID Connect clients."))


def _split_uris(value: str | list[str]) -> str:
    parts = value.split() if isinstance(value, str) else [u.strip() for u in value]
    return " ".join(u for u in parts if u)


def _check_scopes(scopes: list[str]) -> str:
    unknown = sorted(set(scopes) - set(GRANTABLE_SCOPES))
    if unknown:
        raise ActionError("scope_unknown", _("These scopes cannot be allowed here."),
                          {"field": "scopes", "scopes": unknown})
    if "openid" not in scopes:
        raise ActionError("scope_openid_required", _("A client must be allowed the openid scope."),
                          {"field": "scopes"})
    return " ".join(s for s in GRANTABLE_SCOPES if s in scopes)


def _full_clean(app: Any) -> None:
    try:
        app.full_clean(exclude=["client_secret", "user"])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ActionError("client_invalid", " ".join(messages), {"field": field}) from None


def _live_policy(client_id: str) -> ClientPolicy:
    policy = (
        ClientPolicy.objects.select_for_update()
        .select_related("application")
        .filter(application__client_id=client_id)
        .first()
    )
    if policy is None:
        raise NotFound(_("No such client."), {"client_id": client_id})
    if policy.disabled_at is not None:
        raise ActionError("client_disabled", _("This client is disabled."),
                          {"client_id": client_id}, status=409)
    return policy


@transaction.atomic
def do_register_client(
    actor: Any,
    *,
    name: str,
    redirect_uris: str | list[str],
    scopes: list[str],
    confidential: bool = True,
    may_receive_id_number: bool = False,
    post_logout_redirect_uris: str | list[str] = "",
    skip_authorization: bool = False,
) -> tuple[Any, str]:
    """Register a department system; returns (application, plain secret or "" if public)."""
    _require_admin(actor)
    if not name.strip():
        raise ActionError("name_required", _("The name is required."), {"field": "name"})
    uris = _split_uris(redirect_uris)
    if not uris:
        raise ActionError("redirect_uri_required", _("At least one redirect URI is required."),
                          {"field": "redirect_uris"})
    allowed = _check_scopes(scopes)
    secret = generate_client_secret() if confidential else ""
    app = Application(
        name=name.strip(),
        redirect_uris=uris,
        post_logout_redirect_uris=_split_uris(post_logout_redirect_uris),
        client_type=(AbstractApplication.CLIENT_CONFIDENTIAL if confidential
                     else AbstractApplication.CLIENT_PUBLIC),
        authorization_grant_type=AbstractApplication.GRANT_AUTHORIZATION_CODE,
        algorithm=AbstractApplication.RS256_ALGORITHM,
        client_secret=secret,
        skip_authorization=skip_authorization,
    )
    _full_clean(app)
    app.save()  # DOT hashes the secret on save; only `secret` below still holds it in clear
    policy = ClientPolicy.objects.create(
        application=app, allowed_scopes=allowed, may_receive_id_number=may_receive_id_number,
        registered_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record("identity.client.register", actor, policy, {
        "scopes": allowed, "id_number": may_receive_id_number,
        "client_type": app.client_type, "redirect_uris": uris.split(),
    })
    return app, secret


@transaction.atomic
def do_register_service_client(actor: Any, *, name: str) -> tuple[Any, str]:
    """Register a department system that calls platform APIs for itself, not for a signed-in
    person: a confidential client of the client-credentials grant (RFC 6749 §4.4), with no
    redirect URI. Returns (application, plain secret)."""
    _require_admin(actor)
    if not name.strip():
        raise ActionError("name_required", _("The name is required."), {"field": "name"})
    secret = generate_client_secret()
    app = Application(
        name=name.strip(), redirect_uris="",
        client_type=AbstractApplication.CLIENT_CONFIDENTIAL,
        authorization_grant_type=AbstractApplication.GRANT_CLIENT_CREDENTIALS,
        # No ID token is ever issued to it (there is no person), so nothing to sign.
        algorithm=AbstractApplication.NO_ALGORITHM, client_secret=secret,
    )
    _full_clean(app)
    app.save()
    policy = ClientPolicy.objects.create(
        application=app, allowed_scopes="openid",
        registered_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record("identity.client.register", actor, policy, {
        "scopes": "openid", "client_type": app.client_type,
        "grant_type": app.authorization_grant_type,
    })
    return app, secret


@transaction.atomic
def do_rotate_client_secret(actor: Any, client_id: str) -> str:
    """Give a confidential client a new secret; the old one stops working at once."""
    _require_admin(actor)
    policy = _live_policy(client_id)
    app = policy.application
    if app.client_type != AbstractApplication.CLIENT_CONFIDENTIAL:
        raise ActionError("client_public", _("A public client has no secret."),
                          {"client_id": client_id})
    secret = generate_client_secret()
    app.client_secret = secret
    app.save(update_fields=["client_secret", "updated"])
    policy.secret_rotated_at = timezone.now()
    policy.save(update_fields=["secret_rotated_at"])
    audit.record("identity.client.rotate_secret", actor, policy)
    return secret


@transaction.atomic
def do_set_id_number_access(actor: Any, client_id: str, allowed: bool) -> ClientPolicy:
    """Grant or withdraw a client's right to receive the full citizen ID number."""
    _require_admin(actor)
    policy = _live_policy(client_id)
    policy.may_receive_id_number = allowed
    policy.save(update_fields=["may_receive_id_number"])
    audit.record("identity.client.id_number_access", actor, policy, {"allowed": allowed})
    return policy


@transaction.atomic
def do_disable_client(actor: Any, client_id: str) -> ClientPolicy:
    """Disable a client: every endpoint refuses it and its codes and tokens are revoked."""
    _require_admin(actor)
    policy = _live_policy(client_id)
    app = policy.application
    now = timezone.now()
    policy.disabled_at = now
    policy.save(update_fields=["disabled_at"])
    grants, _n = get_grant_model().objects.filter(application=app).delete()
    refresh = get_refresh_token_model().objects.filter(
        application=app, revoked__isnull=True
    ).update(revoked=now)
    access, _n = get_access_token_model().objects.filter(application=app).delete()
    get_id_token_model().objects.filter(application=app).delete()
    audit.record("identity.client.disable", actor, policy, {
        "grants": grants, "access_tokens": access, "refresh_tokens": refresh,
    })
    return policy


def _client_ref(application: Any) -> tuple[ClientPolicy | None, dict[str, Any]]:
    policy = ClientPolicy.objects.filter(application_id=application.pk).first()
    return policy, {"client_id": application.client_id}


@transaction.atomic
def note_authorization(grant: Any, acr: str) -> TokenAssurance:
    """A person approved a client's request: keep the session's acr for the token endpoint."""
    assurance = TokenAssurance.objects.create(grant=grant, acr=acr)
    policy, details = _client_ref(grant.application)
    audit.record("identity.oidc.authorize", grant.user, policy,
                 details | {"scopes": grant.scope, "acr": acr})
    return assurance


@transaction.atomic
def note_id_token(id_token: Any, acr: str) -> TokenAssurance:
    """An ID token was issued (code exchange or refresh): record its acr and the release."""
    assurance = TokenAssurance.objects.create(id_token=id_token, acr=acr)
    policy, details = _client_ref(id_token.application)
    audit.record("identity.oidc.id_token", id_token.user, policy,
                 details | {"scopes": id_token.scope, "acr": acr})
    return assurance
