"""The provider's endpoints under /oidc/, in DOT's `oauth2_provider` namespace.

Only what department systems need is mounted: DOT's application-management pages (which let any
signed-in user register a client) and dynamic registration are left out; clients are registered
by an administrator at /account/clients/.
"""

from __future__ import annotations

from django.urls import path
from django.views.generic import RedirectView
from oauth2_provider import views as dot_views

from jingchu.identity import oidc

app_name = "oauth2_provider"
urlpatterns = [
    path("authorize/", oidc.AuthorizationView.as_view(), name="authorize"),
    path("token/", dot_views.TokenView.as_view(), name="token"),
    path("revoke_token/", dot_views.RevokeTokenView.as_view(), name="revoke-token"),
    # The canonical document is at the root, beside the issuer; this old address points there.
    path(
        ".well-known/openid-configuration",
        RedirectView.as_view(url="/.well-known/openid-configuration", permanent=False),
        name="oidc-connect-discovery-info",
    ),
    path(".well-known/jwks.json", dot_views.JwksInfoView.as_view(), name="jwks-info"),
    path("userinfo/", dot_views.UserInfoView.as_view(), name="user-info"),
    path("logout/", oidc.LogoutView.as_view(), name="rp-initiated-logout"),
]
