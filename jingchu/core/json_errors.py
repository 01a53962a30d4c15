"""404 and 500 answers in the API's JSON error shape, for the processes that serve only an API
(the exchange gateway's and the API's own): their callers are programs, not browsers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, JsonResponse


def _answer(status: int, code: str, message: Any, details: dict[str, Any]) -> JsonResponse:
    return JsonResponse({"code": code, "message": str(message), "details": details},
                        status=status, json_dumps_params={"ensure_ascii": False})


def handlers(not_found: Any, failed: Any) -> tuple[Callable[..., JsonResponse],
                                                    Callable[..., JsonResponse]]:
    """(handler404, handler500) answering with these (lazily translated) messages."""

    def handler404(request: HttpRequest, exception: Any = None) -> JsonResponse:
        return _answer(404, "not_found", not_found, {"path": request.path})

    def handler500(request: HttpRequest) -> JsonResponse:
        return _answer(500, "server_error", failed, {})

    return handler404, handler500
