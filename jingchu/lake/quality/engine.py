"""The audit engine: a dataset's whole rule set compiled into one query, run by DuckDB over the
version's Parquet file; the same SQL transpiles (sqlglot) to Spark SQL for larger engines.

Shape of the compiled query (docs/lake-quality.md has an example):

    WITH params AS (SELECT DATE '<audit date>' AS audit_date),
         j0 .. AS (distinct values of a reference list or another dataset's column),
         d0 AS (SELECT <columns read>, <per-row values> FROM <source> AS src LEFT JOIN j0 ...),
         d1 .. AS (SELECT *, <per-row values that read d0's> FROM d0),
         u0 .. AS (one row: rows whose key is repeated, from a GROUP BY of src)
    SELECT count(*), count(*) FILTER (WHERE <checked>), count(*) FILTER (WHERE <checked> AND
           <failed>), ... FROM d<last> CROSS JOIN params CROSS JOIN u0 ...

One scan of the data for all row rules; a uniqueness rule adds its GROUP BY, a reference its
(small) hash join. Per-row values used by several rules (the ID number's digits) are computed
once in d0/d1/d2. The source is written out where it is read rather than named as a CTE:
DuckDB materializes a CTE read twice, which would copy the whole file. The final CROSS JOIN
with the one-row `params` keeps DuckDB's optimizer from folding the per-row values back into
every rule that reads them (measured: 8x slower without it).

SQL is built as text (hence the S608 notes): identifiers go through quote(), values through
lit(), and the result is parsed by sqlglot before it runs.

A second, bounded query fetches a sample of failing rows, only for the rules that failed.
"""

from __future__ import annotations

import datetime as dt
import decimal
import os
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import sqlglot
from sqlglot.errors import SqlglotError

from jingchu.lake.quality.base import Compiled
from jingchu.lake.quality.library import CHECKS
from jingchu.lake.quality.spec import (
    AuditError,
    AuditOutcome,
    RuleOutcome,
    RuleSpec,
    dimension_scores,
)
from jingchu.lake.quality.sqlctx import Context, lit, quote

__all__ = ["AuditOutcome", "RuleOutcome", "audit_parquet", "compile_audit", "to_spark"]


@dataclass
class Plan:
    rules: list[RuleSpec]
    compiled: list[Compiled]
    ctx: Context
    sql: str


def _today() -> dt.date:
    from django.conf import settings

    if settings.configured:
        from django.utils import timezone

        return timezone.localdate()
    return dt.date.today()


def _chain(ctx: Context, source_sql: str, columns: list[str]) -> list[str]:
    """The CTEs up to the last projection level (d<n>), as `name AS (...)` strings."""
    ctes = [f"params AS (SELECT {lit(ctx.audit_date)} AS audit_date)"]
    ctes += [f"{j.alias} AS ({j.cte})" for j in ctx.joins.values()]
    levels: dict[int, list[str]] = {}
    for alias, sql, level in ctx.derived.values():
        levels.setdefault(level, []).append(f"{sql} AS {alias}")
    select = [quote(c) for c in columns] + levels.get(0, [])
    joins = "".join(f" LEFT JOIN {j.alias} ON {j.on}" for j in ctx.joins.values())
    listed = ", ".join(select) or "1 AS __one"
    ctes.append(f"d0 AS (SELECT {listed} FROM {source_sql} AS src{joins})")  # noqa: S608
    for level in range(1, max(levels, default=0) + 1):
        ctes.append(f"d{level} AS (SELECT *, {', '.join(levels[level])} "  # noqa: S608
                    f"FROM d{level - 1})")
    return ctes


def _last(ctx: Context) -> str:
    return f"d{max((level for _a, _s, level in ctx.derived.values()), default=0)}"


def _aggregates(index: int, part: Compiled) -> list[str]:
    if part.checked_agg is not None:
        checked = part.checked_agg
    else:
        checked = f"count(*) FILTER (WHERE {part.checked})" if part.checked else "count(*)"
    if part.failed_agg is not None:
        failed = part.failed_agg
    else:
        where = f"({part.checked}) AND ({part.failed})" if part.checked else f"{part.failed}"
        failed = f"count(*) FILTER (WHERE {where})"
    out = [f"{checked} AS c{index}", f"{failed} AS f{index}"]
    if part.shown_agg:
        out.append(f"{part.shown_agg} AS s{index}")
    return out


