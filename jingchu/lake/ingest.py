"""The loader of the lake: a source (CSV, Excel, Parquet or a table of the platform's database)
becomes one Parquet file of good rows and one CSV report of the rejected rows.

The work is done by DuckDB in SQL, never row by row in Python: a reader puts every value as text
in a staging table on disk (jingchu.lake.ingest_sources); one SELECT then casts each declared
column (TRY_CAST), builds each row's rejection reasons in a CASE per column, and COPY writes the
good rows to Parquet; a second COPY writes the rejected ones, with their line numbers and
reasons, to the report. With no declared schema the columns are inferred from the staged values
first, and the same checks apply.

This module writes only the temporary files it is given; the action (jingchu.lake.actions.
datasets) renames them into place and records the version, or removes them on failure.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from django.utils.translation import gettext as _
from tongsuopy.crypto import hashes

from jingchu.lake import ingest_sources as sources
from jingchu.lake import storage
from jingchu.lake.choices import ColumnType, SourceKind
from jingchu.lake.ingest_sources import LoadError, Progress, Staged, quote
from jingchu.lake.storage import sql_string

__all__ = ["LoadError", "LoadResult", "Source", "load", "sm3_file"]

INFER_SAMPLE = 100_000  # staged rows looked at to infer a type
NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
DATE_FORMATS = "['%Y/%m/%d', '%Y%m%d', '%Y.%m.%d', '%Y年%m月%d日']"
TIME_FORMATS = "['%Y/%m/%d %H:%M:%S', '%Y/%m/%d %H:%M', '%Y/%m/%d']"
TRUE_WORDS = "('true', 't', 'yes', 'y', '1', '是')"
FALSE_WORDS = "('false', 'f', 'no', 'n', '0', '否')"
# A column's mask when a schema is inferred, guessed from its name or header (personal data is
# masked in previews unless a steward says otherwise).
MASK_GUESSES = (
    (re.compile(r"(^|_)id_?(number|no|card)$|^sfzh$|身份证|身份号码"), "id_number"),
    (re.compile(r"(^|_)(phone|mobile|tel|telephone)$|电话|手机"), "phone"),
    (re.compile(r"(^|_)address$|地址|住址"), "address"),
    (re.compile(r"^(person_)?name$|姓名"), "name"),
)


@dataclass
class Source:
    """Where a load reads from: a file of `kind` at `path`, or a database `table`."""

    kind: str
    path: Path | None = None
    encoding: str = sources.AUTO
    sheet: str = ""
    table: str = ""


@dataclass
class LoadResult:
    row_count: int
    rejected_count: int
    total_rows: int
    schema: list[dict[str, str]]
    byte_size: int
    checksum: str
    encoding: str = ""
    inferred: list[dict[str, Any]] | None = None
    ignored: list[str] = field(default_factory=list)


def _silent(stage: str, done: int, total: int) -> None:
    """No progress wanted."""


# --- inference --------------------------------------------------------------------------------


def _native_type(engine_type: str) -> str:
    upper = engine_type.upper()
    if upper in {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT",
                 "USMALLINT", "UINTEGER", "UBIGINT"}:
        return ColumnType.INTEGER
    if upper in {"FLOAT", "DOUBLE", "REAL"} or upper.startswith("DECIMAL"):
        return ColumnType.DECIMAL
    if upper == "DATE":
        return ColumnType.DATE
    if upper.startswith("TIMESTAMP"):
        return ColumnType.DATETIME
    if upper == "BOOLEAN":
        return ColumnType.BOOLEAN
    return ColumnType.STRING


def column_name(header: str, index: int, used: set[str]) -> str:
    """A valid column name for a header: itself lower-cased if it is one, else column_<n>."""
    name = re.sub(r"[^a-z0-9_]+", "_", header.strip().lower()).strip("_")
    if not name.isascii() or not NAME.match(name):
        name = f"column_{index + 1}"
    base, n = name, 2
    while name in used:
        name, n = f"{base}_{n}", n + 1
    used.add(name)
    return name


def guess_mask(name: str, label: str) -> str:
    for pattern, rule in MASK_GUESSES:
        if pattern.search(name) or pattern.search(label):
            return rule
    return ""


def _probes(q: str) -> list[str]:
    v = f"NULLIF(trim({q}), '')"
    return [
        f"count({v})",
        f"count(CASE WHEN lower({v}) IN ('true', 'false', '是', '否') THEN 1 END)",
        f"count(CASE WHEN regexp_full_match({v}, '[+-]?([1-9][0-9]{{0,9}}|0)') THEN 1 END)",
        f"count(CASE WHEN regexp_full_match({v}, '[+-]?([1-9][0-9]{{0,9}}|0)') OR "
        f"regexp_full_match({v}, '[+-]?([1-9][0-9]{{0,13}}|0)\\.[0-9]+') THEN 1 END)",
        f"count(CASE WHEN NOT contains({v}, ':') THEN {_cast(ColumnType.DATE, q)} END)",
        f"count({_cast(ColumnType.DATETIME, q)})",
    ]


def infer(con: duckdb.DuckDBPyConnection, staged: Staged) -> list[dict[str, Any]]:
    """Columns for a source loaded with no declared schema: the engine's types of a typed
    source; else the narrowest type every non-blank value of the first INFER_SAMPLE rows fits
    (boolean words, integers without leading zeros up to 10 digits, decimals, dates, date-times,
    else text, so that ID numbers and phone numbers stay text)."""
    probes = [p for h in staged.headers for p in _probes(quote(h))]
    counts = con.execute(f"SELECT {', '.join(probes)} FROM "  # noqa: S608 - quoted names
                         f"(SELECT * FROM stage.raw LIMIT {INFER_SAMPLE})").fetchone() or ()
    order = (ColumnType.BOOLEAN, ColumnType.INTEGER, ColumnType.DECIMAL, ColumnType.DATE,
             ColumnType.DATETIME)
    used: set[str] = set()
    columns = []
    for i, header in enumerate(staged.headers):
        n, *fits = counts[i * 6:(i + 1) * 6]
        kind: str = ColumnType.STRING
        if header in staged.native:
            kind = _native_type(staged.native[header])
        elif n:
            kind = next((t for t, fit in zip(order, fits, strict=True) if fit == n),
                        ColumnType.STRING)
        name = column_name(header, i, used)
        label = header if header != name else ""
        columns.append({"name": name, "type": str(kind), "label": label, "required": False,
                        "mask": guess_mask(name, label), "source": header})
    return columns


# --- the checks -------------------------------------------------------------------------------


def _cast(kind: str, q: str) -> str:
    """The SQL that makes a staged text value of column `q` a value of `kind` (NULL when it
    does not fit)."""
    v = f"NULLIF(trim({q}), '')"
    target = storage.DUCKDB_TYPES[kind]
    if kind == ColumnType.STRING:
        return f"NULLIF({q}, '')"
    if kind == ColumnType.INTEGER:  # TRY_CAST would round '12.5' to 13
        return f"CASE WHEN regexp_full_match({v}, '[+-]?[0-9]+') THEN TRY_CAST({v} AS {target}) END"
    if kind == ColumnType.DATE:
        return f"COALESCE(TRY_CAST({v} AS DATE), CAST(TRY_STRPTIME({v}, {DATE_FORMATS}) AS DATE))"
    if kind == ColumnType.DATETIME:
        return f"COALESCE(TRY_CAST({v} AS TIMESTAMP), TRY_STRPTIME({v}, {TIME_FORMATS}))"
    if kind == ColumnType.BOOLEAN:
        return (f"CASE WHEN lower({v}) IN {TRUE_WORDS} THEN true "
                f"WHEN lower({v}) IN {FALSE_WORDS} THEN false END")
    return f"TRY_CAST({v} AS {target})"


def plan(headers: list[str], columns: list[dict[str, Any]]
         ) -> tuple[list[tuple[dict[str, Any], str | None]], list[str]]:
    """Which source column feeds each schema column (by name, else by label, ignoring case and
    spaces), and the source columns no schema column takes."""
    by_key = {h.strip().lower(): h for h in headers}
    mapping: list[tuple[dict[str, Any], str | None]] = []
    for column in columns:
        source = column.get("source") or by_key.get(column["name"].lower()) or \
            by_key.get(str(column.get("label") or "").strip().lower())
        mapping.append((column, source))
    missing = [c["name"] for c, s in mapping if s is None and c.get("required")]
    if missing:
        raise LoadError(_("The source lacks the required column(s) %(names)s.")
                        % {"names": ", ".join(missing)})
    if columns and all(s is None for _c, s in mapping):
        raise LoadError(_("None of the source's columns is a column of the dataset."))
    taken = {s for _c, s in mapping if s is not None}
    return mapping, [h for h in headers if h not in taken]


def _reason(column: dict[str, Any], source: str | None) -> list[str]:
    if source is None:
        return []
    q = quote(source)
    name = column["name"]
    out = []
    if column.get("required"):
        text = _("%(column)s: a value is required") % {"column": name}
        out.append(f"CASE WHEN NULLIF(trim({q}), '') IS NULL THEN {sql_string(text)} END")
    if column["type"] != ColumnType.STRING:
        text = _("%(column)s: not a valid %(type)s") % {
            "column": name, "type": str(ColumnType(column["type"]).label).lower()}
        out.append(f"CASE WHEN NULLIF(trim({q}), '') IS NOT NULL AND "
                   f"{_cast(column['type'], q)} IS NULL THEN {sql_string(text)} END")
    return out


def checked_sql(mapping: list[tuple[dict[str, Any], str | None]]) -> str:
    """The staged rows with `__reason` (NULL for a good row) beside them."""
    checks = [c for column, source in mapping for c in _reason(column, source)]
    reason = f"NULLIF(concat_ws('; ', {', '.join(checks)}), '')" if checks else "NULL"
    return f"SELECT *, {reason} AS __reason FROM stage.raw"  # noqa: S608 - built from quoted names


def good_rows_sql(mapping: list[tuple[dict[str, Any], str | None]]) -> str:
    values = []
    for column, source in mapping:
        target = storage.DUCKDB_TYPES[column["type"]]
        expr = _cast(column["type"], quote(source)) if source else "NULL"
        values.append(f"CAST({expr} AS {target}) AS {quote(column['name'])}")
    return (f"SELECT {', '.join(values)} FROM ({checked_sql(mapping)}) "  # noqa: S608
            f"WHERE __reason IS NULL")


def rejects_sql(mapping: list[tuple[dict[str, Any], str | None]], headers: list[str]) -> str:
    raw = ", ".join(quote(h) for h in headers)
    return (f"SELECT __line AS line, __reason AS reason, {raw} "  # noqa: S608 - quoted names
            f"FROM ({checked_sql(mapping)}) WHERE __reason IS NOT NULL ORDER BY __line")


# --- writing ----------------------------------------------------------------------------------


def write_parquet(con: duckdb.DuckDBPyConnection, select: str, target: Path,
                  report: Callable[[float], None] | None) -> int:
    """COPY the rows of `select` to a Parquet file; the number of rows written. (Tests make
    this fail half-way to prove nothing half-loaded stays.)"""
    row = sources.run_with_progress(
        con, f"COPY ({select}) TO {sql_string(target)} "
             f"(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)", report)
    return int(row[0]) if row else 0


def write_rejects(con: duckdb.DuckDBPyConnection, select: str, target: Path) -> int:
    row = con.execute(f"COPY ({select}) TO {sql_string(target)} (FORMAT csv, HEADER true)"
                      ).fetchone()
    return int(row[0]) if row else 0


def sm3_file(path: Path, progress: Progress = _silent) -> str:
    """Hex SM3 digest of a file, read in chunks (tongsuopy, as jingchu.core.crypto.sm3 is)."""
    digest = hashes.Hash(hashes.SM3())
    size, done = path.stat().st_size, 0
    with path.open("rb") as handle:
        while chunk := handle.read(sources.CHUNK):
            digest.update(chunk)
            done += len(chunk)
            progress("checksum", done, size)
    return digest.finalize().hex()


def _stage(con: duckdb.DuckDBPyConnection, source: Source, work: Path,
           progress: Progress) -> tuple[Staged, str]:
    if source.kind == SourceKind.TABLE:
        return sources.stage_table(con, source.table, progress), ""
    assert source.path is not None
    if source.kind == SourceKind.CSV:
        path, encoding, lines = sources.prepare_csv(source.path, source.encoding, work,
                                                    progress)
        return sources.stage_csv(con, path, lines, progress), encoding
    if source.kind == SourceKind.EXCEL:
        return sources.stage_excel(con, source.path, source.sheet, progress), ""
    if source.kind == SourceKind.PARQUET:
        return sources.stage_parquet(con, source.path, progress), ""
    raise LoadError(_("Unknown kind of source %(kind)s.") % {"kind": source.kind})


def _open(work: Path) -> duckdb.DuckDBPyConnection:
    con = storage.connect()
    con.execute(f"SET temp_directory = {sql_string(work / 'spill')}")
    con.execute("SET enable_progress_bar = true")
    con.execute("SET enable_progress_bar_print = false")
    con.execute(f"ATTACH {sql_string(work / 'stage.duckdb')} AS stage")
    return con


def load(source: Source, columns: list[dict[str, Any]], work: Path, parquet: Path,
         rejects: Path, progress: Progress = _silent) -> LoadResult:
    """Read `source`, check it against `columns` (or infer them when empty), write the good
    rows to `parquet` and the rejected ones to `rejects` (removed again when there are none).
    `work` is a private folder for the staging files; the caller removes it."""
    work.mkdir(parents=True, exist_ok=True)
    con = _open(work)
    try:
        staged, encoding = _stage(con, source, work, progress)
        inferred = None if columns else infer(con, staged)
        mapping, ignored = plan(staged.headers, columns or inferred or [])
        total = staged.rows
        progress("check", 0, total)
        rows = write_parquet(con, good_rows_sql(mapping), parquet,
                             lambda p: progress("check", int(total * p / 100), total))
        rejected = write_rejects(con, rejects_sql(mapping, staged.headers), rejects) \
            if rows < total else 0
        progress("check", total, total)
    except duckdb.Error as exc:
        raise LoadError(_("The load failed: %(error)s") % {
            "error": str(exc).splitlines()[0][:500]}) from None
    finally:
        con.close()
    if not rejected:
        rejects.unlink(missing_ok=True)
    schema = [{"name": c["name"], "type": c["type"]} for c, _s in mapping]
    for column in inferred or []:
        column.pop("source", None)
    return LoadResult(row_count=rows, rejected_count=rejected, total_rows=total, schema=schema,
                      byte_size=parquet.stat().st_size, checksum=sm3_file(parquet, progress),
                      encoding=encoding, inferred=inferred, ignored=ignored)
