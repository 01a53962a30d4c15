"""The API's own server process for bearer-token callers (settings_api, urls_api, wsgi_api):
it serves the API with a bearer token, never signs anyone in by a session cookie, answers only
/api/v1/ and /healthz, and still writes who called from where."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client, override_settings

from jingchu import settings_api
from jingchu.cases.models import Case
from jingchu.cases.tests.test_api import URL, _token, tax_body
from jingchu.core.models import AuditEvent
from jingchu.identity.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_process() -> Any:
    with override_settings(MIDDLEWARE=settings_api.MIDDLEWARE,
                           ROOT_URLCONF=settings_api.ROOT_URLCONF):
        yield


def test_a_bearer_call_submits_and_is_audited_with_its_address(catalog, api_process):
    zhangsan = User.objects.get(username="zhangsan")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {_token(zhangsan)}", REMOTE_ADDR="10.1.2.3")
    created = client.post(URL, tax_body(zhangsan, catalog), content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["status_label"]  # translated in the process's language
    case = Case.objects.get(uid=created.json()["uid"])
    audit = AuditEvent.objects.get(action="cases.case.submit", object_label=case.number)
    assert audit.actor == zhangsan and audit.source_ip == "10.1.2.3"
    assert client.get(URL).json()["count"] == 1


def test_a_session_signs_nobody_in(catalog, api_process):
    zhangsan = User.objects.get(username="zhangsan")
    client = Client()
    client.force_login(zhangsan)  # a valid session cookie, which this process never reads
    answer = client.post(URL, tax_body(zhangsan, catalog), content_type="application/json")
    assert answer.status_code == 401 and answer.json()["code"] == "not_authenticated"
    assert client.get(URL).status_code == 401
    assert not Case.objects.exists()


def test_only_the_api_and_the_health_check_are_served(api_process):
    client = Client()
    assert client.get("/healthz").status_code == 200
    for path in ("/", "/admin/", "/account/login/", "/gateway/v1/resources/x/records",
                 "/static/x.css"):
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert answer.json()["code"] == "not_found"
    assert "django.contrib.sessions.middleware.SessionMiddleware" not in settings_api.MIDDLEWARE


def test_refusals_are_in_chinese_by_default(api_process):
    answer = Client().get(URL)
    assert answer.status_code == 401
    assert answer.json()["message"] == "请先登录。"


def test_a_failure_answers_in_the_error_shape():
    from django.test import RequestFactory
    from django.utils import translation

    from jingchu import urls_api

    with translation.override("zh-hans"):
        answer = urls_api.handler500(RequestFactory().get("/api/v1/cases/"))
    assert answer.status_code == 500
    assert json.loads(answer.content) == {"code": "server_error", "message": "接口未能应答。",
                                          "details": {}}
