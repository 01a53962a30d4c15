"""Settings of the API's own server process for department systems (jingchu.wsgi_api).

Department systems and apps call /api/v1/ with OAuth2 bearer tokens from the platform's own
OpenID Connect provider; they send no cookie, so the portal's sessions, CSRF, messages, static
files and clickjacking headers only cost time on every call. This process serves the same API
with only what a bearer call needs (docs/api.md "Serving the API"). A browser session is not
accepted here: without session middleware every caller is anonymous until a bearer token says
otherwise, so session-only endpoints answer 401 and the portal keeps serving them.
"""

from __future__ import annotations

import copy
from typing import Any

from jingchu.settings import *  # noqa: F403 - the platform's settings, three of them replaced
from jingchu.settings import API_STATEMENT_TIMEOUT
from jingchu.settings import DATABASES as _PLATFORM_DATABASES


def statement_timeout(databases: dict[str, Any], seconds: float) -> dict[str, Any]:
    """`databases` with PostgreSQL's statement_timeout set on every new connection (none for 0
    or another database). Why: a statement waiting on a lock (a counter row held by a long
    transaction elsewhere) would hold its thread, and the submissions batched behind it, for as
    long as the lock is held; cancelled, the call is answered 503 and its thread is free."""
    out = copy.deepcopy(databases)
    for settings in out.values():
        if seconds > 0 and settings["ENGINE"].endswith("postgresql"):
            options = settings.setdefault("OPTIONS", {})
            options["options"] = (options.get("options", "")
                                  + f" -c statement_timeout={round(seconds * 1000)}").strip()
    return out


DATABASES = statement_timeout(_PLATFORM_DATABASES, API_STATEMENT_TIMEOUT)

ROOT_URLCONF = "jingchu.urls_api"
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Chinese unless the caller's language cookie says otherwise, as on the portal: refusals
    # carry translated messages.
    "jingchu.core.middleware.LanguageMiddleware",
    # Anonymous until a bearer token names the caller (ninja's session auth reads request.user).
    "jingchu.core.middleware.AnonymousMiddleware",
    # Who called and from where, for the audit rows every action writes.
    "jingchu.core.middleware.RequestContextMiddleware",
]
