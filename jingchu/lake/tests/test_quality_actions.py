"""The quality actions: setting a rule file (and refusing a bad one without writing anything),
admin rules, audits with their results, masked samples and rectification below threshold, a
failed audit recorded as such, resolving a rectification; permission refusals."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jingchu.core import calendar
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.identifiers import make_id_number
from jingchu.core.models import AuditEvent, Notification
from jingchu.lake import storage
from jingchu.lake.actions import quality as actions
from jingchu.lake.choices import JobStatus, RectificationStatus, RuleSource
from jingchu.lake.models import AuditRun, QualityRectification, QualityRule

pytestmark = pytest.mark.django_db

COLUMNS = [{"name": "id_number", "type": "string", "mask": "id_number"},
           {"name": "name", "type": "string", "mask": "name"},
           {"name": "gender", "type": "string"}, {"name": "birth_date", "type": "date"},
           {"name": "region_code", "type": "string"},
           {"name": "phone", "type": "string", "mask": "phone"},
           {"name": "address", "type": "string"}, {"name": "registered_on", "type": "date"}]
MAN = make_id_number("420102", dt.date(1990, 1, 2), 1, True)
WOMAN = make_id_number("420106", dt.date(1985, 3, 4), 2, False)
BAD = MAN[:17] + ("0" if MAN[17] != "0" else "1")


def person(number: str, name: str | None, gender: str, born: dt.date | None, region: str,
           phone: str) -> dict[str, Any]:
    return {"id_number": number, "name": name, "gender": gender, "birth_date": born,
            "region_code": region, "phone": phone, "address": "武汉市洪山区珞喻路1号",
            "registered_on": dt.date(2000, 1, 1)}


ROWS = [person(MAN, "张三", "男", dt.date(1990, 1, 2), "420102", "13800000000"),
        person(WOMAN, "李四", "女", dt.date(1985, 3, 4), "420106", "027-87654321"),
        person(BAD, None, "男", None, "429001", "123"),
        person(MAN, "张三", "男", dt.date(1990, 1, 2), "420102", "13800000000")]
STANDARD = (storage.Path(actions.__file__).resolve().parents[1] / "quality" / "standard"
            / "population.yaml").read_text(encoding="utf-8")


@pytest.fixture
def world(lake_world: dict[str, Any], put_dataset: Any) -> dict[str, Any]:
    dataset = put_dataset(lake_world["orgs"]["hb-gat"], "hb-gat/population-extract", ROWS,
                          COLUMNS, name="人口信息抽样")
    return lake_world | {"dataset": dataset}


def test_set_rules_replaces_file_rules_keeps_admin_ones(world: dict[str, Any]) -> None:
    gat, dataset = world["users"]["gat"], world["dataset"]
    actions.do_save_rule(gat, dataset, "address_present", {"check": "not_null",
                                                           "column": "address"})
    saved = actions.do_set_rules(gat, dataset, STANDARD)
    assert [r.name for r in saved][:2] == ["id_number_valid", "birth_date_agrees"]
    dataset.refresh_from_db()
    assert dataset.audit_threshold == 85 and dataset.rules_yaml == STANDARD
    assert dataset.rules.filter(source=RuleSource.YAML).count() == 7
    assert dataset.rules.filter(source=RuleSource.ADMIN).get().name == "address_present"
    actions.do_set_rules(gat, dataset, "rules:\n  - only: {check: not_null, column: name}\n")
    assert sorted(dataset.rules.values_list("name", flat=True)) == ["address_present", "only"]
    assert AuditEvent.objects.filter(action="lake.rules.set").count() == 2
    assert AuditEvent.objects.filter(action="lake.rule.save").count() == 1


def test_a_bad_rule_file_writes_nothing(world: dict[str, Any]) -> None:
    gat, dataset = world["users"]["gat"], world["dataset"]
    actions.do_set_rules(gat, dataset, STANDARD)
    for text, line in [("rules:\n  - a: {check: not_null, column: nope}\n", 2),
                       ("rules:\n  - a: {check: references, column: name, dataset: x/y}\n", 2),
                       ("dataset: hb-rst/other\nrules: []\n", 1)]:
        with pytest.raises(ActionError) as caught:
            actions.do_set_rules(gat, dataset, text)
        assert caught.value.code == "rules_invalid" and caught.value.details["line"] == line
    dataset.refresh_from_db()
    assert dataset.rules_yaml == STANDARD and dataset.rules.count() == 7
    assert AuditEvent.objects.filter(action="lake.rules.set").count() == 1


def test_only_the_owner_or_province_edits_rules(world: dict[str, Any]) -> None:
    dataset, users = world["dataset"], world["users"]
    for who in ("rst", "outsider", "citizen"):
        with pytest.raises(NotPermitted):
            actions.do_set_rules(users[who], dataset, STANDARD)
        with pytest.raises(NotPermitted):
            actions.do_run_audit(users[who], dataset)
    assert not QualityRule.objects.exists() and not AuditRun.objects.exists()
    actions.do_set_rules(users["dsj"], dataset, STANDARD)  # province level
    assert dataset.rules.count() == 7


def test_admin_rules_are_validated_and_file_rules_not_deleted_there(world: dict[str, Any]
                                                                     ) -> None:
    gat, dataset = world["users"]["gat"], world["dataset"]
    with pytest.raises(ActionError):
        actions.do_save_rule(gat, dataset, "x", {"check": "range", "column": "phone"})
    actions.do_set_rules(gat, dataset, STANDARD)
    with pytest.raises(ActionError) as caught:
        actions.do_delete_rule(gat, dataset.rules.get(name="phone_valid"))
    assert caught.value.status == 409
    with pytest.raises(ActionError) as caught:
        actions.do_save_rule(gat, dataset, "phone_valid", {"check": "mobile", "column": "phone"})
    assert caught.value.code == "rule_name_taken"
    rule = actions.do_save_rule(gat, dataset, "mobile_only", {"check": "mobile",
                                                              "column": "phone", "weight": 2})
    actions.do_delete_rule(gat, rule)
    assert not dataset.rules.filter(name="mobile_only").exists()


def test_audit_below_threshold_opens_rectification_with_masked_samples(world: dict[str, Any],
                                                                       settings: Any) -> None:
    settings.RECTIFICATION_DAYS = 3
    gat, dataset = world["users"]["gat"], world["dataset"]
    actions.do_set_rules(gat, dataset, STANDARD)
    run = actions.do_run_audit(gat, dataset)
    assert run.status == JobStatus.SUCCEEDED and run.row_count == 4 and run.created_by == gat
    counts = {r.rule_name: (r.checked, r.failed) for r in run.results.all()}
    assert counts == {"id_number_valid": (4, 1), "birth_date_agrees": (3, 0),
                      "gender_agrees": (3, 0), "region_code_valid": (4, 1),
                      "phone_valid": (4, 1), "name_present": (4, 1), "id_number_unique": (4, 2)}
    assert run.scores == {"conformity": 75.0, "accuracy": 100.0, "completeness": 75.0,
                          "consistency": 50.0}
    assert float(run.score or 0) == round((75 * 3 + 100 * 2 + 75 + 50) / 7, 2)
    sample = run.results.get(rule_name="id_number_valid").sample
    assert sample[0]["id_number"] == BAD[:6] + "********" + BAD[-4:]
    assert sample[0]["phone"] == "123".replace("123", "***")
    assert "SELECT" in run.sql and run.duration_ms >= 0
    rect = QualityRectification.objects.get(run=run)
    assert rect.organization == world["orgs"]["hb-gat"] and rect.status == "open"
    assert rect.due_on == calendar.add_working_days(timezone.localdate(), 3)
    assert Notification.objects.filter(recipient=gat).count() == 1
    assert AuditEvent.objects.filter(action="lake.rectification.open").count() == 1
    again = actions.do_run_audit(gat, dataset)  # one open task per dataset at a time
    assert not QualityRectification.objects.filter(run=again).exists()


def test_audit_above_threshold_opens_nothing(world: dict[str, Any]) -> None:
    dataset = world["dataset"]
    actions.do_set_rules(None, dataset, STANDARD.replace("threshold: 85", "threshold: 40"))
    run = actions.do_run_audit(None, dataset)
    assert run.status == JobStatus.SUCCEEDED and (run.score or 0) >= 40 and run.created_by is None
    assert not QualityRectification.objects.exists()


def test_a_failed_audit_is_recorded_not_raised(world: dict[str, Any]) -> None:
    gat, dataset = world["users"]["gat"], world["dataset"]
    actions.do_set_rules(gat, dataset, STANDARD)
    storage.absolute(dataset.current_version.path).unlink()
    run = actions.do_run_audit(gat, dataset)
    assert run.status == JobStatus.FAILED and run.error and run.finished_at
    assert not run.results.exists() and not QualityRectification.objects.exists()
    assert AuditEvent.objects.filter(action="lake.audit.fail").count() == 1


def test_audit_needs_rules_and_a_version(world: dict[str, Any], lake_world: dict[str, Any]
                                         ) -> None:
    gat, dataset = world["users"]["gat"], world["dataset"]
    with pytest.raises(ActionError) as caught:
        actions.do_run_audit(gat, dataset)
    assert caught.value.code == "no_rules" and not AuditRun.objects.exists()


def test_region_references_come_from_core_regions() -> None:
    refs = actions.region_references()
    assert "420102" in refs["regions"] and "420000" in refs["regions"]
    assert "429001" not in refs["regions"]
    assert all(len(c) == 12 for c in refs["regions12"])


def test_resolve_rectification(world: dict[str, Any]) -> None:
    users, dataset = world["users"], world["dataset"]
    actions.do_set_rules(users["gat"], dataset, STANDARD)
    rect = QualityRectification.objects.get(run=actions.do_run_audit(users["gat"], dataset))
    for who in ("rst", "outsider", "citizen"):
        with pytest.raises(NotPermitted):
            actions.do_resolve_rectification(users[who], rect, "fixed")
    with pytest.raises(ActionError) as caught:
        actions.do_resolve_rectification(users["gat"], rect, "  ")
    assert caught.value.code == "reason_required"
    done = actions.do_resolve_rectification(users["gat"], rect, "重新加载 v2，已更正校验码")
    assert done.status == RectificationStatus.RESOLVED and done.resolved_by == users["gat"]
    with pytest.raises(ActionError) as caught:
        actions.do_resolve_rectification(users["gat"], rect, "again")
    assert caught.value.status == 409
    assert AuditEvent.objects.filter(action="lake.rectification.resolve").count() == 1


def test_consistency_across_datasets(world: dict[str, Any], put_dataset: Any) -> None:
    gat = world["users"]["dsj"]
    other = put_dataset(world["orgs"]["hb-rst"], "hb-rst/si-enrolment", [
        {"id_number": MAN, "name": "张三"}, {"id_number": WOMAN, "name": "李五"},
        {"id_number": make_id_number("420102", dt.date(2001, 1, 1), 5, True), "name": "赵"}])
    actions.do_set_rules(gat, other, """rules:
  - known: {check: references, column: id_number, dataset: hb-gat/population-extract}
  - same_name: {check: agrees_with, columns: [id_number, name],
                dataset: hb-gat/population-extract}
""")
    run = actions.do_run_audit(gat, other)
    counts = {r.rule_name: (r.checked, r.failed) for r in run.results.all()}
    assert counts == {"known": (3, 1), "same_name": (2, 1)}
