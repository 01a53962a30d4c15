"""OpenID Connect clients (department systems), managed by an administrator.

Clients are addressed by their client_id. A new or rotated secret is shown once, in the answer
to the POST that made it, never stored in clear nor put in the session.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from jingchu.core.errors import ActionError
from jingchu.identity import actions, permissions
from jingchu.identity.models import ClientPolicy

SCOPE_CHOICES = [
    ("openid", gettext_lazy("openid: account identifier")),
    ("profile", gettext_lazy("profile: name, kind, masked ID number")),
    ("phone", gettext_lazy("phone: masked mobile number")),
    ("entities", gettext_lazy("entities: enterprises the person may act for")),
]


class ClientForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=255)
    redirect_uris = forms.CharField(
        label=gettext_lazy("Redirect URIs (one per line)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    post_logout_redirect_uris = forms.CharField(
        label=gettext_lazy("Post-logout redirect URIs (optional, one per line)"),
        required=False, widget=forms.Textarea(attrs={"rows": 2}),
    )
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Allowed scopes"), choices=SCOPE_CHOICES,
        widget=forms.CheckboxSelectMultiple, initial=["openid", "profile"],
    )
    may_receive_id_number = forms.BooleanField(
        label=gettext_lazy("May receive the full citizen ID number (id_number scope)"),
        required=False,
    )
    confidential = forms.ChoiceField(
        label=gettext_lazy("Client type"),
        choices=[("1", gettext_lazy("Confidential (a server holding a secret)")),
                 ("0", gettext_lazy("Public (no secret; PKCE only)"))],
        initial="1",
    )
    skip_authorization = forms.BooleanField(
        label=gettext_lazy("Trusted department system: skip the consent page"),
        required=False,
    )


def _require_manager(request: HttpRequest) -> None:
    permissions.require(permissions.can_manage_oidc_clients(request.user))


def _render_list(request: HttpRequest, form: ClientForm, status: int = 200) -> HttpResponse:
    policies = ClientPolicy.objects.select_related("application").order_by(
        "disabled_at", "application__name"
    )
    return render(request, "identity/clients.html",
                  {"policies": policies, "form": form}, status=status)


def _register(request: HttpRequest, form: ClientForm) -> HttpResponse:
    data: dict[str, Any] = form.cleaned_data
    try:
        app, secret = actions.do_register_client(
            request.user,
            name=data["name"],
            redirect_uris=data["redirect_uris"],
            post_logout_redirect_uris=data["post_logout_redirect_uris"],
            scopes=list(data["scopes"]),
            confidential=data["confidential"] == "1",
            may_receive_id_number=data["may_receive_id_number"],
            skip_authorization=data["skip_authorization"],
        )
    except ActionError as exc:
        field = exc.details.get("field")
        form.add_error(field if field in form.fields else None, exc.message)
        return _render_list(request, form, status=exc.status)
    return render(request, "identity/clients_secret.html",
                  {"application": app, "secret": secret, "created": True})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def clients(request: HttpRequest) -> HttpResponse:
    """GET lists the clients with the registration form; POST registers one."""
    _require_manager(request)
    if request.method == "GET":
        return _render_list(request, ClientForm())
    form = ClientForm(request.POST)
    if not form.is_valid():
        return _render_list(request, form, status=400)
    return _register(request, form)


@never_cache
@login_required
@require_POST
def rotate_secret(request: HttpRequest, client_id: str) -> HttpResponse:
    _require_manager(request)
    try:
        secret = actions.do_rotate_client_secret(request.user, client_id)
    except ActionError as exc:
        messages.error(request, exc.message)
        return redirect("identity:clients")
    policy = ClientPolicy.objects.select_related("application").get(
        application__client_id=client_id
    )
    return render(request, "identity/clients_secret.html",
                  {"application": policy.application, "secret": secret, "created": False})


@login_required
@require_POST
def disable(request: HttpRequest, client_id: str) -> HttpResponse:
    _require_manager(request)
    try:
        policy = actions.do_disable_client(request.user, client_id)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Client %(name)s is disabled; its tokens are revoked.")
                         % {"name": policy.application.name})
    return redirect("identity:clients")


@login_required
@require_POST
def id_number_access(request: HttpRequest, client_id: str) -> HttpResponse:
    """POST `allowed=1` grants the full citizen ID number to the client, anything else withdraws."""
    _require_manager(request)
    allowed = request.POST.get("allowed") == "1"
    try:
        policy = actions.do_set_id_number_access(request.user, client_id, allowed)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        text = (_("%(name)s may now receive the full citizen ID number.") if allowed
                else _("%(name)s no longer receives the full citizen ID number."))
        messages.success(request, text % {"name": policy.application.name})
    return redirect("identity:clients")


urlpatterns = [
    path("clients/", clients, name="clients"),
    path("clients/<str:client_id>/rotate-secret/", rotate_secret, name="client_rotate_secret"),
    path("clients/<str:client_id>/disable/", disable, name="client_disable"),
    path("clients/<str:client_id>/id-number/", id_number_access, name="client_id_number"),
]
