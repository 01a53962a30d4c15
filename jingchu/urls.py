from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from jingchu.api import api
from jingchu.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False), name="api-docs"),
    path("core/", include("jingchu.core.urls")),
    path("account/", include("jingchu.identity.urls")),
    path("oidc/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path(
        ".well-known/openid-configuration",
        RedirectView.as_view(url="/oidc/.well-known/openid-configuration", permanent=False),
    ),
]
