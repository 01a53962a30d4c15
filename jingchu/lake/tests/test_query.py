"""The lake's read helpers: a masked preview of any version, one record by key (JSON-ready),
counts, and the refusals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from jingchu.core.errors import ActionError
from jingchu.lake import query
from jingchu.lake.choices import DatasetStatus

pytestmark = pytest.mark.django_db

COLUMNS: list[dict[str, Any]] = [
    {"name": "id_number", "type": "string", "mask": "id_number"},
    {"name": "name", "type": "string", "mask": "name"},
    {"name": "phone", "type": "string", "mask": "phone"},
    {"name": "born", "type": "date"}, {"name": "n", "type": "integer"}]
ROWS: list[dict[str, Any]] = [
    {"id_number": "420102199001020011", "name": "张三", "phone": "13912345678",
     "born": dt.date(1990, 1, 2), "n": 3},
    {"id_number": "42010219850601002X", "name": "欧阳娜娜", "phone": None,
     "born": None, "n": None}]


def test_preview_masks_personal_data_and_pages(lake_world, put_dataset):
    dataset = put_dataset(lake_world["orgs"]["hb-gat"], "hb-gat/p", ROWS, COLUMNS)
    columns, rows = query.preview(dataset.current_version)
    assert columns == ["id_number", "name", "phone", "born", "n"]
    assert rows[0] == ["420102********0011", "张*", "139****5678", "1990-01-02", 3]
    assert rows[1] == ["420102********002X", "欧***", None, None, None]
    assert query.preview(dataset.current_version, limit=1, offset=1)[1] == [rows[1]]
    assert query.count(dataset.current_version) == 2


def test_older_versions_stay_readable(lake_world, put_dataset):
    org = lake_world["orgs"]["hb-gat"]
    put_dataset(org, "hb-gat/p", ROWS[:1], COLUMNS)
    dataset = put_dataset(org, "hb-gat/p", ROWS, COLUMNS)
    v1 = dataset.versions.get(number=1)
    assert query.count(v1) == 1 and query.count(dataset.current_version) == 2
    assert "read_parquet(" in query.source(v1) and "v1.parquet" in query.source(v1)


def test_lookup_answers_json_ready_values_unmasked(lake_world, put_dataset):
    columns = [*COLUMNS, {"name": "amount", "type": "decimal"}]
    rows = [r | {"amount": 12.5} for r in ROWS]
    put_dataset(lake_world["orgs"]["hb-gat"], "hb-gat/p", rows, columns, key_column="id_number")
    found = query.lookup("hb-gat/p", "id_number", "420102199001020011",
                         ["name", "born", "n", "phone", "amount"])
    assert found == {"name": "张三", "born": "1990-01-02", "n": 3, "phone": "13912345678",
                     "amount": 12.5}
    assert query.lookup("hb-gat/p", "id_number", "nobody", ["name"]) is None
    assert query.json_ready(Decimal("12.5000")) == "12.5"
    with pytest.raises(ActionError) as exc:
        query.lookup("hb-gat/p", "id_number", "x", ["salary"])
    assert exc.value.code == "unknown_field" and exc.value.details["fields"] == ["salary"]


def test_lookup_of_a_dataset_without_a_version_is_unavailable(lake_world, put_dataset):
    with pytest.raises(query.Unavailable):
        query.lookup("hb-gat/none", "id_number", "x", ["name"])
    dataset = put_dataset(lake_world["orgs"]["hb-gat"], "hb-gat/p", ROWS, COLUMNS)
    dataset.status = DatasetStatus.RETIRED
    dataset.save()
    with pytest.raises(query.Unavailable) as exc:
        query.lookup("hb-gat/p", "id_number", "x", ["name"])
    assert exc.value.status == 409
