"""The gateway process serves only the gateway and the health check (settings_gateway);
whatever else is asked is answered in JSON, as the gateway's own refusals are."""

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.utils.translation import gettext as _

from jingchu.core import views as core_views


def not_found(request: HttpRequest, exception: Any = None) -> JsonResponse:
    return JsonResponse({"code": "not_found", "message": _("The gateway has no such path."),
                         "details": {"path": request.path}}, status=404,
                        json_dumps_params={"ensure_ascii": False})


def server_error(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"code": "server_error", "message": _("The gateway failed to answer."),
                         "details": {}}, status=500, json_dumps_params={"ensure_ascii": False})


handler404 = not_found
handler500 = server_error

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("gateway/", include("jingchu.sharing.gateway_urls", namespace="gateway")),
]
