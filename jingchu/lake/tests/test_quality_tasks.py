"""Scheduled audits pick the datasets that are due, and only those, once; the audit after a
load runs once per version."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jingchu.lake.actions import quality as actions
from jingchu.lake.choices import AuditTrigger, DatasetStatus
from jingchu.lake.models import AuditRun, Dataset
from jingchu.lake.tasks_quality import audit_after_load, due_datasets, run_due_audits

pytestmark = pytest.mark.django_db
RULES = "rules:\n  - a_present: {check: not_null, column: a}\n"


def make(put_dataset: Any, org: Any, code: str, frequency: str, *, rules: bool = True
         ) -> Dataset:
    dataset = put_dataset(org, code, [{"a": "1"}, {"a": None}], update_frequency=frequency)
    if rules:
        actions.do_set_rules(None, dataset, RULES)
    return dataset


def audited(dataset: Dataset, days_ago: float) -> None:
    run = actions.do_run_audit(None, dataset, trigger=AuditTrigger.SCHEDULE)
    AuditRun.objects.filter(pk=run.pk).update(
        started_at=timezone.now() - dt.timedelta(days=days_ago))


def test_due_datasets_follow_the_declared_frequency(lake_world: dict[str, Any],
                                                    put_dataset: Any) -> None:
    org = lake_world["orgs"]["hb-gat"]
    never = make(put_dataset, org, "hb-gat/never", "monthly")
    daily = make(put_dataset, org, "hb-gat/daily", "daily")
    monthly = make(put_dataset, org, "hb-gat/monthly", "monthly")
    hourly = make(put_dataset, org, "hb-gat/live", "realtime")
    irregular = make(put_dataset, org, "hb-gat/irregular", "irregular")
    retired = make(put_dataset, org, "hb-gat/retired", "daily")
    make(put_dataset, org, "hb-gat/no-rules", "daily", rules=False)
    audited(daily, 2)
    audited(monthly, 2)
    audited(hourly, 0.02)  # half an hour ago
    audited(irregular, 400)
    Dataset.objects.filter(pk=retired.pk).update(status=DatasetStatus.RETIRED)
    assert [d.code for d in due_datasets()] == [daily.code, never.code]
    in_two_hours = timezone.now() + dt.timedelta(hours=2)
    assert hourly.code in [d.code for d in due_datasets(in_two_hours)]
    put_dataset(org, irregular.code, [{"a": "2"}])  # a new version of the irregular one
    assert irregular.code in [d.code for d in due_datasets()]


def test_run_due_audits_is_idempotent(lake_world: dict[str, Any], put_dataset: Any) -> None:
    org = lake_world["orgs"]["hb-gat"]
    first = make(put_dataset, org, "hb-gat/first", "daily")
    second = make(put_dataset, org, "hb-gat/second", "weekly")
    assert run_due_audits() == 2
    assert run_due_audits() == 0
    runs = AuditRun.objects.filter(dataset__in=[first, second])
    assert runs.count() == 2 and set(runs.values_list("trigger", flat=True)) == {"schedule"}


def test_audit_after_load_runs_once(lake_world: dict[str, Any], put_dataset: Any) -> None:
    dataset = make(put_dataset, lake_world["orgs"]["hb-gat"], "hb-gat/loaded", "daily")
    assert dataset.current_version is not None
    uid = str(dataset.current_version.uid)
    assert audit_after_load(uid) == "succeeded"
    assert audit_after_load(uid) == "audited already"
    run = AuditRun.objects.get(dataset=dataset)
    assert run.trigger == "ingest" and run.version == dataset.current_version
    bare = make(put_dataset, lake_world["orgs"]["hb-gat"], "hb-gat/bare", "daily", rules=False)
    assert bare.current_version is not None
    assert audit_after_load(str(bare.current_version.uid)) == "no rules"
