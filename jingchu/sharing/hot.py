# ruff: noqa: S608 - only table names from the models' metadata are interpolated (see below)
"""The gateway's per-call reads and its call record, as plain SQL.

Every gateway call makes the same indexed point reads. Through the ORM each one costs about a
millisecond of query compilation on these machines, several times the database's own work, and
each round trip costs CPU on both sides (bench/RESULTS-gateway.md). So a call makes two
statements, each written once against the models' tables and run with parameters:

- `context`: the calling system by its token (with its organization's state and the civil
  servant it names), the resource by its code (with its negative-list flag and mask rules) and
  the consumer's grants for it, as one row of plain values (gateway_rows.py);
- `read_and_record` (PostgreSQL, table mounts): the record's point select and the call's
  ExchangeCall insert in one statement; elsewhere the two run one after the other.

On PostgreSQL both are server-side prepared statements (`one_row`, core.prepared): planning
the context statement took 0.4 ms of the server's CPU on every call, five times its execution.

Nothing is cached between calls: a revoked token, a disabled client or a suspended grant is
refused at the very next call.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model
from oauth2_provider.models import get_access_token_model

from jingchu.core import prepared
from jingchu.core.models import Organization
from jingchu.identity.models import ClientPolicy, Staff, StaffAssignment, User
from jingchu.sharing.choices import ListKind, ResourceStatus
from jingchu.sharing.gateway_rows import CallContext, context_of
from jingchu.sharing.models import (
    DataResource,
    ExchangeCall,
    GatewayClient,
    Grant,
    ListEntry,
    ResourceField,
)

CALL_COLUMNS = ("request_id", "at", "client_id", "consumer_id", "on_behalf_of", "purpose",
                "case_number", "resource_id", "grant_id", "subject_kind", "subject_index",
                "fields", "result", "status_code", "source_ip", "duration_us")
# Filled in by read_and_record from whether the record was found.
OUTCOME_COLUMNS = ("result", "status_code")


def _t(model: type[Model] | Any) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


def _vendor_sql(vendor: str) -> dict[str, str]:
    if vendor == "postgresql":
        return {"concat": "string_agg(f.name || ':' || f.mask, ',')",
                "grants": "json_agg(json_build_array(g.id, g.status, g.valid_from, "
                          "g.valid_until, g.fields, g.masked_fields, g.rate_limit))"}
    return {"concat": "group_concat(f.name || ':' || f.mask, ',')",
            "grants": "json_group_array(json_array(g.id, g.status, g.valid_from, "
                      "g.valid_until, json(g.fields), json(g.masked_fields), g.rate_limit))"}


def _placeholder(vendor: str, column: str) -> str:
    if vendor == "postgresql" and column == "fields":
        return "%s::jsonb"
    if vendor == "postgresql" and column == "source_ip":
        return "%s::inet"
    return "%s"


@cache
def _statements(vendor: str) -> dict[str, str]:
    token = _t(get_access_token_model())
    agg = _vendor_sql(vendor)
    values = ", ".join(_placeholder(vendor, c) for c in CALL_COLUMNS)
    # Only table names from the models' metadata are interpolated; every value is a parameter.
    return {
        # One row (gateway_rows.context_of): the client, its organization's state and the
        # civil servant the call names; the resource (NULLs when no published one has the
        # code) with its negative-list flag and mask rules; the consumer's grants for it.
        "context": f"""SELECT c.id, c.code, c.organization_id, o.is_active,
              (SELECT s.name FROM {_t(Staff)} s
                 JOIN {_t(User)} u ON u.id = s.user_id
                 JOIN {_t(StaffAssignment)} a ON a.staff_id = s.id
                WHERE u.username = %s AND u.is_active
                  AND a.organization_id = c.organization_id LIMIT 1),
              r.id, r.code, r.mount_kind, r.mount_target, r.key_field, r.subject_kind,
              r.share_type,
              EXISTS (SELECT 1 FROM {_t(ListEntry)} l WHERE l.resource_id = r.id
                         AND l.kind = %s),
              (SELECT {agg["concat"]} FROM {_t(ResourceField)} f WHERE f.resource_id = r.id),
              (SELECT {agg["grants"]} FROM {_t(Grant)} g
                WHERE g.consumer_id = c.organization_id AND g.resource_id = r.id)
            FROM {_t(GatewayClient)} c
            JOIN {token} t ON t.application_id = c.application_id
            JOIN {_t(Organization)} o ON o.id = c.organization_id
            LEFT JOIN {_t(ClientPolicy)} p ON p.application_id = c.application_id
            LEFT JOIN {_t(DataResource)} r ON r.code = %s AND r.status = %s
            WHERE t.token_checksum = %s AND t.user_id IS NULL AND t.expires > %s
              AND c.disabled_at IS NULL AND p.disabled_at IS NULL
            LIMIT 1""",
        "grants": f"""SELECT * FROM {_t(Grant)} WHERE consumer_id = %s AND resource_id = %s
            ORDER BY valid_until DESC, id DESC""",
        "masks": f"SELECT name, mask FROM {_t(ResourceField)} WHERE resource_id = %s",
        "insert": f"""INSERT INTO {_t(ExchangeCall)} ({", ".join(CALL_COLUMNS)})
            VALUES ({values})""",
    }


def _sql(name: str) -> str:
    return _statements(connection.vendor)[name]


def _now() -> Any:
    from django.utils import timezone

    return connection.ops.adapt_datetimefield_value(timezone.now())


def one_row(sql: str, params: list[Any]) -> tuple[Any, ...] | None:
    """The first row of a hot statement; on PostgreSQL a server-side prepared statement of this
    connection (core.prepared), so the server plans it once per connection, not per call."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
    else:
        with prepared.prepared_cursor(connections[DEFAULT_DB_ALIAS]) as cursor:
            cursor.execute(sql, [prepared.typed(p) for p in params])
            row = cursor.fetchone()
    return None if row is None else tuple(row)


