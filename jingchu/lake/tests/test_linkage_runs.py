"""Linkage runs through the platform: the action (province-level stewards only, audited, a
failure recorded on the run), the task (idempotent), the pages, the API, the command line and
the demo loader; refusals for a department steward, an outsider, a citizen and anonymous."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import AuditEvent
from jingchu.lake import demo_linkage, storage
from jingchu.lake.actions import linkage as actions
from jingchu.lake.choices import JobStatus
from jingchu.lake.linkage_synth import enrolment, population
from jingchu.lake.models import Dataset, LinkageRun
from jingchu.lake.tasks_linkage import run_linkage

pytestmark = pytest.mark.django_db

API = "/api/v1/lake"
BASE_CODE, SI_CODE = demo_linkage.BASE, demo_linkage.LINKED
POP_COLUMNS = [{"name": "id_number"}, {"name": "name"}, {"name": "gender"},
               {"name": "birth_date", "type": "date"}, {"name": "phone"},
               {"name": "region_code"}, {"name": "address"}, {"name": "truth", "type": "integer"}]
SI_COLUMNS = [{"name": "id_number"}, {"name": "name"}, {"name": "insurance_kind"},
              {"name": "truth", "type": "integer"}]


@pytest.fixture
def lake_people(lake_world: dict[str, Any], put_dataset: Callable[..., Dataset]) -> dict[str, Any]:
    """The demo codes holding 300 persons + 40 corrupted copies, and an enrolment extract."""
    table = population(300, 40, seed=21)
    orgs = lake_world["orgs"]
    base = put_dataset(orgs["hb-gat"], BASE_CODE, table.to_pylist(), POP_COLUMNS)
    si = put_dataset(orgs["hb-rst"], SI_CODE, enrolment(table, 0.5).to_pylist(), SI_COLUMNS)
    return {**lake_world, "base": base, "si": si, "table": table}


def _versions(w: dict[str, Any]) -> list[Any]:
    return [w["base"].current_version, w["si"].current_version]


def send(client: Any, method: str, url: str, body: Any = None) -> Any:
    return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json")


@pytest.mark.parametrize("who", ["gat", "rst", "outsider", "citizen"])
def test_only_province_stewards_start_runs(lake_people, who):
    with pytest.raises(NotPermitted):
        actions.do_run_linkage(lake_people["users"][who], "run", _versions(lake_people))
    assert not LinkageRun.objects.exists()


@pytest.mark.parametrize("change, code", [
    ({"threshold": 0.2}, "threshold_invalid"), ({"threshold": "x"}, "threshold_invalid"),
    ({"name": " "}, "name_required"), ({"versions": []}, "datasets_required"),
    ({"versions": "twice"}, "dataset_twice"), ({"versions": "si_first"}, "base_columns"),
])
def test_bad_input_is_refused_and_nothing_written(lake_people, change, code):
    w = lake_people
    args: dict[str, Any] = {"name": "run", "versions": _versions(w), "threshold": 0.95} | change
    if args["versions"] == "twice":
        args["versions"] = [w["base"].current_version, w["base"].current_version]
    if args["versions"] == "si_first":  # a base whose name column is mapped to nothing
        w["si"].details = {"linkage_columns": {"name": "insurance_kind_missing"}}
        w["si"].save()
        args["versions"] = [w["si"].current_version, w["base"].current_version]
    with pytest.raises(ActionError) as caught:
        actions.do_run_linkage(w["users"]["dsj"], **args)
    assert caught.value.code == code
    assert not LinkageRun.objects.exists()


def test_a_run_end_to_end_with_its_audit_and_key_map(lake_people):
    w = lake_people
    run = actions.do_run_linkage(w["users"]["dsj"], "全省一人一档", _versions(w), 0.95,
                                 queue=False)
    assert run.status == JobStatus.PENDING
    run = actions.execute_linkage(run)
    assert run.status == JobStatus.SUCCEEDED, run.error
    si_rows = w["si"].current_version.row_count
    assert run.record_count == 340 + si_rows
    assert 300 <= run.cluster_count <= 300 + si_rows
    assert run.pair_count >= 40 and run.duration_ms > 0 and run.finished_at
    report = run.report
    assert report["datasets"] == [BASE_CODE, SI_CODE]
    assert [s["dataset"] for s in report["sources"]] == [BASE_CODE, SI_CODE]
    assert report["sources"][1]["in_base"] >= 0.9 * si_rows
    keys = pq.read_table(storage.absolute(run.output_path)).to_pylist()
    assert run.output_path == f"linkage/{run.uid}.parquet" and len(keys) == run.record_count
    assert {k["source_dataset"] for k in keys} == {BASE_CODE, SI_CODE}
    clear = {r["id_number"] for r in w["table"].to_pylist()}
    assert not clear & {rec["id_number"] for s in report["samples"] for rec in s["records"]}
    actions_seen = list(AuditEvent.objects.filter(object_id=str(run.uid))
                        .values_list("action", flat=True))
    assert sorted(actions_seen) == ["lake.linkage.finish", "lake.linkage.start"]
    assert run_linkage(str(run.uid)) == "not pending"  # a second delivery does nothing
    assert actions.execute_linkage(run).finished_at == run.finished_at


def test_queued_after_commit_and_run_by_the_task(lake_people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = actions.do_run_linkage(lake_people["users"]["admin"], "queued",
                                     _versions(lake_people))
    run.refresh_from_db()
    assert run.status == JobStatus.SUCCEEDED and run.created_by == lake_people["users"]["admin"]


def test_a_failure_is_recorded_on_the_run(lake_people):
    w = lake_people
    run = actions.do_run_linkage(w["users"]["dsj"], "broken", _versions(w), queue=False)
    storage.absolute(w["si"].current_version.path).write_bytes(b"not parquet 13800000001234")
    run = actions.execute_linkage(run)
    assert run.status == JobStatus.FAILED and run.finished_at
    assert run.error and "13800000001234" not in run.error
    assert AuditEvent.objects.filter(action="lake.linkage.fail", object_id=str(run.uid)).exists()


def test_pages_for_province_stewards_only(client, lake_people):
    w = lake_people
    url = "/lake/linkage/"
    assert client.get(url).status_code == 302  # anonymous: to the login page
    for who in ("gat", "outsider", "citizen"):
        client.force_login(w["users"][who])
        assert client.get(url).status_code == 403
        assert client.post(url, {"name": "x"}).status_code == 403
    run = actions.execute_linkage(actions.do_run_linkage(None, "页面", _versions(w),
                                                         queue=False))
    client.force_login(w["users"]["gat"])
    assert client.get(f"/lake/linkage/{run.uid}/").status_code == 403
    client.force_login(w["users"]["dsj"])
    listing = client.get(url)
    assert listing.status_code == 200 and b"linkage-form" in listing.content
    assert "页面" in listing.content.decode()
    page = client.get(f"/lake/linkage/{run.uid}/").content.decode()
    assert 'id="weights-chart"' in page and 'id="sizes-chart"' in page
    assert page.count("<rect") == len(run.report["histogram"]) + len(run.report["cluster_sizes"])
    assert not any(r["id_number"] in page for r in w["table"].to_pylist())
    status = client.get(f"/lake/linkage/{run.uid}/status", HTTP_HX_REQUEST="true")
    assert status["HX-Refresh"] == "true"
    made = client.post(url, {"name": "从页面", "base": w["base"].pk, "others": [w["si"].pk],
                             "threshold": "0.9"})
    started = LinkageRun.objects.get(name="从页面")
    assert made.status_code == 302 and made["Location"] == f"/lake/linkage/{started.uid}/"
    assert started.threshold == 0.9 and started.report["datasets"] == [BASE_CODE, SI_CODE]
    bad = client.post(url, {"name": "x", "base": w["base"].pk, "threshold": "1.5"})
    assert bad.status_code == 400
    live = client.get(f"/lake/linkage/{started.uid}/status", HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in live and b"hx-get" in live.content


def test_api_lists_starts_and_reads_runs(client, lake_people):
    w = lake_people
    assert client.get(f"{API}/linkage-runs").status_code == 401
    for who in ("rst", "outsider", "citizen"):
        client.force_login(w["users"][who])
        assert client.get(f"{API}/linkage-runs").status_code == 403
        refused = send(client, "post", f"{API}/linkage-runs",
                       {"name": "x", "datasets": [BASE_CODE]})
        assert refused.status_code == 403
    client.force_login(w["users"]["dsj"])
    made = send(client, "post", f"{API}/linkage-runs",
                {"name": "接口", "datasets": [BASE_CODE, SI_CODE], "threshold": 0.97})
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["datasets"] == [BASE_CODE, SI_CODE] and body["threshold"] == 0.97
    by_version = send(client, "post", f"{API}/linkage-runs", {
        "name": "按版本", "versions": [str(w["base"].current_version.uid)]})
    assert by_version.status_code == 201 and by_version.json()["datasets"] == [BASE_CODE]
    bad = send(client, "post", f"{API}/linkage-runs", {"name": "x", "datasets": ["nope/x"]})
    assert bad.status_code == 400 and bad.json()["code"] == "dataset_unknown"
    low = send(client, "post", f"{API}/linkage-runs",
               {"name": "x", "datasets": [BASE_CODE], "threshold": 0.1})
    assert low.json() == {"code": "threshold_invalid", "message": low.json()["message"],
                          "details": {"field": "threshold"}}
    listed = client.get(f"{API}/linkage-runs").json()
    assert listed["count"] == 2 and {r["name"] for r in listed["items"]} == {"接口", "按版本"}
    run = actions.execute_linkage(LinkageRun.objects.get(uid=body["uid"]))
    detail = client.get(f"{API}/linkage-runs/{run.uid}").json()
    assert detail["status"] == "succeeded" and detail["cluster_count"] == run.cluster_count
    assert detail["report"]["samples"] and "histogram" in detail["report"]
    assert client.get(f"{API}/linkage-runs/00000000-0000-0000-0000-000000000000"
                      ).status_code == 404
    client.force_login(w["users"]["outsider"])
    assert client.get(f"{API}/linkage-runs/{run.uid}").status_code == 403


def test_command_line_link_with_progress(lake_people, capsys):
    call_command("lake", "link", BASE_CODE, SI_CODE, "--threshold", "0.9")
    out = capsys.readouterr()
    records = sum(d.current_version.row_count for d in (lake_people["base"], lake_people["si"]))
    assert re.search(rf"^Linked {records} records into \d+ persons", out.out)
    assert "Person key map" in out.out
    assert "training" in out.err and "clustering" in out.err
    run = LinkageRun.objects.get()
    assert run.status == JobStatus.SUCCEEDED and run.threshold == 0.9 and run.created_by is None
    with translation.override("en"), pytest.raises(CommandError, match="Only province-level"):
        call_command("lake", "link", BASE_CODE, "--user", "lk_gat")
    with pytest.raises(CommandError, match="no dataset"):
        call_command("lake", "link", "hb-gat/nothing")


def test_demo_run_is_quiet_without_datasets_and_idempotent(lake_world, put_dataset):
    ctx = SimpleNamespace(report=[])
    assert demo_linkage.load_linkage_demo(ctx) is None and ctx.report == []
    table = population(200, 20, seed=4)
    put_dataset(lake_world["orgs"]["hb-gat"], BASE_CODE, table.to_pylist(), POP_COLUMNS)
    put_dataset(lake_world["orgs"]["hb-rst"], SI_CODE, enrolment(table, 0.5).to_pylist(),
                SI_COLUMNS)
    run = demo_linkage.load_linkage_demo(ctx)
    assert run is not None and run.status == JobStatus.SUCCEEDED
    assert len(ctx.report) == 1 and "persons" in ctx.report[0]
    assert demo_linkage.load_linkage_demo(ctx) == run
    assert LinkageRun.objects.count() == 1
