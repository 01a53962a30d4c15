"""A statement PostgreSQL gives up on (the API process's statement_timeout) is answered 503 with
nothing written, and the API process's connections carry that timeout (settings_api)."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from django.db import OperationalError, connection
from django.test import Client

from jingchu import settings_api
from jingchu.cases import writes
from jingchu.cases.models import Case, CaseNumberCounter
from jingchu.cases.tests.test_api import tax_body
from jingchu.cases.tests.test_api_hot import (  # noqa: F401 - fixture
    _post,
    api_process,
    clients,
)
from jingchu.cases.tests.test_submit_application import ON_POSTGRESQL
from jingchu.core.models import AuditEvent
from jingchu.identity.models import User


def _written() -> tuple[int, int]:
    return Case.objects.count(), AuditEvent.objects.filter(action=writes.SUBMIT_AUDIT).count()


def _locking(prefix: str) -> psycopg.Connection[Any]:
    """Another session holding the prefix's counter row, as a long transaction would."""
    params = connection.get_connection_params()
    other = psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"})
    other.execute("SELECT last FROM cases_casenumbercounter WHERE prefix = %s FOR UPDATE",
                  [prefix])
    return other


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)  # as in the server: each statement its own transaction
def test_a_cancelled_submission_is_answered_503_and_writes_nothing(clients, catalog):  # noqa: F811
    # Through the API process's hot submission; ninja's operation answers with the same handler.
    client: Client = clients[0]
    body = tax_body(User.objects.get(username="zhangsan"), catalog)
    first = _post(client, body)
    assert first.status_code == 201, first.content
    prefix = first.json()["number"].rsplit("-", 1)[0]
    before = _written()
    other = _locking(prefix)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = '300ms'")  # the server's is 10 s by default
        refused = _post(client, body)
    finally:
        other.close()  # its transaction ends: the row is free
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
    assert refused.status_code == 503, refused.content
    assert refused["Retry-After"] == "1"
    assert refused.json()["code"] == "busy"
    assert _written() == before
    assert CaseNumberCounter.objects.get(prefix=prefix).last == 1  # no serial taken
    again = _post(client, body)
    assert again.status_code == 201, again.content
    assert again.json()["number"] == f"{prefix}-000002"  # still gap-free


def test_a_batch_failing_otherwise_than_on_its_data_is_not_retried(monkeypatch):
    # A cancelled statement is every submission's failure: retrying them one by one would keep
    # each caller waiting once more per submission ahead of it.
    def cancelled(items: Any) -> None:
        raise OperationalError("canceling statement due to statement timeout")

    monkeypatch.setattr(writes, "_store_in_one_batch", cancelled)
    monkeypatch.setattr(writes, "_store_in_one_statement",
                        lambda *args: pytest.fail("retried one by one"))
    with pytest.raises(OperationalError):
        writes._store_batch([object(), object()])  # type: ignore[list-item]


def test_the_api_process_sets_the_timeout_on_postgresql_only():
    pg = {"default": {"ENGINE": "django.db.backends.postgresql", "OPTIONS": {}}}
    lite = {"default": {"ENGINE": "django.db.backends.sqlite3", "OPTIONS": {"timeout": 20}}}
    assert settings_api.statement_timeout(pg, 10)["default"]["OPTIONS"] == {
        "options": "-c statement_timeout=10000"}
    assert settings_api.statement_timeout(pg, 0.25)["default"]["OPTIONS"] == {
        "options": "-c statement_timeout=250"}
    assert settings_api.statement_timeout(pg, 0) == pg  # 0: no limit
    assert settings_api.statement_timeout(lite, 10) == lite
    assert pg["default"]["OPTIONS"] == {}  # the platform's own settings are left as they were
    # The API process's own, from JINGCHU_API_STATEMENT_TIMEOUT (10 s unless set).
    if connection.vendor == "postgresql":
        assert "statement_timeout=10000" in settings_api.DATABASES["default"]["OPTIONS"]["options"]
