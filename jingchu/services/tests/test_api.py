import pytest

from jingchu.services.demo import load_service_items
from jingchu.services.models import ServiceItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(demo_orgs):
    load_service_items(demo_orgs)
    return demo_orgs


def code_of(name):
    return ServiceItem.objects.get(current_version__name=name).code


def test_list_is_paginated_and_filtered(client, catalog):
    body = client.get("/api/v1/services/", {"limit": 5}).json()
    assert body["count"] == ServiceItem.objects.count()
    assert len(body["items"]) == 5
    found = client.get("/api/v1/services/", {"q": "结婚"}).json()["items"]
    assert "内地居民结婚登记" in [s["name"] for s in found]
    births = client.get("/api/v1/services/", {"topic": "birth", "limit": 100}).json()["items"]
    assert births and all("birth" in s["topics"] for s in births)
    provincial = client.get("/api/v1/services/", {"service_area": "province",
                                                  "limit": 100}).json()["items"]
    assert all("province" in s["service_areas"] for s in provincial)


def test_one_service_with_everything_to_apply(client, catalog):
    code = code_of("社会保障卡申领")
    body = client.get(f"/api/v1/services/{code}").json()
    assert body["code"] == code and body["is_current"] and body["version"] == 1
    assert body["eligibility"] == {"min_age": 16}
    assert body["form_schema"]["properties"]["bank"]["title"] == "合作银行"
    sources = {m["name"]: (m["source"], m["needs_upload"]) for m in body["materials"]}
    assert sources["申请人居民身份证"] == ("license", False)
    assert len(body["implementations"]) == 4
    assert {i["service_area"] for i in body["implementations"]} == {"province"}
    assert body["reductions"]["materials_to_upload"] == 0
    version = client.get(f"/api/v1/services/{code}/versions/1").json()
    assert version["version_uid"] == body["version_uid"]


def test_reductions_per_item_and_for_export(client, catalog):
    code = code_of("建筑工程施工许可")
    one = client.get(f"/api/v1/services/{code}/reductions").json()
    assert (one["legal_days"], one["promised_days"], one["days_saved"]) == (7, 3, 4)
    assert one["materials_reused"] == 3
    page = client.get("/api/v1/services/reductions", {"limit": 100}).json()
    assert page["count"] == ServiceItem.objects.count()
    assert one in page["items"]


def test_unknown_service_answers_404_in_the_error_shape(client, catalog):
    response = client.get("/api/v1/services/000000000000")
    assert response.status_code == 404
    assert set(response.json()) == {"code", "message", "details"}
    assert client.get("/api/v1/services/000000000000/reductions").status_code == 404
