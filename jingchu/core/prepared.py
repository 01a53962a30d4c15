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

`run` goes further where it may: outside a transaction it sends the statement through libpq
itself (`_Direct`), with psycopg's own dumpers and loaders but without its cursor, whose
generator-driven execute cost more than the statement's whole round trip in the web process:
a case submission's statement took 205-325 µs of the thread's CPU through the kept cursor
and 171-176 µs this way, in a loop on the benchmark's machine (bench/HISTORY.md, "Twenty-fourth
session"). libpq waits for the answer with the GIL released, as psycopg's wait does.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import Any, Self

import psycopg
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from psycopg import errors, pq
from psycopg.adapt import PyFormat, Transformer
from psycopg.types.numeric import Int8

# A threshold no statement reaches by being run often: psycopg prepares only when asked.
ONLY_WHEN_ASKED = 2**31 - 1
# Where the connection's kept cursor lives: on the psycopg connection itself, so that a new
# connection (Django reconnects after CONN_MAX_AGE or an error) starts with a new cursor.
_KEPT = "_jingchu_prepared_cursor"


class _Preparing:
    """Binds values on the server and prepares each statement on first use in a connection."""

    def execute(self, query: Any, params: Any = None, *, prepare: bool | None = None,
                binary: bool | None = None) -> Self:
        conn = self.connection  # type: ignore[attr-defined]  # a psycopg cursor's
        run = super().execute  # type: ignore[misc]  # psycopg's, next in the MRO
        if conn.prepare_threshold is not None:
            return run(query, params, prepare=True, binary=binary)
        conn.prepare_threshold = ONLY_WHEN_ASKED
        try:
            return run(query, params, prepare=True, binary=binary)
        finally:
            conn.prepare_threshold = None


class _PreparedCursor(_Preparing, psycopg.Cursor[Any]):
    """Statements with %s placeholders."""


class _PreparedNumberedCursor(_Preparing, psycopg.RawCursor[Any]):
    """Statements with $1, $2 ... placeholders, sent as they are. Why: psycopg rewrites %s into
    $n on every call, and keeps the rewriting only for a statement of at most 4,096 characters
    and 50 parameters; a batch of case submissions (cases.writes) is larger, and rewriting it
    each time cost a tenth of the API process's time in a profile (bench/HISTORY.md, "Tenth
    session")."""


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


def _kept_cursor(raw_conn: Any, numbered: bool) -> psycopg.Cursor[Any]:
    kind = (_PreparedNumberedCursor if numbered else _PreparedCursor)
    attr = f"{_KEPT}_numbered" if numbered else _KEPT
    cursor: psycopg.Cursor[Any] | None = getattr(raw_conn, attr, None)
    if cursor is None or cursor.closed:
        cursor = kind(raw_conn)
        setattr(raw_conn, attr, cursor)
    return cursor


_NUMBERED: dict[str, str] = {}
_PLACEHOLDER = re.compile(r"%(.)", re.DOTALL)


def numbered(sql: str) -> str:
    """`sql` with its %s placeholders as $1, $2 ... in order, for `prepared_cursor(numbered=
    True)`; kept per text (the callers' texts are few). Refuses any other % sequence."""
    found = _NUMBERED.get(sql)
    if found is None:
        count = iter(range(1, sql.count("%") + 1))

        def number(match: re.Match[str]) -> str:
            if match.group(1) != "s":
                raise ValueError(f"only %s placeholders can be numbered, not %{match.group(1)}")
            return f"${next(count)}"

        found = _PLACEHOLDER.sub(number, sql)
        if len(_NUMBERED) < 1024:
            _NUMBERED[sql] = found
    return found


def _opened(conn: BaseDatabaseWrapper) -> Any:
    """The psycopg connection of `conn`, usable by this thread (what Django checks before it
    hands out a cursor)."""
    conn.close_if_health_check_failed()
    conn.ensure_connection()
    conn.validate_thread_sharing()
    return conn.connection


def prepared_cursor(conn: BaseDatabaseWrapper, *, numbered: bool = False) -> CursorWrapper:
    """The preparing cursor of the PostgreSQL connection `conn` in Django's wrapper (what
    `connection.cursor()` does with the default cursor), the same one on every call; with
    `numbered`, the one taking $n placeholders (`numbered(sql)`)."""
    raw = _kept_cursor(_opened(conn), numbered)
    return _LoggedCursor(raw, conn) if conn.queries_logged else _KeptCursorWrapper(raw, conn)


