"""Storing a new submitted case, its number, its event and its audit row: one statement on
PostgreSQL.

Why: the case number's counter row (one per region, item type and day) is locked from the
moment a serial is taken until the transaction commits, so every submission of the same prefix
queues on it. Written with the ORM, the lock spans four round trips, and between them the
worker thread must win the GIL back from its siblings: under load that hold time, not the CPU,
bounded throughput (bench/HISTORY.md). On PostgreSQL the counter, the case, its event and its
audit row go in one statement (data-modifying CTEs) that is its own transaction: the server
commits as it ends, so the lock is held for the end of one statement and the WAL flush, never
across a round trip to the client. The rows are the ones the ORM would write. Every value of
the case comes from the model's own fields (`pre_save`, `get_db_prep_save`), and only its
number is computed by the server. The event and the audit row are `submit_event`'s and
`submit_audit`'s, written without making them: each column from the case's row where the case
holds its value, from a row of parameters where the request does (`_EVENT_VALUES`,
`_AUDIT_VALUES`).
Elsewhere (SQLite) the same rows are written with the ORM.

The statement is bound on the server and prepared once per connection (core.prepared): its
text is the same for every submission (every value is a parameter), so PostgreSQL parses and
plans it once per connection instead of once per submission, and psycopg's dumpers send the
values instead of quoting each into the text. Outside a transaction (as under the server) it
goes straight through libpq (`prepared.run`), not through a psycopg cursor.

Submissions arriving together in one process are written together (core.combining): one
statement for the batch, one insert per table with a row per submission, its serials taken at
once (`+ k` on each prefix's counter row), so the batch holds each counter row and waits for
the WAL flush once instead of once per submission. A batch is one transaction, so a batch
refused as a whole (the last serial of a day) is retried one submission at a time and each gets
its own outcome. JINGCHU_GROUP_COMMIT=false writes each submission in its own statement
instead.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import orjson
from django.conf import settings
from django.db import (
    DEFAULT_DB_ALIAS,
    DataError,
    IntegrityError,
    connections,
    models,
    transaction,
)
from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg.types.json import Jsonb
from psycopg.types.numeric import Int8

from jingchu.cases import numbering
from jingchu.cases.models import Case, CaseEvent, CaseNumberCounter
from jingchu.core import audit, combining, counters, instances, memo, prepared
from jingchu.core.models import AuditEvent

SUBMIT_AUDIT = "cases.case.submit"
SUBMIT_EVENT = "submit"
# At most this many submissions in one statement: a process serves a few threads at once, and
# the bound keeps the statement's size and its number of shapes (texts kept) small.
BATCH_LIMIT = 8


class _Pending(NamedTuple):
    """One submission to store: what `store_submitted` is given."""
    case: Case
    prefix: str
    origin: audit.Origin  # who submitted it, from where: for its audit row


def store_submitted(case: Case, prefix: str, origin: audit.Origin) -> CaseEvent:
    """Take the next serial of `prefix` and write the case numbered with it, its timeline event
    (`submit_event`) and its audit row (`submit_audit`, by `origin`), all or nothing; answer
    the event. Sets `case.pk` and `case.number`; refuses with `numbers_exhausted` past the last
    serial.

    On PostgreSQL outside a transaction the one statement is its own transaction, committed by
    the server as it ends: no round trip to the client while the counter row is locked; other
    threads' submissions waiting meanwhile go in the same statement (`_store_batch`).
    Inside a caller's transaction (tests, other actions) it simply joins it."""
    conn = connections[DEFAULT_DB_ALIAS]  # once: each use of the `connection` proxy looks it up
    try:
        if conn.vendor != "postgresql":
            with transaction.atomic():
                return _store_with_orm(case, prefix, origin)
        elif conn.in_atomic_block:
            with transaction.atomic():  # a savepoint: a refusal leaves the caller's usable
                _store_in_one_statement(case, prefix, origin)
        elif settings.GROUP_COMMIT:
            _COMBINER.run(_Pending(case, prefix, origin))
        else:  # JINGCHU_GROUP_COMMIT=false: its own statement, its own transaction
            _store_in_one_statement(case, prefix, origin)
    except IntegrityError as error:
        if numbering.is_exhaustion(error):
            raise numbering.exhausted(prefix) from None
        raise
    return submit_event(case)  # as the statement wrote it


