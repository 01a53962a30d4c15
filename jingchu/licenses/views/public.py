"""The public verification page a licence's QR code leads to: no sign-in, minimum data."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from jingchu.core.errors import ActionError
from jingchu.licenses import permissions, verification
from jingchu.licenses.views.presenting import by_identifier


@never_cache
@require_GET
def verify(request: HttpRequest, identifier: str) -> HttpResponse:
    """Whether the licence is valid now and why not: signature, issuer, status, dates."""
    permissions.require(permissions.can_verify_licenses(request.user))
    try:
        lic = by_identifier(identifier)
    except ActionError as exc:
        return render(request, "licenses/verify.html",
                      {"error": exc.message, "identifier": identifier}, status=exc.status)
    result = verification.verify_license(lic)
    return render(request, "licenses/verify.html", {
        "facts": verification.public_facts(lic), "result": result,
        "identifier": lic.identifier})


urlpatterns: list[URLPattern] = [
    path("verify/<str:identifier>/", verify, name="verify"),
]