def run(conn: BaseDatabaseWrapper, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The rows of `sql` (%s placeholders) run with `params` on the PostgreSQL connection `conn`
    as a statement prepared on the server, with Django's errors. Outside a transaction it goes
    through libpq itself (`_Direct`); inside one, or where Django must see it (a query log, an
    execute wrapper), through the kept cursor, as `prepared_cursor` runs it."""
    raw = _opened(conn)
    if raw.autocommit and not conn.queries_logged and not conn.execute_wrappers:
        direct = getattr(raw, _DIRECT, None)
        if direct is None:
            direct = _Direct(raw)
            setattr(raw, _DIRECT, direct)
        with conn.wrap_database_errors:
            return direct.run(sql, params)
    with prepared_cursor(conn, numbered=True) as cursor:
        cursor.execute(numbered(sql), params)
        return cursor.fetchall()


# Where a connection's `_Direct` lives: on the psycopg connection, as the kept cursor does.
_DIRECT = "_jingchu_direct"
# At most this many statements prepared by `_Direct` per connection; past it, each further
# one is sent unnamed (parsed and planned on each call) rather than kept on the server.
DIRECT_STATEMENTS = 256
_OK = (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.COMMAND_OK)


class _Direct:
    """A psycopg connection's statements sent through libpq (`pq.PGconn`) outside a
    transaction: the values dumped by psycopg's own dumpers (a Transformer, as a cursor's), each
    statement prepared once per text and parameter types (as psycopg keys its own), the rows
    answered in text and loaded by the connection's loaders, as a cursor loads them (Django
    sets some for text only: jsonb comes back as its text, for JSONField to read).
    Only for a connection in autocommit: psycopg begins a transaction lazily, on its own next
    statement, so a statement sent here inside one could run outside it."""

    def __init__(self, raw: psycopg.Connection[Any]) -> None:
        self.raw = raw
        self.tx = Transformer(raw)
        self.names: dict[tuple[str, tuple[int, ...]], bytes] = {}
        self.made = itertools.count()  # a name is never used twice, even after `names` is cleared
        self.formats: dict[int, list[PyFormat]] = {}  # per number of parameters: all AUTO

    def run(self, sql: str, params: Sequence[Any], retry: bool = True,
            ) -> list[tuple[Any, ...]]:
        tx, pgconn = self.tx, self.raw.pgconn
        formats = self.formats.get(len(params))
        if formats is None:
            formats = self.formats[len(params)] = [PyFormat.AUTO] * len(params)
        values = tx.dump_sequence(params, formats)  # what a %s placeholder would be sent
        types = tuple(tx.types or ())
        name = self.names.get((sql, types))
        if name is None:
            name = self._prepare(sql, types)
        if name is None:  # past DIRECT_STATEMENTS: parsed and planned on this call only
            result = pgconn.exec_params(numbered(sql).encode(), values, types, tx.formats)
        else:
            # A NULL is None, as psycopg's own cursor sends it (the stub says otherwise).
            result = pgconn.exec_prepared(name, values, tx.formats)  # type: ignore[arg-type]
            if retry and _forgotten(result):  # dropped by the server (DISCARD ALL ...)
                self.names.clear()
                return self.run(sql, params, retry=False)
        self._check(result)
        tx.set_pgresult(result)
        return tx.load_rows(0, result.ntuples, tuple)

    def _prepare(self, sql: str, types: tuple[int, ...]) -> bytes | None:
        if len(self.names) >= DIRECT_STATEMENTS:
            return None
        name = f"jingchu_{next(self.made)}".encode()
        self._check(self.raw.pgconn.prepare(name, numbered(sql).encode(), types))
        self.names[(sql, types)] = name
        return name

    def _check(self, result: pq.abc.PGresult) -> None:
        if result.status not in _OK:
            raise errors.error_from_result(result, encoding=self.raw.info.encoding)


def _forgotten(result: pq.abc.PGresult) -> bool:
    return (result.status == pq.ExecStatus.FATAL_ERROR
            and result.error_field(pq.DiagnosticField.SQLSTATE) == b"26000")


def typed(value: Any) -> Any:
    """A plain int as bigint: psycopg types an int by its size (smallint, integer, bigint), and
    a prepared statement is kept per parameter types, so values of every size share one."""
    return Int8(value) if type(value) is int else value
