"""The business-environment part of `jingchu demo`: the default indicator set, the province's
政务服务和大数据管理局 (`hb-zwb`) as the evaluation office, three months of departmental figures
for Hubei's 17 city-level divisions imported through the template (generated deterministically:
each city has its own level, improving a little each month, with a few figures left blank so
that missing values and their sensitivity show), and the three months evaluated.

Idempotent: indicators are matched by code, a month's demo import is made once (known by its
file name), and evaluating a month again replaces it.
"""

from __future__ import annotations

import hashlib
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from jingchu.bizenv import excel, months
from jingchu.bizenv.actions import evaluate, imports, indicators
from jingchu.bizenv.models import Evaluation, EvaluationOffice, ImportBatch, Indicator
from jingchu.core.models import Region

DEMO_MONTHS = 3


def _unit(*parts: str) -> float:
    """A stable number in [0, 1) from the parts (the same on every machine and run)."""
    digest = hashlib.sha256("|".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def city_level(city: Region) -> float:
    """How close to the frontier a city's figures sit on the whole (Wuhan closest)."""
    if city.code == "420100000000":
        return 0.85
    return 0.35 + 0.45 * _unit("level", city.code)


def demo_value(city: Region, indicator: Indicator, month_index: int) -> float | None:
    """The demo figure of one cell (None: left blank). `month_index` counts from the oldest
    demo month (0)."""
    if _unit("blank", city.code, indicator.code, str(month_index)) < 0.04:
        return None
    if indicator.topic.code == "resolving_insolvency" and city.code.startswith("4290"):
        return None  # the directly administered cities report no insolvency figures
    share = city_level(city) + 0.02 * month_index
    share += 0.3 * (_unit("noise", city.code, indicator.code, str(month_index)) - 0.5)
    share = min(1.05, max(-0.05, share))
    value = indicator.worst + (indicator.frontier - indicator.worst) * share
    if indicator.valid_min is not None:
        value = max(indicator.valid_min, value)
    if indicator.valid_max is not None:
        value = min(indicator.valid_max, value)
    return round(value, 2)


def workbook(month: Any, month_index: int) -> bytes:
    """The month's template, filled with the demo figures."""
    used = imports.active_indicators()
    cities = imports.cities()
    book = load_workbook(io.BytesIO(excel.build_template(month, used, cities)))
    sheet = book.worksheets[0]
    for row, city in enumerate(cities, start=excel.HEADER_ROWS + 1):
        for column, indicator in enumerate(used, start=excel.FIRST_COLUMN):
            sheet.cell(row=row, column=column,
                       value=demo_value(city, indicator, month_index))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def load_demo(ctx: Any) -> None:
    # Quiet when run again: nothing is loaded, named or computed that is there already.
    counts = {"created": 0, "updated": 0}
    if not Indicator.objects.exists():
        counts = indicators.do_load_default_indicators(None)
    office = ctx.orgs.get("hb-zwb")
    if office is not None and not EvaluationOffice.objects.filter(organization=office).exists():
        indicators.do_set_office(None, office)
    last = months.previous_month(months.current_month())
    demo_months = [last]
    while len(demo_months) < DEMO_MONTHS:
        demo_months.insert(0, months.previous_month(demo_months[0]))
    for index, month in enumerate(demo_months):
        name = f"demo-{months.label(month)}.xlsx"
        imported = not ImportBatch.objects.filter(month=month, filename=name).exists()
        if imported:
            upload = SimpleUploadedFile(name, workbook(month, index))
            imports.do_import(None, upload)
        if imported or not Evaluation.objects.filter(month=month).exists():
            evaluate.do_evaluate(None, month)
    ctx.report.append(
        f"Business environment: {Indicator.objects.count()} indicators "
        f"({counts['created']} loaded now), "
        f"{len(demo_months)} months evaluated ({months.label(demo_months[0])} to "
        f"{months.label(last)})")
