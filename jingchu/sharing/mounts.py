"""The mount layer: the base registers as the exchange gateway reads them.

A mounted table is addressed by name ("population", "legal_entities") and by its key (ID number,
credit code). `lookup` runs on every gateway call, so it is one indexed SELECT of only the
columns asked for on a raw cursor (no model instances), and decrypts only the encrypted fields
asked for. Values come back JSON-ready: dates as ISO strings, decimals as strings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connections, router
from django.db.models import Model
from django.utils.translation import gettext as _

from jingchu.core.errors import ActionError
from jingchu.core.identifiers import IdentifierError, validate_id_number, validate_uscc
from jingchu.sharing.bases import FastCrypto
from jingchu.sharing.models.bases import EntityRecord, PersonRecord


@dataclass(frozen=True)
class Mount:
    model: type[Model]
    key: str  # the field callers address records by
    column: str  # the indexed column the key is found by
    fields: tuple[str, ...]
    encrypted: frozenset[str]
    decimals: frozenset[str] = frozenset()


MOUNTS = {
    "population": Mount(
        PersonRecord, "id_number", "id_number_index",
        ("id_number", "name", "gender", "birth_date", "ethnicity", "region_code", "address",
         "phone", "marital_status", "education"),
        frozenset({"id_number", "address", "phone"})),
    "legal_entities": Mount(
        EntityRecord, "uscc", "uscc",
        ("uscc", "name", "kind", "legal_representative", "registered_capital",
         "established_on", "region_code", "address", "business_scope", "status", "authority"),
        frozenset(), frozenset({"registered_capital"})),
}


def table_names() -> list[str]:
    return list(MOUNTS)


def _mount(table: str) -> Mount:
    try:
        return MOUNTS[table]
    except KeyError:
        raise ActionError("unknown_table", _("There is no mounted table %s.") % table,
                          {"table": table}, status=404) from None


def fields_of(table: str) -> list[str]:
    return list(_mount(table).fields)


def key_of(table: str) -> str:
    return _mount(table).key


def _valid_key(table: str, key: str) -> str:
    try:
        return validate_id_number(key) if table == "population" else validate_uscc(key)
    except IdentifierError as exc:
        raise ActionError("bad_key", exc.message, {"table": table, "reason": exc.code},
                          status=400) from None


@lru_cache(maxsize=4)
def _crypto(sm4_hex: str, index_key: str) -> FastCrypto:
    return FastCrypto(sm4_hex, index_key)


def _fast() -> FastCrypto:
    return _crypto(settings.SM4_KEY_HEX, settings.BLIND_INDEX_KEY)


def subject_index(table: str, key: str) -> str:
    """Who the record is about, as ExchangeCall.subject_index holds it: the ID number's blind
    index (equal to identity.Person.id_number_index) or the upper-cased credit code."""
    _mount(table)
    if table == "population":
        return _fast().blind_index(key)
    return key.strip().upper()


def anchor_sql(table: str) -> str:
    """The plain indexed point select the benchmark measures as the limit (`%s`: the key)."""
    mount = _mount(table)
    meta = mount.model._meta
    return f'SELECT * FROM "{meta.db_table}" WHERE "{mount.column}" = %s'  # noqa: S608


def anchor_param(table: str, key: str) -> str:
    """The value `anchor_sql` is run with: what is stored in the indexed column."""
    return subject_index(table, key)


def point_select(table: str, key: str) -> tuple[Any, ...] | None:
    """The bare indexed select through Django's cursor, nothing decrypted."""
    mount = _mount(table)
    with connections[router.db_for_read(mount.model)].cursor() as cursor:
        cursor.execute(anchor_sql(table), [anchor_param(table, key)])
        row = cursor.fetchone()
    return tuple(row) if row is not None else None


_CENTS = Decimal("0.01")


def _json(value: Any, decimal: bool = False) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()  # SQLite's raw cursor already gives the ISO text
    if decimal and value is not None:
        # SQLite's raw cursor gives 13 or 5.72 for a decimal column; PostgreSQL a Decimal.
        return str(Decimal(str(value)).quantize(_CENTS))
    return value


@lru_cache(maxsize=256)
def _select(table: str, fields: tuple[str, ...]) -> str:
    mount = MOUNTS[table]
    meta = mount.model._meta
    # The mounted fields are plain columns named as the fields (checked against MOUNTS first).
    columns = ", ".join(f'"{name}"' for name in fields) or "1"
    return (f'SELECT {columns} FROM "{meta.db_table}" '  # noqa: S608
            f'WHERE "{mount.column}" = %s LIMIT 1')


@dataclass(frozen=True)
class PointRead:
    """One record's point select, prepared: run `sql` with `param`, then `finish` the row."""

    table: str
    key: str  # the validated key
    fields: tuple[str, ...]  # what the caller asked for
    wanted: tuple[str, ...]  # the columns selected (the key itself is known)
    sql: str
    param: str


def prepare(table: str, key: str, fields: list[str]) -> PointRead:
    """The point select of `fields` of the record with this key; refuses unknown fields and
    malformed keys."""
    mount = _mount(table)
    unknown = [f for f in fields if f not in mount.fields]
    if unknown:
        raise ActionError("unknown_field", _("These fields are not in %s.") % table,
                          {"fields": unknown}, status=400)
    value = _valid_key(table, key)
    # The key itself is known once the blind index matched: no need to read or decrypt it.
    wanted = tuple(dict.fromkeys(f for f in fields if f != mount.key))
    param = _fast().blind_index(value) if table == "population" else value
    return PointRead(table, value, tuple(fields), wanted, _select(table, wanted), param)


def finish(read: PointRead, row: tuple[Any, ...]) -> dict[str, object]:
    """The selected row as the caller's fields: decrypted and JSON-ready."""
    mount = MOUNTS[read.table]
    fast = _fast()
    found = {name: fast.decrypt(v) if name in mount.encrypted and v else v
             for name, v in zip(read.wanted, row, strict=False)}
    found[mount.key] = read.key
    return {name: _json(found[name], name in mount.decimals) for name in read.fields}


def uses_default_database(table: str) -> bool:
    """Whether the table is read through the default connection (the one the gateway records
    its calls on), so that the read and the record can be one statement."""
    return router.db_for_read(_mount(table).model) == "default"


def lookup(table: str, key: str, fields: list[str]) -> dict[str, object] | None:
    """Exactly `fields` of the record with this key, decrypted and JSON-ready, or None."""
    read = prepare(table, key, fields)
    connection = connections[router.db_for_read(MOUNTS[table].model)]
    with connection.cursor() as cursor:
        cursor.execute(read.sql, [read.param])
        row = cursor.fetchone()
    return None if row is None else finish(read, tuple(row))
