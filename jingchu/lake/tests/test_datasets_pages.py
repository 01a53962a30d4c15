"""The datasets' pages: list with search and filters, a dataset with its schema, versions, a masked
preview of any version and the mounted resources, register and edit, and a load from the
upload form through the job's page and its polled progress fragment to the new version."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from jingchu.lake.actions import datasets as actions
from jingchu.lake.choices import JobStatus
from jingchu.lake.models import Dataset, IngestJob

pytestmark = pytest.mark.django_db

COLUMNS = [{"name": "id_number", "type": "string", "mask": "id_number"},
           {"name": "name", "type": "string", "mask": "name"},
           {"name": "phone", "type": "string", "mask": "phone"},
           {"name": "born", "type": "date"}]
ROWS = [{"id_number": "420102199001020011", "name": "张三", "phone": "13912345678",
         "born": dt.date(1990, 1, 2)}]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(lake_world, put_dataset):
    org = lake_world["orgs"]["hb-gat"]
    put_dataset(org, "hb-gat/people", [ROWS[0] | {"name": "旧名"}], COLUMNS,
                name="人口抽样", key_column="id_number")
    dataset = put_dataset(org, "hb-gat/people", ROWS, COLUMNS)
    put_dataset(lake_world["orgs"]["hb-rst"], "hb-rst/other", [{"a": "1"}], name="社保")
    return lake_world | {"dataset": dataset}


def test_list_searches_and_filters(world):
    client = _client(world["users"]["outsider"])  # any staff member may browse
    page = client.get(reverse("lake:datasets"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "hb-gat/people" in text and "hb-rst/other" in text
    found = client.get(reverse("lake:datasets"), {"q": "人口"}).content.decode()
    assert "hb-gat/people" in found and "hb-rst/other" not in found
    owner = world["orgs"]["hb-rst"].uid
    by_owner = client.get(reverse("lake:datasets"), {"owner": owner}).content.decode()
    assert "hb-rst/other" in by_owner and "hb-gat/people" not in by_owner
    retired = client.get(reverse("lake:datasets"), {"status": "retired"}).content.decode()
    assert "hb-gat/people" not in retired


def test_detail_shows_schema_versions_masked_preview_and_older_versions(world):
    dataset = world["dataset"]
    client = _client(world["users"]["outsider"])
    url = reverse("lake:dataset", kwargs={"uid": dataset.uid})
    text = client.get(url).content.decode()
    assert "420102********0011" in text and "420102199001020011" not in text
    assert "139****5678" in text and "13912345678" not in text
    assert "张*" in text and dataset.current_version.checksum in text
    assert 'id="schema"' in text and "v1" in text and "v2" in text
    assert "湖北省公安厅" in text
    older = client.get(url, {"v": 1}).content.decode()
    assert "旧*" in older and "张*" not in older
    assert client.get(url, {"v": 9}).status_code == 404
    assert reverse("lake:dataset_load", kwargs={"uid": dataset.uid}) not in text
    steward = _client(world["users"]["gat"]).get(url).content.decode()
    assert reverse("lake:dataset_load", kwargs={"uid": dataset.uid}) in steward


def test_register_and_edit(world):
    client = _client(world["users"]["gat"])
    assert client.get(reverse("lake:dataset_new")).status_code == 200
    made = client.post(reverse("lake:dataset_new"), {
        "owner": world["orgs"]["hb-gat"].pk, "code": "hb-gat/new-one", "name": "新数据集",
        "update_frequency": "daily", "key_column": "id_number",
        "columns_text": "id_number | string | 公民身份号码 | yes | id_number\nborn | date"})
    assert made.status_code == 302, made.content.decode()[:2000]
    dataset = Dataset.objects.get(code="hb-gat/new-one")
    assert dataset.columns[0] == {"name": "id_number", "type": "string", "label": "公民身份号码",
                                  "required": True, "mask": "id_number"}
    bad = client.post(reverse("lake:dataset_new"), {
        "owner": world["orgs"]["hb-gat"].pk, "code": "Bad Code", "name": "x",
        "update_frequency": "daily"})
    assert bad.status_code == 400
    edit = reverse("lake:dataset_edit", kwargs={"uid": dataset.uid})
    shown = client.get(edit).content.decode()
    assert "id_number | string | 公民身份号码 | yes | id_number" in shown
    assert client.post(edit, {"name": "改名", "update_frequency": "weekly",
                              "columns_text": "id_number | string"}).status_code == 302
    assert Dataset.objects.get(pk=dataset.pk).name == "改名"
    other = world["orgs"]["hb-rst"].pk
    assert client.post(reverse("lake:dataset_new"), {
        "owner": other, "code": "hb-rst/x", "name": "x", "update_frequency": "daily",
    }).status_code == 400  # not one of the owners offered to this steward


def test_upload_job_progress_and_rejects(world, django_capture_on_commit_callbacks):
    dataset = world["dataset"]
    client = _client(world["users"]["gat"])
    load = reverse("lake:dataset_load", kwargs={"uid": dataset.uid})
    assert client.get(load).status_code == 200
    data = ("id_number,name,phone,born\n420102199001020022,李四,13800000002,1991-02-03\n"
            "420102199001020033,王五,,not-a-date\n").encode("gbk")
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(load, {"file": SimpleUploadedFile("人口.csv", data),
                                    "encoding": "auto", "sheet": ""})
    assert answer.status_code == 302
    job = IngestJob.objects.get()
    assert answer["Location"] == reverse("lake:load_job", kwargs={"uid": job.uid})
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.version is not None and job.version.number == 3
    page = client.get(answer["Location"]).content.decode()
    assert 'id="load-progress"' in page and 'data-status="succeeded"' in page
    fragment = client.get(reverse("lake:load_job_progress", kwargs={"uid": job.uid}))
    text = fragment.content.decode()
    assert "hx-get" not in text and "<progress" in text  # done: the polling stops
    rejects = reverse("lake:version_rejects", kwargs={"uid": dataset.uid, "number": 3})
    assert rejects in text
    download: Any = client.get(rejects)
    report = b"".join(download.streaming_content)
    assert report.startswith(b"\xef\xbb\xbf")
    lines = report[3:].decode().splitlines()
    assert lines[0].startswith("line,reason,") and lines[1].startswith("3,born")
    assert _client(world["users"]["outsider"]).get(rejects).status_code == 403


def test_a_running_job_polls_and_a_failed_one_says_why(world):
    dataset = world["dataset"]
    job = actions.do_start_load(world["users"]["dsj"], dataset, table="core_region")
    IngestJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, stage="check",
                                               rows_done=250, rows_total=1000)
    client = _client(world["users"]["dsj"])
    text = client.get(reverse("lake:load_job_progress", kwargs={"uid": job.uid})).content.decode()
    assert "hx-get" in text and 'value="25"' in text and "250" in text
    IngestJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error="磁盘已满")
    text = client.get(reverse("lake:load_job", kwargs={"uid": job.uid})).content.decode()
    assert "hx-get" not in text and "磁盘已满" in text


def test_pages_refuse_outsiders_citizens_and_anonymous(world):
    dataset = world["dataset"]
    uid = {"uid": dataset.uid}
    job = actions.do_start_load(None, dataset, table="core_region")
    staff_only = [reverse("lake:datasets"), reverse("lake:dataset", kwargs=uid)]
    stewards_only = [reverse("lake:dataset_edit", kwargs=uid),
                     reverse("lake:dataset_load", kwargs=uid),
                     reverse("lake:load_job", kwargs={"uid": job.uid}),
                     reverse("lake:load_job_progress", kwargs={"uid": job.uid}),
                     reverse("lake:dataset_new")]
    anonymous = Client()
    for url in staff_only + stewards_only:
        answer = anonymous.get(url)
        assert answer.status_code == 302 and "login" in answer["Location"], url
    citizen = _client(world["users"]["citizen"])
    for url in staff_only + stewards_only:
        assert citizen.get(url).status_code == 403, url
    outsider = _client(world["users"]["outsider"])
    for url in stewards_only:
        assert outsider.get(url).status_code == 403, url
    rst = _client(world["users"]["rst"])  # a steward, but of another organization
    for url in stewards_only[:4]:
        assert rst.get(url).status_code == 403, url
    assert outsider.post(reverse("lake:dataset_retire", kwargs=uid)).status_code == 403


def test_a_file_that_cannot_be_read_ends_as_a_failed_job_not_an_error_page(
        world, django_capture_on_commit_callbacks):
    from jingchu.lake.tasks_datasets import run_load

    dataset = world["dataset"]
    client = _client(world["users"]["gat"])
    load = reverse("lake:dataset_load", kwargs={"uid": dataset.uid})
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(load, {"file": SimpleUploadedFile("坏.xlsx", b"not a workbook"),
                                    "encoding": "auto"})
    assert answer.status_code == 302
    job = IngestJob.objects.get()
    assert job.status == JobStatus.FAILED and "Excel" in job.error
    assert 'data-status="failed"' in client.get(answer["Location"]).content.decode()
    assert run_load(str(job.uid)) == "not pending"  # a finished job is not run again
    assert dataset.versions.count() == 2
    wrong = client.post(load, {"file": SimpleUploadedFile("a.docx", b"x"), "encoding": "auto"})
    assert wrong.status_code == 400 and IngestJob.objects.count() == 1
