"""Sign-in (password, then the TOTP second factor where required) and sign-out.

Until the second factor is given the user is *not* logged in: the session only holds the pending
user's uid (see `actions.login`), so every other page still treats the visitor as anonymous.
"""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import path
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from jingchu.core.errors import ActionError
from jingchu.identity import permissions
from jingchu.identity.actions import login as login_actions
from jingchu.identity.forms import LoginForm, TotpCodeForm
from jingchu.identity.models import User

# These refusals end the half sign-in: back to the password form, with the message.
_RESTART_CODES = frozenset({"account_locked", "no_pending_login"})


def _safe_next(request: HttpRequest, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _after_login(next_url: str) -> HttpResponse:
    return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


def totp_qr_svg(user: User, secret: str) -> SafeString:
    """The otpauth:// URI as an inline SVG QR code, drawn here: no external service sees it."""
    qr = segno.make(login_actions.totp_uri(user, secret), error="m")
    svg = qr.svg_inline(scale=5, dark="#000", light="#fff", title=_("Authenticator QR code"))
    return mark_safe(svg)  # noqa: S308 - segno's own markup; the only input is our URI


def grouped_secret(secret: str) -> SafeString:
    """ABCD EFGH …: easier to type into an app by hand."""
    groups = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
    return format_html('<code id="totp-secret" data-secret="{}">{}</code>', secret, groups)


@sensitive_post_parameters("password")
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_sign_in(request.user))
    posted = request.method == "POST"
    form = LoginForm(request.POST if posted else None)
    next_url = _safe_next(request, request.POST.get("next", "") if posted
                          else request.GET.get("next", ""))
    error = ""
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            step = login_actions.do_password_step(
                request, username=data["username"], password=data["password"], next_url=next_url
            )
        except ActionError as exc:
            error = exc.message
        else:
            if step == login_actions.NextStep.TOTP:
                return redirect("identity:login_totp")
            if step == login_actions.NextStep.ENROL:
                return redirect("identity:login_totp_enrol")
            return _after_login(next_url)
    elif posted:
        error = _("Enter your username and password.")
    context = {"form": form, "next": next_url, "error": error}
    return render(request, "identity/login.html", context)


def _pending_or_restart(request: HttpRequest) -> User | None:
    pending = login_actions.pending_login(request)
    user = pending[0] if pending else None
    if not permissions.can_continue_login(user):
        messages.info(request, _("Please sign in with your username and password first."))
        return None
    return user


def _code_step(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """Shared by the code page and the enrolment page: both end in `do_totp_step`."""
    posted = request.method == "POST"
    form = TotpCodeForm(request.POST if posted else None)
    error = ""
    if posted and form.is_valid():
        try:
            next_url = login_actions.do_totp_step(request, code=form.cleaned_data["code"])
        except ActionError as exc:
            if exc.code in _RESTART_CODES:
                messages.error(request, exc.message)
                return redirect("identity:login")
            error = exc.message
        else:
            return _after_login(next_url)
    elif posted:
        error = _("Enter the 6 digits shown by your authenticator.")
    return render(request, template, {**context, "form": form, "error": error})


@never_cache
def login_totp(request: HttpRequest) -> HttpResponse:
    user = _pending_or_restart(request)
    if user is None:
        return redirect("identity:login")
    if not user.has_totp:
        return redirect("identity:login_totp_enrol")
    return _code_step(request, "identity/totp_verify.html", {"pending_user": user})


@never_cache
def login_totp_enrol(request: HttpRequest) -> HttpResponse:
    user = _pending_or_restart(request)
    if user is None or not user.totp_secret:
        return redirect("identity:login")
    if user.has_totp:
        return redirect("identity:login_totp")
    context = {
        "pending_user": user,
        "qr_svg": totp_qr_svg(user, user.totp_secret),
        "secret": grouped_secret(user.totp_secret),
        "form_action": "",
        "during_login": True,
    }
    return _code_step(request, "identity/totp_enrol.html", context)


urlpatterns = [
    path("login/", login_view, name="login"),
    path("login/totp/", login_totp, name="login_totp"),
    path("login/totp/enrol/", login_totp_enrol, name="login_totp_enrol"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
