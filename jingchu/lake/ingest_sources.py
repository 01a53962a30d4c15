# ruff: noqa: S608 - file paths are quoted by storage.sql_string, column names by quote()
"""The readers of a load: each puts the source's rows into the staging table `stage.raw` of a
DuckDB connection, every value as text (VARCHAR) beside `__line`, the row's place in the source
(the file's line, the header being line 1; the sheet's row; the table's row from 1). The checks
and casts then run in SQL on that one shape, whatever the source (jingchu.lake.ingest).

Nothing here reads a whole file into Python: a CSV goes through DuckDB's own reader (after a
streamed transcoding when it is GBK), a workbook and a database table come in batches of
BATCH rows through Arrow.
"""

from __future__ import annotations

import codecs
import datetime as dt
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from django.db import connection
from django.utils.translation import gettext as _

from jingchu.lake.storage import sql_string

CHUNK = 8 * 1024 * 1024  # bytes read at a time from a CSV file
BATCH = 10_000  # rows of a workbook or table per Arrow batch
POLL = 0.2  # seconds between two looks at DuckDB's progress
UTF8, GBK, AUTO = "utf-8", "gbk", "auto"
ENCODINGS = (AUTO, UTF8, GBK)
# Tables a load never copies into the lake: sessions, tokens, passwords and keys.
SECRET_TABLES = ("django_session", "oauth2_provider", "otp_", "auth_", "identity_user",
                 "django_admin_log", "seals_sealkey")

Progress = Callable[[str, int, int], None]


class LoadError(Exception):
    """The source cannot be loaded as it is; the message says why, for the person loading."""


@dataclass
class Staged:
    """What a reader put in `stage.raw`: the source's column names in order, the rows read, and
    the engine types of a typed source (Parquet) by column, used when a schema is inferred."""

    headers: list[str]
    rows: int
    native: dict[str, str] = field(default_factory=dict)


def quote(name: str) -> str:
    """A SQL identifier in double quotes (quotes inside doubled)."""
    return '"' + name.replace('"', '""') + '"'


def run_with_progress(con: duckdb.DuckDBPyConnection, sql: str,
                      report: Callable[[float], None] | None) -> Any:
    """Run one statement in a worker thread and report DuckDB's own progress (0-100) while it
    runs; the answer's first row, or raises what the statement raised."""
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["row"] = con.execute(sql).fetchone()
        except BaseException as exc:  # handed to the caller's thread below
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="lake-load", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(POLL)
        if report is not None and worker.is_alive():
            report(max(con.query_progress(), 0.0))
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("row")


