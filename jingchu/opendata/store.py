"""The published files of open datasets and everything that reads them, with DuckDB.

Publication copies the published columns of the pinned lake version into
``opendata/<name>/v<version>.parquet`` under the lake directory; downloads, the query API, the
preview and the charts read only that file, so nothing outside the published columns can leak
through them. CSV, JSON and XLSX copies are made from it on first download and kept beside it
(each written to a temporary name and renamed, so two first downloads at once are harmless).

Identifiers in SQL are published field names (checked against the dataset) quoted here; every
value a caller sends is a bound parameter, never text in the SQL.
"""

from __future__ import annotations

import datetime as dt
import decimal
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tongsuopy.crypto import hashes

from jingchu.lake import storage
from jingchu.opendata.choices import DownloadFormat

NUMERIC = ("integer", "decimal")
BINS = 10
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class FileFacts:
    row_count: int
    byte_size: int
    checksum: str


def quote(name: str) -> str:
    """A SQL identifier; callers pass only names checked against the published fields."""
    return '"' + name.replace('"', '""') + '"'


def published_path(name: str, number: int) -> str:
    return f"opendata/{name}/v{number}.parquet"


def export_path(parquet_relative: str, fmt: str) -> str:
    return parquet_relative.removesuffix(".parquet") + f".{fmt}"


def sm3_file(path: Path) -> str:
    digest = hashes.Hash(hashes.SM3())
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.finalize().hex()


