"""The monthly import template (an Excel workbook) and the validation of an uploaded one.

Layout of the sheet:
- row 1: `month` and the month as YYYY-MM;
- row 2: `region_code`, `region_name`, then one indicator code per column;
- rows 3–5: the indicators' names, units and valid ranges (for people; not read back);
- from row 6: one city per row, its 12-digit division code, its name, and the figures.

A blank cell means "no figure"; every other cell must be a number within the indicator's valid
range. `parse` reads everything and reports every problem at once with its row and column.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from jingchu.bizenv import months
from jingchu.bizenv.models import ImportedValue, Indicator
from jingchu.core.errors import ActionError
from jingchu.core.models import Region

HEADER_ROWS = 5
FIRST_COLUMN = 3  # C: the first indicator column
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 500
XLSX_MAGIC = b"PK\x03\x04"


@dataclass
class Problem:
    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Parsed:
    month: dt.date | None = None
    values: list[tuple[Region, Indicator, float]] = field(default_factory=list)
    cities: set[int] = field(default_factory=set)
    codes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _range_text(indicator: Indicator) -> str:
    low = "" if indicator.valid_min is None else f"{indicator.valid_min:g}"
    high = "" if indicator.valid_max is None else f"{indicator.valid_max:g}"
    return f"{low}–{high}" if low or high else ""


def build_template(month: dt.date, indicators: list[Indicator], cities: list[Region]) -> bytes:
    """The workbook for a month, filled with the figures already imported for it."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = months.label(month)
    bold = Font(bold=True)
    grey = PatternFill("solid", fgColor="EEEEEE")
    sheet.append(["month", months.label(month)])
    sheet.append(["region_code", "region_name", *[i.code for i in indicators]])
    sheet.append([_("Indicator"), "", *[f"{i.topic.name} · {i.name}" for i in indicators]])
    sheet.append([_("Unit"), "", *[i.unit for i in indicators]])
    sheet.append([_("Valid range"), "", *[_range_text(i) for i in indicators]])
    existing = {(r.region_id, r.indicator_id): r.value
                for r in ImportedValue.objects.filter(month=month)}
    for city in cities:
        sheet.append([city.code, city.name,
                      *[existing.get((city.pk, i.pk)) for i in indicators]])
    for row in sheet.iter_rows(min_row=1, max_row=HEADER_ROWS):
        for cell in row:
            cell.font = bold
            cell.fill = grey
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 14
    for index in range(len(indicators)):
        sheet.column_dimensions[get_column_letter(FIRST_COLUMN + index)].width = 18
    sheet.freeze_panes = "C6"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _number(raw: object) -> float | None:
    """A cell's number, or None when it is not one (booleans are not numbers)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        value = float(raw)
    elif isinstance(raw, str):
        try:
            value = float(raw.strip().replace(",", ""))
        except ValueError:
            return None
    else:
        return None
    return value if math.isfinite(value) else None


def _header(rows: list[tuple[Any, ...]], parsed: Parsed,
            known: dict[str, Indicator]) -> dict[int, Indicator]:
    """Check the month and code rows; answer the indicator of each column index."""
    first = rows[0] if rows else ()
    if len(first) < 2 or str(first[0] or "").strip() != "month":
        parsed.problems.append(Problem(1, "A", _("Cell A1 must read “month”.")))
    else:
        try:
            parsed.month = months.parse_month(first[1])
        except ActionError:
            parsed.problems.append(Problem(1, "B", _("The month must be given as YYYY-MM.")))
    codes = rows[1] if len(rows) > 1 else ()
    if len(codes) < 2 or str(codes[0] or "").strip() != "region_code":
        parsed.problems.append(Problem(2, "A", _("Cell A2 must read “region_code”.")))
    columns: dict[int, Indicator] = {}
    seen: set[str] = set()
    for index in range(FIRST_COLUMN - 1, len(codes)):
        code = str(codes[index] or "").strip()
        letter = get_column_letter(index + 1)
        if not code:
            continue
        if code in seen:
            parsed.problems.append(Problem(2, letter, _("Indicator %(code)s appears twice.")
                                           % {"code": code}))
        elif code not in known:
            parsed.problems.append(Problem(2, letter, _("Unknown indicator code %(code)s.")
                                           % {"code": code}))
        else:
            columns[index] = known[code]
            parsed.codes.append(code)
        seen.add(code)
    return columns


def _cell(raw: object, indicator: Indicator, row: int, letter: str) -> tuple[float | None,
                                                                              Problem | None]:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    value = _number(raw)
    if value is None:
        return None, Problem(row, letter, _("“%(raw)s” is not a number.") % {"raw": raw})
    low, high = indicator.valid_min, indicator.valid_max
    if (low is not None and value < low) or (high is not None and value > high):
        return None, Problem(row, letter, _("%(value)s is outside the valid range %(range)s of "
                                            "%(code)s.") % {"value": f"{value:g}",
                                                            "range": _range_text(indicator),
                                                            "code": indicator.code})
    return value, None


def _body(rows: list[tuple[Any, ...]], parsed: Parsed, columns: dict[int, Indicator],
          cities: dict[str, Region]) -> None:
    seen: set[str] = set()
    for number, cells in enumerate(rows[HEADER_ROWS:], start=HEADER_ROWS + 1):
        if not any(c is not None and str(c).strip() for c in cells):
            continue
        code = str(cells[0] if cells else "").strip()
        city = cities.get(code)
        if city is None:
            parsed.problems.append(Problem(number, "A", _("Unknown city code “%(code)s”.")
                                           % {"code": code}))
        elif code in seen:
            parsed.problems.append(Problem(number, "A", _("City %(code)s appears twice.")
                                           % {"code": code}))
        seen.add(code)
        for index, indicator in columns.items():
            raw = cells[index] if index < len(cells) else None
            value, problem = _cell(raw, indicator, number, get_column_letter(index + 1))
            if problem is not None:
                parsed.problems.append(problem)
            elif value is not None and city is not None:
                parsed.values.append((city, indicator, value))
                parsed.cities.add(city.pk)


def parse(content: bytes, indicators: list[Indicator], cities: list[Region]) -> Parsed:
    """Read an uploaded workbook; every problem is in `problems` (nothing is written here)."""
    parsed = Parsed()
    if not content.startswith(XLSX_MAGIC):
        parsed.problems.append(Problem(None, None, _("The file is not an Excel workbook (.xlsx).")))
        return parsed
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = [tuple(r) for r in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 1)]
    except Exception:  # a damaged or foreign zip file: one problem, not a server error
        parsed.problems.append(Problem(None, None, _("The workbook cannot be read.")))
        return parsed
    if len(rows) > MAX_ROWS:
        parsed.problems.append(Problem(None, None, _("The sheet has more than %(n)d rows.")
                                       % {"n": MAX_ROWS}))
        return parsed
    columns = _header(rows, parsed, {i.code: i for i in indicators})
    _body(rows, parsed, columns, {c.code: c for c in cities})
    if not parsed.problems and not parsed.values:
        parsed.problems.append(Problem(None, None, _("The workbook holds no figures.")))
    return parsed