# --- CSV --------------------------------------------------------------------------------------


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def detect_encoding(path: Path) -> str:
    """UTF-8 if the whole file decodes as UTF-8, else GBK (read as GB18030, its superset).
    The whole file is read, in chunks: a GBK byte on the last line must not pass for UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in _chunks(path):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return GBK
    return UTF8


def prepare_csv(path: Path, encoding: str, work: Path, progress: Progress
                ) -> tuple[Path, str, int]:
    """The file DuckDB reads (the source, or a UTF-8 copy of a GBK one in `work`), the
    encoding it was read as, and its number of lines (for the progress of the next stages)."""
    if encoding not in ENCODINGS:
        raise LoadError(_("Unknown encoding %(encoding)s.") % {"encoding": encoding})
    size = path.stat().st_size
    if encoding == AUTO:
        encoding = detect_encoding(path)
    target = work / "source.utf8.csv" if encoding == GBK else path
    codec = "gb18030" if encoding == GBK else "utf-8"
    decoder = codecs.getincrementaldecoder(codec)()
    lines, done, offset = 0, 0, 0
    out = target.open("wb") if encoding == GBK else None
    try:
        for chunk in _chunks(path):
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                raise LoadError(_("The file is not valid %(encoding)s near byte %(at)d.") % {
                    "encoding": encoding.upper(), "at": offset + exc.start}) from None
            if out is not None:
                out.write(text.encode("utf-8"))
            lines += chunk.count(b"\n")
            offset += len(chunk)
            done = offset
            progress("decode", done, size)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise LoadError(_("The file ends in the middle of a character.")) from None
    finally:
        if out is not None:
            out.close()
    return target, encoding, lines


def stage_csv(con: duckdb.DuckDBPyConnection, path: Path, lines: int,
              progress: Progress) -> Staged:
    """Every field as text, the delimiter and quoting sniffed by DuckDB, line numbers kept by
    a streaming row_number() (the scan keeps the file's order)."""
    reader = (f"read_csv({sql_string(path)}, header = true, all_varchar = true, "
              f"auto_detect = true)")
    total = max(lines - 1, 0)

    def report(percent: float) -> None:
        progress("read", int(total * percent / 100), total)

    report(0.0)
    try:
        run_with_progress(con, "CREATE TABLE stage.raw AS SELECT row_number() OVER () + 1 "
                               f"AS __line, * FROM {reader}", report)
    except duckdb.Error as exc:
        raise LoadError(_("The CSV file cannot be read: %(error)s") % {
            "error": str(exc).splitlines()[0][:500]}) from None
    staged = _staged(con)
    progress("read", staged.rows, staged.rows)
    return staged


def _staged(con: duckdb.DuckDBPyConnection, native: dict[str, str] | None = None) -> Staged:
    names = [row[0] for row in con.execute("DESCRIBE stage.raw").fetchall()]
    rows = con.execute("SELECT count(*) FROM stage.raw").fetchone()
    return Staged([n for n in names if n != "__line"], int(rows[0] if rows else 0),
                  native or {})


# --- Parquet ----------------------------------------------------------------------------------


def stage_parquet(con: duckdb.DuckDBPyConnection, path: Path, progress: Progress) -> Staged:
    try:
        described = con.execute(
            f"DESCRIBE SELECT * FROM read_parquet({sql_string(path)})").fetchall()
        counted = con.execute(
            f"SELECT count(*) FROM read_parquet({sql_string(path)})").fetchone()
    except duckdb.Error as exc:
        raise LoadError(_("The Parquet file cannot be read: %(error)s") % {
            "error": str(exc).splitlines()[0][:500]}) from None
    total = int(counted[0]) if counted else 0
    columns = ", ".join(f"CAST({quote(name)} AS VARCHAR) AS {quote(name)}"
                        for name, *_rest in described)
    run_with_progress(con, f"CREATE TABLE stage.raw AS SELECT row_number() OVER () AS __line, "
                           f"{columns} FROM read_parquet({sql_string(path)})",
                      lambda p: progress("read", int(total * p / 100), total))
    progress("read", total, total)
    return _staged(con, {str(name): str(kind) for name, kind, *_rest in described})


# --- Arrow batches (workbooks and database tables) --------------------------------------------


def text_of(value: Any) -> str | None:
    """A cell or column value as the text a CSV would hold."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else \
            value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return str(value)


def _headers(raw: tuple[Any, ...]) -> list[str]:
    headers = [str(h).strip() if h is not None else "" for h in raw]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise LoadError(_("The first row holds no column names."))
    seen: set[str] = set()
    for i, name in enumerate(headers):
        headers[i] = name or f"column_{i + 1}"
        if headers[i] in seen:
            raise LoadError(_("Two columns are named %(name)s.") % {"name": headers[i]})
        seen.add(headers[i])
    return headers


class BatchWriter:
    """Appends rows of text to `stage.raw` an Arrow batch at a time."""

    def __init__(self, con: duckdb.DuckDBPyConnection, headers: list[str]) -> None:
        self.con, self.headers = con, headers
        self.schema = pa.schema([("__line", pa.int64())] +
                                [(h, pa.string()) for h in headers])
        self.lines: list[int] = []
        self.columns: list[list[str | None]] = [[] for _h in headers]
        self.rows = 0
        cols = ", ".join(f"{quote(h)} VARCHAR" for h in headers)
        con.execute(f"CREATE TABLE stage.raw (__line BIGINT, {cols})")

    def add(self, line: int, values: tuple[Any, ...]) -> bool:
        """Adds one row; True when a full batch just went into the table."""
        self.lines.append(line)
        for i, column in enumerate(self.columns):
            column.append(text_of(values[i]) if i < len(values) else None)
        if len(self.lines) >= BATCH:
            self.flush()
            return True
        return False

    def flush(self) -> None:
        if not self.lines:
            return
        batch = pa.Table.from_arrays([pa.array(self.lines, pa.int64())] +
                                     [pa.array(c, pa.string()) for c in self.columns],
                                     schema=self.schema)
        self.con.register("lake_batch", batch)
        self.con.execute("INSERT INTO stage.raw SELECT * FROM lake_batch")
        self.con.unregister("lake_batch")
        self.rows += len(self.lines)
        self.lines = []
        self.columns = [[] for _h in self.headers]


def stage_excel(con: duckdb.DuckDBPyConnection, path: Path, sheet: str,
                progress: Progress) -> Staged:
    """The workbook's sheet (the first when none is named), read in read-only mode row by
    row; the first row names the columns; wholly empty rows are skipped."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a file that is not xlsx
        raise LoadError(_("The file is not an Excel workbook (.xlsx): %(error)s") % {
            "error": str(exc)[:300]}) from None
    try:
        if sheet and sheet not in book.sheetnames:
            raise LoadError(_("The workbook has no sheet %(sheet)s (it has %(sheets)s).") % {
                "sheet": sheet, "sheets": "、".join(book.sheetnames)})
        ws = book[sheet] if sheet else book.worksheets[0]
        total = max(int(ws.max_row or 1) - 1, 0)
        rows = ws.iter_rows(values_only=True)
        writer = BatchWriter(con, _headers(next(rows, ())))
        for number, values in enumerate(rows, start=2):
            if all(v is None or v == "" for v in values):
                continue
            if writer.add(number, values):
                progress("read", writer.rows, max(total, writer.rows))
        writer.flush()
    finally:
        book.close()
    progress("read", writer.rows, writer.rows)
    return _staged(con)


def table_names() -> list[str]:
    """The platform database's tables a load may copy (none holding secrets)."""
    names = connection.introspection.table_names()
    return sorted(n for n in names if not n.startswith(SECRET_TABLES))


def stage_table(con: duckdb.DuckDBPyConnection, table: str, progress: Progress) -> Staged:
    """A table of the platform's own database, read with a server-side cursor in batches."""
    if table not in table_names():
        raise LoadError(_("The platform's database has no table %(table)s that may be "
                          "loaded.") % {"table": table})
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as counter:
        counter.execute(f"SELECT COUNT(*) FROM {quoted}")
        total = int(counter.fetchone()[0])
    # A server-side cursor on PostgreSQL (Django's chunked cursor): rows come BATCH at a time.
    with connection.chunked_cursor() as cursor:
        cursor.execute(f"SELECT * FROM {quoted}")
        writer = BatchWriter(con, _headers(tuple(c[0] for c in cursor.description)))
        line = 0
        while batch := cursor.fetchmany(BATCH):
            for values in batch:
                line += 1
                writer.add(line, tuple(values))
            writer.flush()
            progress("read", writer.rows, max(total, writer.rows))
    return _staged(con)
