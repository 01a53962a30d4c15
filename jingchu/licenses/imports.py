"""Bulk import of existing licences (存量证照导入): reading the file and checking every row.

Nothing here writes licences: `actions.do_create_import` and `actions.do_run_import` do, in two
phases: every row is checked first (this module); only when none is rejected are all of them
issued, signed and stored in one transaction, so a file is imported whole or not at all.

The file is UTF-8 (a byte-order mark is allowed), either CSV with a header row or JSON Lines (one
JSON object a line; `.jsonl` / `.ndjson`). Columns (CSV) or keys (JSON Lines):

    holder_code   the holder's citizen ID number (GB 11643) or unified social credit code
                  (GB 32100), as the licence type's holder kind requires; check digit verified
    holder_name   the holder's name, as registered on the platform
    number        the licence's own number (证照编号), unique per issuer and type
    issued_on     YYYY-MM-DD, not after today
    valid_from    YYYY-MM-DD; empty: the day of issue
    valid_until   YYYY-MM-DD; empty: the type's validity rule from valid_from
    <field>       one column per property of the type's data schema (JSON Schema), named as the
                  property (`data.<field>` when the name is one of the columns above)

Holders must already be registered (a Person found by ID number through the blind index, a
LegalEntity by credit code); a row naming an unknown holder, or a name other than the registered
one, is rejected like any other bad row. `docs/licenses-import.md` has examples.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _

from jingchu.core import bulk, crypto
from jingchu.core.errors import ActionError
from jingchu.core.identifiers import IdentifierError, validate_id_number, validate_uscc
from jingchu.identity.models import LegalEntity, Person
from jingchu.licenses.choices import HolderKind, ImportStatus
from jingchu.licenses.models import License, LicenseImport, LicenseType
from jingchu.services import eforms

BASE_COLUMNS = ("holder_code", "holder_name", "number", "issued_on", "valid_from",
                "valid_until")
REQUIRED_COLUMNS = ("holder_code", "holder_name", "number", "issued_on")
MAX_BYTES = 64 * 1024 * 1024
MAX_ROWS = 200_000
MAX_REPORTED = 10_000  # rejected rows kept in the report; the count says how many more
NAME_MAX = 200
NUMBER_MAX = 60
LOOKUP_CHUNK = 500
JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")

Progress = Callable[[str, int, int], None]  # (stage "check" | "sign", done, total)
Record = dict[str, Any]


@dataclass
class Row:
    """A checked row, ready to become a licence."""

    row: int
    holder: Person | LegalEntity
    number: str
    data: dict[str, Any]
    issued_on: dt.date
    valid_from: dt.date
    valid_until: dt.date | None


@dataclass
class Checked:
    rows: list[Row] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)  # {"row": n, "errors": [...]}
    rejected_count: int = 0


# --- the uploaded file, kept encrypted until the run --------------------------------------------

def _store() -> FileSystemStorage:
    return FileSystemStorage(location=Path(settings.MEDIA_ROOT) / "licence-imports",
                             base_url=None)


def _key(imp: LicenseImport) -> str:
    return f"{imp.uid}.sm4"


def keep_file(imp: LicenseImport, text: str) -> None:
    """The file holds ID numbers: it waits for its run SM4-encrypted, then is deleted."""
    _store().save(_key(imp), ContentFile(crypto.encrypt(text).encode("ascii")))


def load_file(imp: LicenseImport) -> str:
    with _store().open(_key(imp), "rb") as handle:
        return crypto.decrypt(handle.read().decode("ascii"))


def drop_file(imp: LicenseImport) -> None:
    _store().delete(_key(imp))


# --- reading ------------------------------------------------------------------------------

def decode(payload: bytes) -> str:
    if len(payload) > MAX_BYTES:
        raise ActionError("file_too_large", _("The file is larger than %(mb)d MB.")
                          % {"mb": MAX_BYTES // (1024 * 1024)}, {"field": "file"})
    try:
        return payload.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ActionError("file_not_utf8", _("The file is not UTF-8 text; save it as UTF-8 "
                                             "(CSV UTF-8) and upload it again."),
                          {"field": "file"}) from None


def safe_filename(filename: str) -> str:
    """The file's own name, without any folder a browser sent, for showing (never a path)."""
    name = str(filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[:200] or "import.csv"


def data_columns(schema: dict[str, Any]) -> dict[str, str]:
    """Column name → data property of the type's schema."""
    return {(f"data.{name}" if name in BASE_COLUMNS else name): name
            for name in schema.get("properties", {})}


def is_json_lines(filename: str, text: str) -> bool:
    if filename.lower().endswith(JSON_LINES_SUFFIXES):
        return True
    return not filename.lower().endswith(".csv") and text.lstrip().startswith("{")


def read(filename: str, text: str, schema: dict[str, Any]) -> list[Record]:
    """The file's rows as dicts (file-level problems: ActionError 400, nothing kept)."""
    records = _read_json_lines(text) if is_json_lines(filename, text) else (
        _read_csv(text, schema))
    if not records:
        raise ActionError("file_empty", _("The file has no rows."), {"field": "file"})
    if len(records) > MAX_ROWS:
        raise ActionError("file_too_many_rows",
                          _("A file holds at most %(limit)d rows; split it.")
                          % {"limit": MAX_ROWS}, {"field": "file"})
    return records


def _read_csv(text: str, schema: dict[str, Any]) -> list[Record]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in next(reader)]
        rows = [row for row in reader if any(cell.strip() for cell in row)]
    except StopIteration:
        return []
    except csv.Error as exc:
        raise ActionError("file_not_csv", _("The file is not valid CSV: %(error)s")
                          % {"error": str(exc)}, {"field": "file"}) from None
    _check_header(header, schema)
    width = len(header)
    return [dict(zip(header, row, strict=False)) | ({"": row[width:]} if len(row) > width
                                                     else {})
            for row in rows]


