"""Settings of the minimal app: one database (the benchmark's), one app, no middleware."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

_URL = urlsplit(os.environ["JINGCHU_DATABASE_URL"])  # postgres://user@host:port/name

SECRET_KEY = os.environ["JINGCHU_SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["minimal"]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "minimal.urls"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": _URL.path.lstrip("/"),
        "USER": _URL.username or "",
        "HOST": _URL.hostname or "",
        "PORT": str(_URL.port or ""),
        # Kept per thread, as any server under load keeps them: a new connection per request
        # would measure PostgreSQL's connection start-up, not the app.
        "CONN_MAX_AGE": 600,
    },
}
