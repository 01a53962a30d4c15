"""A KPI's page as an Excel workbook: the summary (definition, target, 环比 and 同比), the
drill-down one level down and the history (the period's days and the last 12 months).

Figures are written as numbers with number formats (a rate as a fraction shown as a percentage),
so that the sheet can be computed on; text never becomes a formula. The workbook holds aggregate
figures only, no personal data, and writes no state, so it needs no audit event.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from jingchu.cockpit import catalog, permissions, rollups
from jingchu.cockpit.views.pages import (
    Change,
    KpiReport,
    kpi_report,
    region_from,
    require,
    span_from,
    unit_labels,
)
from jingchu.core.errors import ActionError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)
DATE = "yyyy-mm-dd"
MONTH = "yyyy-mm"
WHOLE = "#,##0"
DECIMAL = "#,##0.0#"
RELATIVE = "+0.0%;-0.0%;0.0%"


def value_format(unit: str) -> str:
    """How a KPI's value shows: a rate (kept as a fraction) as a percentage."""
    return {"rate": "0.0%", "count": WHOLE}.get(unit, "#,##0.00")


def points_format() -> str:
    suffix = _("pp").replace('"', "")
    return f'+0.0" {suffix}";-0.0" {suffix}";0.0" {suffix}"'


def _put(ws: Worksheet, row: int, column: int, value: Any, number_format: str = "") -> None:
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # a name starting with "=" stays text, never a formula
    else:
        cell.value = value
    if number_format and value is not None:
        cell.number_format = number_format


def _change(ws: Worksheet, row: int, column: int, change: Change | None) -> None:
    """A rate's change in percentage points; another figure's relative change in per cent."""
    if change is None:
        return
    if change.points:
        _put(ws, row, column, round(change.amount, 4), points_format())
    else:
        _put(ws, row, column, round(change.amount / 100, 6), RELATIVE)


def _span_text(start: dt.date, end: dt.date) -> str:
    return f"{start.isoformat()} – {end.isoformat()}"


def _summary(ws: Worksheet, report: KpiReport) -> None:
    spec, unit = report.spec, report.spec.unit
    fmt = value_format(unit)
    period = report.span.period
    as_of = rollups.last_refreshed()
    when = _span_text(period.start, period.end)
    lines: list[tuple[str, Any, str]] = [
        (_("Indicator"), str(spec.name), ""), (_("Code"), spec.code, ""),
        (_("Definition"), str(spec.definition), ""), (_("Source"), spec.source, ""),
        (_("Unit"), str(unit_labels(spec)["unit"]), ""),
        (_("Target"), spec.target, fmt),
        (_("Region"), f"{report.region.name} ({report.region.code})", ""),
        (_("Reporting period"), f"{report.span.label} ({when})", ""),
        (_("Value"), report.figure.value, fmt),
    ]
    for compared in (report.previous, report.year_ago):
        its_span = _span_text(compared.period.start, compared.period.end)
        lines.append((f"{compared.label} ({its_span})", compared.figure.value, fmt))
    if spec.snapshot:
        lines.append((_("Snapshot"), _("Over a period, the latest day's value."), ""))
    lines.append((_("Figures as of"), timezone.localtime(as_of).strftime("%Y-%m-%d %H:%M")
                   if as_of else "", ""))
    for index, (label, value, number_format) in enumerate(lines, start=1):
        _put(ws, index, 1, label)
        ws.cell(row=index, column=1).font = BOLD
        _put(ws, index, 2, value, number_format)
    # The changes sit beside the two comparisons (rows 10 and 11).
    _put(ws, 9, 3, _("Change to this period"))
    ws.cell(row=9, column=3).font = BOLD
    _change(ws, 10, 3, report.previous.change)
    _change(ws, 11, 3, report.year_ago.change)
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 60
    ws.column_dimensions["C"].width = 16
    for row in ws.iter_rows(min_col=2, max_col=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")


def _drilldown(ws: Worksheet, report: KpiReport) -> None:
    unit = report.spec.unit
    labels = unit_labels(report.spec)
    parts = WHOLE if unit in ("rate", "count") else DECIMAL
    header = [_("Name"), _("Region code"), _("This period"), _("Previous period"),
              _("Change on the period before"),
              str(labels["numerator"])]
    if labels["denominator"] is not None:
        header.append(str(labels["denominator"]))
    for column, text in enumerate(header, start=1):
        _put(ws, 1, column, text)
        ws.cell(row=1, column=column).font = BOLD
    for index, row in enumerate(report.rows, start=2):
        _put(ws, index, 1, row.name)
        _put(ws, index, 2, row.region.code if row.region else "")
        _put(ws, index, 3, row.figure.value, value_format(unit))
        _put(ws, index, 4, row.before.value if row.before else None, value_format(unit))
        _change(ws, index, 5, row.change)
        _put(ws, index, 6, row.figure.numerator, parts)
        if labels["denominator"] is not None:
            _put(ws, index, 7, row.figure.denominator, WHOLE)
    ws.freeze_panes = "A2"
    ws.column_dimensions["A"].width = 36
    ws.column_dimensions["B"].width = 16
    for letter in "CDEFG":
        ws.column_dimensions[letter].width = 14


def _history(ws: Worksheet, report: KpiReport) -> None:
    fmt = value_format(report.spec.unit)
    for column, text in ((1, _("Day")), (2, _("Value")), (4, _("Month")), (5, _("Value"))):
        _put(ws, 1, column, text)
        ws.cell(row=1, column=column).font = BOLD
    for index, (day, value) in enumerate(report.days, start=2):
        _put(ws, index, 1, day, DATE)
        _put(ws, index, 2, value, fmt)
    for index, (month, value) in enumerate(report.months, start=2):
        _put(ws, index, 4, month, MONTH)
        _put(ws, index, 5, value, fmt)
    ws.freeze_panes = "A2"
    for letter in "ABDE":
        ws.column_dimensions[letter].width = 14


def workbook(report: KpiReport) -> bytes:
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = _("Summary")
    _summary(summary, report)
    _drilldown(book.create_sheet(_("Drill-down")), report)
    _history(book.create_sheet(_("History")), report)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@login_required
@require_GET
def kpi_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    require(permissions.can_use_cockpit(request.user))
    spec = catalog.spec_or_404(code)
    region = region_from(request)
    try:
        span = span_from(request)
    except ActionError as exc:
        return HttpResponseBadRequest(exc.message, content_type="text/plain; charset=utf-8")
    response = HttpResponse(workbook(kpi_report(spec, region, span)), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="cockpit-{spec.code}-{region.code}-{span.key}.xlsx"')
    return response