def _check_header(header: list[str], schema: dict[str, Any]) -> None:
    known = set(BASE_COLUMNS) | set(data_columns(schema))
    problems = {
        "missing": [c for c in REQUIRED_COLUMNS if c not in header],
        "unknown": sorted({c for c in header if c not in known}),
        "repeated": sorted({c for c in header if header.count(c) > 1}),
    }
    if any(problems.values()):
        raise ActionError("file_columns", _("The header row must name the columns %(required)s "
                                            "and the licence type's data fields, once each.")
                          % {"required": ", ".join(REQUIRED_COLUMNS)},
                          {"field": "file", **problems})


def _read_json_lines(text: str) -> list[Record]:
    records: list[Record] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError:
            value = None
        records.append(value if isinstance(value, dict) else {"": line[:80]})
    return records


# --- checking -----------------------------------------------------------------------------

def _cell(value: Any) -> str:
    if value is None or isinstance(value, dict | list):
        return "" if value is None else json.dumps(value, ensure_ascii=False)
    return str(value).strip()


def _date(record: Record, name: str, errors: list[str]) -> dt.date | None:
    text = _cell(record.get(name))
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        errors.append(f"{name}: " + _("not a date (YYYY-MM-DD)."))
        return None


def _holder_code(kind: str, record: Record, today: dt.date, errors: list[str]) -> str:
    text = _cell(record.get("holder_code"))
    try:
        if kind == HolderKind.PERSON:
            return validate_id_number(text, today)
        return validate_uscc(text)
    except IdentifierError as exc:
        errors.append(f"holder_code: {exc.message}")
        return ""


def _text(record: Record, name: str, limit: int, errors: list[str]) -> str:
    text = _cell(record.get(name))
    if not text:
        errors.append(f"{name}: " + _("Please fill in this field."))
    elif len(text) > limit:
        errors.append(f"{name}: " + _("At most %(limit)d characters.") % {"limit": limit})
    return text


@dataclass
class _Parsed:
    row: int
    code: str
    name: str
    number: str
    data: dict[str, Any]
    issued_on: dt.date | None
    valid_from: dt.date | None
    valid_until: dt.date | None
    errors: list[str]
    index: str = ""  # the blind index of a person's ID number


class _RowChecker:
    """Checks one row on its own: the columns, the dates, the holder's code, the data."""

    def __init__(self, license_type: LicenseType, today: dt.date) -> None:
        self.kind, self.today = license_type.holder_kind, today
        self.schema = license_type.data_schema or {}
        self.columns = data_columns(self.schema)
        self.validator = eforms.validator_for(self.schema)
        self.known = set(BASE_COLUMNS) | set(self.columns)

    def __call__(self, row: int, record: Record) -> _Parsed:
        errors: list[str] = []
        if "" in record:
            errors.append(_("The row is not a JSON object, or has more cells than the header."))
        unknown = sorted(k for k in record if k and k not in self.known)
        if unknown:
            errors.append(_("Unknown fields: %(names)s") % {"names": ", ".join(unknown)})
        code = _holder_code(self.kind, record, self.today, errors)
        name = _text(record, "holder_name", NAME_MAX, errors)
        number = _text(record, "number", NUMBER_MAX, errors)
        issued_on, valid_from, valid_until = self._dates(record, errors)
        data = self._data(record, errors)
        index = crypto.blind_index(code) if code and self.kind == HolderKind.PERSON else ""
        return _Parsed(row, code, name, number, data, issued_on, valid_from, valid_until,
                       errors, index)

    def _dates(self, record: Record,
               errors: list[str]) -> tuple[dt.date | None, dt.date | None, dt.date | None]:
        issued_on = _date(record, "issued_on", errors)
        if issued_on is None and not _cell(record.get("issued_on")):
            errors.append("issued_on: " + _("Please fill in this field."))
        if issued_on is not None and issued_on > self.today:
            errors.append("issued_on: " + _("The day of issue is after today."))
        valid_from = _date(record, "valid_from", errors) or issued_on
        valid_until = _date(record, "valid_until", errors)
        if valid_from and valid_until and valid_until < valid_from:
            errors.append("valid_until: " + _("The end of validity comes before its start."))
        return issued_on, valid_from, valid_until

    def _data(self, record: Record, errors: list[str]) -> dict[str, Any]:
        values = {prop: record.get(column) for column, prop in self.columns.items()}
        data = eforms.coerce(self.schema, values)
        if self.validator.is_valid(data):  # the common case; eforms.clean explains the rest
            return data
        data, problems = eforms.clean(self.schema, values)
        reverse = {prop: column for column, prop in self.columns.items()}
        errors.extend(f"{reverse.get(name, name)}: {message}"
                      for name, message in problems.items())
        return data


