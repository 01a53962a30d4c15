"""The datasets API: list and search, read, register, change, versions, a masked preview, an
upload that becomes a version, a load's status; 401 for anonymous callers, 403 for others."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jingchu.lake.models import Dataset

pytestmark = pytest.mark.django_db
BASE = "/api/v1/lake"
COLUMNS = [{"name": "id_number", "type": "string", "mask": "id_number"},
           {"name": "phone", "type": "string", "mask": "phone"},
           {"name": "born", "type": "date"}]
ROWS = [{"id_number": "420102199001020011", "phone": "13912345678",
         "born": dt.date(1990, 1, 2)}]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(lake_world, put_dataset):
    dataset = put_dataset(lake_world["orgs"]["hb-gat"], "hb-gat/people", ROWS, COLUMNS,
                          name="人口抽样", key_column="id_number")
    put_dataset(lake_world["orgs"]["hb-rst"], "hb-rst/other", [{"a": "1"}], name="社保")
    return lake_world | {"dataset": dataset}


def test_list_get_versions_and_masked_preview(world):
    client = _client(world["users"]["outsider"])
    listed = client.get(f"{BASE}/datasets", {"q": "people"}).json()
    assert listed["count"] == 1 and listed["items"][0]["code"] == "hb-gat/people"
    gat = world["orgs"]["hb-gat"].uscc
    assert client.get(f"{BASE}/datasets", {"owner": gat}).json()["count"] == 1
    uid = str(world["dataset"].uid)
    one = client.get(f"{BASE}/datasets/{uid}").json()
    assert one["current_version"]["number"] == 1 and one["key_column"] == "id_number"
    assert one["current_version"]["columns"][2] == {"name": "born", "type": "date"}
    versions = client.get(f"{BASE}/datasets/{uid}/versions").json()
    assert [v["number"] for v in versions] == [1]
    preview = client.get(f"{BASE}/datasets/{uid}/preview", {"limit": 10}).json()
    assert preview["columns"] == ["id_number", "phone", "born"]
    assert preview["rows"] == [["420102********0011", "139****5678", "1990-01-02"]]
    assert client.get(f"{BASE}/datasets/{uid}/preview", {"version": 7}).status_code == 404
    assert client.get(f"{BASE}/datasets/not-a-uid").status_code == 404


def test_register_patch_and_refusals(world):
    client = _client(world["users"]["gat"])
    body = {"owner": str(world["orgs"]["hb-gat"].uid), "code": "hb-gat/api-one", "name": "一",
            "columns": [{"name": "id_number", "required": True, "mask": "id_number"}],
            "key_column": "id_number"}
    made = client.post(f"{BASE}/datasets", body, content_type="application/json")
    assert made.status_code == 201, made.content
    assert made.json()["columns"][0]["required"] is True
    again = client.post(f"{BASE}/datasets", body, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "code_taken"
    bad = client.post(f"{BASE}/datasets", body | {"code": "x"}, content_type="application/json")
    assert bad.status_code == 400 and set(bad.json()) == {"code", "message", "details"}
    other = client.post(f"{BASE}/datasets", body | {"owner": str(world["orgs"]["hb-rst"].uid),
                                                    "code": "hb-rst/x"},
                        content_type="application/json")
    assert other.status_code == 403
    uid = made.json()["uid"]
    patched = client.patch(f"{BASE}/datasets/{uid}", {"name": "二"},
                           content_type="application/json")
    assert patched.status_code == 200 and patched.json()["name"] == "二"
    refused = _client(world["users"]["rst"]).patch(f"{BASE}/datasets/{uid}", {"name": "三"},
                                                   content_type="application/json")
    assert refused.status_code == 403
    assert Dataset.objects.get(uid=uid).name == "二"


def test_upload_becomes_a_version_and_the_job_is_readable(world,
                                                         django_capture_on_commit_callbacks):
    client = _client(world["users"]["gat"])
    uid = str(world["dataset"].uid)
    data = b"id_number,phone,born\n420102199001020022,13800000002,1991-02-03\n"
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"{BASE}/datasets/{uid}/loads",
                             {"file": SimpleUploadedFile("p.csv", data), "encoding": "utf-8"})
    assert answer.status_code == 202, answer.content
    job = client.get(f"{BASE}/loads/{answer.json()['uid']}").json()
    assert (job["status"], job["version"], job["rows_total"]) == ("succeeded", 2, 1)
    assert _client(world["users"]["outsider"]).get(
        f"{BASE}/loads/{answer.json()['uid']}").status_code == 403
    refused = _client(world["users"]["rst"]).post(
        f"{BASE}/datasets/{uid}/loads", {"file": SimpleUploadedFile("p.csv", data)})
    assert refused.status_code == 403


def test_anonymous_is_401_and_a_citizen_403(world):
    uid = str(world["dataset"].uid)
    urls = [f"{BASE}/datasets", f"{BASE}/datasets/{uid}", f"{BASE}/datasets/{uid}/versions",
            f"{BASE}/datasets/{uid}/preview"]
    for url in urls:
        assert Client().get(url).status_code == 401, url
        assert _client(world["users"]["citizen"]).get(url).status_code == 403, url
    assert Client().post(f"{BASE}/datasets", {}, content_type="application/json"
                         ).status_code == 401
