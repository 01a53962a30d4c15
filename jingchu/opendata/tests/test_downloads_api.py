"""Downloads in four formats, the query API (filters, paging, sorting, refusals) and usage."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import openpyxl
import pyarrow.parquet as pq
import pytest
from django.test import Client

from jingchu.opendata.models import OpenDataset
from jingchu.opendata.queries import usage_totals
from jingchu.opendata.tests.conftest import draft_data, login

pytestmark = pytest.mark.django_db
API = "/api/v1/opendata"
PUBLIC = ["unit_code", "district", "staff", "paid", "reported_on"]


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def test_downloads_in_four_formats(client: Client, published: OpenDataset) -> None:
    base = f"/open/{published.name}/download"
    raw = _body(client.get(f"{base}.csv"))
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0]) == PUBLIC and len(rows) == 12
    assert rows[1] == {"unit_code": "U0001", "district": "江汉区", "staff": "20",
                       "paid": "3.0", "reported_on": "2025-01-02"}
    response = client.get(f"{base}.json")
    assert response["Content-Type"] == "application/json"
    records = json.loads(_body(response))
    assert len(records) == 12 and records[0]["district"] == "江岸区"
    assert "contact_phone" not in records[0]
    book = openpyxl.load_workbook(io.BytesIO(_body(client.get(f"{base}.xlsx"))), read_only=True)
    sheet = list(book["data"].iter_rows(values_only=True))
    assert list(sheet[0]) == PUBLIC and len(sheet) == 13 and sheet[4][2] == 40
    assert [r[0] for r in book["fields"].iter_rows(values_only=True)][1:] == PUBLIC
    response = client.get(f"{base}.parquet")
    assert response["X-Content-SM3"] == published.checksum
    table = pq.read_table(io.BytesIO(_body(response)))
    assert table.column_names == PUBLIC and table.num_rows == 12
    assert client.get(f"{base}.txt").status_code == 404
    totals = usage_totals(published)
    assert (totals["csv"], totals["json"], totals["xlsx"], totals["parquet"]) == (1, 1, 1, 1)


def test_records_filters_paging_sort(client: Client, published: OpenDataset) -> None:
    url = f"{API}/datasets/{published.name}/records"
    body = client.get(url, {"district": "江岸区"}).json()
    assert body["total"] == 3 and {r["unit_code"] for r in body["records"]} == {
        "U0000", "U0004", "U0008"}
    body = client.get(url, {"staff__gte": "50", "staff__lte": "80", "sort": "-staff"}).json()
    assert [r["staff"] for r in body["records"]] == [80, 70, 60, 50]
    body = client.get(url, {"reported_on__gte": "2025-01-11"}).json()
    assert body["total"] == 2
    body = client.get(url + "?district=江岸区&district=汉阳区&sort=unit_code").json()
    assert body["total"] == 6
    body = client.get(url, {"limit": "5", "offset": "10", "sort": "unit_code"}).json()
    assert [r["unit_code"] for r in body["records"]] == ["U0010", "U0011"]
    assert body["total"] == 12 and body["limit"] == 5
    assert client.get(url, {"limit": 5000}).json()["limit"] == 1000
    body = client.get(url, {"fields": "district,paid", "limit": "1"}).json()
    assert body["records"] == [{"district": "江岸区", "paid": 1.5}]
    assert usage_totals(published)["api_calls"] == 7


@pytest.mark.parametrize("params, code", [
    ({"contact_phone": "13800000001"}, "field_not_published"),
    ({"sort": "contact_phone"}, "field_not_published"),
    ({"fields": "contact_phone"}, "field_not_published"),
    ({"district__gte": "a"}, "filter_not_range"),
    ({"staff": "many"}, "filter_value_invalid"),
    ({"limit": -1}, "paging_invalid"),
])
def test_records_refusals(client: Client, published: OpenDataset, params: dict[str, Any],
                          code: str) -> None:
    response = client.get(f"{API}/datasets/{published.name}/records", params)
    assert response.status_code == 400 and response.json()["code"] == code


def test_injection_looking_values_are_harmless(client: Client, published: OpenDataset) -> None:
    url = f"{API}/datasets/{published.name}/records"
    for value in ["江岸区' OR '1'='1", "x\"; DROP TABLE t; --", "%", "' UNION SELECT 1 --"]:
        body = client.get(url, {"district": value, "q": value}).json()
        assert body["total"] == 0 and body["records"] == []
    body = client.get(url, {"q": "江岸"}).json()
    assert body["total"] == 3
    response = client.get(url, {'district" OR 1=1 --': "x"})
    assert response.status_code == 400


def test_unpublished_dataset_is_not_served(client: Client, lake_world: dict[str, Any],
                                           si_dataset: Any) -> None:
    from jingchu.opendata import actions

    ds = actions.do_create_open_dataset(lake_world["users"]["rst"], si_dataset, draft_data())
    for url in (f"{API}/datasets/{ds.name}", f"{API}/datasets/{ds.name}/records",
                f"/open/{ds.name}/", f"/open/{ds.name}/download.csv"):
        assert client.get(url).status_code == 404, url
    # Its owner's steward sees the draft, not its records.
    login(client, lake_world["users"]["rst"])
    assert client.get(f"{API}/datasets/{ds.name}").json()["status"] == "draft"
    assert client.get(f"{API}/datasets/{ds.name}/records").status_code == 404


def test_search_and_facets(client: Client, published: OpenDataset) -> None:
    body = client.get(f"{API}/datasets", {"q": "参保"}).json()
    assert body["count"] == 1 and body["items"][0]["name"] == "si-units"
    assert body["items"][0]["downloads"]["csv"].endswith("/open/si-units/download.csv")
    facets = body["facets"]
    assert facets["groups"] == [{"name": "society", "display_name": facets["groups"][0]
                                 ["display_name"], "count": 1}]
    assert facets["license_id"][0]["name"] == "CC-BY-4.0"
    assert {f["name"] for f in facets["res_format"]} == {"CSV", "JSON", "XLSX", "Parquet"}
    assert client.get(f"{API}/datasets", {"q": "没有这个"}).json()["count"] == 0
    assert client.get(f"{API}/datasets", {"groups": "health"}).json()["count"] == 0
    uscc = published.owner.uscc.lower()
    assert client.get(f"{API}/datasets", {"organization": uscc}).json()["count"] == 1


def test_workflow_over_the_api(client: Client, lake_world: dict[str, Any],
                               si_dataset: Any) -> None:
    users = lake_world["users"]
    body = {"source": si_dataset.code, "name": "si-api", "title": "参保单位", "notes": "说明",
            "licence": "CC0-1.0", "fields": [{"name": "district", "label": "区"},
                                             {"name": "staff"}], "topics": ["economy"]}
    login(client, users["outsider"])
    assert client.post(f"{API}/datasets", body, content_type="application/json"
                       ).status_code == 403
    login(client, users["rst"])
    response = client.post(f"{API}/datasets", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    bad = client.patch(f"{API}/datasets/si-api", {"fields": [{"name": "contact_phone"}]},
                       content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "fields_personal"
    assert client.post(f"{API}/datasets/si-api/submit").json()["status"] == "submitted"
    refused = client.post(f"{API}/datasets/si-api/approve", {}, content_type="application/json")
    assert refused.status_code == 403
    login(client, users["dsj"])
    done = client.post(f"{API}/datasets/si-api/approve", {"note": "同意"},
                       content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "published"
    again = client.post(f"{API}/datasets/si-api/approve", {}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "wrong_state"
    client.logout()
    assert client.post(f"{API}/datasets/si-api/withdraw", {"reason": "x"},
                       content_type="application/json").status_code == 401
