"""Registering, updating and retiring datasets: each bad input refused with its code and nothing
written; the permission checks; audit events."""

from __future__ import annotations

import pytest

from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import AuditEvent
from jingchu.lake.actions import datasets as actions
from jingchu.lake.choices import DatasetStatus
from jingchu.lake.models import Dataset, IngestJob

pytestmark = pytest.mark.django_db

GOOD = {"code": "hb-gat/people", "name": "人口", "key_column": "id_number",
        "columns": [{"name": "id_number", "type": "string", "required": True,
                     "mask": "id_number"}, {"name": "born", "type": "date"}]}


def counts() -> tuple[int, int]:
    return Dataset.objects.count(), AuditEvent.objects.count()


@pytest.mark.parametrize(("change", "code"), [
    ({"code": "HB GAT/people"}, "code_invalid"),
    ({"code": "hb-gat"}, "code_invalid"),
    ({"code": "hb-gat/people/x"}, "code_invalid"),
    ({"name": ""}, "name_required"),
    ({"columns": [{"name": "ID", "type": "string"}]}, "column_name_invalid"),
    ({"columns": [{"name": "1st", "type": "string"}]}, "column_name_invalid"),
    ({"columns": [{"name": "a", "type": "text"}]}, "column_type_invalid"),
    ({"columns": [{"name": "a", "mask": "secret"}]}, "column_mask_invalid"),
    ({"columns": [{"name": "a"}, {"name": "a"}]}, "column_name_duplicate"),
    ({"columns": "a,b"}, "columns_invalid"),
    ({"key_column": "nope"}, "key_column_unknown"),
    ({"update_frequency": "hourly"}, "update_frequency_invalid"),
    ({"audit_threshold": 101}, "audit_threshold_invalid"),
])
def test_bad_input_is_refused_and_writes_nothing(lake_world, change, code):
    w = lake_world
    before = counts()
    with pytest.raises(ActionError) as exc:
        actions.do_register_dataset(w["users"]["gat"], w["orgs"]["hb-gat"], GOOD | change)
    assert exc.value.code == code and exc.value.status == 400
    assert counts() == before


def test_register_update_retire(lake_world):
    w = lake_world
    dataset = actions.do_register_dataset(w["users"]["gat"], w["orgs"]["hb-gat"], GOOD)
    assert dataset.code == "hb-gat/people" and dataset.columns[1]["type"] == "date"
    assert dataset.columns[0]["required"] and dataset.columns[1]["mask"] == ""
    with pytest.raises(ActionError) as exc:
        actions.do_register_dataset(w["users"]["dsj"], w["orgs"]["hb-gat"], GOOD)
    assert exc.value.code == "code_taken" and exc.value.status == 409
    updated = actions.do_update_dataset(w["users"]["dsj"], dataset, {"name": "人口信息",
                                                                      "key_column": "born"})
    assert (updated.name, updated.key_column) == ("人口信息", "born")
    with pytest.raises(NotPermitted):
        actions.do_update_dataset(w["users"]["rst"], dataset, {"name": "x"})
    with pytest.raises(NotPermitted):
        actions.do_retire_dataset(w["users"]["outsider"], dataset)
    retired = actions.do_retire_dataset(w["users"]["gat"], dataset)
    assert retired.status == DatasetStatus.RETIRED
    for step in (lambda: actions.do_retire_dataset(w["users"]["gat"], dataset),
                 lambda: actions.do_update_dataset(w["users"]["gat"], dataset, {"name": "y"}),
                 lambda: actions.do_start_load(w["users"]["gat"], dataset, table="core_region")):
        with pytest.raises(ActionError) as exc:
            step()
        assert exc.value.status == 409
    assert list(AuditEvent.objects.filter(object_type="lake.dataset")
                .order_by("pk").values_list("action", flat=True)) == [
        "lake.dataset.register", "lake.dataset.update", "lake.dataset.retire"]


def test_only_stewards_of_the_owner_or_the_province_register(lake_world):
    w = lake_world
    for user in ("rst", "outsider", "citizen"):
        with pytest.raises(NotPermitted):
            actions.do_register_dataset(w["users"][user], w["orgs"]["hb-gat"],
                                        GOOD | {"code": f"hb-gat/{user}"})
    assert actions.do_register_dataset(w["users"]["dsj"], w["orgs"]["hb-gat"],
                                       GOOD | {"code": "hb-gat/by-dsj"}).owner == w["orgs"][
        "hb-gat"]


def test_start_load_refuses_what_cannot_be_loaded(lake_world, tmp_path):
    w = lake_world
    dataset = actions.do_register_dataset(w["users"]["gat"], w["orgs"]["hb-gat"], GOOD)
    doc = tmp_path / "a.docx"
    doc.write_bytes(b"x")
    csv = tmp_path / "a.csv"
    csv.write_text("id_number\n1\n")
    for kwargs, code in [({"path": doc}, "file_kind_unknown"),
                         ({"path": tmp_path / "none.csv"}, "file_missing"),
                         ({"path": csv, "encoding": "big5"}, "encoding_invalid")]:
        with pytest.raises(ActionError) as exc:
            actions.do_start_load(w["users"]["gat"], dataset, **kwargs)
        assert exc.value.code == code
    with pytest.raises(NotPermitted):
        actions.do_start_load(w["users"]["rst"], dataset, path=csv)
    assert IngestJob.objects.count() == 0
    job = actions.do_start_load(w["users"]["gat"], dataset, path=csv, encoding="GB18030")
    assert (job.source_kind, job.encoding, job.source_name) == ("csv", "gbk", "a.csv")
