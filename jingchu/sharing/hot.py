# ruff: noqa: S608 - only table names from the models' metadata are interpolated (see below)
"""The gateway's per-call reads and its call record, as plain SQL.

Every gateway call makes the same handful of indexed point reads. Through the ORM each one
costs about a millisecond of query compilation on these machines, several times the database's
own work (bench/RESULTS-gateway.md). Here each statement is written once against the models'
tables and run with parameters; the answers are model instances (`Model.objects.raw`) or plain
values, so the rest of the gateway is unchanged, and nothing is cached between calls: a revoked
token, a disabled client or a suspended grant is refused at the very next call.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Model
from oauth2_provider.models import get_access_token_model

from jingchu.core.models import Organization
from jingchu.identity.models import ClientPolicy, Staff, StaffAssignment, User
from jingchu.sharing.choices import ListKind, ResourceStatus
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


def _t(model: type[Model] | Any) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


@cache
def _statements(vendor: str) -> dict[str, str]:
    token = _t(get_access_token_model())
    concat = ("string_agg(f.name || ':' || f.mask, ',')" if vendor == "postgresql"
              else "group_concat(f.name || ':' || f.mask, ',')")
    values = ", ".join(
        "%s::jsonb" if vendor == "postgresql" and c == "fields"
        else "%s::inet" if vendor == "postgresql" and c == "source_ip" else "%s"
        for c in CALL_COLUMNS)
    # Only table names from the models' metadata are interpolated; every value is a parameter.
    return {
        # The civil servant named by the call comes in the same statement (staff_name).
        "client": f"""SELECT c.*, o.is_active AS organization_active,
              (SELECT s.name FROM {_t(Staff)} s
                 JOIN {_t(User)} u ON u.id = s.user_id
                 JOIN {_t(StaffAssignment)} a ON a.staff_id = s.id
                WHERE u.username = %s AND u.is_active
                  AND a.organization_id = c.organization_id LIMIT 1) AS staff_name
            FROM {_t(GatewayClient)} c
            JOIN {token} t ON t.application_id = c.application_id
            JOIN {_t(Organization)} o ON o.id = c.organization_id
            LEFT JOIN {_t(ClientPolicy)} p ON p.application_id = c.application_id
            WHERE t.token_checksum = %s AND t.user_id IS NULL AND t.expires > %s
              AND c.disabled_at IS NULL AND p.disabled_at IS NULL""",
        "staff": f"""SELECT s.name FROM {_t(Staff)} s
            JOIN {_t(User)} u ON u.id = s.user_id
            JOIN {_t(StaffAssignment)} a ON a.staff_id = s.id
            WHERE u.username = %s AND u.is_active AND a.organization_id = %s""",
        # The negative-list flag and the fields' mask rules ("name:rule,...") come along.
        "resource": f"""SELECT r.*, EXISTS (SELECT 1 FROM {_t(ListEntry)} l
                WHERE l.resource_id = r.id AND l.kind = %s) AS negative_listed,
              (SELECT {concat} FROM {_t(ResourceField)} f
                WHERE f.resource_id = r.id) AS mask_rules
            FROM {_t(DataResource)} r WHERE r.code = %s AND r.status = %s""",
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


def client_for_checksum(checksum: str, username: str = "") -> GatewayClient | None:
    """The enabled gateway client holding this live client-credentials token, with
    `organization_active` and `staff_name` (the active civil servant `username` of its
    organization, or None) read in the same statement."""
    rows = list(GatewayClient.objects.raw(_sql("client"), [username, checksum, _now()]))
    return rows[0] if rows else None


def staff_name(username: str, organization_id: int) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(_sql("staff"), [username, organization_id])
        row = cursor.fetchone()
    return str(row[0]) if row else None


def published_resource(code: str) -> DataResource | None:
    """The published resource with `negative_listed` (named on any negative list) and
    `mask_rules` (see `mask_rules_of`)."""
    rows = list(DataResource.objects.raw(
        _sql("resource"), [ListKind.NEGATIVE.value, code, ResourceStatus.PUBLISHED.value]))
    return rows[0] if rows else None


def mask_rules_of(resource: DataResource) -> dict[str, str]:
    """Field name → mask rule, from the resource query's `mask_rules` when it has them."""
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


def insert_call(values: dict[str, Any]) -> None:
    """One ExchangeCall row, in autocommit (values by column name, CALL_COLUMNS)."""
    params = [values[c] for c in CALL_COLUMNS]
    at = CALL_COLUMNS.index("at")
    params[at] = connection.ops.adapt_datetimefield_value(params[at])
    fields = CALL_COLUMNS.index("fields")
    params[fields] = json.dumps(params[fields], ensure_ascii=False)
    with connection.cursor() as cursor:
        cursor.execute(_sql("insert"), params)