def _temporary(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")


def materialise(source_relative: str, dest_relative: str, columns: list[str]) -> FileFacts:
    """Copy `columns` of a lake version into the published file; its row count, size and SM3."""
    dest = storage.absolute(dest_relative)
    tmp = _temporary(dest)
    select = ", ".join(quote(c) for c in columns)
    with storage.connect() as con:
        source = storage.parquet_source(source_relative)
        con.execute(f"COPY (SELECT {select} FROM {source}) "  # noqa: S608
                    f"TO {storage.sql_string(tmp)} (FORMAT PARQUET, COMPRESSION ZSTD)")
        os.replace(tmp, dest)
        counted = f"SELECT count(*) FROM {storage.parquet_source(dest_relative)}"  # noqa: S608
        row = con.execute(counted).fetchone()
    return FileFacts(int(row[0]) if row else 0, dest.stat().st_size, sm3_file(dest))


def remove_published(name: str) -> None:
    """Remove a dataset's published files (after withdrawal)."""
    folder = storage.absolute(f"opendata/{name}")
    if folder.is_dir():
        shutil.rmtree(folder, ignore_errors=True)


# --- statistics for the charts --------------------------------------------------------------


def _histogram(con: Any, source: str, column: str, low: float, high: float) -> list[dict[str, Any]]:
    width = (high - low) / BINS if high > low else 1.0
    rows = con.execute(
        f"SELECT least(CAST(floor((CAST({column} AS DOUBLE) - ?) / ?) AS BIGINT), ?) AS b, "  # noqa: S608
        f"count(*) FROM {source} WHERE {column} IS NOT NULL GROUP BY b ORDER BY b",
        [low, width, BINS - 1]).fetchall()
    counts = {int(b): int(n) for b, n in rows}
    bins = BINS if high > low else 1
    return [{"low": low + i * width, "high": low + (i + 1) * width if high > low else high,
             "count": counts.get(i, 0)} for i in range(bins)]


def numeric_stats(relative: str, fields: list[dict[str, Any]]) -> dict[str, Any]:
    """Per numeric published field: count, nulls, min, max, mean and a 10-bin histogram."""
    out: dict[str, Any] = {}
    source = storage.parquet_source(relative)
    with storage.connect() as con:
        for field in fields:
            if field.get("type") not in NUMERIC:
                continue
            column = quote(field["name"])
            row = con.execute(
                f"SELECT count({column}), count(*) - count({column}), "  # noqa: S608
                f"min(CAST({column} AS DOUBLE)), max(CAST({column} AS DOUBLE)), "
                f"avg(CAST({column} AS DOUBLE)) FROM {source}").fetchone()
            count, nulls, low, high, mean = row if row else (0, 0, None, None, None)
            summary: dict[str, Any] = {"count": int(count), "nulls": int(nulls), "min": low,
                                       "max": high, "mean": mean, "histogram": []}
            if low is not None and high is not None:
                summary["histogram"] = _histogram(con, source, column, low, high)
            out[field["name"]] = summary
    return out


# --- reading records ------------------------------------------------------------------------


def json_value(value: Any) -> Any:
    """A value of a DuckDB row as JSON: decimals as numbers, dates and times in ISO 8601."""
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class Condition:
    """One filter on a published field: `op` is "=", ">=", "<=" or "in" (`value` a list then);
    values already typed."""

    field: str
    op: str
    value: Any


OPS = ("=", ">=", "<=", "in")


def _where(conditions: list[Condition], text: str, text_fields: list[str],
           field_texts: list[tuple[str, str]]) -> tuple[str, list[Any]]:
    parts: list[str] = []
    params: list[Any] = []
    for cond in conditions:
        if cond.op not in OPS:
            raise ValueError(cond.op)
        if cond.op == "in":
            parts.append(f"{quote(cond.field)} IN ({', '.join('?' for _ in cond.value)})")
            params.extend(cond.value)
        else:
            parts.append(f"{quote(cond.field)} {cond.op} ?")
            params.append(cond.value)
    if text and text_fields:
        parts.append("(" + " OR ".join(
            f"contains(lower(CAST({quote(f)} AS VARCHAR)), lower(?))" for f in text_fields) + ")")
        params.extend([text] * len(text_fields))
    for name, needle in field_texts:
        parts.append(f"contains(lower(CAST({quote(name)} AS VARCHAR)), lower(?))")
        params.append(needle)
    return (" WHERE " + " AND ".join(parts)) if parts else "", params


def query(relative: str, columns: list[str], *, conditions: list[Condition] | None = None,
          sort: list[tuple[str, bool]] | None = None, limit: int = 100, offset: int = 0,
          text: str = "", text_fields: list[str] | None = None,
          field_texts: list[tuple[str, str]] | None = None,
          count: bool = True) -> tuple[list[dict[str, Any]], int | None]:
    """Rows of the published file as JSON-ready dicts, and the total matching (when `count`).
    `sort` is [(field, descending)]; without it rows come in file order. `text` is looked for
    in every field of `text_fields`, each (field, text) of `field_texts` in its field."""
    source = storage.parquet_source(relative)
    where, params = _where(conditions or [], text, text_fields or [], field_texts or [])
    select = ", ".join(quote(c) for c in columns)
    order = ""
    if sort:
        order = " ORDER BY " + ", ".join(
            f"{quote(f)} {'DESC' if desc else 'ASC'} NULLS LAST" for f, desc in sort)
    with storage.connect() as con:
        sql = f"SELECT {select} FROM {source}{where}{order} LIMIT ? OFFSET ?"  # noqa: S608
        cursor = con.execute(sql, [*params, limit, offset])
        rows = [{c: json_value(v) for c, v in zip(columns, r, strict=True)}
                for r in cursor.fetchall()]
        total = None
        if count:
            sql = f"SELECT count(*) FROM {source}{where}"  # noqa: S608
            found = con.execute(sql, params).fetchone()
            total = int(found[0]) if found else 0
    return rows, total


# --- downloads ------------------------------------------------------------------------------


def _write_csv(con: Any, source: str, tmp: Path) -> None:
    """UTF-8 with a byte-order mark, so that Excel opens the Chinese text correctly."""
    raw = tmp.with_suffix(".raw")
    con.execute(f"COPY (SELECT * FROM {source}) TO {storage.sql_string(raw)} "  # noqa: S608
                "(FORMAT CSV, HEADER true)")
    with tmp.open("wb") as out, raw.open("rb") as body:
        out.write(BOM)
        shutil.copyfileobj(body, out)
    raw.unlink()


def _write_json(con: Any, source: str, tmp: Path) -> None:
    con.execute(f"COPY (SELECT * FROM {source}) TO {storage.sql_string(tmp)} "  # noqa: S608
                "(FORMAT JSON, ARRAY true)")


def _write_xlsx(con: Any, source: str, tmp: Path, fields: list[dict[str, Any]]) -> None:
    """Write-only workbook (constant memory): the data sheet, then a sheet describing the
    fields."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    data = book.create_sheet("data")
    cursor = con.execute(f"SELECT * FROM {source}")  # noqa: S608
    data.append([d[0] for d in cursor.description])
    while batch := cursor.fetchmany(10_000):
        for row in batch:
            data.append(list(row))
    about = book.create_sheet("fields")
    about.append(["name", "label", "type", "description"])
    for field in fields:
        about.append([field["name"], field.get("label", ""), field.get("type", ""),
                      field.get("description", "")])
    book.save(tmp)


def download_file(parquet_relative: str, fmt: str, fields: list[dict[str, Any]]) -> Path:
    """The file to send for a download in `fmt`, made from the published Parquet on first use."""
    if fmt == DownloadFormat.PARQUET:
        return storage.absolute(parquet_relative)
    path = storage.absolute(export_path(parquet_relative, fmt))
    if path.exists():
        return path
    tmp = _temporary(path)
    source = storage.parquet_source(parquet_relative)
    with storage.connect() as con:
        if fmt == DownloadFormat.CSV:
            _write_csv(con, source, tmp)
        elif fmt == DownloadFormat.JSON:
            _write_json(con, source, tmp)
        elif fmt == DownloadFormat.XLSX:
            _write_xlsx(con, source, tmp, fields)
        else:
            raise ValueError(fmt)
    os.replace(tmp, path)
    return path
