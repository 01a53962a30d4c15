"""Catalog actions: register, update, publish, retire, mount, unmount; each refusal with its
code and nothing written."""

from __future__ import annotations

import pytest

from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import AuditEvent
from jingchu.sharing import actions
from jingchu.sharing.choices import MountKind, ResourceStatus, SubjectKind
from jingchu.sharing.tests.conftest import POPULATION_FIELDS, resource_data, row_counts

pytestmark = pytest.mark.django_db


def test_register_writes_the_resource_its_fields_and_an_event(sharing_world):
    w = sharing_world
    resource = actions.do_register_resource(
        w["users"]["gat"], w["orgs"]["hb-gat"],
        resource_data("hb-gat-0002", POPULATION_FIELDS, name="户籍信息"))
    assert resource.code == "HB-GAT-0002" and resource.status == ResourceStatus.DRAFT
    assert [f.name for f in resource.fields.all()] == [f["name"] for f in POPULATION_FIELDS]
    assert resource.fields.get(name="phone").mask == "phone"
    assert AuditEvent.objects.filter(action="sharing.resource.register",
                                     object_id=str(resource.uid)).exists()


@pytest.mark.parametrize(("change", "code"), [
    ({"code": "x"}, "code_invalid"),
    ({"code": "HB-GAT-0001"}, "code_taken"),
    ({"fields": []}, "fields_required"),
    ({"fields": [{"name": "Bad Name"}]}, "field_name_invalid"),
    ({"fields": [{"name": "a"}, {"name": "a"}]}, "field_name_duplicate"),
    ({"share_type": "conditional", "legal_basis": ""}, "legal_basis_required"),
    ({"share_type": "not_shared", "legal_basis": " "}, "legal_basis_required"),
    ({"share_type": "maybe"}, "share_type_invalid"),
    ({"name": ""}, "name_required"),
    ({"fields": [{"name": "a", "sensitivity": 9}]}, "sensitivity_invalid"),
])
def test_register_refusals(sharing_world, change, code):
    w = sharing_world
    before = row_counts()
    with pytest.raises(ActionError) as exc:
        actions.do_register_resource(w["users"]["gat"], w["orgs"]["hb-gat"],
                                     resource_data("HB-GAT-0009", POPULATION_FIELDS) | change)
    assert exc.value.code == code
    assert row_counts() == before


def test_only_the_owners_steward_or_the_province_registers(sharing_world):
    w = sharing_world
    with pytest.raises(NotPermitted):
        actions.do_register_resource(w["users"]["wh"], w["orgs"]["hb-gat"],
                                     resource_data("HB-GAT-0003", POPULATION_FIELDS))
    done = actions.do_register_resource(w["users"]["dsj"], w["orgs"]["hb-gat"],
                                        resource_data("HB-GAT-0003", POPULATION_FIELDS))
    assert done.owner == w["orgs"]["hb-gat"]


def test_update_adds_fields_and_keeps_the_old_ones(sharing_world):
    w = sharing_world
    resource = actions.do_update_resource(w["users"]["gat"], w["population"], {
        "description": "全省户籍人口", "fields": [
            {"name": "name", "label": "姓名（中文）", "sensitivity": 3},
            {"name": "ethnicity", "label": "民族"}]})
    assert resource.description == "全省户籍人口"
    names = list(resource.fields.values_list("name", flat=True))
    assert names[-1] == "ethnicity" and "phone" in names
    assert resource.fields.get(name="name").label == "姓名（中文）"
    with pytest.raises(ActionError) as exc:
        actions.do_update_resource(w["users"]["gat"], resource, {"legal_basis": ""})
    assert exc.value.code == "legal_basis_required"
    with pytest.raises(NotPermitted):
        actions.do_update_resource(w["users"]["scjg"], resource, {"name": "x"})


def test_publish_retire_states(sharing_world):
    w = sharing_world
    with pytest.raises(ActionError) as exc:
        actions.do_publish_resource(w["users"]["gat"], w["population"])
    assert exc.value.code == "resource_state" and exc.value.status == 409
    retired = actions.do_retire_resource(w["users"]["gat"], w["population"])
    assert retired.status == ResourceStatus.RETIRED
    with pytest.raises(ActionError) as exc:
        actions.do_update_resource(w["users"]["gat"], retired, {"name": "x"})
    assert exc.value.code == "resource_retired"


def test_mount_and_unmount(sharing_world, mount_tables):
    w = sharing_world
    steward = w["users"]["gat"]
    before = row_counts()
    for kwargs, code in [
        ({"kind": "table", "target": "nowhere", "key_field": "id_number"}, "table_unknown"),
        ({"kind": "table", "target": "population", "key_field": "uscc"}, "key_field_unknown"),
        ({"kind": "api", "target": "ftp://x", "key_field": "id_number"}, "url_invalid"),
        ({"kind": "", "target": "population", "key_field": "id_number"}, "kind_required"),
        ({"kind": "disk", "target": "population", "key_field": "id_number"}, "kind_invalid"),
        ({"kind": "lake", "target": "", "key_field": "id_number"}, "target_required"),
    ]:
        with pytest.raises(ActionError) as exc:
            actions.do_mount_resource(steward, w["population"], **kwargs)
        assert exc.value.code == code
    assert row_counts() == before
    mounted = actions.do_mount_resource(steward, w["population"], kind="table",
                                        target="population", key_field="id_number",
                                        subject_kind="person")
    assert mounted.is_mounted and mounted.mount_kind == MountKind.TABLE
    assert mounted.subject_kind == SubjectKind.PERSON and mounted.mounted_at
    unmounted = actions.do_unmount_resource(steward, mounted)
    assert not unmounted.is_mounted and unmounted.mounted_at is None
    with pytest.raises(ActionError) as exc:
        actions.do_unmount_resource(steward, unmounted)
    assert exc.value.code == "not_mounted"
    with pytest.raises(NotPermitted):
        actions.do_mount_resource(w["users"]["wh"], unmounted, kind="lake", target="x",
                                  key_field="id_number")
