"""The preparing cursor kept per connection (core.prepared)."""

from __future__ import annotations

import uuid

import pytest
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    DataError,
    IntegrityError,
    connection,
    connections,
    transaction,
)
from django.test.utils import CaptureQueriesContext
from psycopg.types.json import Jsonb

from jingchu.core import prepared

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]


def _value(sql: str, params: list) -> object:
    with prepared.prepared_cursor(connections[DEFAULT_DB_ALIAS]) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def test_one_cursor_is_kept_per_connection_and_reused():
    conn = connections[DEFAULT_DB_ALIAS]
    assert _value("SELECT %s::bigint + 1", [prepared.typed(1)]) == 2
    first = getattr(conn.connection, prepared._KEPT)
    assert not first.closed  # leaving `with` kept it open
    assert _value("SELECT %s::text || 'b'", ["a"]) == "ab"
    assert getattr(conn.connection, prepared._KEPT) is first


def test_the_kept_cursor_works_after_a_failed_statement():
    with pytest.raises(DatabaseError), transaction.atomic():
        _value("SELECT 1 / %s::int", [0])
    assert _value("SELECT 6 / %s::int", [3]) == 2


def test_a_new_connection_gets_a_new_cursor():
    conn = connections[DEFAULT_DB_ALIAS]
    _value("SELECT 1 + %s::int", [1])
    old = getattr(conn.connection, prepared._KEPT)
    fresh = conn.get_new_connection(conn.get_connection_params())
    try:
        cursor = prepared._kept_cursor(fresh, numbered=False)
        assert cursor is not old and cursor.connection is fresh
    finally:
        fresh.close()


def test_numbered_statements_go_as_written_and_are_prepared():
    conn = connections[DEFAULT_DB_ALIAS]
    sql = "SELECT %s::text || %s::text || 'c'"
    assert prepared.numbered(sql) == "SELECT $1::text || $2::text || 'c'"
    assert prepared.numbered(sql) is prepared.numbered(sql)  # kept
    with prepared.prepared_cursor(conn, numbered=True) as cursor:
        cursor.execute(prepared.numbered(sql), ["a", "b"])
        assert cursor.fetchone()[0] == "abc"
        kept = cursor.cursor
    assert kept is getattr(conn.connection, f"{prepared._KEPT}_numbered")
    assert kept is not getattr(conn.connection, prepared._KEPT, None)  # each kind its own
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement = %s",
                       [prepared.numbered(sql)])
        assert cursor.fetchone()[0] == 1


def test_only_plain_placeholders_are_numbered():
    with pytest.raises(ValueError, match="only %s"):
        prepared.numbered("SELECT %s, %(name)s")


# `run`: straight through libpq outside a transaction (prepared.run, _Direct).

AUTOCOMMIT = pytest.mark.django_db(transaction=True)  # as under a server: no transaction open


def _direct() -> prepared._Direct:
    found: prepared._Direct = getattr(connections[DEFAULT_DB_ALIAS].connection, prepared._DIRECT)
    return found


def _server_statements(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements WHERE statement = %s",
                       [prepared.numbered(sql)])
        return [row[0] for row in cursor.fetchall()]


@AUTOCOMMIT
def test_run_outside_a_transaction_prepares_each_statement_once_and_loads_its_rows():
    conn = connections[DEFAULT_DB_ALIAS]
    sql = "SELECT %s::uuid, %s::bigint + 1, %s::text || 'b', %s::jsonb, %s::text IS NULL"
    uid = uuid.uuid4()
    params = [uid, prepared.typed(41), "a", Jsonb({"k": "湖北"}), None]
    first = prepared.run(conn, sql, params)
    # jsonb as its text, as Django's connection loads it (JSONField reads it)
    assert first == [(uid, 42, "ab", '{"k": "湖北"}', True)]
    with prepared.prepared_cursor(conn, numbered=True) as cursor:  # what the cursor answers
        cursor.execute(prepared.numbered(sql), params)
        assert cursor.fetchall() == first
    assert prepared.run(conn, sql, params) == first
    names = _server_statements(sql)
    assert len(names) == 2 and any(n.startswith("jingchu_") for n in names)  # and the cursor's
    assert list(_direct().names.values()) == [n.encode() for n in names if "jingchu" in n]


