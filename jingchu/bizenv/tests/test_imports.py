"""The monthly Excel template and its import: every problem reported with its row and column,
nothing written on any error; an accepted import records who, when and what."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from jingchu.bizenv.actions.imports import do_import
from jingchu.bizenv.models import ImportBatch, ImportedValue
from jingchu.bizenv.tests.conftest import MAY, WUHAN, YICHANG, login, put
from jingchu.core.errors import ActionError, NotPermitted

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template(client: Any, month: str = "2026-05") -> Any:
    response = client.get(reverse("bizenv:template"), {"month": month})
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(response.content))


def upload(book: Any, name: str = "bizenv.xlsx") -> SimpleUploadedFile:
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type=XLSX)


def rows_by_city(sheet: Any) -> dict[str, int]:
    return {str(sheet.cell(row=r, column=1).value): r for r in range(6, sheet.max_row + 1)}


def test_template_lists_cities_and_indicators(client: Any, small_set: Any,
                                              people: dict[str, Any]) -> None:
    put(MAY, {(WUHAN, "t1.i1"): 4.5})
    sheet = template(login(client, people["manager"])).worksheets[0]
    assert [c.value for c in sheet[1]][:2] == ["month", "2026-05"]
    assert [c.value for c in sheet[2]] == ["region_code", "region_name", "t1.i1", "t1.i2",
                                            "t2.i3"]
    assert [c.value for c in sheet[4]][2:] == ["天", "%", "个"]
    cities = rows_by_city(sheet)
    assert len(cities) == 17
    assert sheet.cell(row=cities[WUHAN], column=3).value == 4.5  # filled with what is there


def test_every_problem_reported_and_nothing_written(client: Any, small_set: Any,
                                                    people: dict[str, Any]) -> None:
    book = template(login(client, people["manager"]))
    sheet = book.worksheets[0]
    cities = rows_by_city(sheet)
    sheet.cell(row=cities[WUHAN], column=3, value=2)  # fine, but the file is refused whole
    sheet.cell(row=cities[WUHAN], column=4, value="abc")  # D: not a number
    sheet.cell(row=cities[YICHANG], column=3, value=150)  # C: outside 0–100
    sheet.cell(row=2, column=5, value="no.such.code")  # E2: unknown indicator
    sheet.cell(row=cities[YICHANG], column=1, value="429999000000")  # unknown city
    with pytest.raises(ActionError) as caught:
        do_import(people["manager"], upload(book))
    problems = caught.value.details["problems"]
    where = {(p["row"], p["column"]) for p in problems}
    assert where == {(cities[WUHAN], "D"), (cities[YICHANG], "C"), (2, "E"),
                     (cities[YICHANG], "A")}
    assert caught.value.code == "import_invalid"
    assert not ImportBatch.objects.exists() and not ImportedValue.objects.exists()

    response = client.post(reverse("bizenv:imports"), {"file": upload(book)})
    assert response.status_code == 400
    body = response.content.decode()
    assert "no.such.code" in body and "429999000000" in body
    assert not ImportedValue.objects.exists()


def test_not_a_workbook(small_set: Any, people: dict[str, Any]) -> None:
    with pytest.raises(ActionError) as caught:
        do_import(people["manager"], SimpleUploadedFile("a.xlsx", b"city,value\n"))
    assert caught.value.details["problems"][0]["row"] is None


def test_accepted_import_records_the_batch(client: Any, small_set: Any,
                                           people: dict[str, Any]) -> None:
    book = template(login(client, people["manager"]))
    sheet = book.worksheets[0]
    cities = rows_by_city(sheet)
    sheet.cell(row=cities[WUHAN], column=3, value=2)
    sheet.cell(row=cities[WUHAN], column=4, value="95.5")
    sheet.cell(row=cities[YICHANG], column=5, value=3)
    response = client.post(reverse("bizenv:imports"), {"file": upload(book, "五月.xlsx")})
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert (batch.uploaded_by, batch.filename, batch.values, batch.cities) == (
        people["manager"], "五月.xlsx", 3, 2)
    assert f"{batch.month:%Y-%m}" == "2026-05"
    assert ImportedValue.objects.get(region__code=WUHAN, indicator__code="t1.i2").value == 95.5
    # a second import of the same month replaces the cells it gives
    sheet.cell(row=cities[WUHAN], column=3, value=3)
    do_import(people["manager"], upload(book))
    assert ImportedValue.objects.get(region__code=WUHAN, indicator__code="t1.i1").value == 3
    assert ImportedValue.objects.count() == 3


def test_only_the_office_imports(client: Any, small_set: Any, people: dict[str, Any]) -> None:
    login(client, people["wh_leader"])
    assert client.get(reverse("bizenv:imports")).status_code == 403
    assert client.get(reverse("bizenv:template"), {"month": "2026-05"}).status_code == 403
    with pytest.raises(NotPermitted):
        do_import(people["hb_auditor"], SimpleUploadedFile("a.xlsx", b"PK\x03\x04"))
