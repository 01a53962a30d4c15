"""Open311 GeoReport v2 at /open311/v2/: each resource ends in .json or .xml."""

from django.urls import URLPattern, path, register_converter

from jingchu.hotline.open311 import views


class FormatConverter:
    regex = "json|xml"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class IdConverter:
    """A service_code, service_request_id or token: no dot, which starts the format."""

    regex = "[-A-Za-z0-9_]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "o311fmt")
register_converter(IdConverter, "o311id")

app_name = "open311"
urlpatterns: list[URLPattern] = [
    path("discovery.<o311fmt:fmt>", views.discovery, name="discovery"),
    path("services.<o311fmt:fmt>", views.services, name="services"),
    path("services/<o311id:code>.<o311fmt:fmt>", views.service_definition, name="service"),
    path("requests.<o311fmt:fmt>", views.requests, name="requests"),
    path("requests/<o311id:request_id>.<o311fmt:fmt>", views.request_detail, name="request"),
    path("tokens/<o311id:token>.<o311fmt:fmt>", views.token, name="token"),
    path("<path:rest>", views.not_found, name="not-found"),
]
