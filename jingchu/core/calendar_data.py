"""Loading the working-day calendar from CSV files (`data/calendar/YYYY.csv`).

Each file starts with `# key: value` lines (year, status published|provisional, source), then
`date,kind,name` rows with kind `holiday` or `makeup` (a weekend day that is a working day, 调休).
Loading a year replaces that year's rows whole, in one transaction.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from jingchu.core.choices import DayKind
from jingchu.core.models import CalendarDay, CalendarYear

SOURCE_MAX = CalendarYear._meta.get_field("source").max_length or 200


class CalendarFileError(ValueError):
    pass


@dataclass(frozen=True)
class CalendarFile:
    year: int
    provisional: bool
    source: str
    days: list[tuple[dt.date, str, str]]


def parse(text: str) -> CalendarFile:
    """Parse one year's file; every error names the file line it found the problem on."""
    meta: dict[str, str] = {}
    body: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#"):
            key, _sep, value = line[1:].partition(":")
            meta[key.strip()] = value.strip()
        elif line.strip():
            body.append((number, line))
    try:
        year = int(meta["year"])
    except (KeyError, ValueError):
        raise CalendarFileError("the file must start with '# year: YYYY'") from None
    status = meta.get("status", "provisional")
    if status not in {"published", "provisional"}:
        raise CalendarFileError(f"status must be published or provisional, not {status!r}")
    if not body:
        raise CalendarFileError("the 'date,kind,name' header line is missing")
    header = next(csv.reader([body[0][1]]))
    if [h.strip() for h in header[:2]] != ["date", "kind"]:
        raise CalendarFileError(f"line {body[0][0]}: the header must be 'date,kind,name'")
    days: list[tuple[dt.date, str, str]] = []
    seen: set[dt.date] = set()
    for number, line in body[1:]:
        day, kind, name = _parse_row(number, line, year)
        if day in seen:
            raise CalendarFileError(f"line {number}: {day} is listed twice")
        seen.add(day)
        days.append((day, kind, name))
    source = meta.get("source", "")
    if len(source) > SOURCE_MAX:
        raise CalendarFileError(f"the source line is longer than {SOURCE_MAX} characters")
    return CalendarFile(year, status == "provisional", source, days)


def _parse_row(number: int, line: str, year: int) -> tuple[dt.date, str, str]:
    cells = [cell.strip() for cell in next(csv.reader([line]))] + ["", ""]
    try:
        day = dt.date.fromisoformat(cells[0])
    except ValueError:
        raise CalendarFileError(f"line {number}: bad date {cells[0]!r}") from None
    kind = cells[1]
    if kind not in DayKind.values:
        raise CalendarFileError(f"line {number}: kind must be holiday or makeup, not {kind!r}")
    if day.year != year:
        raise CalendarFileError(f"line {number}: {day} is not in {year}")
    if kind == DayKind.MAKEUP_WORKDAY and day.weekday() < 5:
        raise CalendarFileError(
            f"line {number}: a make-up working day must be a Saturday or Sunday, {day} is not"
        )
    return day, kind, cells[2]


@transaction.atomic
def load_year(parsed: CalendarFile) -> int:
    CalendarDay.objects.filter(date__year=parsed.year).delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(date=day, kind=kind, name=name) for day, kind, name in parsed.days
    )
    CalendarYear.objects.update_or_create(
        year=parsed.year, defaults={"provisional": parsed.provisional, "source": parsed.source}
    )
    from jingchu.core.calendar import clear_cache

    transaction.on_commit(clear_cache)
    clear_cache()
    return len(parsed.days)


def load_calendar_files(folder: Path | None = None) -> int:
    folder = folder or Path(settings.DATA_DIR) / "calendar"
    total = 0
    for path in sorted(folder.glob("*.csv")):
        total += load_year(parse(path.read_text(encoding="utf-8")))
    return total
