"""The loader through its actions: CSV in UTF-8 and GBK (declared and detected), Excel, Parquet
and a database table; declared and inferred schemas; the rejects report; a second version beside
the first; the checksum; nothing half-loaded when the writer fails."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from jingchu.core.crypto import sm3
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import AuditEvent
from jingchu.lake import ingest, storage
from jingchu.lake.actions import datasets as actions
from jingchu.lake.choices import JobStatus
from jingchu.lake.models import Dataset, DatasetVersion, IngestJob

pytestmark = pytest.mark.django_db

COLUMNS: list[dict[str, Any]] = [
    {"name": "id_number", "type": "string", "label": "公民身份号码", "required": True,
     "mask": "id_number"},
    {"name": "name", "type": "string", "label": "姓名", "required": True, "mask": "name"},
    {"name": "birth_date", "type": "date", "label": "出生日期"},
    {"name": "months_paid", "type": "integer", "label": "缴费月数"},
    {"name": "amount", "type": "decimal", "label": "金额"},
]
HEADER = "id_number,name,birth_date,months_paid,amount\n"
GOOD = [
    "420102199001020011,张三,1990-01-02,12,100.50",
    "42010219850601002X,李四,1985/6/1,0,",
    "420102200001010033,王五,,36,7",
]
BAD = [
    ",赵六,1990-01-01,1,1",  # line 5: no ID number
    "420102199001020055,钱七,1990-13-01,1.5,abc",  # line 6: three bad values
]


def _file(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _dataset(w: dict[str, Any], code: str = "hb-rst/si-test", columns: Any = COLUMNS,
             **extra: Any) -> Dataset:
    return actions.do_register_dataset(w["users"]["rst"], w["orgs"]["hb-rst"], {
        "code": code, "name": "社保测试", "columns": columns, "key_column": "id_number"
        if columns else ""} | extra)


def _load(w: dict[str, Any], dataset: Dataset, path: Path, **kwargs: Any) -> DatasetVersion:
    job = actions.do_start_load(w["users"]["rst"], dataset, path=path, **kwargs)
    return actions.do_run_load(job)


def _rows(version: DatasetVersion) -> list[tuple[Any, ...]]:
    with duckdb.connect() as con:
        sql = f"SELECT * FROM {storage.parquet_source(version.path)}"  # noqa: S608
        return con.execute(sql).fetchall()


def _rejects(version: DatasetVersion) -> list[dict[str, str]]:
    text = storage.absolute(version.rejects_path).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_utf8_csv_with_declared_schema_casts_and_reports_rejects(lake_world, tmp_path):
    dataset = _dataset(lake_world)
    path = _file(tmp_path, "si.csv", HEADER + "\n".join(GOOD + BAD) + "\n")
    seen: list[str] = []
    job = actions.do_start_load(lake_world["users"]["rst"], dataset, path=path,
                                encoding="utf-8")
    version = actions.do_run_load(job, progress=lambda s, d, t: seen.append(s))
    assert (version.number, version.row_count, version.rejected_count) == (1, 3, 2)
    rows = _rows(version)
    assert rows[0] == ("420102199001020011", "张三", dt.date(1990, 1, 2), 12, Decimal("100.5"))
    assert rows[1] == ("42010219850601002X", "李四", dt.date(1985, 6, 1), 0, None)
    assert rows[2][2] is None and rows[2][3] == 36
    assert version.schema == [{"name": c["name"], "type": c.get("type", "string")}
                              for c in COLUMNS]
    rejects = _rejects(version)
    assert [r["line"] for r in rejects] == ["5", "6"]
    assert rejects[0]["reason"] == "id_number: a value is required" or "id_number" in \
        rejects[0]["reason"]
    assert rejects[1]["name"] == "钱七" and rejects[1]["months_paid"] == "1.5"
    for column in ("birth_date", "months_paid", "amount"):
        assert column in rejects[1]["reason"]
    assert "id_number" not in rejects[1]["reason"]
    assert {"decode", "read", "check", "checksum"} <= set(seen)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.version == version
    assert (job.rows_done, job.rows_total, job.rejected_count) == (5, 5, 2)
    dataset.refresh_from_db()
    assert dataset.current_version == version
    assert AuditEvent.objects.filter(action="lake.load.finish").count() == 1


def test_checksum_is_the_sm3_of_the_file_and_no_temporary_file_stays(lake_world, tmp_path):
    dataset = _dataset(lake_world)
    version = _load(lake_world, dataset, _file(tmp_path, "a.csv", HEADER + GOOD[0] + "\n"))
    data = storage.absolute(version.path).read_bytes()
    assert version.checksum == sm3(data).hex() and len(version.checksum) == 64
    assert version.byte_size == len(data) and version.rejects_path == ""
    folder = storage.absolute(storage.dataset_dir(dataset.code))
    assert sorted(p.name for p in folder.iterdir()) == ["v1.parquet"]
    assert not any(storage.absolute("incoming").glob("*/*"))


@pytest.mark.parametrize("declared", ["gbk", "auto"])
def test_gbk_csv_declared_or_detected(lake_world, tmp_path, declared):
    dataset = _dataset(lake_world)
    text = "公民身份号码,姓名,出生日期\n" + "420102199001020011,张三丰,1990-01-02\n" + \
        "420102199001020022,欧阳娜娜,1990-01-03\n"
    path = _file(tmp_path, "gbk.csv", text, "gbk")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    version = _load(lake_world, dataset, path, encoding=declared)
    rows = _rows(version)
    assert [r[1] for r in rows] == ["张三丰", "欧阳娜娜"]  # matched by the columns' labels
    assert version.details["encoding"] == "gbk"


def test_utf8_detected_and_a_gbk_file_declared_utf8_fails_cleanly(lake_world, tmp_path):
    dataset = _dataset(lake_world)
    version = _load(lake_world, dataset, _file(tmp_path, "u.csv", HEADER + GOOD[0] + "\n"))
    assert version.details["encoding"] == "utf-8"
    bad = _file(tmp_path, "g.csv", HEADER + GOOD[1] + "\n", "gbk")
    job = actions.do_start_load(lake_world["users"]["rst"], dataset, path=bad, encoding="utf-8")
    with pytest.raises(ActionError) as exc:
        actions.do_run_load(job)
    assert exc.value.code == "load_failed" and "UTF-8" in exc.value.message
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "UTF-8" in job.error
    assert dataset.versions.count() == 1


def test_inferred_schema_is_saved_on_the_dataset(lake_world, tmp_path):
    dataset = _dataset(lake_world, "hb-rst/inferred", columns=[])
    text = ("id_number,phone,count,share,day,at,flag,姓名\n"
            "420102199001020011,13800000001,3,1.5,2024-01-02,2024-01-02 10:00:00,true,张三\n"
            "42010219850601002X,13900000002,04,2,2024-02-03,2024-02-03 11:30:00,false,李四\n")
    version = _load(lake_world, dataset, _file(tmp_path, "i.csv", text))
    dataset.refresh_from_db()
    types = {c["name"]: c["type"] for c in dataset.columns}
    assert types == {"id_number": "string", "phone": "string", "count": "string",
                     "share": "decimal", "day": "date", "at": "datetime", "flag": "boolean",
                     "column_8": "string"}
    masks = {c["name"]: c["mask"] for c in dataset.columns}
    assert masks["id_number"] == "id_number" and masks["phone"] == "phone"
    assert masks["column_8"] == "name"  # guessed from its header 姓名
    assert next(c for c in dataset.columns if c["name"] == "column_8")["label"] == "姓名"
    assert version.row_count == 2 and version.rejected_count == 0
    assert _rows(version)[0][4] == dt.date(2024, 1, 2)


def test_excel_workbook_streamed_from_a_named_sheet(lake_world, tmp_path):
    dataset = _dataset(lake_world)
    book = Workbook()
    cover = book.active
    assert cover is not None
    cover.title = "封面"
    sheet = book.create_sheet("数据")
    sheet.append(["id_number", "name", "birth_date", "months_paid", "amount"])
    sheet.append(["420102199001020011", "张三", dt.datetime(1990, 1, 2), 12, 100.5])
    sheet.append([None, None, None, None, None])  # an empty row is skipped
    sheet.append(["420102199001020022", "李四", "not a date", 3.0, 1])
    path = tmp_path / "si.xlsx"
    book.save(path)
    version = _load(lake_world, dataset, path, sheet="数据")
    assert _rows(version) == [("420102199001020011", "张三", dt.date(1990, 1, 2), 12,
                               Decimal("100.5"))]
    assert [(r["line"], re.split("[:：]", r["reason"])[0]) for r in _rejects(version)] == [
        ("4", "birth_date")]
    job = actions.do_start_load(lake_world["users"]["rst"], dataset, path=path, sheet="无此表")
    with pytest.raises(ActionError):
        actions.do_run_load(job)


def test_parquet_source_keeps_its_types_when_inferred(lake_world, tmp_path):
    dataset = _dataset(lake_world, "hb-rst/pq", columns=[])
    path = tmp_path / "x.parquet"
    pq.write_table(pa.table({"code": ["a", "b"], "n": [1, 2],
                             "d": [dt.date(2024, 1, 1), None]}), path)
    version = _load(lake_world, dataset, path)
    dataset.refresh_from_db()
    assert [(c["name"], c["type"]) for c in dataset.columns] == [
        ("code", "string"), ("n", "integer"), ("d", "date")]
    assert _rows(version) == [("a", 1, dt.date(2024, 1, 1)), ("b", 2, None)]


def test_database_table_by_province_stewards_only(lake_world):
    w = lake_world
    dataset = actions.do_register_dataset(w["users"]["dsj"], w["orgs"]["hb-dsj"], {
        "code": "hb-dsj/regions", "name": "行政区划"})
    with pytest.raises(NotPermitted):
        actions.do_start_load(w["users"]["gat"], Dataset.objects.create(
            code="hb-gat/t", name="t", owner=w["orgs"]["hb-gat"]), table="core_region")
    with pytest.raises(ActionError) as exc:
        actions.do_start_load(w["users"]["dsj"], dataset, table="no_such_table")
    assert exc.value.code == "table_unknown"
    with pytest.raises(ActionError):
        actions.do_start_load(w["users"]["dsj"], dataset, table="django_session")
    job = actions.do_start_load(w["users"]["dsj"], dataset, table="core_region")
    version = actions.do_run_load(job)
    from jingchu.core.models import Region

    assert version.row_count == Region.objects.count() > 100
    assert "code" in {c["name"] for c in Dataset.objects.get(pk=dataset.pk).columns}


def test_a_second_load_makes_v2_and_v1_stays_readable(lake_world, tmp_path):
    dataset = _dataset(lake_world)
    v1 = _load(lake_world, dataset, _file(tmp_path, "1.csv", HEADER + GOOD[0] + "\n"))
    v2 = _load(lake_world, dataset, _file(tmp_path, "2.csv", HEADER + "\n".join(GOOD) + "\n"))
    assert (v1.number, v2.number) == (1, 2)
    assert len(_rows(v1)) == 1 and len(_rows(v2)) == 3
    dataset.refresh_from_db()
    assert dataset.current_version == v2
    assert v1.path != v2.path and storage.absolute(v1.path).exists()


def test_a_writer_failing_half_way_leaves_nothing(lake_world, tmp_path, monkeypatch):
    dataset = _dataset(lake_world)
    real = ingest.write_parquet

    def half(con, select, target, report):
        real(con, select + " LIMIT 1", target, report)
        assert target.exists()
        raise duckdb.IOException("disk full")

    monkeypatch.setattr(ingest, "write_parquet", half)
    upload = io.BytesIO((HEADER + "\n".join(GOOD + BAD) + "\n").encode())
    upload.name = "si.csv"
    job = actions.do_start_load(lake_world["users"]["rst"], dataset, upload=upload)
    assert storage.absolute(job.upload_path).exists()
    with pytest.raises(ActionError) as exc:
        actions.do_run_load(job)
    assert "disk full" in exc.value.message
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "disk full" in job.error and job.finished_at
    assert DatasetVersion.objects.count() == 0
    assert Dataset.objects.get(pk=dataset.pk).current_version is None
    files = [p for p in storage.lake_dir().rglob("*") if p.is_file()]
    assert files == []
    with pytest.raises(ActionError) as again:
        actions.do_run_load(job)  # a failed job is not run again
    assert again.value.code == "job_state"


def test_a_finished_job_answers_its_version_again(lake_world, tmp_path):
    dataset = _dataset(lake_world)
    job = actions.do_start_load(lake_world["users"]["rst"], dataset,
                                path=_file(tmp_path, "a.csv", HEADER + GOOD[0] + "\n"))
    first = actions.do_run_load(job)
    assert actions.do_run_load(IngestJob.objects.get(pk=job.pk)) == first
    assert DatasetVersion.objects.count() == 1


def test_a_missing_required_column_fails_the_whole_load(lake_world, tmp_path):
    dataset = _dataset(lake_world)
    job = actions.do_start_load(lake_world["users"]["rst"], dataset,
                                path=_file(tmp_path, "a.csv", "name,amount\n张三,1\n"))
    with pytest.raises(ActionError) as exc:
        actions.do_run_load(job)
    assert "id_number" in exc.value.message
    assert DatasetVersion.objects.count() == 0
