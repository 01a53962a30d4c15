"""The three lists: create, edit, delete per kind; the negative list stops sharing."""

from __future__ import annotations

import pytest

from jingchu.core.errors import ActionError, NotPermitted
from jingchu.sharing import actions, queries
from jingchu.sharing.models import ListEntry, ShareRequest
from jingchu.sharing.tests.conftest import request_data, row_counts

pytestmark = pytest.mark.django_db


def test_entries_of_each_kind(sharing_world):
    w = sharing_world
    gat, wh = w["users"]["gat"], w["users"]["wh"]
    duty = actions.do_create_list_entry(gat, w["orgs"]["hb-gat"], "responsibility",
                                        {"name": "人口基础信息", "resource": w["population"]})
    assert duty.resource == w["population"]
    demand = actions.do_create_list_entry(wh, w["orgs"]["wh-scjg"], "demand", {
        "name": "法定代表人身份核验", "fields_wanted": "id_number, name",
        "provider": w["orgs"]["hb-gat"]})
    assert demand.fields_wanted == ["id_number", "name"]
    edited = actions.do_update_list_entry(wh, demand, {"description": "企业开办"})
    assert edited.description == "企业开办" and edited.fields_wanted == ["id_number", "name"]
    negative = actions.do_create_list_entry(gat, w["orgs"]["hb-gat"], "negative", {
        "resource": w["population"], "legal_basis": "《居民身份证法》第十九条"})
    assert negative.name == w["population"].name
    actions.do_delete_list_entry(wh, edited)
    assert not ListEntry.objects.filter(pk=demand.pk).exists()


@pytest.mark.parametrize(("kind", "data", "code"), [
    ("wish", {"name": "x"}, "kind_invalid"),
    ("responsibility", {"name": ""}, "name_required"),
    ("negative", {"name": "x", "legal_basis": "法"}, "resource_required"),
    ("negative", {"resource": "population", "legal_basis": ""}, "legal_basis_required"),
    ("responsibility", {"resource": "entities"}, "resource_not_own"),
    ("demand", {"name": "x", "resource": "population"}, "resource_own"),
    ("demand", {"name": "x", "provider": "hb-gat"}, "provider_own"),
    ("demand", {"name": "x", "fields_wanted": ["Bad"]}, "fields_wanted_invalid"),
])
def test_refusals(sharing_world, kind, data, code):
    w = sharing_world
    data = dict(data)
    for key in ("resource",):
        if key in data:
            data[key] = w[data[key]]
    if "provider" in data:
        data["provider"] = w["orgs"][data["provider"]]
    before = row_counts()
    with pytest.raises(ActionError) as exc:
        actions.do_create_list_entry(w["users"]["gat"], w["orgs"]["hb-gat"], kind, data)
    assert exc.value.code == code
    assert row_counts() == before


def test_outsiders_keep_no_lists(sharing_world):
    w = sharing_world
    for who in ("wh", "outsider", "citizen"):
        with pytest.raises(NotPermitted):
            actions.do_create_list_entry(w["users"][who], w["orgs"]["hb-gat"], "demand",
                                         {"name": "x"})
    entry = actions.do_create_list_entry(w["users"]["gat"], w["orgs"]["hb-gat"], "demand",
                                         {"name": "x"})
    with pytest.raises(NotPermitted):
        actions.do_delete_list_entry(w["users"]["wh"], entry)


def test_a_negative_listed_resource_is_never_shared(sharing_world):
    w = sharing_world
    assert not queries.on_negative_list(w["population"])
    pending = actions.do_submit_request(w["users"]["wh"], w["orgs"]["wh-scjg"],
                                        w["population"], request_data(["name"]))
    actions.do_create_list_entry(w["users"]["gat"], w["orgs"]["hb-gat"], "negative", {
        "resource": w["population"], "legal_basis": "《居民身份证法》"})
    assert queries.on_negative_list(w["population"])
    before = row_counts()
    with pytest.raises(ActionError) as exc:
        actions.do_submit_request(w["users"]["whgaj"], w["orgs"]["wh-gaj"], w["population"],
                                  request_data(["name"]))
    assert exc.value.code == "negative_list" and exc.value.status == 409
    with pytest.raises(ActionError) as exc:
        actions.do_approve_request(w["users"]["gat"], pending)
    assert exc.value.code == "negative_list"
    assert row_counts() == before
    assert ShareRequest.objects.get(pk=pending.pk).status == "pending"
