"""The API process serves only /api/v1/ and the health check (settings_api); whatever else is
asked is answered in the API's JSON error shape."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from jingchu.api import api
from jingchu.core import json_errors
from jingchu.core import views as core_views

handler404, handler500 = json_errors.handlers(_("The API has no such path."),
                                              _("The API failed to answer."))

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
]