VALUES_ROWS = re.compile(r"\n[ \t]*(\([^()\n]*\),?)(?=\n[ \t]*\(|\)\s+AS\b)")


def _compact(sql: str) -> str:
    """Pretty SQL with a reference list's VALUES rows on one line, not one line per value."""
    return VALUES_ROWS.sub(lambda m: " " + m.group(1), sql)


def _normalise(sql: str) -> str:
    try:
        return _compact(sqlglot.parse_one(sql, read="duckdb").sql(dialect="duckdb", pretty=True))
    except SqlglotError as exc:
        raise AuditError(f"the compiled SQL does not parse: {exc}") from exc


def plan_audit(rules: Sequence[RuleSpec], source_sql: str, *, audit_date: dt.date | None = None,
               types: dict[str, str] | None = None,
               references: dict[str, list[Any]] | None = None,
               datasets: dict[str, str] | None = None,
               loaded_at: dt.datetime | dt.date | None = None,
               frequency: str | None = None) -> Plan:
    ctx = Context(types=types, audit_date=audit_date or _today(),
                  references=dict(references or {}), datasets=dict(datasets or {}),
                  loaded_at=loaded_at, frequency=frequency, source=source_sql)
    active = [r for r in rules if r.enabled]
    compiled = []
    for rule in active:
        check = CHECKS.get(rule.check)
        if check is None:
            raise AuditError(f"rule {rule.name}: unknown check {rule.check!r}")
        compiled.append(check.compile(ctx, rule))
    ctes = _chain(ctx, source_sql, list(ctx.columns))
    ctes += [f"{alias} AS ({sql})" for alias, sql in ctx.ctes.values()]
    select = ["count(*) AS row_count"]
    for index, part in enumerate(compiled):
        select += _aggregates(index, part)
    joins = "".join(f" CROSS JOIN {alias}" for alias, _sql in ctx.ctes.values())
    sql = (f"WITH {', '.join(ctes)} SELECT {', '.join(select)} "  # noqa: S608
           f"FROM {_last(ctx)} CROSS JOIN params{joins}")
    return Plan(active, compiled, ctx, _normalise(sql))


def compile_audit(rules: Sequence[RuleSpec], source_sql: str, *, dialect: str = "duckdb",
                  audit_date: dt.date | None = None, types: dict[str, str] | None = None,
                  references: dict[str, list[Any]] | None = None,
                  datasets: dict[str, str] | None = None,
                  loaded_at: dt.datetime | dt.date | None = None,
                  frequency: str | None = None) -> str:
    """The single-pass SQL of a rule set over `source_sql` (a table name or a FROM-clause
    source such as read_parquet('...')), in DuckDB's dialect or transpiled to another."""
    sql = plan_audit(rules, source_sql, audit_date=audit_date, types=types,
                     references=references, datasets=datasets, loaded_at=loaded_at,
                     frequency=frequency).sql
    if dialect == "duckdb":
        return sql
    return _compact(sqlglot.transpile(sql, read="duckdb", write=dialect, pretty=True)[0])


def to_spark(sql: str) -> str:
    """A DuckDB audit query in Spark SQL (read_parquet becomes parquet.`<path>`)."""
    try:
        return _compact(sqlglot.transpile(sql, read="duckdb", write="spark", pretty=True)[0])
    except SqlglotError as exc:
        raise AuditError(f"the SQL does not transpile to Spark: {exc}") from exc


# --- running ----------------------------------------------------------------------------------


def parquet_sql(path: str | os.PathLike[str] | Sequence[str | os.PathLike[str]]) -> str:
    paths = [path] if isinstance(path, str | os.PathLike) else list(path)
    quoted = ", ".join(lit(str(p)) for p in paths)
    return f"read_parquet({quoted})" if len(paths) == 1 else f"read_parquet([{quoted}])"


def _connect(threads: int | None) -> duckdb.DuckDBPyConnection:
    from django.conf import settings

    if settings.configured:
        from jingchu.lake import storage

        return storage.connect(threads)
    return duckdb.connect(":memory:", config={"threads": threads or (os.cpu_count() or 1)})


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def _mtime(path: Any) -> dt.datetime | None:
    paths = [path] if isinstance(path, str | os.PathLike) else list(path)
    try:
        return dt.datetime.fromtimestamp(max(Path(p).stat().st_mtime for p in paths))
    except (OSError, ValueError):
        return None


