"""The portal's pages: public reading, the staff pages and their refusals, the forms, DCAT."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from jingchu.opendata import actions
from jingchu.opendata.choices import OpenStatus
from jingchu.opendata.models import OpenDataset
from jingchu.opendata.queries import usage_totals
from jingchu.opendata.tests.conftest import draft_data, login

pytestmark = pytest.mark.django_db


def test_portal_and_dataset_page_are_public(client: Client, published: OpenDataset) -> None:
    page = client.get("/open/", {"q": "参保"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "参保单位统计" in text and 'data-facet="groups"' in text
    page = client.get("/open/si-units/")
    text = page.content.decode()
    assert page.status_code == 200 and "U0011" in text and "13800000001" not in text
    assert "vendor/echarts/echarts.min.js" in text and 'data-histogram="staff"' in text
    assert "/open/si-units/download.xlsx" in text
    assert usage_totals(published)["views"] == 1
    preview = client.get("/open/si-units/preview/", {"page": 1})
    assert preview.status_code == 200 and "U0000" in preview.content.decode()
    assert client.get("/open/licences/").status_code == 200


def test_anonymous_and_outsiders_are_refused_staff_pages(client: Client,
                                                         lake_world: dict[str, Any],
                                                         published: OpenDataset) -> None:
    for url in ("/open/manage/", "/open/review/", "/open/manage/new/",
                "/open/manage/si-units/edit/"):
        assert client.get(url).status_code == 302, url  # to the sign-in page
    assert client.post("/open/manage/si-units/step/", {"action": "withdraw",
                                                       "reason": "x"}).status_code == 302
    login(client, lake_world["users"]["citizen"])
    for url in ("/open/manage/", "/open/review/", "/open/manage/new/"):
        assert client.get(url).status_code == 403, url
    login(client, lake_world["users"]["outsider"])
    assert client.get("/open/review/").status_code == 403
    assert client.post("/open/manage/si-units/step/", {"action": "withdraw",
                                                       "reason": "x"}).status_code == 403
    login(client, lake_world["users"]["gat"])
    assert client.get("/open/manage/si-units/edit/").status_code == 403
    assert client.get("/open/review/").status_code == 403
    published.refresh_from_db()
    assert published.status == OpenStatus.PUBLISHED


def test_draft_through_the_pages(client: Client, lake_world: dict[str, Any],
                                 si_dataset: Any) -> None:
    users = lake_world["users"]
    login(client, users["rst"])
    chooser = client.get("/open/manage/new/")
    assert chooser.status_code == 200 and "hb-rst/si-units" in chooser.content.decode()
    url = f"/open/manage/new/?source={si_dataset.code}"
    form = client.get(url).content.decode()
    assert "contact_phone" in form and "unit_code | 单位编码" in form
    post = {"name": "si-pages", "title": "参保单位", "notes": "说明", "licence": "gov-open",
            "update_frequency": "monthly", "topics": ["society"], "tags": "社保, 单位",
            "fields_text": "district | 区\ncontact_phone | 电话"}
    refused = client.post(url, post)
    # The page speaks Chinese: "These columns hold personal data and may not be opened".
    assert refused.status_code == 400 and "不得开放" in refused.content.decode()
    post["fields_text"] = "district | 区\nstaff"
    assert client.post(url, post).status_code == 302
    ds = OpenDataset.objects.get(name="si-pages")
    assert sorted(ds.tag_names) == ["单位", "社保"]
    assert client.get("/open/manage/").content.decode().count("si-pages") >= 1
    client.post("/open/manage/si-pages/step/", {"action": "submit"})
    login(client, users["dsj"])
    queue = client.get("/open/review/").content.decode()
    assert "si-pages" in queue
    page = client.get("/open/si-pages/").content.decode()
    assert 'value="approve"' in page
    client.post("/open/manage/si-pages/step/", {"action": "return", "reason": "请补充"})
    ds.refresh_from_db()
    assert ds.status == OpenStatus.RETURNED and ds.review_note == "请补充"
    login(client, users["rst"])
    client.post("/open/manage/si-pages/edit/", post | {"notes": "补充说明"})
    client.post("/open/manage/si-pages/step/", {"action": "submit"})
    login(client, users["dsj"])
    client.post("/open/manage/si-pages/step/", {"action": "approve"})
    ds.refresh_from_db()
    assert ds.status == OpenStatus.PUBLISHED and ds.notes == "补充说明"


def test_dcat_catalog_lists_published_datasets_only(client: Client, lake_world: dict[str, Any],
                                                    published: OpenDataset,
                                                    put_dataset: Any) -> None:
    other = put_dataset(lake_world["orgs"]["hb-rst"], "hb-rst/other", [{"a": "x"}])
    actions.do_create_open_dataset(lake_world["users"]["rst"], other,
                                   draft_data(name="still-draft", fields=["a"]))
    response = client.get("/open/catalog.jsonld")
    assert response["Content-Type"].startswith("application/ld+json")
    doc = json.loads(response.content)
    assert doc["@type"] == "dcat:Catalog" and doc["@context"]["dcat"] == \
        "http://www.w3.org/ns/dcat#"
    datasets = doc["dcat:dataset"]
    assert [d["dct:identifier"] for d in datasets] == [str(published.uid)]
    node = datasets[0]
    assert node["dct:title"] == "参保单位统计" and node["dct:license"] == \
        "https://creativecommons.org/licenses/by/4.0/"
    assert node["dct:accrualPeriodicity"].endswith("/frequency/MONTHLY")
    assert set(node["dcat:keyword"]) == {"社保", "统计"}
    assert node["dct:publisher"]["foaf:name"] == published.owner.name
    formats = {d["dct:format"].rsplit("/", 1)[1]: d for d in node["dcat:distribution"]}
    assert set(formats) == {"CSV", "JSON", "XLSX", "PARQUET"}
    assert formats["CSV"]["dcat:mediaType"] == "text/csv"
    assert formats["PARQUET"]["dcat:downloadURL"].endswith("/open/si-units/download.parquet")
