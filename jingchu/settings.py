"""Django settings: every value comes from an option declared in `jingchu.config`."""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from jingchu import config
from jingchu.config import ConfigError

BASE_DIR = Path(__file__).resolve().parent
DEMO: bool = config.get("JINGCHU_DEMO")
VAR_DIR = Path(config.get("JINGCHU_VAR_DIR")).resolve()


def _secret(name: str) -> str:
    value = config.get(name)
    if value:
        return str(value)
    if DEMO:
        from jingchu import demo_secrets

        return demo_secrets.load(VAR_DIR)[name]
    raise ConfigError(f"{name} is not set; refusing to start (set it, or JINGCHU_DEMO=true)")


SECRET_KEY = _secret("JINGCHU_SECRET_KEY")
SM4_KEY_HEX = _secret("JINGCHU_SM4_KEY")
BLIND_INDEX_KEY = _secret("JINGCHU_BLIND_INDEX_KEY")
DEBUG: bool = config.get("JINGCHU_DEBUG")
ALLOWED_HOSTS: list[str] = config.get("JINGCHU_ALLOWED_HOSTS")
# Department systems the exchange gateway may call for resources mounted as an upstream API.
GATEWAY_UPSTREAM_HOSTS: list[str] = [h.lower() for h in
                                     config.get("JINGCHU_GATEWAY_UPSTREAM_HOSTS")]
GATEWAY_UPSTREAM_TIMEOUT: float = config.get("JINGCHU_GATEWAY_UPSTREAM_TIMEOUT")
PUBLIC_URL: str = config.get("JINGCHU_PUBLIC_URL")
CSRF_TRUSTED_ORIGINS: list[str] = config.get("JINGCHU_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "oauth2_provider",
    "ninja",  # installed so the API docs page uses ninja's bundled Swagger UI, not a CDN
    "jingchu.core",
    "jingchu.identity",
    "jingchu.services",
    "jingchu.cases",
    "jingchu.payments",
    "jingchu.reviews",
    "jingchu.seals",
    "jingchu.licenses",
    "jingchu.lake",
    "jingchu.sharing",
    "jingchu.ledger",
    "jingchu.opendata",
    "jingchu.hotline",
    "jingchu.supervision",
    "jingchu.oversight",
    "jingchu.bizenv",
    "jingchu.cockpit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jingchu.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "jingchu.core.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "jingchu.urls"
WSGI_APPLICATION = "jingchu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jingchu.core.navigation.nav",
            ],
        },
    },
]

