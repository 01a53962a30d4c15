"""Sign-in and sign-out pages."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import path


def login_view(request: HttpRequest) -> HttpResponseBase:
    return auth_views.LoginView.as_view(template_name="identity/login.html")(request)


urlpatterns = [
    path("login/", login_view, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
