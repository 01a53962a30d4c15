"""The command line's quality verbs, the admin's rule entry through the actions, and the demo's
rule files."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import translation

from jingchu.core.identifiers import make_id_number
from jingchu.core.models import AuditEvent
from jingchu.identity.models import User
from jingchu.lake import admin_quality  # noqa: F401  (lake/admin.py imports it too)
from jingchu.lake.choices import RuleSource
from jingchu.lake.demo_quality import load_quality_demo
from jingchu.lake.models import AuditRun, QualityRule

GOOD = make_id_number("420102", dt.date(1990, 1, 2), 1, True)
RULES = "rules:\n  - id_ok: {check: id_number, column: id_number}\n" \
        "  - region_ok: {check: region_code, column: region_code}\n"


def test_audit_file_needs_no_database(tmp_path: Path) -> None:
    data = tmp_path / "p.parquet"
    pq.write_table(pa.Table.from_pylist([{"id_number": GOOD, "region_code": "420102"},
                                         {"id_number": GOOD[:17], "region_code": "999999"}]),
                   data)
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    out = StringIO()
    call_command("lake", "audit-file", str(data), "--rules", str(rules), "--sql", "--spark",
                 "--sample", "1", "--date", "2026-03-01", stdout=out)
    text = out.getvalue()
    assert "2 rows" in text and "RLIKE" in text and "REGEXP_MATCHES" in text
    lines = {line.split()[0]: line.split()[1:] for line in text.splitlines() if line.strip()}
    assert lines["id_ok"] == ["conformity", "2", "1"]
    assert lines["region_ok"] == ["conformity", "2", "1"]
    rules.write_text("rules:\n  - x: {check: nope}\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 2"):
        call_command("lake", "audit-file", str(data), "--rules", str(rules), stdout=StringIO())


@pytest.mark.django_db
def test_rules_and_audit_verbs(lake_world: dict[str, Any], put_dataset: Any,
                               tmp_path: Path) -> None:
    dataset = put_dataset(lake_world["orgs"]["hb-gat"], "hb-gat/cli",
                          [{"id_number": GOOD, "region_code": "420102"}])
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    out = StringIO()
    call_command("lake", "rules", dataset.code, "--set", str(rules), stdout=out)
    assert "2 rules" in out.getvalue()
    out = StringIO()
    call_command("lake", "rules", dataset.code, stdout=out)
    assert "id_ok" in out.getvalue()
    out = StringIO()
    call_command("lake", "audit", dataset.code, "--user", "lk_gat", stdout=out)
    assert "score 100.00" in out.getvalue()
    assert AuditRun.objects.get().created_by == lake_world["users"]["gat"]
    with pytest.raises(CommandError):
        call_command("lake", "audit", "hb-gat/none", stdout=StringIO())
    with translation.override("en"), pytest.raises(CommandError, match="Only the owner"):
        call_command("lake", "audit", dataset.code, "--user", "lk_rst", stdout=StringIO())


@pytest.mark.django_db
def test_admin_enters_rules_through_the_actions(lake_world: dict[str, Any],
                                                put_dataset: Any) -> None:
    dataset = put_dataset(lake_world["orgs"]["hb-gat"], "hb-gat/admin",
                          [{"id_number": GOOD, "region_code": "420102"}])
    root = User.objects.create_superuser("root_q", password="Root@2026-test")
    client = Client()
    client.force_login(root)
    form = {"dataset": dataset.pk, "name": "id_ok", "check_name": "id_number",
            "columns_text": "id_number", "params_text": "", "dimension": "", "weight": 2,
            "enabled": "on", "description": ""}
    bad = client.post("/admin/lake/qualityrule/add/", form | {"columns_text": "nope"})
    assert bad.status_code == 200 and not QualityRule.objects.exists()
    assert client.post("/admin/lake/qualityrule/add/", form).status_code == 302
    rule = QualityRule.objects.get()
    assert (rule.source, rule.weight, rule.columns) == (RuleSource.ADMIN, 2, ["id_number"])
    assert AuditEvent.objects.filter(action="lake.rule.save").count() == 1
    client.post(f"/admin/lake/qualityrule/{rule.pk}/delete/", {"post": "yes"})
    assert not QualityRule.objects.exists()
    assert AuditEvent.objects.filter(action="lake.rule.delete").count() == 1


@pytest.mark.django_db
def test_demo_rules_skip_missing_datasets_and_audit_present_ones(lake_world: dict[str, Any],
                                                                 put_dataset: Any) -> None:
    ctx = SimpleNamespace(report=[], orgs=lake_world["orgs"])
    load_quality_demo(ctx)
    assert ctx.report == [] and not AuditRun.objects.exists()
    put_dataset(lake_world["orgs"]["hb-sw"], "hb-sw/tax-credit",
                [{"uscc": "91420100MA4K0001X0", "name": "某公司", "grade": "A", "year": 2024}],
                [{"name": "uscc"}, {"name": "name"}, {"name": "grade"},
                 {"name": "year", "type": "integer"}])
    load_quality_demo(ctx)
    run = AuditRun.objects.get()
    assert run.dataset.code == "hb-sw/tax-credit" and run.status == "succeeded"
    load_quality_demo(ctx)  # idempotent
    assert AuditRun.objects.count() == 1
