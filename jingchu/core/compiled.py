"""ORM queries compiled once per process and run again with new values.

Why: Django compiles a queryset's SQL on every evaluation. For a lookup with `select_related`
over a few tables that is most of its cost: the bearer token's (token, user, person, staff,
client, client policy) took ~3.2 ms of CPU on the twenty-first session's machine, nine-tenths of
it in the compiler. Such lookups run on the hottest path (a token is looked up again every
`TOKEN_CACHE_SECONDS` in each process), and under load they took ~18% of the API process's
Python time: the in-process loops of bench/ kept the caches warm and never saw it
(bench/HISTORY.md, "Twenty-first session").

`CompiledQuery` compiles its queryset once per database, with stand-in values where the callers'
values go, and keeps the SQL, its converters and Django's own populators of related objects. Each
call runs that SQL with the caller's values and builds the instances as `ModelIterable` does
(`Model.from_db`, the same converters, the same related-object caches), so the answer is the
queryset's. On PostgreSQL the statement is prepared once per connection (`core.prepared`), so
the server does not plan the joins again either. cases/tests/test_compiled.py holds the answers
equal to the ORM's.

Only for querysets whose SQL does not change with the values: filters by equality on plain
fields, no `__in` lists, no annotations, no `prefetch_related`; `CompiledQuery` refuses the rest
when compiling.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any, Generic, NamedTuple, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]

from jingchu.core import prepared

M = TypeVar("M", bound=models.Model)


class _Arg:
    """Where a caller's value goes: the i-th argument of `CompiledQuery.run`."""

    def __init__(self, index: int) -> None:
        self.index = index


class _Compiled(NamedTuple):
    sql: str
    # Each parameter: an `_Arg` (a caller's value) or a constant the queryset compiled in.
    params: tuple[Any, ...]
    width: int | None  # columns of a row to keep, when the compiler added some for ordering
    model: type[models.Model]
    start: int  # the main model's columns in each row: [start:end]
    end: int
    init_list: list[str]
    populators: list[Any]
    converters: dict[int, Any]  # the compiler's, by column: asked once, not per row


def _converted(rows: Sequence[Any], converters: dict[int, Any], conn: Any) -> list[list[Any]]:
    """`rows` as SQLCompiler.apply_converters converts them, but with this thread's connection:
    the compiler's is the one of the thread that compiled it."""
    out = []
    for row in map(list, rows):
        for position, (functions, expression) in converters.items():
            value = row[position]
            for convert in functions:
                value = convert(value, expression, conn)
            row[position] = value
        out.append(row)
    return out


def _stand_in(index: int) -> str:
    # A text no caller sends: a NUL is refused by PostgreSQL's text and never in a checksum.
    return f"\x00jingchu-compiled-{index}\x00"


class CompiledQuery(Generic[M]):
    """`make(*values)` is a queryset; `run(*values)` answers its instances, compiled once.

    `make` is called once per database with stand-in text values, one per argument; each must
    reach the SQL as one parameter, unchanged (an equality filter on a text field), or compiling
    refuses (ValueError)."""

    def __init__(self, make: Callable[..., models.QuerySet[M]], arity: int) -> None:
        self._make = make
        self._arity = arity
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def run(self, *values: Any, using: str = DEFAULT_DB_ALIAS) -> list[M]:
        """The queryset's instances for `values`, in its order."""
        if len(values) != self._arity:
            raise TypeError(f"{self._arity} values expected, {len(values)} given")
        compiled = self._compiled.get(using) or self._compile(using)
        params = [values[p.index] if type(p) is _Arg else p for p in compiled.params]
        conn = connections[using]
        opened = prepared.prepared_cursor(conn) if conn.vendor == "postgresql" else conn.cursor()
        with opened as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.width is not None:
            rows = [row[:compiled.width] for row in rows]
        return self._instances(compiled, rows, using)

    def _instances(self, compiled: _Compiled, rows: Sequence[Any], using: str) -> list[M]:
        # As ModelIterable.__iter__ builds them (no annotations, no known related objects).
        found: list[M] = []
        converted = _converted(rows, compiled.converters, connections[using]) \
            if compiled.converters else rows
        for row in converted:
            obj = compiled.model.from_db(using, compiled.init_list,
                                         row[compiled.start:compiled.end])
            for populator in compiled.populators:
                populator.populate(row, obj)
            found.append(obj)  # type: ignore[arg-type]  # the queryset's model
        return found

    def _compile(self, using: str) -> _Compiled:
        with self._lock:
            found = self._compiled.get(using)
            if found is None:
                found = self._compiled[using] = self._compiled_now(using)
            return found

    def _compiled_now(self, using: str) -> _Compiled:
        stand_ins = [_stand_in(i) for i in range(self._arity)]
        queryset = self._make(*stand_ins)
        query = queryset.query
        prefetches = getattr(queryset, "_prefetch_related_lookups", ())  # not in the stubs
        if prefetches or query.annotation_select or query.extra_select:
            raise ValueError("only plain querysets can be compiled (no annotations, "
                             "extra columns or prefetch_related)")
        compiler = query.get_compiler(using=using)
        sql, raw_params = compiler.as_sql()
        params = tuple(_Arg(stand_ins.index(p)) if p in stand_ins else p for p in raw_params)
        args = sorted(p.index for p in params if type(p) is _Arg)
        if args != list(range(self._arity)):
            raise ValueError("each value must reach the SQL once, unchanged")
        klass_info = compiler.klass_info
        if klass_info is None:
            raise ValueError("the queryset selects no model")
        select_fields = klass_info["select_fields"]
        start, end = select_fields[0], select_fields[-1] + 1
        if compiler.has_composite_fields([s[0] for s in compiler.select[:compiler.col_count]]):
            raise ValueError("composite primary keys are not supported")
        return _Compiled(
            sql=sql, params=params,
            width=compiler.col_count if compiler.has_extra_select else None,
            model=klass_info["model"],
            start=start, end=end,
            init_list=[f[0].target.attname for f in compiler.select[start:end]],
            populators=get_related_populators(klass_info, compiler.select, using),
            converters=compiler.get_converters(
                [s[0] for s in compiler.select[:compiler.col_count]]))