def _store_in_one_statement(case: Case, prefix: str, origin: audit.Origin) -> None:
    conn = connections[DEFAULT_DB_ALIAS]  # the wrapper itself, not the per-attribute proxy
    sql, params = _statement(case, prefix, origin, conn)
    row = prepared.run(conn, sql, params)[0]
    case.pk, case.number = int(row[1]), str(row[2])
    case._state.adding = False


def _store_batch(items: Sequence[_Pending]) -> list[BaseException | None]:
    """The combiner's batch: one statement for all, or, refused as a whole, one each."""
    if len(items) == 1:
        _store_in_one_statement(*items[0])
        return [None]
    try:
        _store_in_one_batch(items)
        return [None] * len(items)
    except (IntegrityError, DataError):
        # The batch's one transaction wrote nothing, and what was refused (the last serial of a
        # day) may be one submission's: each on its own, with its own outcome. Any other error
        # (a cancelled statement, a lost connection) is every submission's, raised to all.
        pass
    outcomes: list[BaseException | None] = []
    for item in items:
        try:
            _store_in_one_statement(*item)
            outcomes.append(None)
        except Exception as exc:  # this submission's refusal, raised in its own thread
            outcomes.append(exc)
    return outcomes


_COMBINER: combining.Combiner[_Pending, None] = combining.Combiner(_store_batch, BATCH_LIMIT)


def _store_in_one_batch(items: Sequence[_Pending]) -> None:
    conn = connections[DEFAULT_DB_ALIAS]
    sql, params = _batch_statement(items, conn)
    rows = {uid: (int(pk), str(number)) for uid, pk, number in prepared.run(conn, sql, params)}
    for item in items:
        item.case.pk, item.case.number = rows[_stored_as(item.case.uid)]
        item.case._state.adding = False


def _store_with_orm(case: Case, prefix: str, origin: audit.Origin) -> CaseEvent:
    case.number = numbering.format_number(prefix, numbering.increment(prefix))
    case.save(force_insert=True)
    event = submit_event(case)
    event.save(force_insert=True)  # its time stamped on saving (auto_now_add), as ever
    submit_audit(case, origin).save(force_insert=True)
    return event


def submit_event(case: Case) -> CaseEvent:
    """The timeline event of a numbered case just submitted: it arrives submitted (it never was
    a draft), by whoever submitted it, when it was submitted. On PostgreSQL the statement
    writes this row without making it (`_EVENT_VALUES`); the ORM stamps its own time."""
    return instances.new(CaseEvent, case=case, at=case.submitted_at, actor=case.created_by,
                         action=SUBMIT_EVENT, from_status="", to_status=case.status,
                         details={}, public=True)


def submit_audit(case: Case, origin: audit.Origin) -> AuditEvent:
    """The audit row of a numbered case just submitted, as `audit.build_from` makes it. On
    PostgreSQL the statement writes this row without making it (`_AUDIT_VALUES`)."""
    return audit.build_from(origin, SUBMIT_AUDIT, case, {
        "item": case.item.code, "channel": str(case.channel), "from": "",
        "to": str(case.status), "number": case.number})


# SQL for one column in place of the object's value, with its own parameters.
Computed = dict[str, tuple[str, list[Any]]]


class _Column(NamedTuple):
    quoted: str
    column: str
    attname: str
    field: models.Field[Any, Any]
    # The field computes its value on insert (auto_now_add, files ...): ask it, as the ORM does.
    computes: bool
    # Whether the field's `get_db_prep_save` returns this value unchanged on PostgreSQL ...
    passes: Callable[[Any], bool]
    # ... which it does for any value of this exact type (asked first: no call).
    exact: type
    # The value as the database is sent it otherwise: `get_db_prep_save`, or a memo of it.
    prep: Callable[[Any, BaseDatabaseWrapper], Any]


