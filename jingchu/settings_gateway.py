"""Settings of the exchange gateway's own server process (jingchu.wsgi_gateway).

The gateway is deployed apart from the portal, as X-Road's security server is apart from the
systems behind it: department systems reach only /gateway/ (and /healthz for the load
balancer), and each call passes through only the middleware a bearer-token API needs. The
portal's sessions, CSRF, messages, language cookie and static files serve browsers; here they
only cost time on every call (docs/gateway.md). Everything else is the platform's settings.
"""

from __future__ import annotations

from jingchu.settings import *  # noqa: F403 - the platform's settings, two of them replaced

ROOT_URLCONF = "jingchu.urls_gateway"
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The caller's address for the call record (ExchangeCall.source_ip).
    "jingchu.core.middleware.RequestContextMiddleware",
]
