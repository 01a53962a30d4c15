"""The JSON API under /api/v1/, with errors in one shape: {"code", "message", "details"}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from jingchu.core.api import router as core_router
from jingchu.core.errors import ActionError
from jingchu.identity.api import router as identity_router

api = NinjaAPI(
    title="Jingchu API",
    version="1",
    description="Jingchu digital-government platform (荆楚数字政府平台)",
    docs_url="/docs",
    urls_namespace="api-1",
)


def _error(
    request: HttpRequest, status: int, code: str, message: str, details: dict[str, Any]
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": message, "details": details}, status=status
    )


@api.exception_handler(ActionError)
def on_action_error(request: HttpRequest, exc: ActionError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.message, exc.details)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _error(request, 422, "invalid_input", _("The request is not valid."),
                  {"errors": exc.errors})


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "not_authenticated", _("Authentication is required."), {})


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, "permission_denied", str(exc) or _("Permission denied."), {})


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", str(exc) or _("Not found."), {})


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, "http_error", str(exc), {})


api.add_router("/core/", core_router)
api.add_router("/identity/", identity_router)
