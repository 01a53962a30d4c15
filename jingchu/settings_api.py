"""Settings of the API's own server process for department systems (jingchu.wsgi_api).

Department systems and apps call /api/v1/ with OAuth2 bearer tokens from the platform's own
OpenID Connect provider; they send no cookie, so the portal's sessions, CSRF, messages, static
files and clickjacking headers only cost time on every call. This process serves the same API
with only what a bearer call needs (docs/api.md "Serving the API"). A browser session is not
accepted here: without session middleware every caller is anonymous until a bearer token says
otherwise, so session-only endpoints answer 401 and the portal keeps serving them.
"""

from __future__ import annotations

from jingchu.settings import *  # noqa: F403 - the platform's settings, two of them replaced

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
