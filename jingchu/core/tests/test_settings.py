"""Settings come from the environment, refuse bad values, hide secrets and are secure by default.

Most tests run the `jingchu` command in a subprocess with an environment built from nothing, so
that what is proven is the behaviour of a fresh deployment, not of this test process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from jingchu.config import OPTIONS

JINGCHU = str(Path(sys.executable).parent / "jingchu")
SECRET = "s3cret-value-that-must-never-be-printed-0123456789-abcdefghijklmnop"
SM4 = "a1b2c3d4e5f60718293a4b5c6d7e8f90"
KEYS = {"JINGCHU_SECRET_KEY": SECRET, "JINGCHU_SM4_KEY": SM4,
        "JINGCHU_BLIND_INDEX_KEY": "blind-index-key-for-the-test"}
SHOW_SETTINGS = (
    "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k) for k"
    " in ['DEBUG', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT',"
    " 'SECURE_HSTS_SECONDS', 'SECURE_CONTENT_TYPE_NOSNIFF', 'X_FRAME_OPTIONS',"
    " 'SESSION_COOKIE_HTTPONLY', 'ALLOWED_HOSTS']}))"
)


def jingchu(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `jingchu ARGS` with only PATH, a private var directory and the given variables."""
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path),
            "JINGCHU_VAR_DIR": str(tmp_path / "var"), "LANG": "C.UTF-8"}
    return subprocess.run(
        [JINGCHU, *args], env={**base, **env}, cwd=tmp_path, capture_output=True, text=True,
        timeout=120, check=False,
    )


def settings_in(tmp_path: Path, **env: str) -> dict[str, object]:
    result = jingchu(tmp_path, "shell", "-c", SHOW_SETTINGS, **env)
    assert result.returncode == 0, result.stderr
    values: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return values


def test_refuses_to_start_without_a_secret_key(tmp_path):
    result = jingchu(tmp_path, "check")
    assert result.returncode != 0
    assert "JINGCHU_SECRET_KEY is not set" in result.stderr
    assert "JINGCHU_DEMO" in result.stderr  # the message says how to get going


@pytest.mark.parametrize("name", ["JINGCHU_SM4_KEY", "JINGCHU_BLIND_INDEX_KEY"])
def test_refuses_to_start_without_each_key(tmp_path, name):
    env = {k: v for k, v in KEYS.items() if k != name}
    result = jingchu(tmp_path, "check", **env)
    assert result.returncode != 0
    assert f"{name} is not set" in result.stderr


def test_demo_mode_starts_without_secrets_and_keeps_them_private(tmp_path):
    result = jingchu(tmp_path, "check", JINGCHU_DEMO="true")
    assert result.returncode == 0, result.stderr
    secrets_file = tmp_path / "var" / "demo-secrets.json"
    assert secrets_file.exists()
    assert secrets_file.stat().st_mode & 0o077 == 0


def test_malformed_boolean_is_refused_naming_the_option(tmp_path):
    result = jingchu(tmp_path, "check", JINGCHU_HTTPS="maybe", **KEYS)
    assert result.returncode != 0
    assert "JINGCHU_HTTPS" in result.stderr
    assert "'maybe'" in result.stderr


@pytest.mark.parametrize("url", ["zwfw.example.cn", "https://zwfw.example.cn/path",
                                 "ftp://zwfw.example.cn"])
def test_a_public_url_with_a_path_or_no_scheme_is_refused(tmp_path, url):
    result = jingchu(tmp_path, "check", JINGCHU_PUBLIC_URL=url, **KEYS)
    assert result.returncode != 0 and "JINGCHU_PUBLIC_URL" in result.stderr


def test_malformed_integer_is_refused_naming_the_option(tmp_path):
    result = jingchu(tmp_path, "check", JINGCHU_SESSION_AGE="eight hours", **KEYS)
    assert result.returncode != 0
    assert "JINGCHU_SESSION_AGE" in result.stderr


@pytest.mark.parametrize("value", ["-1", "nan", "ten"])
def test_a_negative_or_malformed_timeout_is_refused_naming_the_option(tmp_path, value):
    result = jingchu(tmp_path, "check", JINGCHU_API_STATEMENT_TIMEOUT=value, **KEYS)
    assert result.returncode != 0
    assert "JINGCHU_API_STATEMENT_TIMEOUT" in result.stderr