# Why: `get_db_prep_save` walks four methods per value to return most values unchanged, and a
# submission has 45 of them (skipping it saves 6-7% of a submission's instructions in the web
# process, bench/HISTORY.md "Sixth session"). For these exact
# field classes (a subclass may convert) these values are already what the database is sent:
# any str (choices are str; a lazy string is not) for text, an int that is not a bool, a date
# that is not a datetime, a UUID, an aware datetime (Django's PostgreSQL backend adapts dates
# and UUIDs as they are), an int key of an integer primary key. Anything else takes the ORM's
# own way. tests/test_writes.py checks that both ways give the same values.
def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _is_int(value: Any) -> bool:
    return type(value) is int


def _is_date(value: Any) -> bool:
    return type(value) is dt.date


def _is_uuid(value: Any) -> bool:
    return type(value) is uuid.UUID


def _is_aware(value: Any) -> bool:
    return type(value) is dt.datetime and value.utcoffset() is not None


def _is_bool(value: Any) -> bool:
    return type(value) is bool  # not 1 or 0: the field makes them True or False


def _never(value: Any) -> bool:
    return False


class _NoValue:
    """The type of no value: a column whose values all need `passes` asked."""


_PASS_THROUGH: dict[type[models.Field[Any, Any]], Callable[[Any], bool]] = {
    models.CharField: _is_str, models.TextField: _is_str, models.IntegerField: _is_int,
    models.PositiveIntegerField: _is_int, models.BigIntegerField: _is_int,
    models.DateField: _is_date, models.DateTimeField: _is_aware, models.UUIDField: _is_uuid,
    models.BooleanField: _is_bool,
}
# The one type each test above passes whole (a datetime also needs its offset asked).
_EXACT: dict[Callable[[Any], bool], type] = {
    _is_str: str, _is_int: int, _is_date: dt.date, _is_uuid: uuid.UUID, _is_bool: bool}


# An address as the ORM sends it (parsed into an ipaddress object), kept per text: an audit row's
# source address is one of few, and parsing it was ~1% of a submission. Bounded: cleared when
# full.
_ADDRESSES: dict[tuple[str, str], Any] = {}
ADDRESS_CACHE_SIZE = 4096


def _prep_address(field: models.Field[Any, Any]) -> Callable[[Any, BaseDatabaseWrapper], Any]:
    def prep(value: Any, conn: BaseDatabaseWrapper) -> Any:
        if type(value) is not str:
            return field.get_db_prep_save(value, conn)
        key = (conn.alias, value)
        found = _ADDRESSES.get(key)
        if found is None:
            found = memo.keep(_ADDRESSES, key, field.get_db_prep_save(value, conn),
                              ADDRESS_CACHE_SIZE)
        return found
    return prep


# orjson writes what json.dumps writes for these (text, numbers, lists, dicts with text keys) and
# refuses the rest (a datetime, a dataclass, a subclass, a key that is not text, an integer past
# 64 bits), which then takes json.dumps, as Django sends it: the same value stored or the same
# error. Only NaN and infinities differ (orjson writes null where PostgreSQL refuses json.dumps's
# NaN), and eforms.coerce keeps them out of a form.
_JSON_OPTIONS = (orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
                 | orjson.OPT_PASSTHROUGH_SUBCLASS)


def json_text(value: Any) -> bytes | str:
    """`value` as JSON text for a jsonb parameter. Why: Django's PostgreSQL backend writes it
    with json.dumps, which took ~2% of a submission's CPU in the web process for its three JSON
    values (the form in Chinese, escaped character by character); orjson takes a tenth of that."""
    try:
        return orjson.dumps(value, option=_JSON_OPTIONS)
    except TypeError:
        return json.dumps(value)


def _prep_json(field: models.Field[Any, Any]) -> Callable[[Any, BaseDatabaseWrapper], Any]:
    def prep(value: Any, conn: BaseDatabaseWrapper) -> Any:
        # What JSONField.get_db_prep_save sends for a dict or list on PostgreSQL (no conversion
        # before adapt_json_value), written by json_text.
        if type(value) in (dict, list) and conn.vendor == "postgresql":
            return Jsonb(value, dumps=json_text)
        return field.get_db_prep_save(value, conn)
    return prep


