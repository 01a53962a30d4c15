"""Keeps the current request's user and source address where the audit helper can find them,
and a per-request cache for facts that many permission checks of one page read again (a user's
role assignments): the site menu alone asks every app whether the user may use it."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers


@dataclass(frozen=True)
class RequestContext:
    source_ip: str | None
    user_agent: str


_current: ContextVar[RequestContext | None] = ContextVar("jingchu_request", default=None)
_cache: ContextVar[dict[str, Any] | None] = ContextVar("jingchu_request_cache", default=None)


def request_cache() -> dict[str, Any] | None:
    """A dict that lives as long as the current request (None outside one: tasks, commands
    and tests calling functions directly read the database every time)."""
    return _cache.get()


def current_context() -> RequestContext | None:
    return _current.get()


def context_from_request(request: HttpRequest) -> RequestContext:
    # Behind nginx the client address arrives in X-Real-IP and REMOTE_ADDR is the proxy. Without
    # a proxy that header is whatever the client says, so it is trusted only when configured.
    forwarded = request.META.get("HTTP_X_REAL_IP") if settings.BEHIND_PROXY else None
    ip = forwarded or request.META.get("REMOTE_ADDR") or None
    return RequestContext(source_ip=ip, user_agent=request.META.get("HTTP_USER_AGENT", "")[:300])


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current.set(context_from_request(request))
        cache_token = _cache.set({})
        try:
            return self.get_response(request)
        finally:
            _cache.reset(cache_token)
            _current.reset(token)


class AnonymousMiddleware:
    """Every caller is anonymous until an authentication class says otherwise: the API's own
    process (settings_api) has no sessions, so no cookie can sign anyone in there."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.user = AnonymousUser()
        return self.get_response(request)


class LanguageMiddleware(LocaleMiddleware):
    """zh-hans unless the user chose otherwise (the language cookie set by /i18n/setlang/).

    Django's LocaleMiddleware follows the browser's Accept-Language; a government intranet's
    browsers are often installed in English, and the platform's language is Chinese.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request: HttpRequest, response: HttpResponseBase,
                         ) -> HttpResponseBase:
        # Django's version first looks for a language prefix in the path, for i18n_patterns,
        # which the platform does not use: a regex match per answer (~2% of an API submission's
        # time in the web process). What remains are its headers; the answer varies by the
        # language cookie, not by Accept-Language, which is ignored here.
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
