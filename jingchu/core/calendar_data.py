"""Loading the working-day calendar from CSV files (`data/calendar/YYYY.csv`).

Each file starts with `# key: value` lines (year, status published|provisional, source), then
`date,kind,name` rows with kind `holiday` or `makeup` (a weekend day that is a working day, 调休).
Loading a year replaces that year's rows whole, in one transaction.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from jingchu.core.choices import DayKind
from jingchu.core.models import CalendarDay, CalendarYear


class CalendarFileError(ValueError):
    pass


@dataclass(frozen=True)
class CalendarFile:
    year: int
    provisional: bool
    source: str
    days: list[tuple[dt.date, str, str]]


def parse(text: str) -> CalendarFile:
    meta: dict[str, str] = {}
    body = []
    for line in text.splitlines():
        if line.startswith("#"):
            key, _sep, value = line[1:].partition(":")
            meta[key.strip()] = value.strip()
        elif line.strip():
            body.append(line)
    try:
        year = int(meta["year"])
    except (KeyError, ValueError):
        raise CalendarFileError("the file must start with '# year: YYYY'") from None
    status = meta.get("status", "provisional")
    if status not in {"published", "provisional"}:
        raise CalendarFileError(f"status must be published or provisional, not {status!r}")
    days = []
    for number, row in enumerate(csv.DictReader(io.StringIO("\n".join(body))), start=2):
        try:
            day = dt.date.fromisoformat(row["date"])
        except (KeyError, ValueError, TypeError):
            raise CalendarFileError(f"row {number}: bad date {row.get('date')!r}") from None
        kind = row.get("kind", "")
        if kind not in DayKind.values:
            raise CalendarFileError(f"row {number}: kind must be holiday or makeup, not {kind!r}")
        if day.year != year:
            raise CalendarFileError(f"row {number}: {day} is not in {year}")
        if kind == DayKind.MAKEUP_WORKDAY and day.weekday() < 5:
            raise CalendarFileError(f"row {number}: a make-up working day must be a weekend day")
        days.append((day, kind, row.get("name", "") or ""))
    return CalendarFile(year, status == "provisional", meta.get("source", ""), days)


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
