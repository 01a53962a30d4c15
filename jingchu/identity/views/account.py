"""The "My account" page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from jingchu.identity import permissions
from jingchu.identity.services import describe_me


@login_required
def account(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_view_own_account(request.user))
    return render(request, "identity/account.html", {"me": describe_me(request)})


urlpatterns = [
    path("", account, name="account"),
]