def audit_parquet(path: str | Path | Sequence[str | Path], rules: list[RuleSpec], *,
                  references: dict[str, list[str]] | None = None,
                  audit_date: dt.date | None = None, threads: int | None = None,
                  sample_size: int = 0, datasets: Mapping[str, str | Path] | None = None,
                  loaded_at: dt.datetime | dt.date | None = None,
                  frequency: str | None = None) -> AuditOutcome:
    """Audit Parquet file(s) with a rule set. `references` holds named value lists ("regions":
    6-digit codes, "regions12"), `datasets` other datasets' files by code (for references and
    agrees_with), `loaded_at`/`frequency` feed the freshness rule (default: the file's
    modification time). Raises AuditError when the audit cannot run."""
    began = time.perf_counter()
    source = parquet_sql(path)
    sources = {code: parquet_sql(p) for code, p in (datasets or {}).items()}
    try:
        with _connect(threads) as con:
            types = {row[0]: row[1] for row in
                     con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}  # noqa: S608
            plan = plan_audit(rules, source, audit_date=audit_date, types=types,
                              references=references, datasets=sources,
                              loaded_at=loaded_at or _mtime(path), frequency=frequency)
            row = con.execute(plan.sql).fetchone()
            assert row is not None  # an aggregate without GROUP BY answers one row
            results = _outcomes(plan, row)
            if sample_size > 0:
                _fill_samples(con, plan, source, list(types), results, sample_size)
    except duckdb.Error as exc:
        raise AuditError(f"the audit query failed: {exc}") from exc
    scores, score = dimension_scores(results)
    return AuditOutcome(row_count=int(row[0]), results=results, scores=scores, score=score,
                        sql=plan.sql, duration_ms=int((time.perf_counter() - began) * 1000))


def _outcomes(plan: Plan, row: tuple[Any, ...]) -> list[RuleOutcome]:
    results, at = [], 1
    for rule, part in zip(plan.rules, plan.compiled, strict=True):
        checked, failed = int(row[at] or 0), int(row[at + 1] or 0)
        at += 2
        sample: list[dict[str, Any]] = []
        if part.shown_agg:
            sample = [{"value": _jsonable(row[at])}]
            at += 1
        results.append(RuleOutcome(
            name=rule.name, dimension=rule.dimension or CHECKS[rule.check].dimension,
            check=rule.check, checked=checked, failed=failed, weight=rule.weight,
            sample=sample))
    return results


def _sample_sql(plan: Plan, source: str, columns: list[str], index: int, size: int) -> str:
    """The failing rows of one rule, at most `size`; the scan stops once it has them."""
    ctx, part = plan.ctx, plan.compiled[index]
    last = _last(ctx)
    cols = ", ".join(f"{last}.{quote(c)}" for c in columns)
    chain = ", ".join(_chain(ctx, source, columns))
    if part.duplicates is None:
        where = f"({part.checked}) AND ({part.failed})" if part.checked else part.failed
        return f"WITH {chain} SELECT {cols} FROM {last} WHERE {where} LIMIT {size}"  # noqa: S608
    # Repeated keys: straight from the source, no per-row values needed.
    keys = plan.rules[index].columns
    klist = ", ".join(quote(k) for k in keys)
    present = " AND ".join(f"{quote(k)} IS NOT NULL" for k in keys)
    on = " AND ".join(f"src.{quote(k)} = dup.{quote(k)}" for k in keys)
    cols = ", ".join(f"src.{quote(c)}" for c in columns)
    return (f"SELECT {cols} FROM {source} AS src JOIN (SELECT {klist} FROM {source} AS s "  # noqa: S608
            f"WHERE {present} GROUP BY {klist} HAVING count(*) > 1 LIMIT {size}) AS dup "
            f"ON {on} LIMIT {size}")


def _fill_samples(con: duckdb.DuckDBPyConnection, plan: Plan, source: str, columns: list[str],
                  results: list[RuleOutcome], size: int) -> None:
    """At most `size` failing rows for each failed row rule, by a LIMITed query per rule."""
    for index, (result, part) in enumerate(zip(results, plan.compiled, strict=True)):
        if not result.failed or part.checked_agg is not None:
            continue
        cursor = con.execute(_sample_sql(plan, source, columns, index, size))
        names = [d[0] for d in cursor.description]
        result.sample = [{n: _jsonable(v) for n, v in zip(names, found, strict=True)}
                         for found in cursor.fetchall()]
