"""What one gateway call reads about its caller, the resource and the grants, as plain rows.

The gateway reads these on every call (hot.py, one statement); building Django model
instances for them cost more than the database's own work. The protocols name what the grant
check, masking and the mounts need of a resource and a grant, so the same functions serve the
gateway's rows and the models (the consent path reads the models).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Protocol


class MountedResource(Protocol):
    """What serving a resource needs of it (a DataResource or a ResourceRow)."""

    @property
    def pk(self) -> Any: ...
    @property
    def code(self) -> str: ...
    @property
    def mount_kind(self) -> str: ...
    @property
    def mount_target(self) -> str: ...
    @property
    def key_field(self) -> str: ...
    @property
    def subject_kind(self) -> str: ...
    @property
    def share_type(self) -> str: ...


class GrantTerms(Protocol):
    """What checking and applying a grant needs of it (a Grant or a GrantRow)."""

    @property
    def pk(self) -> Any: ...
    @property
    def status(self) -> str: ...
    @property
    def valid_from(self) -> dt.date: ...
    @property
    def valid_until(self) -> dt.date: ...
    @property
    def fields(self) -> Any: ...
    @property
    def masked_fields(self) -> Any: ...
    @property
    def rate_limit(self) -> int: ...


@dataclass(frozen=True)
class Caller:
    """The calling system: an enabled gateway client holding a live token."""

    pk: int
    code: str
    organization_id: int
    organization_active: bool
    # The civil servant named by the call, when active staff of the client's organization.
    staff_name: str | None
    disabled_at: dt.datetime | None = None


@dataclass(frozen=True)
class ResourceRow:
    """A published resource with whether a negative list names it and its fields' mask rules
    ("name:rule,...")."""

    pk: int
    code: str
    mount_kind: str
    mount_target: str
    key_field: str
    subject_kind: str
    share_type: str
    negative_listed: bool
    mask_rules: str | None


@dataclass(frozen=True)
class GrantRow:
    pk: int
    status: str
    valid_from: dt.date
    valid_until: dt.date
    fields: list[str]
    masked_fields: list[str]
    rate_limit: int


@dataclass(frozen=True)
class CallContext:
    caller: Caller
    resource: ResourceRow | None  # None: no published resource has the code
    grants: list[GrantRow]  # the consumer's grants for the resource, latest-ending first


def _json(value: Any) -> Any:
    # PostgreSQL's driver may hand JSON over parsed or as text; SQLite always as text.
    return json.loads(value) if isinstance(value, str | bytes) else value


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def grant_rows(packed: Any) -> list[GrantRow]:
    """The grants the context statement packs as a JSON array of
    [id, status, valid_from, valid_until, fields, masked_fields, rate_limit], ordered as
    the grant check reads them: latest-ending first, then the newest."""
    rows = [GrantRow(pk=int(g[0]), status=str(g[1]), valid_from=_date(g[2]),
                     valid_until=_date(g[3]), fields=list(_json(g[4]) or []),
                     masked_fields=list(_json(g[5]) or []), rate_limit=int(g[6]))
            for g in (_json(packed) or [])]
    rows.sort(key=lambda g: (g.valid_until, g.pk), reverse=True)
    return rows


def context_of(row: tuple[Any, ...]) -> CallContext:
    """A CallContext from the context statement's row (hot.CONTEXT_COLUMNS)."""
    caller = Caller(pk=int(row[0]), code=str(row[1]), organization_id=int(row[2]),
                    organization_active=bool(row[3]),
                    staff_name=None if row[4] is None else str(row[4]))
    resource = None if row[5] is None else ResourceRow(
        pk=int(row[5]), code=str(row[6]), mount_kind=str(row[7]), mount_target=str(row[8]),
        key_field=str(row[9]), subject_kind=str(row[10]), share_type=str(row[11]),
        negative_listed=bool(row[12]), mask_rules=None if row[13] is None else str(row[13]))
    return CallContext(caller=caller, resource=resource,
                       grants=grant_rows(row[14]) if resource is not None else [])
