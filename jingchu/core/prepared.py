"""Server-side prepared statements on PostgreSQL, for the few statements run on every request
(a case submission's one statement, a gateway call's two).

Django's cursors bind values on the client and never prepare, so PostgreSQL parses and plans
such a statement again on every call: for the gateway's context statement planning took five
times its execution. `prepared_cursor` answers a psycopg cursor that binds on the server and
prepares each statement the first time a connection runs it, wrapped as Django wraps its own
cursors, so that errors are Django's and execute wrappers and the query log see the statement.

Django sets psycopg's `prepare_threshold` to None on its connections (for poolers), and psycopg
then refuses even an explicit `prepare=True`: this cursor sets a threshold only around its own
statement, so nothing else on the connection changes. (Set for the whole connection, the bare
insert anchor of `make bench` ran at 904-963/s in four runs against 1,095-1,613/s without it,
for reasons not found; in-process the two cost the same.) A pooler in front of PostgreSQL must
keep protocol-level prepared statements per client (PgBouncer 1.21 or later with
max_prepared_statements).

One such cursor is kept per connection and reused: psycopg keeps the dumpers and loaders it has
chosen per cursor, so a new cursor per call chose them again for every parameter, which cost a
case submission more than dumping its values (bench/HISTORY.md, "Seventh session").
"""

from __future__ import annotations

from typing import Any, Self

import psycopg
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from psycopg.types.numeric import Int8

# A threshold no statement reaches by being run often: psycopg prepares only when asked.
ONLY_WHEN_ASKED = 2**31 - 1
# Where the connection's kept cursor lives: on the psycopg connection itself, so that a new
# connection (Django reconnects after CONN_MAX_AGE or an error) starts with a new cursor.
_KEPT = "_jingchu_prepared_cursor"


class _PreparedCursor(psycopg.Cursor[Any]):
    """Binds values on the server and prepares each statement on first use in a connection."""

    def execute(self, query: Any, params: Any = None, *, prepare: bool | None = None,
                binary: bool | None = None) -> Self:
        conn = self.connection
        if conn.prepare_threshold is not None:
            return super().execute(query, params, prepare=True, binary=binary)
        conn.prepare_threshold = ONLY_WHEN_ASKED
        try:
            return super().execute(query, params, prepare=True, binary=binary)
        finally:
            conn.prepare_threshold = None


class _KeptCursorWrapper(CursorWrapper):
    """Django's wrapper, except that leaving `with` keeps the cursor open for the next call (it
    closes with its connection)."""

    def close(self) -> None:
        return None


class _LoggedCursor(_KeptCursorWrapper, CursorDebugWrapper):
    """Django's debug wrapper logs the text psycopg last sent, and psycopg keeps none for a
    prepared statement: this one logs the statement as written (placeholders, no values)."""

    def execute(self, sql: Any, params: Any = None) -> Any:
        with self.debug_sql(sql, params):
            return CursorWrapper.execute(self, sql, params)


def _kept_cursor(raw_conn: Any) -> _PreparedCursor:
    cursor: _PreparedCursor | None = getattr(raw_conn, _KEPT, None)
    if cursor is None or cursor.closed:
        cursor = _PreparedCursor(raw_conn)
        setattr(raw_conn, _KEPT, cursor)
    return cursor


def prepared_cursor(conn: BaseDatabaseWrapper) -> CursorWrapper:
    """The preparing cursor of the PostgreSQL connection `conn` in Django's wrapper (what
    `connection.cursor()` does with the default cursor), the same one on every call."""
    conn.close_if_health_check_failed()
    conn.ensure_connection()
    conn.validate_thread_sharing()
    raw = _kept_cursor(conn.connection)
    return _LoggedCursor(raw, conn) if conn.queries_logged else _KeptCursorWrapper(raw, conn)


def typed(value: Any) -> Any:
    """A plain int as bigint: psycopg types an int by its size (smallint, integer, bigint), and
    a prepared statement is kept per parameter types, so values of every size share one."""
    return Int8(value) if type(value) is int else value
