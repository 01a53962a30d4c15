"""The Excel export of a KPI's page: same checks as the page, and cells that equal the figures
computed by hand, as numbers with number formats."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from jingchu.cockpit.tests.conftest import PROVINCE, WUHAN, XIANGYANG, YICHANG, Store

RATE = "cases.on_time_rate"
MAY = dt.date(2026, 5, 10)
APRIL = dt.date(2026, 4, 10)


@pytest.fixture
def stored(people: dict[str, Any], rollup: Store) -> dict[str, Any]:
    rollup(RATE, MAY, [("wh-scjg", 8, 10), ("yc-scjg", 1, 2)])
    rollup(RATE, APRIL, [("wh-scjg", 1, 2)])
    return people


def export(client: Client, code: str = RATE, **params: str) -> Any:
    return client.get(reverse("cockpit:export", args=[code]), params)


def by_label(ws: Worksheet) -> dict[str, Any]:
    return {str(r[0].value): r[1] for r in ws.iter_rows(max_col=2) if r[0].value}


def test_checks_like_the_page(client: Client, stored: dict[str, Any]) -> None:
    assert export(client).status_code == 302  # to sign in
    client.force_login(stored["wh_clerk"])
    assert export(client).status_code == 403
    client.force_login(stored["xy_leader"])
    assert export(client, region=WUHAN).status_code == 403
    assert export(client, region=XIANGYANG).status_code == 200
    client.force_login(stored["hb_leader"])
    assert export(client, "no.such").status_code == 404
    assert export(client, region="429999999999").status_code == 404
    bad = export(client, period="2026-5")
    assert bad.status_code == 400 and bad.content.decode().strip()


def test_workbook_holds_the_hand_computed_figures(client: Client,
                                                  stored: dict[str, Any]) -> None:
    client.force_login(stored["hb_leader"])
    response = export(client, region=PROVINCE, period="2026-05")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert response["Content-Disposition"] == (
        f'attachment; filename="cockpit-{RATE}-{PROVINCE}-2026-05.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    summary, drill, history = book.worksheets
    assert len(book.worksheets) == 3

    cells = list(summary.iter_rows(max_col=3))
    assert cells[1][1].value == RATE
    value = cells[8][1]
    assert value.value == pytest.approx(0.75) and "%" in value.number_format
    previous, year_ago = cells[9], cells[10]
    assert previous[1].value == pytest.approx(0.5)
    assert previous[2].value == pytest.approx(25.0)  # percentage points
    assert year_ago[1].value is None and year_ago[2].value is None
    assert "湖北省" in str(cells[6][1].value) and PROVINCE in str(cells[6][1].value)

    rows = {r[1].value: r for r in drill.iter_rows(min_row=2) if r[1].value}
    assert len(rows) == 17
    wuhan, yichang = rows[WUHAN], rows[YICHANG]
    assert [c.value for c in wuhan[2:7]] == [pytest.approx(0.8), pytest.approx(0.5),
                                            pytest.approx(30.0), 8, 10]
    assert wuhan[2].number_format == "0.0%" and wuhan[0].value == "武汉市"
    assert yichang[2].value == pytest.approx(0.5) and yichang[3].value is None
    assert rows[XIANGYANG][2].value is None

    days = {_day(r[0].value): r[1].value for r in history.iter_rows(min_row=2, max_col=2)
            if r[0].value}
    assert len(days) == 31 and days[MAY] == pytest.approx(0.75)
    months = {_day(r[0].value): r[1].value for r in history.iter_rows(min_row=2, min_col=4,
                                                                      max_col=5) if r[0].value}
    assert len(months) == 12
    assert months[dt.date(2026, 5, 1)] == pytest.approx(0.75)
    assert months[dt.date(2026, 4, 1)] == pytest.approx(0.5)


def _day(value: object) -> dt.date:
    assert isinstance(value, dt.datetime)
    return value.date()


def test_organization_names_stay_text(client: Client, stored: dict[str, Any],
                                      demo_orgs: dict[str, Any], rollup: Store) -> None:
    org = demo_orgs["wh-ja-scjg"]
    org.name = "=HYPERLINK(\"http://example.invalid\")"
    org.save(update_fields=["name"])
    rollup("cases.submitted", MAY, [("wh-ja-scjg", 4, 0)])
    client.force_login(stored["hb_leader"])
    response = export(client, "cases.submitted", region="420102000000", period="2026-05")
    drill = load_workbook(io.BytesIO(response.content)).worksheets[1]
    cell = drill.cell(row=2, column=1)
    assert cell.data_type == "s" and cell.value == org.name
    assert drill.cell(row=2, column=6).value == 4
    assert drill.cell(row=1, column=7).value is None  # a count has no denominator column
