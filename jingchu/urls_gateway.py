"""The gateway process serves only the gateway and the health check (settings_gateway);
whatever else is asked is answered in JSON, as the gateway's own refusals are."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from jingchu.core import json_errors
from jingchu.core import views as core_views

handler404, handler500 = json_errors.handlers(_("The gateway has no such path."),
                                              _("The gateway failed to answer."))

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("gateway/", include("jingchu.sharing.gateway_urls", namespace="gateway")),
]