def _prep(field: models.Field[Any, Any]) -> Callable[[Any, BaseDatabaseWrapper], Any]:
    # The exact class only: a subclass may convert otherwise.
    if type(field) is models.GenericIPAddressField:
        return _prep_address(field)
    if type(field) is models.JSONField and field.encoder is None:
        return _prep_json(field)
    return field.get_db_prep_save


def _computes(field: models.Field[Any, Any]) -> bool:
    """Whether the field's `pre_save` may give another value than the instance holds. A date
    or datetime field (these exact classes) computes one only when it is stamped on saving;
    otherwise its `pre_save` reads the attribute, and asking it cost ~0.3 µs for each of the
    eleven such columns of a submission's rows."""
    if type(field) in (models.DateField, models.DateTimeField):
        return bool(field.auto_now or field.auto_now_add)  # type: ignore[attr-defined]
    return type(field).pre_save is not models.Field.pre_save


def _passes(field: models.Field[Any, Any]) -> Callable[[Any], bool]:
    if type(field) is models.ForeignKey:
        target = field.target_field
        return _is_int if type(target) in (models.AutoField, models.BigAutoField) else _never
    return _PASS_THROUGH.get(type(field), _never)


# Per model, the columns an insert writes: read once from the model's metadata (it never
# changes while the process runs), so each row costs one pass over its values.
_PLANS: dict[type[models.Model], tuple[_Column, ...]] = {}


def _column(field: models.Field[Any, Any], conn: BaseDatabaseWrapper) -> _Column:
    passes = _passes(field)
    return _Column(conn.ops.quote_name(field.column), field.column, field.attname, field,
                   _computes(field), passes, _EXACT.get(passes, _NoValue), _prep(field))


def _plan(model: type[models.Model], conn: BaseDatabaseWrapper) -> tuple[_Column, ...]:
    plan = _PLANS.get(model)
    if plan is None:
        plan = tuple(_column(f, conn) for f in model._meta.concrete_fields
                     if not isinstance(f, models.AutoField))  # BigAutoField too: numbered there
        _PLANS[model] = plan
    return plan


def _row_sql(model: type[models.Model], computed: Computed, conn: BaseDatabaseWrapper,
             ) -> tuple[list[str], list[str]]:
    """(quoted columns, SQL value expressions) of the row the ORM would insert: the columns in
    `computed` take the given SQL, every other value is a parameter (`_params`), so that the
    statement's text does not depend on the values."""
    plan = _plan(model, conn)
    return ([c.quoted for c in plan],
            [computed[c.column][0] if c.column in computed else "%s" for c in plan])


def _params(obj: models.Model, computed: Computed, conn: BaseDatabaseWrapper) -> list[Any]:
    """The row's parameters, in `_row_sql`'s order (a computed column's own, if any)."""
    params: list[Any] = []
    # Read from the instance's own dict where the value is (a new instance holds every
    # field's): a key's attribute is a descriptor, one Python call per key otherwise.
    values = obj.__dict__
    for _quoted, column, attname, field, computes, passes, exact, prep in _plan(type(obj), conn):
        if column in computed:
            params += computed[column][1]
            continue
        if computes:
            raw = field.pre_save(obj, True)
        else:
            raw = values[attname] if attname in values else getattr(obj, attname)
        if raw is not None:
            if type(raw) is not exact and not passes(raw):
                raw = prep(raw, conn)  # as the ORM does
            if type(raw) is int:
                raw = Int8(raw)  # prepared.typed, without the call: one statement per shape
        params.append(raw)
    return params


def _insert(name: str, rows: Sequence[models.Model], computed: Sequence[Computed],
            returning: str, conn: BaseDatabaseWrapper) -> str:
    """The CTE inserting `rows` (the columns in `computed` as given SQL)."""
    table = conn.ops.quote_name(rows[0]._meta.db_table)
    tuples: list[str] = []
    columns: list[str] = []
    for row, row_computed in zip(rows, computed, strict=True):
        columns, values = _row_sql(type(row), row_computed, conn)
        tuples.append(f"({', '.join(values)})")
    # Table and column names come from the models' metadata, quoted; every value is a parameter.
    return (f"{name} AS (INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
            f"VALUES {', '.join(tuples)} RETURNING {returning})")