def context(checksum: str, username: str, code: str) -> CallContext | None:
    """What a call needs to be checked, in one statement: None when no enabled gateway client
    holds this live client-credentials token (gateway_auth says why)."""
    params = [username, ListKind.NEGATIVE.value, code, ResourceStatus.PUBLISHED.value,
              checksum, _now()]
    row = one_row(_sql("context"), params)
    return None if row is None else context_of(row)


def mask_rules_of(resource: Any) -> dict[str, str]:
    """Field name → mask rule, from the context's `mask_rules` when the resource has them."""
    packed = getattr(resource, "mask_rules", None)
    if packed is None:
        return masks(resource.pk)
    pairs = (item.split(":", 1) for item in str(packed).split(",") if ":" in item)
    return {name: rule for name, rule in pairs}


def grants(consumer_id: int, resource_id: int) -> list[Grant]:
    return list(Grant.objects.raw(_sql("grants"), [consumer_id, resource_id]))


def masks(resource_id: int) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(_sql("masks"), [resource_id])
        return {str(name): str(mask) for name, mask in cursor.fetchall()}


def _call_params(values: dict[str, Any]) -> list[Any]:
    params = [values[c] for c in CALL_COLUMNS]
    at = CALL_COLUMNS.index("at")
    params[at] = connection.ops.adapt_datetimefield_value(params[at])
    fields = CALL_COLUMNS.index("fields")
    params[fields] = json.dumps(params[fields], ensure_ascii=False)
    return params


def insert_call(values: dict[str, Any]) -> None:
    """One ExchangeCall row, in autocommit (values by column name, CALL_COLUMNS)."""
    with connection.cursor() as cursor:
        cursor.execute(_sql("insert"), _call_params(values))


def fuses_reads() -> bool:
    """Whether read_and_record makes one statement of the read and the record (PostgreSQL's
    data-modifying CTEs) rather than two."""
    return connection.vendor == "postgresql"


@cache
def _read_and_record_sql(select: str) -> str:
    # `select` is a mount's point select (mounts.py builds it from the models' metadata).
    values = ", ".join(
        "CASE WHEN EXISTS (SELECT 1 FROM rec) THEN %s ELSE %s END"
        if c in OUTCOME_COLUMNS else _placeholder("postgresql", c) for c in CALL_COLUMNS)
    return (f"WITH rec AS ({select}), ins AS (INSERT INTO {_t(ExchangeCall)} "
            f"({', '.join(CALL_COLUMNS)}) SELECT {values}) SELECT * FROM rec")


def read_and_record(select: str, key: Any, values: dict[str, Any],
                    outcomes: tuple[tuple[str, int], tuple[str, int]]) -> tuple[Any, ...] | None:
    """The mounted record's row (or None) and, in the same statement, the call's ExchangeCall,
    whose result and status are outcomes[0] when the record is found, outcomes[1] when not.
    Both or neither are written (one statement, autocommit)."""
    params: list[Any] = [key]
    (found_result, found_status), (missing_result, missing_status) = outcomes
    outcome: dict[str, list[Any]] = {"result": [found_result, missing_result],
                                      "status_code": [found_status, missing_status]}
    for column, value in zip(CALL_COLUMNS, _call_params(values), strict=True):
        params.extend(outcome.get(column, [value]))
    return one_row(_read_and_record_sql(select), params)
