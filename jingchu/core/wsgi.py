"""The WSGI application of the API's and the gateway's own processes, as granian serves them.

Why: Django hands the server its response object, an iterable. granian writes an iterable by
calling back into Python for each chunk and then for `close()`, holding the GIL on the worker
thread between its own steps; given a list it writes the bytes at once (bench/HISTORY.md,
sixth session: ~0.1 ms of CPU less per request). Every answer of these processes is a
buffered `HttpResponse` (JSON), so its bytes are already in memory: the application returns
them as a one-item list, after `close()` (request_finished: connections returned, as before).
A streaming or file response is passed through unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# Answers a request, or None to leave it to the URLconf.
HotOperation = Callable[[HttpRequest], HttpResponse | None]


class HotPaths:
    """For a Django handler class: a few hot operations, keyed by method and path, are called
    directly instead of through URL resolution and the view, inside the same signals, request
    and middleware. Each answers the calls it can and None for the rest, which the URLconf then
    serves as usual. Only for views without `process_view` middleware or template responses
    (the API process has neither: settings_api)."""

    hot: dict[tuple[str, str], HotOperation]

    def _get_response(self, request: HttpRequest) -> HttpResponse:
        operation = self.hot.get((request.method or "", request.path_info))
        if operation is not None:
            response = operation(request)
            if response is not None:
                return response
        return super()._get_response(request)  # type: ignore[misc]


class HotPathHandler(HotPaths, WSGIHandler):
    """Django's WSGI handler with hot operations (`HotPaths`)."""

    def __init__(self, hot: Mapping[tuple[str, str], HotOperation]) -> None:
        self.hot = dict(hot)  # before the middleware chain is built around _get_response
        super().__init__()


def buffered(app: WSGIHandler) -> WSGIApp:
    """`app` answering each buffered response as a list of its bytes."""
    def application(environ: dict[str, Any], start_response: Callable[..., Any],
                    ) -> Iterable[bytes]:
        response = app(environ, start_response)
        if not isinstance(response, HttpResponse):  # streaming, files: the server iterates
            return response
        try:
            return [response.content]
        finally:
            response.close()
    return application


def buffered_application() -> WSGIApp:
    """Django's WSGI application for the settings already chosen, buffered."""
    return buffered(get_wsgi_application())

