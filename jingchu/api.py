"""The JSON API under /api/v1/, with errors in one shape: {"code", "message", "details"}."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from jingchu.bizenv.api import router as bizenv_router
from jingchu.cases.api import router as cases_router
from jingchu.cockpit.api import router as cockpit_router
from jingchu.core import renderers
from jingchu.core.api import router as core_router
from jingchu.core.errors import ActionError
from jingchu.core.wsgi import HotOperation
from jingchu.hotline.api import router as hotline_router
from jingchu.identity.api import router as identity_router
from jingchu.lake.api import router as lake_router
from jingchu.ledger.api import router as ledger_router
from jingchu.licenses.api import router as licenses_router
from jingchu.opendata.api import router as opendata_router
from jingchu.oversight.api import router as oversight_router
from jingchu.payments.api import router as payments_router
from jingchu.reviews.api import router as reviews_router
from jingchu.seals.api import router as seals_router
from jingchu.services.api import router as services_router
from jingchu.sharing.api import router as sharing_router
from jingchu.sharing.exchange_api import router as exchange_router
from jingchu.supervision.api import router as supervision_router


class JingchuAPI(NinjaAPI):
    """A NinjaAPI whose every 4xx is in the error shape, including the two Django would answer
    itself: an unknown path under /api/v1/ (its HTML 404 page) and a method the path does not
    take (ninja's plain-text 405)."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        patterns = [
            URLPattern(p.pattern, _shaped(p.callback), p.default_args, p.name)
            if isinstance(p, URLPattern) else p
            for p in super()._get_urls()
        ]
        # Last, after every router, whatever order the routers are added in.
        return [*patterns, path("<path:rest>", csrf_exempt(_unknown_path))]


class StrictJSONParser(Parser):
    """Request bodies as JSON (RFC 8259) defines it (`jingchu.core.renderers.loads`). Python's
    json module also reads NaN, Infinity and -Infinity, which no JSON client should send and
    which slip through checks (infinity passes a JSON Schema `minimum`), and turns a number too
    large for a double into infinity; here all of these make the body unreadable (400)."""

    def parse_body(self, request: HttpRequest) -> Any:
        return renderers.loads(request.body)


# What ninja says (in English) when a request body is not JSON; answered in our own words.
_UNREADABLE_BODY = "Cannot parse request body"

api = JingchuAPI(
    title="Jingchu API",
    parser=StrictJSONParser(),
    renderer=renderers.JSONRenderer(),
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


# SQLSTATEs of a statement PostgreSQL gave up on: cancelled (statement_timeout, settings_api)
# or a lock not granted in time (lock_timeout). Nothing of it was written; it may succeed later.
_GAVE_UP = frozenset({"57014", "55P03"})


@api.exception_handler(OperationalError)
def on_database_gave_up(request: HttpRequest, exc: OperationalError) -> HttpResponse:
    if getattr(exc.__cause__, "sqlstate", None) not in _GAVE_UP:
        raise exc  # anything else is the server's fault: a 500, logged as such
    response = _error(request, 503, "busy",
                      _("The service is busy and nothing was saved; please try again shortly."),
                      {})
    response["Retry-After"] = "1"
    return response


_CODE_BY_STATUS = {
    400: "bad_request", 401: "not_authenticated", 403: "permission_denied", 404: "not_found",
    405: "method_not_allowed", 413: "too_large", 429: "throttled",
}


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and str(exc).startswith(_UNREADABLE_BODY):
        return _error(request, 400, "invalid_json", _("The request body is not valid JSON."), {})
    code = _CODE_BY_STATUS.get(exc.status_code, "http_error")
    return _error(request, exc.status_code, code, str(exc), {})


def _unknown_path(request: HttpRequest, rest: str) -> HttpResponse:
    return _error(request, 404, "not_found", _("No API endpoint at this address."), {})


def _shaped(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answers what ninja leaves to Django (its 404 at the API root, its plain 405) in shape."""

    @functools.wraps(view)  # keeps csrf_exempt: ninja checks CSRF itself
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404 as exc:
            return on_not_found(request, exc)
        if response.status_code != 405 or response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return response
        allowed = sorted(m.strip() for m in response.get("Allow", "").split(",") if m.strip())
        shaped = _error(request, 405, "method_not_allowed",
                        _("This address does not take that method."), {"allowed": allowed})
        shaped["Allow"] = ", ".join(allowed)
        return shaped

    return wrapped


api.add_router("/core/", core_router)
api.add_router("/identity/", identity_router)
api.add_router("/services/", services_router)
api.add_router("/cases/", cases_router)
api.add_router("/payments/", payments_router)
api.add_router("/reviews/", reviews_router)
api.add_router("/seals/", seals_router)
api.add_router("/licenses/", licenses_router)
api.add_router("/lake/", lake_router)
api.add_router("/sharing/", sharing_router)
api.add_router("/exchange/", exchange_router)
api.add_router("/ledger/", ledger_router)
api.add_router("/opendata/", opendata_router)
api.add_router("/hotline/", hotline_router)
api.add_router("/supervision/", supervision_router)
api.add_router("/oversight/", oversight_router)
api.add_router("/bizenv/", bizenv_router)
api.add_router("/cockpit/", cockpit_router)


def hot_operations() -> dict[tuple[str, str], HotOperation]:
    """The API process's hot operations (`jingchu.core.wsgi.HotPaths`), each at the path where
    this API serves the view it stands in for (call once Django is set up)."""
    from django.conf import settings
    from django.urls import reverse

    from jingchu.cases.api import apply_hot, bare_insert_hot

    operations: dict[tuple[str, str], HotOperation] = {("POST", reverse("api-1:apply")): apply_hot}
    if settings.BENCH:  # the benchmark's anchor, through the same dispatch as the submission
        operations["POST", reverse("api-1:_bare_insert")] = bare_insert_hot
    return operations
