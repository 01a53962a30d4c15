"""The API process's hot submission (`cases.api.apply_hot`, mounted by core.wsgi.HotPaths): it
answers a bearer caller's submission without uploads as ninja's `apply` does, leaves every
other call to ninja untouched, and refuses past its checks in the API's own words.

Each test sends the same call through two clients under the API process's settings: one whose
handler has the hot operation and one whose handler has none (ninja answers everything)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client, override_settings
from django.test.client import ClientHandler
from django.urls import resolve

from jingchu import settings_api
from jingchu.api import hot_operations
from jingchu.cases import api as cases_api
from jingchu.cases.models import Case, CaseEvent
from jingchu.cases.tests.test_api import URL, _token, tax_body
from jingchu.core.models import AuditEvent
from jingchu.core.wsgi import HotPathHandler, HotPaths
from jingchu.identity.models import User

pytestmark = pytest.mark.django_db

# Values each submission makes anew; everything else in two answers must be equal.
FRESH = {"uid", "number", "created_at", "submitted_at"}


class _HotClientHandler(HotPaths, ClientHandler):
    """Django's test handler with the API process's hot operation, through a spy."""

    def __init__(self, answered: list[bool]) -> None:
        def spy(request: Any) -> Any:
            response = cases_api.apply_hot(request)
            answered.append(response is not None)
            return response

        self.hot = {("POST", URL): spy}
        super().__init__(enforce_csrf_checks=False)


@pytest.fixture
def api_process() -> Any:
    with override_settings(MIDDLEWARE=settings_api.MIDDLEWARE,
                           ROOT_URLCONF=settings_api.ROOT_URLCONF):
        yield


@pytest.fixture
def clients(catalog: Any, api_process: Any) -> tuple[Client, Client, list[bool]]:
    """(hot, plain, what the hot operation answered: True for a response, False for None)."""
    token = _token(User.objects.get(username="zhangsan"))
    answered: list[bool] = []
    hot, plain = (Client(HTTP_AUTHORIZATION=f"Bearer {token}") for _ in range(2))
    hot.handler = _HotClientHandler(answered)
    return hot, plain, answered


def _post(client: Client, body: Any) -> Any:
    data = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    return client.post(URL, data, content_type="application/json")


def _same_answer(hot: Any, plain: Any) -> None:
    assert hot.status_code == plain.status_code
    assert sorted(hot.items()) == sorted(plain.items())
    a, b = hot.json(), plain.json()
    for answer in (a, b):
        for key in FRESH & answer.keys():
            answer[key] = "fresh"
        for event in answer.get("events", []):
            event["at"] = "fresh"
    assert a == b


def test_a_submission_is_answered_as_ninja_answers_it(clients, catalog):
    hot, plain, answered = clients
    body = tax_body(User.objects.get(username="zhangsan"), catalog)
    first, second = _post(hot, body), _post(plain, body)
    assert answered == [True]
    assert first.status_code == 201, first.content
    _same_answer(first, second)
    # The same rows: a case each, submitted, with one event and one audit row each.
    cases = list(Case.objects.order_by("id"))
    assert [c.status for c in cases] == ["submitted", "submitted"]
    assert {c.channel for c in cases} == {"api"}
    assert CaseEvent.objects.filter(case__in=cases).count() == 2
    assert AuditEvent.objects.filter(action="cases.case.submit").count() == 2


@pytest.mark.parametrize("call", [
    "no token", "unknown token", "not JSON", "invalid body", "a draft", "with uploads",
])
def test_other_calls_are_left_to_ninja(clients, catalog, call):
    hot, plain, answered = clients
    body: Any = tax_body(User.objects.get(username="zhangsan"), catalog)
    if call == "no token":
        hot.defaults.pop("HTTP_AUTHORIZATION")
        plain.defaults.pop("HTTP_AUTHORIZATION")
    elif call == "unknown token":
        hot.defaults["HTTP_AUTHORIZATION"] = plain.defaults["HTTP_AUTHORIZATION"] = "Bearer x"
    elif call == "not JSON":
        body = '{"service": '
    elif call == "invalid body":
        body.pop("service")
    elif call == "a draft":
        body["submit"] = False
    else:
        body["materials"] = [{"requirement": "x", "filename": "a.pdf",
                              "content_type": "application/pdf", "content_base64": "JVBE"}]
    first, second = _post(hot, body), _post(plain, body)
    assert answered == [False]
    assert first.status_code != 500
    _same_answer(first, second)


def test_a_refusal_past_the_checks_is_the_apis_own(clients, catalog):
    hot, plain, answered = clients
    body = tax_body(User.objects.get(username="zhangsan"), catalog)
    body["form"] = body["form"] | {"phone": "12"}
    first, second = _post(hot, body), _post(plain, body)
    assert answered == [True]
    assert first.status_code == 400 and first.json()["code"] == "form_invalid"
    _same_answer(first, second)
    assert not Case.objects.exists() and not AuditEvent.objects.filter(
        action="cases.case.submit").exists()


def test_the_api_process_mounts_it_where_ninja_serves_apply(api_process):
    operations = hot_operations()
    assert operations == {("POST", URL): cases_api.apply_hot}
    assert resolve(URL).url_name == "apply"
    handler = HotPathHandler(operations)
    assert isinstance(handler, WSGIHandler) and handler.hot == operations


def test_an_outsider_is_refused_by_the_hot_path_as_by_ninja(clients, catalog):
    # A valid token of a staff account, which has no person to apply as: past the token and
    # body checks, so the hot path answers, and must refuse as ninja does, writing nothing.
    hot, plain, answered = clients
    clerk = _token(User.objects.get(username="clerk_wuhan"))
    hot.defaults["HTTP_AUTHORIZATION"] = plain.defaults["HTTP_AUTHORIZATION"] = f"Bearer {clerk}"
    body = tax_body(User.objects.get(username="zhangsan"), catalog)
    first, second = _post(hot, body), _post(plain, body)
    assert answered == [True]
    assert first.status_code == 403 and first.json()["code"] == "permission_denied"
    _same_answer(first, second)
    assert not Case.objects.exists()


_PLAIN = {"service": "000136002000", "implementation": "X1", "form": {"a": 1}}


@pytest.mark.parametrize("body", [
    _PLAIN,
    {"service": "s", "form": {}},
    _PLAIN | {"on_behalf_of": "9" * 18, "submit": True, "materials": []},
    _PLAIN | {"service": "s" * 40, "implementation": "i" * 60},
    _PLAIN | {"service": "营" * 40},  # characters, not bytes
])
def test_a_plain_body_is_read_as_pydantic_reads_it(body):
    read = cases_api.ApplicationIn.model_validate(body)
    assert read.submit is True and read.materials == []
    assert cases_api._read_plainly(body) == (
        read.service, read.implementation, read.on_behalf_of, read.form)


@pytest.mark.parametrize("body", [
    # Refused by pydantic ...
    _PLAIN | {"service": "s" * 41}, _PLAIN | {"implementation": "i" * 61},
    _PLAIN | {"on_behalf_of": "9" * 19}, _PLAIN | {"service": 42},
    _PLAIN | {"implementation": None}, _PLAIN | {"form": []}, _PLAIN | {"form": None},
    {"form": {}}, {"service": "s"}, _PLAIN | {"materials": None},
    _PLAIN | {"materials": {}}, _PLAIN | {"submit": None}, [], "text",
    # ... or read by it, but not a plain submission at once.
    _PLAIN | {"submit": False}, _PLAIN | {"submit": "true"}, _PLAIN | {"submit": 1},
    _PLAIN | {"materials": [{"requirement": "r"}]}, _PLAIN | {"extra": 1},
])
def test_any_other_body_is_left_to_pydantic(body):
    assert cases_api._read_plainly(body) is None
