"""Turning a caller's filters, sort and paging into a query of a published file.

Filters name published fields only (anything else is refused, so an unpublished column cannot
even be probed); values are converted to the field's type here and bound as parameters by
`store.query`, never written into SQL. `__gte`/`__lte` apply to numbers, dates and times.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from jingchu.core.errors import ActionError
from jingchu.opendata import store
from jingchu.opendata.models import OpenDataset

MAX_LIMIT = 1000
RANGE_TYPES = ("integer", "decimal", "date", "datetime")
SUFFIXES = {"__gte": ">=", "__lte": "<="}


def _bad_value(name: str, raw: Any) -> ActionError:
    return ActionError("filter_value_invalid",
                       _("The value of %(field)s is not of the field's type.") % {"field": name},
                       {"field": name, "value": str(raw)[:100]})


def typed_value(name: str, kind: str, raw: Any) -> Any:
    """`raw` (text from a query string or a JSON value) as the field's type."""
    if raw is None or isinstance(raw, list | dict):
        raise _bad_value(name, raw)
    try:
        if kind == "integer":
            if isinstance(raw, bool):
                raise ValueError(raw)
            return int(str(raw).strip())
        if kind == "decimal":
            return decimal.Decimal(str(raw).strip())
        if kind == "date":
            return dt.date.fromisoformat(str(raw).strip())
        if kind == "datetime":
            return dt.datetime.fromisoformat(str(raw).strip())
        if kind == "boolean":
            text = str(raw).strip().lower()
            if text not in ("true", "false", "1", "0"):
                raise ValueError(raw)
            return text in ("true", "1")
    except (ValueError, decimal.InvalidOperation, TypeError) as exc:
        raise _bad_value(name, raw) from exc
    return str(raw)


def _types(dataset: OpenDataset) -> dict[str, str]:
    return {f["name"]: f.get("type", "string") for f in dataset.fields}


def _unknown(names: list[str]) -> ActionError:
    return ActionError("field_not_published",
                       _("Not a published field of this dataset: %(names)s")
                       % {"names": ", ".join(names)}, {"fields": names})


def conditions(dataset: OpenDataset, params: Mapping[str, Any]) -> list[store.Condition]:
    """`field=value`, `field__gte=value`, `field__lte=value` pairs as conditions."""
    types = _types(dataset)
    out: list[store.Condition] = []
    unknown: list[str] = []
    for key, raw in params.items():
        name, op = key, "="
        for suffix, symbol in SUFFIXES.items():
            if key.endswith(suffix):
                name, op = key[: -len(suffix)], symbol
        if name not in types:
            unknown.append(name)
            continue
        if op != "=" and types[name] not in RANGE_TYPES:
            raise ActionError("filter_not_range",
                              _("%(field)s is not a number, date or time.") % {"field": name},
                              {"field": name})
        if isinstance(raw, list) and op == "=":  # any of several values
            if not raw:
                raise _bad_value(name, raw)
            out.append(store.Condition(name, "in", [typed_value(name, types[name], v)
                                                    for v in raw]))
            continue
        if isinstance(raw, list | dict):
            raise _bad_value(name, raw)
        out.append(store.Condition(name, op, typed_value(name, types[name], raw)))
    if unknown:
        raise _unknown(unknown)
    return out


def sort_order(dataset: OpenDataset, raw: str) -> list[tuple[str, bool]]:
    """"a,-b" or CKAN's "a asc, b desc" as [(field, descending)]."""
    types = _types(dataset)
    out: list[tuple[str, bool]] = []
    for part in (p.strip() for p in str(raw or "").split(",")):
        if not part:
            continue
        words = part.split()
        name, desc = words[0], len(words) > 1 and words[1].lower() == "desc"
        if name.startswith("-"):
            name, desc = name[1:], True
        if name not in types or (len(words) > 1 and words[1].lower() not in ("asc", "desc")):
            raise _unknown([name])
        out.append((name, desc))
    return out


def columns(dataset: OpenDataset, raw: Any) -> list[str]:
    """The fields asked for (a list or "a,b"), all published; every field when none."""
    if raw in (None, "", []):
        return dataset.field_names
    names = raw if isinstance(raw, list) else [n.strip() for n in str(raw).split(",")]
    names = [str(n) for n in names if str(n)]
    unknown = [n for n in names if n not in dataset.field_names]
    if unknown:
        raise _unknown(unknown)
    return names


def paging(limit: Any, offset: Any, default: int = 100) -> tuple[int, int]:
    try:
        size = default if limit in (None, "") else int(limit)
        start = 0 if offset in (None, "") else int(offset)
    except (TypeError, ValueError) as exc:
        raise ActionError("paging_invalid", _("limit and offset are whole numbers."),
                          {}) from exc
    if size < 0 or start < 0:
        raise ActionError("paging_invalid", _("limit and offset are not negative."), {})
    return min(size, MAX_LIMIT), start


@dataclass
class Page:
    fields: list[dict[str, Any]]
    records: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


def fetch(dataset: OpenDataset, *, conds: list[store.Condition] | None = None,
          sort: list[tuple[str, bool]] | None = None, limit: int = 100, offset: int = 0,
          fields: list[str] | None = None, text: str = "",
          field_texts: list[tuple[str, str]] | None = None) -> Page:
    names = fields or dataset.field_names
    text_fields = [f["name"] for f in dataset.fields if f.get("type", "string") == "string"]
    rows, total = store.query(dataset.file_path, names, conditions=conds, sort=sort,
                              limit=limit, offset=offset, text=text, text_fields=text_fields,
                              field_texts=field_texts)
    described = [f for f in dataset.fields if f["name"] in names]
    described.sort(key=lambda f: names.index(f["name"]))
    return Page(described, rows, total or 0, limit, offset)