def _duplicates(parsed: list[_Parsed]) -> None:
    rows_of: defaultdict[str, list[int]] = defaultdict(list)
    for item in parsed:
        if item.number:
            rows_of[item.number].append(item.row)
    for item in parsed:
        rows = rows_of.get(item.number, [])
        if len(rows) > 1:
            item.errors.append("number: " + _("The same number is on rows %(rows)s.")
                               % {"rows": ", ".join(str(r) for r in rows[:10])})


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), LOOKUP_CHUNK):
        yield values[start:start + LOOKUP_CHUNK]


def _persons(index_of: dict[str, str]) -> dict[str, Person]:
    """ID number → registered Person, found through the blind index (`index_of`: blind index →
    ID number). The number read from the file is set on the (otherwise deferred, encrypted)
    field: its index matched."""
    found: dict[str, Person] = {}
    for chunk in _chunks(list(index_of)):
        for person in Person.objects.filter(id_number_index__in=chunk).only(
                "id", "uid", "name", "id_number_index"):
            person.id_number = index_of[person.id_number_index]
            found[person.id_number] = person
    return found


def _entities(codes: set[str]) -> dict[str, LegalEntity]:
    found: dict[str, LegalEntity] = {}
    for chunk in _chunks(sorted(codes)):
        for entity in LegalEntity.objects.filter(uscc__in=chunk).only("id", "uid", "name",
                                                                      "uscc"):
            found[entity.uscc] = entity
    return found


def _find_holders(kind: str,
                  items: list[_Parsed]) -> dict[str, Person] | dict[str, LegalEntity]:
    if kind == HolderKind.PERSON:
        return _persons({item.index: item.code for item in items if item.index})
    return _entities({item.code for item in items if item.code})


def _holder_errors(kind: str, parsed: list[_Parsed],
                   holders: dict[str, Person | LegalEntity]) -> None:
    unknown = (_("No registered person has this ID number.") if kind == HolderKind.PERSON
               else _("No registered legal entity has this credit code."))
    for item in parsed:
        if not item.code:
            continue
        holder = holders.get(item.code)
        if holder is None:
            item.errors.append(f"holder_code: {unknown}")
        elif item.name and holder.name.strip() != item.name:
            item.errors.append("holder_name: " + _("The name is not the registered holder's."))


def _taken_numbers(license_type: LicenseType, issuer: Any, items: list[_Parsed]) -> set[str]:
    numbers = sorted({item.number for item in items if item.number})
    taken: set[str] = set()
    for chunk in _chunks(numbers):
        taken.update(License.objects.filter(issuer=issuer, license_type=license_type,
                                            number__in=chunk).values_list("number", flat=True))
    return taken


class _Lookups:
    """The holders, and the numbers already issued, looked up one chunk of checked rows at a
    time while the workers check the next chunks (so the queries, and the rows they build,
    no longer wait for the whole file)."""

    def __init__(self, license_type: LicenseType, issuer: Any) -> None:
        self.license_type, self.issuer = license_type, issuer
        self.holders: dict[str, Person | LegalEntity] = {}
        self.taken: set[str] = set()

    def add(self, items: list[_Parsed]) -> None:
        self.holders.update(_find_holders(self.license_type.holder_kind, items))
        self.taken |= _taken_numbers(self.license_type, self.issuer, items)

    def mark(self, parsed: list[_Parsed]) -> None:
        """The rows' errors: unknown holders, other names, numbers issued already."""
        _holder_errors(self.license_type.holder_kind, parsed, self.holders)
        issued = _("A licence with this number was issued already.")
        for item in parsed:
            if item.number in self.taken:
                item.errors.append(f"number: {issued}")


