from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from jingchu.identity import permissions
from jingchu.identity.services import describe_me


def login_view(request: HttpRequest) -> HttpResponseBase:
    return auth_views.LoginView.as_view(template_name="identity/login.html")(request)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_view_own_account(request.user))
    return render(request, "identity/account.html", {"me": describe_me(request)})