@AUTOCOMMIT
def test_a_statement_is_kept_per_text_and_parameter_types():
    conn = connections[DEFAULT_DB_ALIAS]
    assert prepared.run(conn, "SELECT %s", [prepared.typed(7)]) == [(7,)]
    assert prepared.run(conn, "SELECT %s", ["seven"]) == [("seven",)]
    assert len(_direct().names) == 2


@AUTOCOMMIT
def test_run_answers_django_errors_and_the_connection_stays_usable():
    conn = connections[DEFAULT_DB_ALIAS]
    with pytest.raises(IntegrityError):  # the prefix is unique
        prepared.run(conn, "INSERT INTO cases_casenumbercounter (prefix, last) "
                     "VALUES (%s, 1), (%s, 2)", ["p", "p"])
    with pytest.raises(DataError):
        prepared.run(conn, "SELECT 1 / %s::int", [0])
    assert prepared.run(conn, "SELECT 6 / %s::int", [3]) == [(2,)]


@AUTOCOMMIT
def test_a_statement_dropped_by_the_server_is_prepared_again():
    conn = connections[DEFAULT_DB_ALIAS]
    sql = "SELECT %s::int * 2"
    assert prepared.run(conn, sql, [prepared.typed(2)]) == [(4,)]
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # as a pooler's reset does
    assert _server_statements(sql) == []
    assert prepared.run(conn, sql, [prepared.typed(3)]) == [(6,)]
    assert _server_statements(sql) == ["jingchu_1"]  # a new name, never one used before


@AUTOCOMMIT
def test_past_the_limit_a_statement_is_sent_unnamed(monkeypatch):
    conn = connections[DEFAULT_DB_ALIAS]
    monkeypatch.setattr(prepared, "DIRECT_STATEMENTS", 1)
    assert prepared.run(conn, "SELECT %s::int + 1", [prepared.typed(1)]) == [(2,)]
    assert prepared.run(conn, "SELECT %s::int + 2", [prepared.typed(1)]) == [(3,)]
    assert len(_direct().names) == 1
    assert _server_statements("SELECT %s::int + 2") == []


@AUTOCOMMIT
def test_inside_a_transaction_run_takes_the_kept_cursor_and_stays_inside_it():
    """psycopg begins a transaction only on its own next statement: sent straight through
    libpq first, this insert would have run, and stayed, outside the rolled-back block."""
    conn = connections[DEFAULT_DB_ALIAS]
    with pytest.raises(RuntimeError), transaction.atomic():
        prepared.run(conn, "INSERT INTO cases_casenumbercounter (prefix, last) VALUES (%s, 1) "
                     "RETURNING last", ["rolled-back"])
        raise RuntimeError("roll back")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_casenumbercounter")
        assert cursor.fetchone()[0] == 0
    assert getattr(conn.connection, prepared._DIRECT, None) is None


@AUTOCOMMIT
def test_run_goes_where_django_sees_it_when_queries_are_logged_or_wrapped():
    conn = connections[DEFAULT_DB_ALIAS]
    seen: list[str] = []

    def wrapper(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with conn.execute_wrapper(wrapper):
        assert prepared.run(conn, "SELECT %s::int", [prepared.typed(5)]) == [(5,)]
    with CaptureQueriesContext(conn) as logged:
        assert prepared.run(conn, "SELECT %s::int + 0", [prepared.typed(5)]) == [(5,)]
    assert seen == ["SELECT $1::int"]
    assert [q["sql"] for q in logged.captured_queries] == ["SELECT $1::int + 0"]
    assert getattr(conn.connection, prepared._DIRECT, None) is None