@pytest.mark.parametrize("value", ["0", "-1", "nan", "one"])
def test_a_switch_interval_not_above_zero_is_refused_naming_the_option(tmp_path, value):
    result = jingchu(tmp_path, "check", JINGCHU_API_SWITCH_INTERVAL_MS=value, **KEYS)
    assert result.returncode != 0
    assert "JINGCHU_API_SWITCH_INTERVAL_MS" in result.stderr


@pytest.mark.parametrize(("value", "seconds"), [(None, 0.001), ("2.5", 0.0025)])
def test_the_api_process_takes_its_switch_interval(tmp_path, value, seconds):
    # The API's WSGI entry point, loaded as its server loads it, in a fresh interpreter.
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path),
           "JINGCHU_VAR_DIR": str(tmp_path / "var"), "LANG": "C.UTF-8", **KEYS}
    if value is not None:
        env["JINGCHU_API_SWITCH_INTERVAL_MS"] = value
    result = subprocess.run(
        [sys.executable, "-c", "import sys, jingchu.wsgi_api; print(sys.getswitchinterval())"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert float(result.stdout.split()[-1]) == pytest.approx(seconds)


def test_config_prints_every_option_and_hides_secrets(tmp_path):
    result = jingchu(tmp_path, "config", JINGCHU_LOG_LEVEL="WARNING", **KEYS)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for option in OPTIONS:
        assert option.name in out
        assert option.doc in out
    assert SECRET not in out and SECRET not in result.stderr
    assert SM4 not in out
    assert "value: WARNING" in out  # values in force are shown …
    assert out.count("value: ****") == 3  # … except secrets, which are only said to be set


def test_every_option_is_documented():
    names = [option.name for option in OPTIONS]
    assert len(names) == len(set(names))
    for option in OPTIONS:
        assert option.name.startswith("JINGCHU_")
        assert option.doc.strip()


def test_debug_is_off_and_cookies_plain_by_default(tmp_path):
    values = settings_in(tmp_path, **KEYS)
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]


def test_https_turns_on_secure_cookies_hsts_and_redirect(tmp_path):
    values = settings_in(tmp_path, JINGCHU_HTTPS="true", **KEYS)
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert isinstance(values["SECURE_HSTS_SECONDS"], int)
    assert values["SECURE_HSTS_SECONDS"] >= 31536000


def test_deploy_check_has_no_security_warning_behind_https(tmp_path):
    secure = jingchu(tmp_path, "check", "--deploy", JINGCHU_HTTPS="true", **KEYS)
    assert secure.returncode == 0, secure.stderr
    assert "(security." not in secure.stdout + secure.stderr
    # The same check without HTTPS does warn, so the assertion above can fail.
    plain = jingchu(tmp_path, "check", "--deploy", **KEYS)
    assert "(security.W012)" in plain.stdout + plain.stderr


@pytest.mark.django_db
def test_pages_carry_the_security_headers(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_csrf_is_enforced_on_a_form_post():
    browser = Client(enforce_csrf_checks=True)
    login = reverse("identity:login")
    refused = browser.post(login, {"username": "zhangsan", "password": "Jingchu@2026"})
    assert refused.status_code == 403
    # With the token from the form the same post is let through (a failed login, not a 403).
    browser.get(login)
    token = browser.cookies["csrftoken"].value
    allowed = browser.post(login, {"username": "nobody", "password": "wrong-password",
                                   "csrfmiddlewaretoken": token})
    assert allowed.status_code != 403


def test_the_cache_is_redis_when_the_platform_has_it(tmp_path):
    show = ("from django.conf import settings as s; "
            "print(s.CACHES['default']['BACKEND'], s.CACHES['default'].get('LOCATION', '-'))")
    alone = jingchu(tmp_path, "shell", "-c", show, **KEYS)
    assert alone.returncode == 0, alone.stderr
    assert alone.stdout.split()[-2:] == ["django.core.cache.backends.locmem.LocMemCache", "-"]
    shared = jingchu(tmp_path, "shell", "-c", show, JINGCHU_REDIS_URL="redis://127.0.0.1:6379/3",
                     **KEYS)
    assert shared.returncode == 0, shared.stderr
    assert shared.stdout.split()[-2:] == ["django.core.cache.backends.redis.RedisCache",
                                          "redis://127.0.0.1:6379/3"]