_db_url: str = config.get("JINGCHU_DATABASE_URL")
if _db_url.startswith("sqlite:///") and not _db_url.startswith("sqlite:////"):
    # A relative SQLite path is taken from the working directory; make sure its folder exists.
    Path(_db_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": dj_database_url.parse(_db_url, conn_max_age=60)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Case submissions written together (cases.writes, core.combining), unless switched off.
GROUP_COMMIT: bool = config.get("JINGCHU_GROUP_COMMIT")
# Read here so that every process refuses a bad value; applied by settings_api only.
API_STATEMENT_TIMEOUT: float = config.get("JINGCHU_API_STATEMENT_TIMEOUT")
API_SWITCH_INTERVAL_MS: float = config.get("JINGCHU_API_SWITCH_INTERVAL_MS")  # jingchu.wsgi_api

AUTH_USER_MODEL = "identity.User"
AUTHENTICATION_BACKENDS = ["jingchu.identity.backends.LockoutModelBackend"]
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "identity:account"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_MAX_FAILURES: int = config.get("JINGCHU_LOGIN_MAX_FAILURES")
LOGIN_LOCK_MINUTES: int = config.get("JINGCHU_LOGIN_LOCK_MINUTES")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
LAKE_DIR = config.get("JINGCHU_LAKE_DIR") or str(VAR_DIR / "lake")
LAKE_THREADS: int = config.get("JINGCHU_LAKE_THREADS")
# A correction by a 12345 operator retrains the classifier, at most once in this many seconds.
HOTLINE_RETRAIN_SECONDS: int = config.get("JINGCHU_HOTLINE_RETRAIN_SECONDS")
LAKE_MEMORY_LIMIT: str = config.get("JINGCHU_LAKE_MEMORY_LIMIT")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing root
# WhiteNoise serves files straight from the finders when collectstatic has not run (the demo).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Security: secure by default, HTTPS-ready behind a proxy.
HTTPS: bool = config.get("JINGCHU_HTTPS")
BEHIND_PROXY: bool = config.get("JINGCHU_BEHIND_PROXY")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE: int = config.get("JINGCHU_SESSION_AGE")
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
# HSTS preload is not offered: intranet host names cannot be on browsers' public preload list,
# and leaving that list is slow, so it stays a decision for the operator, not a default.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Background work: Celery with Redis in production, the same tasks in-process otherwise.
REDIS_URL: str = config.get("JINGCHU_REDIS_URL")
_eager = config.get("JINGCHU_TASKS_EAGER")
TASKS_EAGER: bool = (not REDIS_URL) if _eager is None or _eager == "" else bool(_eager)
CELERY_BROKER_URL = REDIS_URL or "memory://"
# The cache is shared by every web worker when the platform has Redis: the gateway's rate limit
# per grant must hold across workers, and a cached cockpit card is computed once. Without Redis
# (the embedded default: one process) each process keeps its own.
CACHES = {"default": (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
     "KEY_PREFIX": "jingchu"} if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"})}
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = TASKS_EAGER
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Tasks acknowledge after their work (acks_late); take one message at a time so a long task
# does not hold others back, and keep retrying the broker at start-up as Celery 6 will require.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# For `celery -A jingchu beat`: re-schedule outbox rows whose delivery message was lost.
CELERY_BEAT_SCHEDULE = {
    "requeue-pending-notifications": {
        "task": "jingchu.core.tasks.requeue_pending_notifications",
        "schedule": 300.0,
    },
    # Flag near-due and overdue cases once and tell the approvers (idempotent, hourly).
    "escalate-overdue-cases": {
        "task": "jingchu.cases.tasks.escalate_overdue_cases",
        "schedule": 3600.0,
    },
    # Remind owners of share requests near or past their review deadline (daily).
    "remind-due-share-reviews": {
        "task": "jingchu.sharing.tasks.remind_due_share_reviews",
        "schedule": 86400.0,
    },
    # Seal the gateway's call records in the ledger, then sign a tree head over them.
    "seal-exchange-calls": {
        "task": "jingchu.sharing.tasks.seal_exchange_calls",
        "schedule": 60.0,
    },
    "sign-ledger-tree-head": {
        "task": "jingchu.ledger.tasks.sign_tree_head",
        "schedule": 60.0,
    },
    # Audits each lake dataset whose last audit is older than its update frequency.
    "run-due-lake-audits": {
        "task": "jingchu.lake.tasks_quality.run_due_audits",
        "schedule": 3600.0,
    },
    # 督办: supervise 12345 tickets past their sign-for or reply deadline, escalating daily.
    "scan-overdue-hotline-tickets": {
        "task": "jingchu.hotline.tasks.scan_overdue_tickets",
        "schedule": 900.0,
    },
    # 双随机一公开: results must be public within 20 working days; alert before and after.
    "scan-supervision-publication": {
        "task": "jingchu.supervision.tasks.scan_publication_deadlines",
        "schedule": 3600.0,
    },
    # 督查: remind, then escalate oversight assignments past their deadline.
    "scan-oversight-overdue": {
        "task": "jingchu.oversight.tasks.scan_overdue_assignments",
        "schedule": 3600.0,
    },
    # 营商环境评估: last month's evaluation and PDF reports, once the month is over (daily check).
    "evaluate-bizenv-previous-month": {
        "task": "jingchu.bizenv.tasks.evaluate_previous_month",
        "schedule": 86400.0,
    },
    # 驾驶舱: today's rollups (the big screen's live counters) and any recent day due.
    "refresh-cockpit-rollups": {
        "task": "jingchu.cockpit.tasks.refresh_rollups",
        "schedule": 600.0,
    },
    # Credit grades: events age out of their windows, so grades are recomputed daily.
    "compute-credit-grades": {
        "task": "jingchu.supervision.tasks.compute_credit_grades",
        "schedule": 86400.0,
    },
}

EMAIL_BACKEND: str = config.get("JINGCHU_EMAIL_BACKEND")
SMS_BACKEND: str = config.get("JINGCHU_SMS_BACKEND")
SMS_OUTBOX_PATH = VAR_DIR / "sms-outbox.jsonl"
# The SMS gateway signs the replies it forwards (好差评 短信评价); empty: the webhook answers 503.
SMS_INBOUND_SECRET: str = config.get("JINGCHU_SMS_INBOUND_SECRET") or (
    _secret("JINGCHU_SMS_INBOUND_SECRET") if DEMO else ""
)
EMAIL_FILE_PATH: str = config.get("JINGCHU_EMAIL_FILE_PATH") or str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = "jingchu@localhost"

# OpenID Connect provider (统一身份认证). The issuer is the site's root URL, derived from the
# request (see jingchu.identity.oidc.issuer_for): discovery lives at /.well-known/.
_oidc_key = config.get("JINGCHU_OIDC_RSA_KEY") or (
    _secret("JINGCHU_OIDC_RSA_KEY") if DEMO else ""
)
# The toolkit's stock models, named so that migrations pointing at them load (swappable FKs).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"  # noqa: S105 - a model name
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": _oidc_key,
    "PKCE_REQUIRED": True,
    # S256 only: a "plain" code_challenge is refused and not advertised in discovery.
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    "OAUTH2_VALIDATOR_CLASS": "jingchu.identity.oidc.JingchuOIDCValidator",
    "SCOPES_BACKEND_CLASS": "jingchu.identity.oidc.ClientScopes",
    "SCOPES": {
        "openid": "OpenID Connect",
        "profile": "Name and kind of account",
        "phone": "Phone number (masked)",
        "id_number": "Citizen ID number (公民身份号码)",
        "entities": "Enterprises the person may act for",
    },
    "DEFAULT_SCOPES": ["openid"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "ID_TOKEN_EXPIRE_SECONDS": 3600,
    # A refresh token lives no longer than a sign-in session would.
    "REFRESH_TOKEN_EXPIRE_SECONDS": SESSION_COOKIE_AGE,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"],
}

LOG_LEVEL: str = config.get("JINGCHU_LOG_LEVEL")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"jingchu": {"handlers": ["console"], "level": LOG_LEVEL}},
}
DATA_DIR = BASE_DIR.parent / "data"

# 好差评: working days from a bad rating to the deadline of its rectification.
RECTIFICATION_DAYS: int = config.get("JINGCHU_RECTIFICATION_DAYS")

# Case materials: largest upload in MB (files live under MEDIA_ROOT/cases/, never public).
UPLOAD_MAX_MB: int = config.get("JINGCHU_UPLOAD_MAX_MB")

# bench/: the bare raw-INSERT endpoint that anchors the submission benchmark exists only then.
BENCH: bool = config.get("JINGCHU_BENCH")