CHECK_CHUNK = 1000
PARALLEL_FROM = 2000  # rows; below, forking workers costs more than it saves

_job: tuple[_RowChecker, list[Record]] | None = None


def _start_check(checker: _RowChecker, records: list[Record]) -> None:
    global _job
    _job = (checker, records)


def _rows(checker: _RowChecker, records: list[Record], bounds: tuple[int, int]) -> list[_Parsed]:
    return [checker(index + 1, records[index]) for index in range(*bounds)]


def _check_range(bounds: tuple[int, int]) -> list[_Parsed]:
    assert _job is not None
    return _rows(*_job, bounds)


def _parse(checker: _RowChecker, records: list[Record], workers: int,
           progress: Progress | None, lookups: _Lookups) -> list[_Parsed]:
    """Each row on its own, in chunks, on forked workers for a large file (pure work: the
    identifiers, the blind index, the data schema; the records reach them by the fork)."""
    total = len(records)
    ranges = [(at, min(at + CHECK_CHUNK, total)) for at in range(0, total, CHECK_CHUNK)]
    pool = (bulk.forked_pool(workers, _start_check, (checker, records))
            if total >= PARALLEL_FROM else None)
    chunks = (pool.imap(_check_range, ranges) if pool is not None
              else (_rows(checker, records, bounds) for bounds in ranges))
    parsed: list[_Parsed] = []
    try:
        for chunk in chunks:
            parsed.extend(chunk)
            lookups.add(chunk)
            if progress:
                progress("check", len(parsed), total)
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    return parsed


def check(license_type: LicenseType, issuer: Any, records: list[Record], today: dt.date,
          progress: Progress | None = None, workers: int = 1) -> Checked:
    """Every row checked on its own, then against the others (numbers repeated in the file),
    the holder registry and the licences already issued. Reads only."""
    lookups = _Lookups(license_type, issuer)
    parsed = _parse(_RowChecker(license_type, today), records, workers, progress, lookups)
    _duplicates(parsed)
    lookups.mark(parsed)
    holders = lookups.holders
    result = Checked()
    for item in parsed:
        if item.errors:
            result.rejected_count += 1
            if len(result.rejected) < MAX_REPORTED:
                result.rejected.append({"row": item.row, "errors": item.errors})
    if not result.rejected_count:
        result.rows = [Row(item.row, holders[item.code], item.number, item.data,
                           item.issued_on, item.valid_from or item.issued_on, item.valid_until)
                       for item in parsed if item.issued_on is not None]
    return result


# --- progress a page can poll ---------------------------------------------------------------

class ProgressBoard:
    """Publishes `LicenseImport.done_rows` while the import's own transaction is still open.

    The licences are written in one transaction, which a poller cannot see into; so the counter
    goes through a second connection in autocommit, where the database lets two writers work at
    once (PostgreSQL; the import's transaction does not lock the LicenseImport row until its
    last statement, so the two never wait for each other). SQLite admits one writer at a time
    and the import's transaction holds it: there the counter moves when the import commits,
    and the command line shows its own progress bar. If the import fails, `do_run_import` sets
    the counter back to 0.
    """

    def __init__(self, imp: LicenseImport, every_seconds: float = 0.5) -> None:
        self.imp_pk, self.every = imp.pk, every_seconds
        self.last = 0.0
        self.conn: Any = None
        if connections[DEFAULT_DB_ALIAS].vendor != "sqlite":
            self.conn = connections.create_connection(DEFAULT_DB_ALIAS)

    def publish(self, done: int) -> None:
        now = time.monotonic()
        if self.conn is None or now - self.last < self.every:
            return
        self.last = now
        table = self.conn.ops.quote_name(LicenseImport._meta.db_table)
        with self.conn.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET done_rows = %s WHERE id = %s",  # noqa: S608
                           [done, self.imp_pk])

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


# --- the background run ---------------------------------------------------------------------

@shared_task(ignore_result=True)
def run_license_import(import_uid: str) -> str:
    """Run a pending import as the staff member who uploaded it; an import already run is left
    alone (idempotent). Registered wherever Django starts: actions imports this module."""
    from jingchu.licenses.actions import do_run_import

    imp = (LicenseImport.objects.select_related("created_by")
           .filter(uid=import_uid, status=ImportStatus.PENDING).first())
    if imp is None:
        return "not pending"
    try:
        imp = do_run_import(imp.created_by, imp)
    except ActionError as exc:  # kept on the import as its report
        return exc.code
    return str(imp.status)
