"""Quality pages and API: the audit list, a dataset's rules and trend, a run with masked samples
and its Spark SQL, rectifications; refusals for outsiders, citizens and anonymous callers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from jingchu.core.identifiers import make_id_number
from jingchu.lake.actions import quality as actions
from jingchu.lake.models import AuditRun, QualityRectification

pytestmark = pytest.mark.django_db
API = "/api/v1/lake"
GOOD = make_id_number("420102", dt.date(1990, 1, 2), 1, True)
BAD = GOOD[:17] + ("0" if GOOD[17] != "0" else "1")
COLUMNS = [{"name": "id_number", "type": "string", "mask": "id_number"},
           {"name": "name", "type": "string", "mask": "name"},
           {"name": "phone", "type": "string", "mask": "phone"}]
ROWS = [{"id_number": GOOD, "name": "张三", "phone": "13800000000"},
        {"id_number": BAD, "name": "李四", "phone": "1380000"}]
RULES = """threshold: 90
rules:
  - id_number_valid: {check: id_number, column: id_number}
  - phone_valid: {check: phone, column: phone}
  - name_present: {check: not_null, column: name}
"""


def client_for(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def world(lake_world: dict[str, Any], put_dataset: Any) -> dict[str, Any]:
    dataset = put_dataset(lake_world["orgs"]["hb-gat"], "hb-gat/people", ROWS, COLUMNS,
                          name="人口抽样")
    actions.do_set_rules(None, dataset, RULES)
    return lake_world | {"dataset": dataset}


def test_dataset_quality_page_edits_rules_and_shows_line_errors(world: dict[str, Any]) -> None:
    dataset, users = world["dataset"], world["users"]
    url = f"/lake/datasets/{dataset.uid}/quality/"
    page = client_for(users["gat"]).get(url)
    assert page.status_code == 200 and b'id="rules-form"' in page.content
    assert b"id_number_valid" in page.content
    outsider_page = client_for(users["outsider"]).get(url)
    assert outsider_page.status_code == 200 and b'id="rules-form"' not in outsider_page.content
    bad = client_for(users["gat"]).post(url, {"rules_yaml": "rules:\n  - a: {check: nope}\n"})
    assert bad.status_code == 400 and "line 2" in bad.content.decode()
    assert client_for(users["outsider"]).post(url, {"rules_yaml": RULES}).status_code == 403
    done = client_for(users["gat"]).post(url, {"rules_yaml": RULES.replace("90", "95")})
    assert done.status_code == 302
    dataset.refresh_from_db()
    assert dataset.audit_threshold == 95
    assert client_for(users["citizen"]).get(url).status_code == 403
    assert client_for().get(url).status_code == 302  # to the sign-in page


def test_start_audit_and_read_the_run(world: dict[str, Any],
                                      django_capture_on_commit_callbacks: Any) -> None:
    dataset, users = world["dataset"], world["users"]
    start = f"/lake/datasets/{dataset.uid}/quality/audit"
    assert client_for(users["outsider"]).post(start).status_code == 403
    assert client_for(users["rst"]).post(start).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):  # the queued task runs at commit
        response = client_for(users["gat"]).post(start)
    run = AuditRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/lake/audits/{run.uid}/"
    page = client_for(users["outsider"]).get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200 and 'id="sql-spark"' in text and "RLIKE" in text
    assert BAD not in text and BAD[:6] + "********" + BAD[-4:] in text
    assert "138****" not in text  # "1380000" is not a mobile number: masked to its last 4
    assert client_for(users["citizen"]).get(response["Location"]).status_code == 403
    listing = client_for(users["gat"]).get("/lake/audits/", {"below": "1"})
    assert listing.status_code == 200 and str(run.uid) in listing.content.decode()
    assert client_for(users["gat"]).get("/lake/audits/", {"dataset": "nothing"}).content.count(
        str(run.uid).encode()) == 0
    trend = client_for(users["gat"]).get(f"/lake/datasets/{dataset.uid}/quality/")
    assert b"<polyline" in trend.content


def test_rectifications_page_and_resolution(world: dict[str, Any]) -> None:
    dataset, users = world["dataset"], world["users"]
    run = actions.do_run_audit(users["gat"], dataset)
    rect = QualityRectification.objects.get(run=run)
    mine = client_for(users["gat"]).get("/lake/rectifications/")
    assert mine.status_code == 200 and f"/lake/rectifications/{rect.uid}/resolve" in \
        mine.content.decode()
    theirs = client_for(users["rst"]).get("/lake/rectifications/")
    assert dataset.code not in theirs.content.decode()
    url = f"/lake/rectifications/{rect.uid}/resolve"
    assert client_for(users["outsider"]).post(url, {"note": "x"}).status_code == 403
    assert client_for(users["citizen"]).get("/lake/rectifications/").status_code == 403
    assert client_for(users["gat"]).post(url, {"note": "已更正"}).status_code == 302
    rect.refresh_from_db()
    assert rect.status == "resolved" and rect.note == "已更正"


def test_api_rules_audits_and_rectifications(world: dict[str, Any]) -> None:
    dataset, users = world["dataset"], world["users"]
    gat = client_for(users["gat"])
    rules = gat.get(f"{API}/datasets/{dataset.uid}/rules").json()
    assert rules["threshold"] == 90 and [r["name"] for r in rules["rules"]] == [
        "id_number_valid", "phone_valid", "name_present"]
    bad = gat.put(f"{API}/datasets/{dataset.uid}/rules",
                  {"rules_yaml": "rules:\n  - a: {check: not_null, column: zz}\n"},
                  content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "rules_invalid"
    assert bad.json()["details"]["line"] == 2
    outsider = client_for(users["outsider"])
    assert outsider.put(f"{API}/datasets/{dataset.uid}/rules", {"rules_yaml": RULES},
                        content_type="application/json").status_code == 403
    assert outsider.post(f"{API}/datasets/{dataset.uid}/audits").status_code == 403
    started = gat.post(f"{API}/datasets/{dataset.uid}/audits")
    assert started.status_code == 201
    run = started.json()
    assert run["status"] == "succeeded" and run["rectification"] and "RLIKE" in run["spark_sql"]
    failed = {r["rule"]: r for r in run["results"]}["id_number_valid"]
    assert failed["failed"] == 1 and failed["sample"][0]["id_number"] != BAD
    trend = outsider.get(f"{API}/datasets/{dataset.uid}/audits").json()
    assert trend["count"] == 1 and trend["items"][0]["uid"] == run["uid"]
    assert outsider.get(f"{API}/audits/{run['uid']}").status_code == 200
    tasks = gat.get(f"{API}/rectifications").json()
    assert tasks["count"] == 1 and tasks["items"][0]["dataset"] == "hb-gat/people"
    assert client_for(users["rst"]).get(f"{API}/rectifications").json()["count"] == 0
    uid = tasks["items"][0]["uid"]
    assert outsider.post(f"{API}/rectifications/{uid}/resolve", {"note": "x"},
                         content_type="application/json").status_code == 403
    done = gat.post(f"{API}/rectifications/{uid}/resolve", {"note": "重新导入"},
                    content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    anonymous, citizen = client_for(), client_for(users["citizen"])
    assert anonymous.get(f"{API}/datasets/{dataset.uid}/rules").status_code == 401
    assert anonymous.get(f"{API}/rectifications").status_code == 401
    assert citizen.get(f"{API}/datasets/{dataset.uid}/rules").status_code == 403
    assert citizen.get(f"{API}/audits/{run['uid']}").status_code == 403
    assert gat.get(f"{API}/audits/not-a-uid").status_code == 404


def test_an_audit_started_on_the_page_waits_for_its_task_and_the_page_follows_it(
        world: dict[str, Any], django_capture_on_commit_callbacks: Any) -> None:
    dataset, users = world["dataset"], world["users"]
    steward = client_for(users["gat"])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = steward.post(f"/lake/datasets/{dataset.uid}/quality/audit")
    run = AuditRun.objects.get()
    assert response.status_code == 302 and run.status == "pending" and len(queued) == 1
    page = steward.get(f"/lake/audits/{run.uid}/").content.decode()
    status_url = f"/lake/audits/{run.uid}/status"
    assert "<progress" in page and f'hx-get="{status_url}"' in page
    waiting = steward.get(status_url, HTTP_HX_REQUEST="true")
    assert "<progress" in waiting.content.decode() and "HX-Refresh" not in waiting
    assert client_for(users["citizen"]).get(status_url).status_code == 403
    queued[0]()  # the task: claims the waiting run and audits it
    run.refresh_from_db()
    assert run.status == "succeeded" and run.results.count() == 3
    done = steward.get(status_url, HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true" and "<progress" not in done.content.decode()
    # A second delivery of the task finds nothing waiting and writes nothing.
    assert actions.execute_audit(run).status == "succeeded" and run.results.count() == 3
