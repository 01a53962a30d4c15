"""The preparing cursor kept per connection (core.prepared)."""

from __future__ import annotations

import pytest
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction

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
