"""Bulk work inside an action (licence imports and their seal uses): inserting many new rows
of one model at once, and a pool of forked processes for the CPU work between the queries.

`insert` is like `QuerySet.bulk_create` without its per-value SQL building: on PostgreSQL one
binary COPY, elsewhere one `executemany`. Measured on rows of a few kilobytes (a licence with
its seal signature): 4-7 times faster than bulk_create on PostgreSQL, about 2.5 times on SQLite.
Like bulk_create: no save(), no signals; unlike it, the objects get no primary key back (find
them by another unique field, e.g. their uid). Values go through each field's `pre_save` and
`get_db_prep_save`, as with save(), so defaults, auto_now and the field's conversions apply.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import multiprocessing
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from multiprocessing.pool import Pool
from typing import Any, NoReturn

from django.db import connections, models, router
from django.db.models import Field, Model


def _fields(model: type[Model]) -> list[Field[Any, Any]]:
    pk = model._meta.pk
    return [f for f in model._meta.concrete_fields
            if not (f is pk and getattr(f, "db_returning", False))]


# Django's own field classes whose get_db_prep_save hands a value of the right Python type to
# PostgreSQL unchanged (the exact classes: a subclass may convert, e.g. an encrypted field).
# For these `rows` reads the attribute and skips Django's conversion chain, which was most of
# an import's Python time per row; any other value (None aside) still goes through Django.
_AS_IS_ON_POSTGRESQL: dict[type[Field[Any, Any]], tuple[type, ...]] = {
    **dict.fromkeys((models.CharField, models.TextField, models.SlugField), (str,)),
    **dict.fromkeys((models.IntegerField, models.BigIntegerField, models.SmallIntegerField,
                     models.PositiveIntegerField, models.PositiveBigIntegerField,
                     models.PositiveSmallIntegerField, models.AutoField, models.BigAutoField),
                    (int,)),
    models.BooleanField: (bool,),
    models.DateField: (dt.date,),
    models.DateTimeField: (dt.datetime,),  # aware ones only, see _value
    models.BinaryField: (bytes,),
    models.UUIDField: (uuid.UUID,),
}


def _as_is(field: Field[Any, Any], vendor: str) -> tuple[type, ...]:
    """The types of `field`'s values sent as they are; () when Django must convert."""
    if vendor != "postgresql":
        return ()
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    if getattr(target, "auto_now", False) or getattr(target, "auto_now_add", False):
        return ()  # pre_save computes the value
    return _AS_IS_ON_POSTGRESQL.get(type(target), ())


@lru_cache(maxsize=128)
def _plan(model: type[Model], vendor: str
          ) -> tuple[tuple[Field[Any, Any], str, tuple[type, ...]], ...]:
    return tuple((f, f.attname, _as_is(f, vendor)) for f in _fields(model))


def _value(obj: Model, field: Field[Any, Any], attname: str, as_is: tuple[type, ...],
           connection: Any) -> Any:
    if as_is:
        value = getattr(obj, attname)
        if value is None or (type(value) in as_is and (
                type(value) is not dt.datetime or value.tzinfo is not None)):
            return value
    return field.get_db_prep_save(field.pre_save(obj, True), connection)


def rows(objs: Sequence[Model]) -> list[list[Any]]:
    """The objects' column values as the database takes them, for `insert_rows`. Needs no
    query, so a forked worker can make them (see forked_pool)."""
    if not objs:
        return []
    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    plan = _plan(model, connection.vendor)
    return [[_value(obj, field, attname, as_is, connection) for field, attname, as_is in plan]
            for obj in objs]


def column_index(model: type[Model], attname: str) -> int:
    """Where the field `attname` is in the rows that `rows` makes."""
    return [f.attname for f in _fields(model)].index(attname)


def insert(objs: Sequence[Model]) -> int:
    """Insert the (unsaved) objects, all of one model, in the current transaction."""
    if not objs:
        return 0
    return insert_rows(type(objs[0]), rows(objs))


def insert_rows(model: type[Model], values: Sequence[Sequence[Any]]) -> int:
    """Insert rows made by `rows` (the model's concrete fields, in order) in one statement."""
    if not values:
        return 0
    connection = connections[router.db_for_write(model)]
    fields = _fields(model)
    quote = connection.ops.quote_name
    table, columns = quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            types = _column_types(connection.alias, table, columns)
            # Django's errors (IntegrityError ...), as for its own statements.
            with connection.wrap_database_errors, cursor.cursor.copy(
                    f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(types)
                for row in values:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
                               values)
    return len(values)


def check_constraints_now(using: str = "default") -> None:
    """Inside a long bulk transaction on PostgreSQL: check the deferred foreign keys (Django
    makes them DEFERRABLE INITIALLY DEFERRED) as each statement ends, for the rest of the
    transaction. The same checks, spread over the work (while forked workers compute the next
    rows) instead of all at the commit, when nothing else can run: 20,000 licences left about
    100,000 checks, half a second, for the commit."""
    connection = connections[using]
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@contextmanager
def collector_paused() -> Iterator[None]:
    """No automatic cyclic garbage collection while a bulk action builds many long-lived
    objects (an import's rows, holders and licences): each automatic full collection walks all
    of them again, a tenth of a second at 20,000 rows, several times a run. The first
    collection after the block finds whatever cyclic garbage it left."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@lru_cache(maxsize=64)
def _column_types(alias: str, table: str, columns: str) -> list[int]:
    """The columns' type OIDs, which a binary COPY must be told."""
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} LIMIT 0")  # noqa: S608
        return [column.type_code for column in cursor.description]


# --- forked workers --------------------------------------------------------------------------

logger = logging.getLogger("jingchu.core")


def _no_database(*args: Any) -> NoReturn:
    raise RuntimeError("a forked worker shares its parent's database connections: no queries")


def _start(initializer: Callable[..., None] | None, args: tuple[Any, ...]) -> None:
    # A query here would speak on the parent's socket in the middle of its transaction, and
    # closing the connection would end the parent's session: so each inherited connection
    # refuses to run anything, and is left open (the worker ends with os._exit).
    for conn in connections.all(initialized_only=True):
        conn.execute_wrappers.append(_no_database)
    if initializer is not None:
        initializer(*args)


def forked_pool(workers: int, initializer: Callable[..., None] | None = None,
                initargs: tuple[Any, ...] = ()) -> Pool | None:
    """`workers` processes forked from this one for CPU work on data already in memory (the
    initializer's arguments are inherited, not pickled); they never use the database. None when
    one worker is asked for, or this process cannot have children (then work in-process)."""
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    # A child must never finalise the parent's garbage: objects of native libraries (a DuckDB
    # connection left in a reference cycle, say) crash when destroyed in a child that lacks
    # their threads. So the parent collects its garbage first, where those threads live, and
    # freezes the rest out of the children's collections (the gc.freeze recipe for fork).
    # Under collector_paused the children inherit the pause and never collect at all, so the
    # full collection (a tenth of a second on an import's heap) is not needed.
    if gc.isenabled():
        gc.collect()
    gc.freeze()
    try:
        return multiprocessing.get_context("fork").Pool(
            workers, initializer=_start, initargs=(initializer, initargs))
    except (AssertionError, OSError) as exc:  # a daemonic process; out of processes
        logger.warning("working in-process: no worker pool (%s)", exc)
        return None
    finally:
        gc.unfreeze()
