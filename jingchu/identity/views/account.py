"""The "My account" page, the citizen's own authenticator, and verification in person."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from jingchu.core.errors import ActionError
from jingchu.core.masking import mask_id_number, mask_phone
from jingchu.identity import permissions, services
from jingchu.identity.actions import login as login_actions
from jingchu.identity.forms import IdNumberForm, TotpManageForm, VerifyPersonForm
from jingchu.identity.models import Person, User
from jingchu.identity.views.auth import grouped_secret, totp_qr_svg


def _account_context(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    me = services.describe_me(request)
    person = Person.objects.filter(user_id=user.pk).first()
    return {
        "me": me,
        "person": person,
        "phone_masked": mask_phone(person.phone if person else getattr(
            getattr(user, "staff", None), "phone", "")),
        "assurance_label": services.assurance_label(me["assurance_level"]),
        "roles": services.staff_roles(user),
        "logins": services.login_history(user, 20),
        "has_totp": user.has_totp,
        "totp_pending": bool(user.totp_secret) and not user.has_totp,
        "may_manage_totp": permissions.can_manage_own_totp(user),
        "may_verify_in_person": permissions.can_verify_in_person(user),
    }


@login_required
def account(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_view_own_account(request.user))
    return render(request, "identity/account.html", _account_context(request))


def _totp_op(request: HttpRequest, op: str, code: str) -> str:
    """Run one authenticator operation; answers the message to show."""
    if op == "start":
        login_actions.do_begin_totp_enrolment(request.user)
        return ""
    if op == "confirm":
        login_actions.do_confirm_totp_enrolment(request.user, code=code)
        return _("Your authenticator is set up: sign-ins will ask for its code.")
    login_actions.do_disable_totp(request.user, code=code)
    return _("Your authenticator is turned off.")


@login_required
@never_cache
def account_totp(request: HttpRequest) -> HttpResponse:
    """A citizen turns the optional second factor on (QR code, then a code) or off."""
    permissions.require(permissions.can_manage_own_totp(request.user))
    error = ""
    if request.method == "POST":
        form = TotpManageForm(request.POST)
        if form.is_valid():
            try:
                done = _totp_op(request, form.cleaned_data["op"], form.cleaned_data["code"])
            except ActionError as exc:
                error = exc.message
            else:
                if done:
                    messages.success(request, done)
                    return redirect("identity:account")
    me: Any = request.user
    user = User.objects.get(pk=me.pk)  # fresh: the action just changed the secret
    if user.has_totp or not user.totp_secret:
        if error:
            messages.error(request, error)
        return redirect("identity:account")
    return render(request, "identity/totp_enrol.html", {
        "pending_user": user,
        "qr_svg": totp_qr_svg(user, user.totp_secret),
        "secret": grouped_secret(user.totp_secret),
        "during_login": False,
        "error": error,
    })


def _verify_lookup(request: HttpRequest) -> tuple[Person | None, str]:
    form = IdNumberForm(request.POST)
    if not form.is_valid():
        return None, _("A citizen ID number has 18 characters.")
    try:
        person = login_actions.do_look_up_person(
            request.user, id_number=form.cleaned_data["id_number"], purpose="verify_in_person"
        )
    except ActionError as exc:
        return None, exc.message
    return person, ""


def _verify_confirm(request: HttpRequest) -> HttpResponse | str:
    form = VerifyPersonForm(request.POST)
    if not form.is_valid():
        return _("Look the person up again.")
    person = get_object_or_404(Person, uid=form.cleaned_data["person"])
    try:
        login_actions.do_verify_in_person(request.user, person=person)
    except ActionError as exc:
        return exc.message
    messages.success(request, _("%(name)s is now verified in person.") % {"name": person.name})
    return redirect("identity:verify_in_person")


@login_required
@never_cache
def verify_in_person(request: HttpRequest) -> HttpResponse:
    """A window clerk checks a citizen's ID card face to face (认证等级 3)."""
    permissions.require(permissions.can_verify_in_person(request.user))
    person, error = None, ""
    if request.method == "POST" and "person" in request.POST:
        outcome = _verify_confirm(request)
        if isinstance(outcome, HttpResponse):
            return outcome
        error = outcome
    elif request.method == "POST":
        person, error = _verify_lookup(request)
    return render(request, "identity/verify_in_person.html", {
        "person": person,
        "id_number_masked": mask_id_number(person.id_number) if person else "",
        "error": error,
    })


urlpatterns = [
    path("", account, name="account"),
    path("totp/", account_totp, name="account_totp"),
    path("verify-in-person/", verify_in_person, name="verify_in_person"),
]
