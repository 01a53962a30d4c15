"""Scheduled audits pick the datasets that are due, and only those, once; the audit after a
load runs once per version."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from django.utils.translation import gettext

from jingchu.core.models import AuditEvent
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


def test_a_run_that_lost_its_process_is_failed_and_the_schedule_audits_again(
        lake_world: dict[str, Any], put_dataset: Any) -> None:
    dataset = make(put_dataset, lake_world["orgs"]["hb-gat"], "hb-gat/stale", "daily")
    stale = AuditRun.objects.create(dataset=dataset, version=dataset.current_version,
                                    status="running", trigger="schedule")
    AuditRun.objects.filter(pk=stale.pk).update(
        started_at=timezone.now() - dt.timedelta(hours=7))
    # The stale run counts as this version's audit, so the dataset is not due yet ...
    assert run_due_audits() == 0
    stale.refresh_from_db()
    # ... but the schedule failed it (audited), and the next period audits the version again.
    assert stale.status == "failed"
    assert stale.error == gettext("The audit was interrupted before it finished.")
    assert AuditEvent.objects.filter(action="lake.audit.fail", object_id=str(stale.uid)).exists()
    fresh = AuditRun.objects.create(dataset=dataset, version=dataset.current_version,
                                    status="running", trigger="schedule")
    assert run_due_audits() == 0 and AuditRun.objects.get(pk=fresh.pk).status == "running"


def test_a_dataset_no_longer_due_when_claimed_is_left_alone(lake_world: dict[str, Any],
                                                           put_dataset: Any) -> None:
    from jingchu.lake.actions.quality import do_run_scheduled_audit

    dataset = make(put_dataset, lake_world["orgs"]["hb-gat"], "hb-gat/claimed", "daily")
    # Another worker audited it between the listing and the claim.
    assert do_run_scheduled_audit(dataset, lambda d: False) is None
    assert not AuditRun.objects.filter(dataset=dataset).exists()
    run = do_run_scheduled_audit(dataset, lambda d: True)
    assert run is not None and run.status == "succeeded" and run.trigger == "schedule"
