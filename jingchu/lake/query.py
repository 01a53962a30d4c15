"""Reading the lake: the helpers the lake's pages, the exchange gateway and the open-data portal
use. Keep these signatures stable; they are the lake's read interface.

- `source(version)`: the FROM clause of a version's Parquet file, for one's own DuckDB SQL.
- `count(version)`: its number of rows (from the file's footer, not a scan).
- `preview(version, limit, offset)`: (column names, rows) masked by the dataset's declared
  mask rules; what a page may show.
- `lookup(dataset_code, key_column, key, fields)`: one record of the dataset's current version
  as a JSON-ready dict (dates ISO strings, decimals strings), unmasked: the gateway masks it as
  the grant says. None when no record has the key.
- `check_mountable(dataset_code, key_column)`: the catalog's check before a resource is mounted
  on a lake dataset.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from jingchu.core.errors import ActionError
from jingchu.core.masking import mask_value
from jingchu.lake import storage
from jingchu.lake.choices import DatasetStatus
from jingchu.lake.models import Dataset, DatasetVersion

MAX_PREVIEW = 500


class Unavailable(ActionError):
    """The dataset cannot answer: unknown, retired or never loaded."""

    status = 409

    def __init__(self, code: str) -> None:
        super().__init__("dataset_unavailable",
                         _("The lake dataset %(code)s has no version to read.") % {"code": code},
                         {"dataset": code})


def source(version: DatasetVersion) -> str:
    """`read_parquet('<file>')` of the version, for a FROM clause."""
    return storage.parquet_source(version.path)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def json_ready(value: Any) -> Any:
    """A value as the gateway and the API answer it: dates and times ISO 8601, decimals as
    strings without trailing zeros."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def count(version: DatasetVersion) -> int:
    with storage.connect() as con:
        row = con.execute(f"SELECT count(*) FROM {source(version)}").fetchone()  # noqa: S608
    return int(row[0]) if row else 0


def mask_rules(dataset: Dataset) -> dict[str, str]:
    """The declared mask rule of each column that has one."""
    return {c["name"]: c.get("mask", "") for c in dataset.columns or [] if c.get("mask")}


def preview(version: DatasetVersion, limit: int = 50, offset: int = 0
            ) -> tuple[list[str], list[list[Any]]]:
    """Rows `offset`..`offset+limit` of the version in file order, masked column by column by
    the dataset's declared rules, JSON-ready."""
    limit = max(0, min(int(limit), MAX_PREVIEW))
    offset = max(0, int(offset))
    with storage.connect() as con:
        cursor = con.execute(f"SELECT * FROM {source(version)} LIMIT ? OFFSET ?",  # noqa: S608
                             [limit, offset])
        columns = [d[0] for d in cursor.description or []]
        rows = cursor.fetchall()
    rules = mask_rules(version.dataset)
    masks = [rules.get(name, "") for name in columns]
    return columns, [[mask_value(rule, json_ready(v)) for rule, v in zip(masks, row, strict=True)]
                     for row in rows]


def current(dataset_code: str) -> DatasetVersion:
    """The current version of an active dataset, or Unavailable."""
    dataset = (Dataset.objects.filter(code=dataset_code, status=DatasetStatus.ACTIVE)
               .select_related("current_version").first())
    version = dataset.current_version if dataset is not None else None
    if version is None:
        raise Unavailable(dataset_code)
    return version


def lookup(dataset_code: str, key_column: str, key: str, fields: list[str]
           ) -> dict[str, Any] | None:
    """Exactly `fields` of the first record whose `key_column` equals `key` in the current
    version of the dataset, JSON-ready and unmasked, or None. ActionError (400) for a field the
    version does not have; Unavailable (409) when the dataset has no version to read."""
    version = current(dataset_code)
    names = {c["name"] for c in version.schema}
    unknown = [f for f in [key_column, *fields] if f not in names]
    if unknown:
        raise ActionError("unknown_field", _("These fields are not in %(code)s.")
                          % {"code": dataset_code}, {"fields": unknown}, status=400)
    wanted = list(dict.fromkeys(fields))
    columns = ", ".join(_quote(f) for f in wanted) or "1"
    sql = (f"SELECT {columns} FROM {source(version)} "  # noqa: S608 - names checked above
           f"WHERE CAST({_quote(key_column)} AS VARCHAR) = ? LIMIT 1")
    with storage.connect(threads=1) as con:
        row = con.execute(sql, [key]).fetchone()
    if row is None:
        return None
    found = dict(zip(wanted, row, strict=False)) if wanted else {}
    return {name: json_ready(found.get(name)) for name in fields}


def check_mountable(dataset_code: str, key_column: str) -> None:
    """Refuses (ActionError 400) a mount on a lake dataset that is not an active dataset, or
    whose key column is not `key_column`."""
    dataset = Dataset.objects.filter(code=dataset_code).first()
    if dataset is None or dataset.status != DatasetStatus.ACTIVE:
        raise ActionError("lake_dataset_unknown", _("The lake has no active dataset %(code)s.")
                          % {"code": dataset_code}, {"field": "target"})
    if dataset.key_column != key_column:
        raise ActionError("lake_key_mismatch",
                          _("The lake dataset is looked up by %(key)s, not by %(field)s.")
                          % {"key": dataset.key_column or "—", "field": key_column},
                          {"field": "key_field", "key_column": dataset.key_column})
