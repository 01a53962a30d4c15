"""The compiler's working state while it turns a rule set into one query (engine.compile_audit).

Checks (library) ask the context for what they need and get back SQL names to use in their
predicates:
- `col(name)`: a column of the audited data, quoted;
- `derive(key, sql)`: a per-row value computed once in the projection chain (d0, d1, ...) and
  shared by every rule that asks for the same key (the ID number's digits serve three rules);
- `list_match(list, column)` / `dataset_match(code, other, column)`: a LEFT JOIN against a
  reference (a list of values, or another dataset's column) and the per-row "found" flag;
- `agreement(...)`: the other dataset's values for the same key, pre-aggregated;
- `duplicates(columns)`: a GROUP BY pre-aggregate counting the rows of repeated keys.

The context knows nothing about Django: references and other datasets arrive as plain values.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from dataclasses import dataclass, field
from typing import Any

from jingchu.lake.quality.spec import AuditError

TEXT, NUMBER, DATE, TIMESTAMP, BOOLEAN = "text", "number", "date", "timestamp", "boolean"


def kind_of(duckdb_type: str | None) -> str:
    """The kind of a DuckDB column type, as far as the checks care."""
    name = (duckdb_type or "VARCHAR").upper()
    if name.startswith(("VARCHAR", "TEXT", "STRING", "CHAR", "UUID")):
        return TEXT
    if name == "DATE":
        return DATE
    if name.startswith("TIMESTAMP") or name == "DATETIME":
        return TIMESTAMP
    if name in ("BOOLEAN", "BOOL"):
        return BOOLEAN
    return NUMBER


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def lit(value: Any) -> str:
    """A SQL literal for a value from a rule file."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | decimal.Decimal):
        return repr(value) if not isinstance(value, decimal.Decimal) else str(value)
    if isinstance(value, dt.datetime):
        return f"TIMESTAMP '{value.replace(tzinfo=None).isoformat(sep=' ')}'"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"


@dataclass
class Join:
    alias: str
    cte: str  # the CTE's SELECT
    on: str  # join condition, with the audited side's columns unqualified


@dataclass
class Context:
    types: dict[str, str] | None
    audit_date: dt.date
    references: dict[str, list[Any]]
    datasets: dict[str, str]  # dataset code -> FROM-clause source (read_parquet(...))
    loaded_at: dt.datetime | dt.date | None = None
    frequency: str | None = None
    source: str = "src"  # the audited data in a FROM clause; read twice at most, never a CTE
    columns: list[str] = field(default_factory=list)
    # key -> (alias, sql, level)
    derived: dict[Any, tuple[str, str, int]] = field(default_factory=dict)
    joins: dict[Any, Join] = field(default_factory=dict)
    ctes: dict[Any, tuple[str, str]] = field(default_factory=dict)  # key -> alias, SELECT

    # --- columns and derived values -----------------------------------------------------------

    def col(self, name: str) -> str:
        if name not in self.columns:
            self.columns.append(name)
        return quote(name)

    def kind(self, name: str) -> str:
        if self.types is None:
            return TEXT
        if name not in self.types:
            raise AuditError(f"the data has no column {name!r}")
        return kind_of(self.types[name])

    def _level(self, after: tuple[str, ...]) -> int:
        levels = {alias: level for alias, _sql, level in self.derived.values()}
        return 1 + max((levels[a] for a in after if a in levels), default=-1)

    def derive(self, key: Any, sql: str, after: tuple[str, ...] = (), name: str = "") -> str:
        """A per-row value under a private name (`_<name>`, readable in the SQL); `after` names
        the derived values it reads, so it lands one projection level above them (each level
        computes its values once)."""
        if key not in self.derived:
            alias = "_" + re.sub(r"[^0-9A-Za-z_]", "_", name.lstrip("_"))[:50] if name else "_v"
            taken = {a for a, _s, _l in self.derived.values()}
            if alias in taken or alias == "_v":
                alias = f"{alias}{len(self.derived)}"
            self.derived[key] = (alias, sql, self._level(after))
        return self.derived[key][0]

    def _join(self, key: Any, cte: str, column: str) -> str:
        if key not in self.joins:
            alias = f"j{len(self.joins)}"
            self.joins[key] = Join(alias, cte, f"{self.col(column)} = {alias}.__jv")
        join = self.joins[key]
        return self.derive(("found", key), f"{join.alias}.__jv IS NOT NULL",
                           name=f"{column}_found_{join.alias}")

    # --- references ----------------------------------------------------------------------------

    def list_match(self, name: str, values: list[Any] | None, column: str) -> str:
        """The per-row flag "the column's value is in the list" (a LEFT JOIN on the distinct
        values; joins beat long IN lists in DuckDB and read the same on Spark)."""
        if values is None:
            if name not in self.references:
                raise AuditError(f"the reference list {name!r} is not available")
            values = self.references[name]
        rows = ", ".join(f"({lit(v)})" for v in dict.fromkeys(values)) or "(NULL)"
        cte = f"SELECT DISTINCT v AS __jv FROM (VALUES {rows}) AS t(v) WHERE v IS NOT NULL"  # noqa: S608
        return self._join(("list", name, tuple(values), column), cte, column)

    def source_of(self, code: str) -> str:
        if code not in self.datasets:
            raise AuditError(f"the dataset {code!r} is not available to compare with")
        return self.datasets[code]

    def dataset_match(self, code: str, other_column: str, column: str) -> str:
        other = quote(other_column)
        cte = (f"SELECT DISTINCT {other} AS __jv FROM {self.source_of(code)} AS o "  # noqa: S608
               f"WHERE {other} IS NOT NULL")
        return self._join(("dataset", code, other_column, column), cte, column)

    def agreement(self, code: str, other_key: str, other_attr: str, key: str) -> tuple[str, str]:
        """The other dataset's least and greatest value of `other_attr` per key, as text, joined
        on `key`: a value disagrees when it differs from either."""
        k, a = quote(other_key), quote(other_attr)
        cte = (f"SELECT {k} AS __jv, min(CAST({a} AS VARCHAR)) AS __lo, "  # noqa: S608
               f"max(CAST({a} AS VARCHAR)) AS __hi FROM {self.source_of(code)} AS o "
               f"WHERE {k} IS NOT NULL AND {a} IS NOT NULL GROUP BY {k}")
        jkey = ("agree", code, other_key, other_attr, key)
        if jkey not in self.joins:
            alias = f"j{len(self.joins)}"
            self.joins[jkey] = Join(alias, cte, f"{self.col(key)} = {alias}.__jv")
        alias = self.joins[jkey].alias
        return (self.derive(("lo", jkey), f"{alias}.__lo", name=f"{key}_{alias}_least"),
                self.derive(("hi", jkey), f"{alias}.__hi", name=f"{key}_{alias}_greatest"))

    def duplicates(self, columns: list[str]) -> str:
        """A one-row CTE: how many rows carry a key (all columns set) that occurs more than once."""
        key = ("dup", tuple(columns))
        if key not in self.ctes:
            cols = ", ".join(quote(c) for c in columns)
            present = " AND ".join(f"{quote(c)} IS NOT NULL" for c in columns)
            sql = (f"SELECT sum(n) AS failed FROM (SELECT count(*) AS n "  # noqa: S608
                   f"FROM {self.source} AS src WHERE {present} GROUP BY {cols}) AS g WHERE n > 1")
            self.ctes[key] = (f"u{len(self.ctes)}", sql)
        return self.ctes[key][0]