# The submission's audit row, each column as SQL: from its case's row (`c`, the cases' CTE) where
# the case holds the value (the object, its label, the time, the details' channel, status and
# number), from its origin's row (`r`, `_ORIGIN_ROW`) where the request does (who, from where,
# the item's code), a parameter for the two constants (`_tail_params`) and a new UUID from the
# server. It is the row `submit_audit` makes, written without making it: its instance, its UUID
# and its eleven values took ~5% of a submission's CPU in the web process (bench/HISTORY.md,
# "Nineteenth session"). tests/test_writes.py holds every column covered and the row equal to
# the ORM's.
_AUDIT_VALUES: dict[str, str] = {
    "uid": "gen_random_uuid()",
    "at": "c.created_at",
    "actor_id": "r.actor_id",
    "actor_label": "r.actor_label",
    "action": "%s::text",
    "object_type": "%s::text",
    "object_id": "c.uid::text",
    "object_label": "c.number",
    "source_ip": "r.source_ip",
    "user_agent": "r.user_agent",
    "details": ("jsonb_build_object('item', r.item, 'channel', c.channel, 'from', ''::text, "
                "'to', c.status, 'number', c.number)"),
}
# The submission's event, each column as SQL in the same way: `submit_event`'s row.
_EVENT_VALUES: dict[str, str] = {
    "case_id": "c.id",
    "at": "c.submitted_at",
    "actor_id": "c.created_by_id",
    "action": "%s::text",
    "from_status": "''",
    "to_status": "c.status",
    "note": "''",
    "details": "'{}'::jsonb",
    "public": "true",
}
# Each submission's origin: one row per case, joined to it by the case's uid (the rows a
# multi-row insert returns come in no promised order); `_origin_params` in this order.
_ORIGIN_NAMES = "case_uid, actor_id, actor_label, source_ip, user_agent, item"
_ORIGIN_ROW = "(%s::uuid, %s::bigint, %s::text, %s::inet, %s::text, %s::text)"
# What the cases' CTE returns: each case's uid, key and number, and what the other rows read.
_CASE_RETURNING = "id, number, uid, created_at, submitted_at, created_by_id, channel, status"
_AUDIT_IP = _prep(AuditEvent._meta.get_field("source_ip"))
_CASE_LABEL = Case._meta.label_lower


def _derived_insert(name: str, model: type[models.Model], values: dict[str, str],
                    conn: BaseDatabaseWrapper, join: str = "") -> str:
    """The CTE inserting `model`'s row of each case in `c` (`_EVENT_VALUES`, `_AUDIT_VALUES`),
    `c` joined as `join` says."""
    table = conn.ops.quote_name(model._meta.db_table)
    columns = ", ".join(conn.ops.quote_name(c) for c in values)
    # Names from the model's metadata and made here; every value the request gives is a
    # parameter.
    return (f"{name} AS (INSERT INTO {table} ({columns}) "  # noqa: S608
            f"SELECT {', '.join(values.values())} FROM c{join})")


def _text(counter: str, cases: Sequence[Case], computed: Sequence[Computed],
          conn: BaseDatabaseWrapper) -> str:
    """The statement storing `cases`: the counter's CTE `n`, then one insert per table, each
    with a row per case. Why one per table, not one per row: PostgreSQL starts an executor node
    for each insert, and a batch of four ran ~12% faster written as three inserts than as
    twelve (pgbench, bench/HISTORY.md, "Twenty-second session")."""
    origins = ", ".join([_ORIGIN_ROW] * len(cases))
    join = f" JOIN (VALUES {origins}) AS r ({_ORIGIN_NAMES}) ON r.case_uid = c.uid"
    # Names from the models' metadata and made here; every value is a parameter.
    return (f"WITH n AS ({counter}), "  # noqa: S608
            f"{_insert('c', cases, computed, _CASE_RETURNING, conn)}, "
            f"{_derived_insert('e', CaseEvent, _EVENT_VALUES, conn)}, "
            f"{_derived_insert('a', AuditEvent, _AUDIT_VALUES, conn, join)} "
            "SELECT c.uid, c.id, c.number FROM c")


