from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from jingchu.api import api
from jingchu.core import views as core_views
from jingchu.identity import oidc

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Staff sign in with their second factor on the platform's own page, never Django's.
    path("admin/login/", RedirectView.as_view(url="/account/login/?next=/admin/")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False), name="api-docs"),
    path("core/", include("jingchu.core.urls")),
    path("account/", include("jingchu.identity.urls")),
    path("services/", include("jingchu.services.urls")),
    path("cases/", include("jingchu.cases.urls")),
    path("payments/", include("jingchu.payments.urls")),
    path("reviews/", include("jingchu.reviews.urls")),
    path("seals/", include("jingchu.seals.urls")),
    path("licences/", include("jingchu.licenses.urls", namespace="licenses")),
    path("lake/", include("jingchu.lake.urls", namespace="lake")),
    path("sharing/", include("jingchu.sharing.urls", namespace="sharing")),
    path("exchange/", include("jingchu.sharing.exchange_urls", namespace="exchange")),
    path("gateway/", include("jingchu.sharing.gateway_urls", namespace="gateway")),
    path("ledger/", include("jingchu.ledger.urls", namespace="ledger")),
    path("open/", include("jingchu.opendata.urls", namespace="opendata")),
    path("hotline/", include("jingchu.hotline.urls", namespace="hotline")),
    path("open311/v2/", include("jingchu.hotline.open311.urls", namespace="open311")),
    path("supervision/", include("jingchu.supervision.urls", namespace="supervision")),
    path("oversight/", include("jingchu.oversight.urls", namespace="oversight")),
    path("bizenv/", include("jingchu.bizenv.urls", namespace="bizenv")),
    path("cockpit/", include("jingchu.cockpit.urls", namespace="cockpit")),
    path("api/3/action/", include("jingchu.opendata.ckan_urls")),
    # ckanapi's RemoteCKAN calls the unversioned /api/action/ that CKAN also serves.
    path("api/action/", include("jingchu.opendata.ckan_urls")),
    path("oidc/", include("jingchu.identity.oidc_urls", namespace="oauth2_provider")),
    # The OpenID issuer is the site root, so its discovery document is served here, not moved.
    path(
        ".well-known/openid-configuration",
        oidc.DiscoveryView.as_view(),
        name="openid-configuration",
    ),
]
