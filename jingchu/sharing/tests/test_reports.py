"""The three reports, computed from a small fixture."""

from __future__ import annotations

import pytest

from jingchu.sharing import actions, reports
from jingchu.sharing.tests.conftest import request_data, resource_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(sharing_world, mount_tables):
    """省公安厅 lists 3 responsibilities: one registered and mounted, one linked to a draft
    (not registered), one without a resource; 省市场监管局 lists 1, registered, not mounted."""
    w = sharing_world
    gat, scjg = w["users"]["gat"], w["users"]["scjg"]
    actions.do_mount_resource(gat, w["population"], kind="table", target="population",
                              key_field="id_number", subject_kind="person")
    draft = actions.do_register_resource(gat, w["orgs"]["hb-gat"], resource_data(
        "HB-GAT-0050", [{"name": "id_number"}, {"name": "moved_on"}]))
    for name, resource in [("人口", w["population"]), ("迁移", draft), ("出入境", None)]:
        actions.do_create_list_entry(gat, w["orgs"]["hb-gat"], "responsibility",
                                     {"name": name, "resource": resource})
    actions.do_create_list_entry(scjg, w["orgs"]["hb-scjg"], "responsibility",
                                 {"name": "法人", "resource": w["entities"]})
    return w


def test_responsibility_fulfilment(listed):
    rows = {r["organization"]: r for r in reports.responsibility_fulfilment()}
    gat = rows["湖北省公安厅"]
    assert (gat["listed"], gat["registered"], gat["mounted"]) == (3, 1, 1)
    assert gat["registration_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert gat["mounting_rate"] == 1.0
    scjg = rows["湖北省市场监督管理局"]
    assert (scjg["listed"], scjg["registered"], scjg["mounted"]) == (1, 1, 0)
    assert scjg["mounting_rate"] == 0.0
    scoped = reports.responsibility_fulfilment({listed["orgs"]["hb-scjg"].pk})
    assert [r["organization"] for r in scoped] == ["湖北省市场监督管理局"]


def test_demand_matching(listed):
    w = listed
    wh = w["users"]["wh"]
    org = w["orgs"]["wh-scjg"]
    actions.do_create_list_entry(wh, org, "demand", {
        "name": "身份核验", "provider": w["orgs"]["hb-gat"], "fields_wanted": ["id_number",
                                                                            "name"]})
    actions.do_create_list_entry(wh, org, "demand", {
        "name": "收入", "provider": w["orgs"]["hb-gat"], "fields_wanted": ["income"]})
    actions.do_create_list_entry(wh, org, "demand", {"name": "法人", "resource": w["entities"]})
    actions.do_create_list_entry(wh, org, "demand", {"name": "无提供方",
                                                     "fields_wanted": ["name"]})
    rows = {r["name"]: r for r in reports.demand_matching()}
    assert rows["身份核验"]["met"] and rows["身份核验"]["matched_by"] == "fields"
    assert rows["身份核验"]["resource_code"] == "HB-GAT-0001"
    assert not rows["收入"]["met"] and rows["收入"]["resource_code"] == ""
    assert rows["法人"]["matched_by"] == "link" and rows["法人"]["resource_code"] == "HB-SCJG-0001"
    assert not rows["无提供方"]["met"]
    # A negative-listed resource meets no demand by its fields.
    actions.do_create_list_entry(w["users"]["gat"], w["orgs"]["hb-gat"], "negative",
                                 {"resource": w["population"], "legal_basis": "法"})
    rows = {r["name"]: r for r in reports.demand_matching()}
    assert not rows["身份核验"]["met"]


def test_negative_conflicts(listed):
    w = listed
    gat = w["users"]["gat"]
    request = actions.do_submit_request(w["users"]["wh"], w["orgs"]["wh-scjg"], w["population"],
                                        request_data(["name"]))
    actions.do_approve_request(gat, request)
    actions.do_submit_request(w["users"]["whgaj"], w["orgs"]["wh-gaj"], w["population"],
                              request_data(["name"]))
    assert reports.negative_conflicts() == []
    actions.do_create_list_entry(gat, w["orgs"]["hb-gat"], "negative",
                                 {"resource": w["population"], "legal_basis": "法"})
    [row] = reports.negative_conflicts()
    assert row["resource_code"] == "HB-GAT-0001" and row["share_type_says_shared"]
    assert (row["active_grants"], row["pending_requests"]) == (1, 1)
    assert reports.negative_conflicts({w["orgs"]["hb-jyt"].pk}) == []