def _origin_params(case: Case, origin: audit.Origin, conn: BaseDatabaseWrapper) -> list[Any]:
    actor = origin.actor
    ip = origin.source_ip
    return [case.uid, None if actor is None else Int8(actor.pk), origin.actor_label,
            None if ip is None else _AUDIT_IP(ip, conn), origin.user_agent, case.item.code]


def _tail_params(items: Sequence[tuple[Case, str, audit.Origin]], conn: BaseDatabaseWrapper,
                 ) -> list[Any]:
    """The parameters after the cases' rows: the event's and the audit row's constants, then
    each submission's origin."""
    params: list[Any] = [SUBMIT_EVENT, SUBMIT_AUDIT, _CASE_LABEL]
    for case, _prefix, origin in items:
        params += _origin_params(case, origin, conn)
    return params


def _stored_as(uid: Any) -> uuid.UUID:
    """The case's uid as the statement answers it (a case made by the model holds a UUID)."""
    return uid if type(uid) is uuid.UUID else uuid.UUID(str(uid))


# The statement's text, per connection alias. Why: it never changes, and building it joined ~50
# column names and placeholders on every submission.
_TEXTS: dict[str, str] = {}
# The number as numbering.format_number writes it: the prefix, a dash, six digits. Past the last
# serial the counter's check constraint fails the whole statement.
_NUMBER = "(SELECT %s::text || '-' || lpad(last::text, 6, '0') FROM n)"


def _statement(case: Case, prefix: str, origin: audit.Origin, conn: BaseDatabaseWrapper,
               ) -> tuple[str, list[Any]]:
    case_computed: Computed = {"number": (_NUMBER, [prefix])}
    params = [prefix, *_params(case, case_computed, conn),
              *_tail_params([(case, prefix, origin)], conn)]
    sql = _TEXTS.get(conn.alias)
    if sql is None:
        counter = conn.ops.quote_name(CaseNumberCounter._meta.db_table)
        sql = _TEXTS[conn.alias] = _text(counters.UPSERT.format(table=counter), [case],
                                         [case_computed], conn)
    return sql, params


# A batch's text by its shape: how many prefixes, and how many submissions. Its serials: the
# counter of each prefix goes up by its count, and the submissions of a prefix take the last
# `count` serials in the batch's order (offset 0 is the last).
_BATCH_TEXTS: dict[tuple[int, int], str] = {}
_BATCH_NUMBER = ("(SELECT prefix || '-' || lpad((last - %s)::text, 6, '0') "
                 "FROM n WHERE prefix = %s::text)")


def _batch_statement(items: Sequence[_Pending], conn: BaseDatabaseWrapper,
                     ) -> tuple[str, list[Any]]:
    # Every process locks a batch's counter rows in the same (sorted) order: two batches
    # sharing two prefixes cannot deadlock.
    counts: dict[str, int] = {}
    for item in items:
        counts[item.prefix] = counts.get(item.prefix, 0) + 1
    prefixes = sorted(counts)
    params: list[Any] = [p for prefix in prefixes
                         for p in (prefix, prepared.typed(counts[prefix]))]
    taken = dict.fromkeys(prefixes, 0)
    computed: list[Computed] = []
    for case, prefix, _origin in items:
        taken[prefix] += 1
        offset = prepared.typed(counts[prefix] - taken[prefix])
        # The case's number: computed once, for the values and the text.
        row: Computed = {"number": (_BATCH_NUMBER, [offset, prefix])}
        computed.append(row)
        params += _params(case, row, conn)
    params += _tail_params(items, conn)
    shape = (len(prefixes), len(items))
    sql = _BATCH_TEXTS.get(shape)
    if sql is None:
        counter = conn.ops.quote_name(CaseNumberCounter._meta.db_table)
        sql = _text(counters.upsert_many(counter, len(prefixes)), [i.case for i in items],
                    computed, conn)
        if len(_BATCH_TEXTS) < 256:
            _BATCH_TEXTS[shape] = sql
    return sql, params
