"""The CKAN action API subset: shapes and statuses through the test client, and the official
`ckanapi` client against the live test server."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from jingchu.opendata import actions
from jingchu.opendata.models import OpenDataset
from jingchu.opendata.queries import usage_totals
from jingchu.opendata.tests.conftest import draft_data

CKAN = "/api/3/action"


def _ok(response: Any) -> Any:
    body = response.json()
    assert response.status_code == 200 and body["success"] is True, body
    assert body["help"].startswith("http://testserver/api/3/action/help_show?name=")
    return body["result"]


def _error(response: Any, status: int, kind: str) -> dict[str, Any]:
    body = response.json()
    assert response.status_code == status and body["success"] is False, body
    assert body["error"]["__type"] == kind, body
    return dict(body["error"])


@pytest.mark.django_db
def test_package_search_show_and_lists(client: Client, lake_world: dict[str, Any],
                                       published: OpenDataset, put_dataset: Any) -> None:
    other = put_dataset(lake_world["orgs"]["hb-rst"], "hb-rst/other", [{"a": "x"}])
    actions.do_create_open_dataset(lake_world["users"]["rst"], other,
                                   draft_data(name="still-draft", fields=["a"]))
    found = _ok(client.get(f"{CKAN}/package_search", {"q": "参保"}))
    assert found["count"] == 1 and found["results"][0]["name"] == "si-units"
    assert _ok(client.get(f"{CKAN}/package_search"))["count"] == 1  # drafts never appear
    org = published.owner.uscc.lower()
    found = _ok(client.get(f"{CKAN}/package_search", {
        "fq": f'organization:{org} groups:society tags:"社保" license_id:CC-BY-4.0',
        "facet.field": '["organization", "groups", "res_format"]'}))
    assert found["count"] == 1
    assert found["facets"]["organization"] == {org: 1}
    assert found["search_facets"]["groups"]["items"][0]["name"] == "society"
    assert _ok(client.get(f"{CKAN}/package_search", {"fq": "groups:health"}))["count"] == 0
    _error(client.get(f"{CKAN}/package_search", {"fq": "secret:1"}), 409,
           "Search Query Error")
    package = _ok(client.get(f"{CKAN}/package_show", {"id": "si-units"}))
    assert package["id"] == str(published.uid) and package["license_id"] == "CC-BY-4.0"
    assert package["organization"]["name"] == org
    assert [r["format"] for r in package["resources"]] == ["CSV", "JSON", "XLSX", "Parquet"]
    active = [r for r in package["resources"] if r["datastore_active"]]
    assert [r["id"] for r in active] == [str(published.datastore_uid)]
    assert _ok(client.get(f"{CKAN}/package_show", {"id": str(published.uid)}))["name"] == \
        "si-units"
    _error(client.get(f"{CKAN}/package_show", {"id": "still-draft"}), 404, "Not Found Error")
    _error(client.get(f"{CKAN}/package_show"), 409, "Validation Error")
    assert _ok(client.get(f"{CKAN}/organization_list")) == [org]
    orgs = _ok(client.get(f"{CKAN}/organization_list", {"all_fields": "true"}))
    assert orgs[0]["package_count"] == 1 and orgs[0]["title"] == published.owner.name
    groups = _ok(client.post(f"{CKAN}/group_list", {"all_fields": True},
                             content_type="application/json"))
    assert {g["name"]: g["package_count"] for g in groups}["society"] == 1
    _error(client.get(f"{CKAN}/package_create"), 400, "Bad request")
    _error(client.post(f"{CKAN}/package_show", "{not json", content_type="application/json"),
           400, "Bad request")


@pytest.mark.django_db
def test_datastore_search(client: Client, published: OpenDataset) -> None:
    rid = str(published.datastore_uid)
    result = _ok(client.post(f"{CKAN}/datastore_search", {
        "resource_id": rid, "filters": {"district": ["江岸区", "汉阳区"]}, "limit": 4,
        "sort": "staff desc"}, content_type="application/json"))
    assert result["total"] == 6 and len(result["records"]) == 4
    assert [r["staff"] for r in result["records"]] == [120, 90, 80, 50]
    assert {f["id"]: f["type"] for f in result["fields"]} == {
        "unit_code": "text", "district": "text", "staff": "int", "paid": "numeric",
        "reported_on": "date"}
    assert result["_links"]["next"] == \
        f"/api/3/action/datastore_search?resource_id={rid}&limit=4&offset=4"
    result = _ok(client.get(f"{CKAN}/datastore_search", {
        "resource_id": "si-units", "filters": json.dumps({"district": "江汉区"}),
        "fields": "unit_code", "q": "U000"}))
    assert result["records"] == [{"unit_code": "U0001"}, {"unit_code": "U0005"},
                                 {"unit_code": "U0009"}]
    error = _error(client.get(f"{CKAN}/datastore_search", {
        "resource_id": rid, "filters": json.dumps({"contact_phone": "1"})}), 409,
        "Validation Error")
    assert "contact_phone" in json.dumps(error, ensure_ascii=False)
    _error(client.get(f"{CKAN}/datastore_search", {"resource_id": "nope"}), 404,
           "Not Found Error")
    injected = _ok(client.get(f"{CKAN}/datastore_search", {
        "resource_id": rid, "filters": json.dumps({"district": "x' OR 1=1 --"})}))
    assert injected["total"] == 0
    assert usage_totals(published)["api_calls"] == 3


@pytest.mark.sqlite_smoke
def test_ckanapi_client_against_the_live_server(live_server: Any, lake_world: dict[str, Any],
                                                si_dataset: Any) -> None:
    """The official client, over HTTP, as a CKAN user would call it."""
    from ckanapi import NotFound, RemoteCKAN

    users = lake_world["users"]
    ds = actions.do_create_open_dataset(users["rst"], si_dataset, draft_data())
    actions.do_submit_open_dataset(users["rst"], ds)
    actions.do_approve_open_dataset(users["dsj"], ds)
    with RemoteCKAN(live_server.url, user_agent="jingchu-test") as portal:
        found = portal.action.package_search(q="参保", rows=5)
        assert found["count"] == 1 and found["results"][0]["name"] == "si-units"
        package = portal.action.package_show(id="si-units")
        assert package["title"] == "参保单位统计" and len(package["resources"]) == 4
        assert portal.action.organization_list() == [si_dataset.owner.uscc.lower()]
        assert "society" in portal.action.group_list()
        resource = next(r for r in package["resources"] if r["datastore_active"])
        rows = portal.action.datastore_search(resource_id=resource["id"],
                                              filters={"district": "江岸区"}, limit=2)
        assert rows["total"] == 3 and [r["unit_code"] for r in rows["records"]] == [
            "U0000", "U0004"]
        with pytest.raises(NotFound):
            portal.action.package_show(id="no-such-dataset")
