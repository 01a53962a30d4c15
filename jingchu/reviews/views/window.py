"""The rating device at a window: a tablet in a window clerk's session, rated anonymously.

The clerk signs in on the tablet, opens the device for their organization (the token goes into
this session only), and hands it to citizens, who press one of five big buttons. A session
without the token, another clerk's session, or a clerk of another organization cannot rate.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jingchu.core.errors import ActionError
from jingchu.core.models import Organization
from jingchu.reviews import actions, permissions, queries
from jingchu.reviews.choices import Level
from jingchu.reviews.forms import WindowRatingForm
from jingchu.reviews.views.common import put_error

SESSION_KEY = "reviews.window_device"


def _token(request: HttpRequest, org: Organization) -> str:
    held: Any = request.session.get(SESSION_KEY) or {}
    return str(held.get("token", "")) if held.get("org") == str(org.uid) else ""


@login_required
def window_start(request: HttpRequest) -> HttpResponse:
    """The clerk's list of windows whose device they may open."""
    permissions.require(permissions.can_use_window_devices(request.user))
    orgs = Organization.objects.filter(
        pk__in=permissions.org_ids(request.user, ("window_clerk",))).order_by("name")
    return render(request, "reviews/window_start.html", {"organizations": orgs})


def _render(request: HttpRequest, org: Organization, form: WindowRatingForm | None = None,
            status: int = 200) -> HttpResponse:
    device = actions.live_device(request.user, _token(request, org), org)
    context = {"org": org, "device": device, "form": form or WindowRatingForm(),
               "levels": [(value, label) for value, label in Level.choices]}
    return render(request, "reviews/window.html", context, status=status)


def _open(request: HttpRequest, org: Organization) -> HttpResponse:
    _device, token = actions.do_open_window_device(request.user, org)
    request.session[SESSION_KEY] = {"org": str(org.uid), "token": token}
    messages.success(request, _("The rating device is open."))
    return redirect("reviews:window", uid=org.uid)


def _close(request: HttpRequest, org: Organization) -> HttpResponse:
    actions.do_close_window_device(request.user, _token(request, org), org)
    request.session.pop(SESSION_KEY, None)
    messages.success(request, _("The rating device is closed."))
    return redirect("reviews:window", uid=org.uid)


def _rate(request: HttpRequest, org: Organization) -> HttpResponse:
    form = WindowRatingForm(request.POST)
    if not form.is_valid():
        return _render(request, org, form, 400)
    data = form.cleaned_data
    try:
        actions.do_rate_at_window(request.user, _token(request, org), org, event=data["event"],
                                  level=data["level"], scores=form.scores(),
                                  comment=data["comment"], case_number=data["case_number"])
    except ActionError as exc:
        put_error(form, exc)
        return _render(request, org, form, exc.status)
    messages.success(request, _("Thank you for your rating!"))
    return redirect("reviews:window", uid=org.uid)


@login_required
@require_http_methods(["GET", "POST"])
def window_device(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    org: Organization = queries.by_uid(Organization, uid)
    permissions.require(permissions.can_open_window_device(request.user, org))
    if request.method == "GET":
        return _render(request, org)
    op = request.POST.get("op", "rate")
    try:
        if op == "open":
            return _open(request, org)
        if op == "close":
            return _close(request, org)
    except ActionError as exc:
        messages.error(request, exc.message)
        return _render(request, org, status=exc.status)
    return _rate(request, org)


urlpatterns = [
    path("window/", window_start, name="window_start"),
    path("window/<uuid:uid>/", window_device, name="window"),
]
