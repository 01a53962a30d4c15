"""Every setting of the platform, declared once: name, type, default, one line of documentation.

Settings come only from environment variables. `jingchu config` prints this table with the values
in force (secrets hidden). Nothing here reads a file, so a deployment is described by its
environment alone.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class ConfigError(Exception):
    """A setting is missing or malformed; the platform refuses to start."""


def _bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true/false, got {raw!r}")


def _public_url(raw: str) -> str:
    url = raw.strip().rstrip("/")
    if url and not (url.startswith(("http://", "https://")) and "/" not in url.split("://", 1)[1]):
        raise ValueError("expected http(s)://host[:port] with no path")
    return url


def _seconds(raw: str) -> float:
    value = float(raw)
    if not value >= 0:  # NaN too
        raise ValueError(f"expected a number of seconds >= 0, got {raw!r}")
    return value


def _positive_ms(raw: str) -> float:
    value = float(raw)
    if not value > 0:  # NaN too; Python refuses a switch interval of 0
        raise ValueError(f"expected a number of milliseconds > 0, got {raw!r}")
    return value


def _list(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


@dataclass(frozen=True)
class Option:
    name: str
    parse: Callable[[str], Any]
    default: str | None
    doc: str
    secret: bool = False

    @property
    def type_name(self) -> str:
        names = {_bool: "bool", _list: "list", int: "int", float: "float", _seconds: "float"}
        return names.get(self.parse, "str")

    def raw(self) -> str | None:
        return os.environ.get(self.name, self.default)

    def value(self) -> Any:
        raw = self.raw()
        if raw is None:
            return None
        try:
            return self.parse(raw)
        except ValueError as exc:
            raise ConfigError(f"{self.name}: {exc}") from exc


OPTIONS: list[Option] = [
    Option("JINGCHU_DEMO", _bool, "false",
           "Embedded demo mode: generates local secrets under JINGCHU_VAR_DIR if none are given."),
    Option("JINGCHU_DEBUG", _bool, "false", "Django debug pages. Never on in production."),
    Option("JINGCHU_SECRET_KEY", str, None,
           "Django secret key; required unless JINGCHU_DEMO is on.", secret=True),
    Option("JINGCHU_VAR_DIR", str, "var", "Directory for the SQLite file, demo keys and media."),
    Option("JINGCHU_DATABASE_URL", str, "sqlite:///var/jingchu.sqlite3",
           "Database URL: sqlite:///path or postgres://user@host:port/name."),
    Option("JINGCHU_REDIS_URL", str, "",
           "Redis URL for Celery and the cache; empty runs background tasks in-process."),
    Option("JINGCHU_TASKS_EAGER", _bool, "",
           "Run Celery tasks in-process; defaults to on when JINGCHU_REDIS_URL is empty."),
    Option("JINGCHU_ALLOWED_HOSTS", _list, "127.0.0.1,localhost",
           "Comma-separated host names the site answers to."),
    Option("JINGCHU_CSRF_TRUSTED_ORIGINS", _list, "", "Comma-separated trusted origins for CSRF."),
    Option("JINGCHU_PUBLIC_URL", _public_url, "",
           "The site's public address (https://host[:port]) for links that leave it: licence "
           "QR codes, credential ids; empty takes the request's host."),
    Option("JINGCHU_HTTPS", _bool, "false",
           "Behind HTTPS: secure cookies, HSTS and redirect to https."),
    Option("JINGCHU_BEHIND_PROXY", _bool, "false",
           "Trust the X-Real-IP header set by the reverse proxy (only behind nginx)."),
    Option("JINGCHU_SM4_KEY", str, None,
           "128-bit SM4 key (32 hex digits) encrypting personal data at rest.", secret=True),
    Option("JINGCHU_BLIND_INDEX_KEY", str, None,
           "Key of the keyed SM3 hash (blind index) beside encrypted fields.", secret=True),
    Option("JINGCHU_SEAL_MASTER_KEY", str, "",
           "128-bit SM4 key (32 hex digits) encrypting seal private keys at rest; empty derives "
           "one from JINGCHU_SM4_KEY.", secret=True),
    Option("JINGCHU_SEAL_KEYSTORE", str, "jingchu.seals.keystore.DatabaseKeyStore",
           "Dotted path of the seal key store (a PKCS#11 HSM adapter can replace the default)."),
    Option("JINGCHU_OIDC_RSA_KEY", str, "",
           "PEM RSA private key signing OpenID Connect ID tokens.", secret=True),
    Option("JINGCHU_LOGIN_MAX_FAILURES", int, "5", "Failed logins before an account is locked."),
    Option("JINGCHU_LOGIN_LOCK_MINUTES", int, "15", "How long a locked account stays locked."),
    Option("JINGCHU_SESSION_AGE", int, "28800", "Session lifetime in seconds."),
    Option("JINGCHU_EMAIL_BACKEND", str, "django.core.mail.backends.console.EmailBackend",
           "Django e-mail backend used by the notification outbox."),
    Option("JINGCHU_EMAIL_FILE_PATH", str, "",
           "Folder for the file-based e-mail backend; empty means JINGCHU_VAR_DIR/mail."),
    Option("JINGCHU_SMS_BACKEND", str, "jingchu.core.sms.FileOutboxBackend",
           "Dotted path of the SMS gateway adapter; the default writes messages to a file."),
    Option("JINGCHU_SMS_INBOUND_SECRET", str, "",
           "Shared secret of the SMS gateway's inbound webhook (replies to rating invitations): "
           "it signs each request body with HMAC-SHA256. Empty turns the webhook off (demo "
           "mode generates one).", secret=True),
    Option("JINGCHU_LOG_LEVEL", str, "INFO", "Log level of the platform's loggers."),
    Option("JINGCHU_RECTIFICATION_DAYS", int, "5",
           "Working days an organization has to rectify a bad service rating (差评整改)."),
    Option("JINGCHU_SHARING_REVIEW_DAYS", int, "10",
           "Working days the owner of a data resource has to review a share request "
           "(共享申请审核); the State Council's interim measures give 10."),
    Option("JINGCHU_GATEWAY_UPSTREAM_HOSTS", _list, "",
           "host[:port] of department systems the exchange gateway may forward lookups to "
           "(resources mounted as an upstream API), comma-separated; empty: none."),
    Option("JINGCHU_GATEWAY_UPSTREAM_TIMEOUT", float, "5",
           "Seconds the gateway waits for an upstream API's answer."),
    Option("JINGCHU_LAKE_DIR", str, "",
           "Directory of the data lake's Parquet files; empty means JINGCHU_VAR_DIR/lake."),
    Option("JINGCHU_LAKE_THREADS", int, "2", "Threads DuckDB uses for one lake query or audit."),
    Option("JINGCHU_HOTLINE_RETRAIN_SECONDS", int, "300",
           "Operators' corrections retrain the 12345 classifier at most this often (seconds)."),
    Option("JINGCHU_LAKE_MEMORY_LIMIT", str, "",
           "DuckDB memory limit per lake query (e.g. 4GB); empty means DuckDB's default."),
    Option("JINGCHU_DEMO_PERSONS", int, "1000000",
           "Persons `jingchu demo` generates into the demo population base (人口库); "
           "`jingchu sharing generate-bases` makes larger ones."),
    Option("JINGCHU_DEMO_ENTITIES", int, "100000",
           "Market entities `jingchu demo` generates into the demo legal-entity base (法人库)."),
    Option("JINGCHU_DEMO_HISTORY_DAYS", int, "90",
           "Days back from today for which `jingchu demo` computes the cockpit's rollups "
           "(the tests set fewer: each day is a refresh of every KPI)."),
    Option("JINGCHU_API_STATEMENT_TIMEOUT", _seconds, "10",
           "Seconds one database statement of the API's own process (jingchu.wsgi_api) may run, "
           "lock waits included, before PostgreSQL cancels it and the call is answered 503; "
           "0: no limit."),
    Option("JINGCHU_API_SWITCH_INTERVAL_MS", _positive_ms, "1",
           "How long (ms) a thread of the API's own process (jingchu.wsgi_api) may keep the "
           "interpreter while another waits for it (Python's switch interval, 5 by default): "
           "a thread whose database reply has arrived gets it back sooner, and so do the "
           "submissions waiting on its batch (bench/HISTORY.md, twenty-first session)."),
    Option("JINGCHU_GROUP_COMMIT", _bool, "true",
           "Case submissions arriving together in one web process are written in one statement "
           "(group commit: about half the commits and WAL flushes); false writes each in its "
           "own, as before (bench/HISTORY.md, tenth session)."),
    Option("JINGCHU_UPLOAD_MAX_MB", int, "10",
           "Largest file (in MB) an applicant may upload as a case material."),
    Option("JINGCHU_PAYMENT_GATEWAY", str, "",
           "Online payment gateway: 'demo' or a dotted class path; empty means demo in demo "
           "mode, no online payment otherwise."),
    Option("JINGCHU_BENCH", _bool, "false",
           "Benchmark mode: adds the bare raw-INSERT anchor endpoint of bench/. Never in "
           "production."),
]

_BY_NAME = {opt.name: opt for opt in OPTIONS}


def get(name: str) -> Any:
    """The parsed value of one declared option."""
    return _BY_NAME[name].value()


def describe() -> list[tuple[str, str, str, str, str]]:
    """(name, type, default, value shown, doc) for `jingchu config`; secrets are hidden."""
    rows = []
    for opt in OPTIONS:
        raw = opt.raw()
        shown = "(unset)" if raw is None else ("****" if opt.secret and raw else raw)
        rows.append((opt.name, opt.type_name, opt.default or "", shown, opt.doc))
    return rows
