"""Background jobs of the lake: quality audits on a schedule and after each load. Each is
idempotent: running it again at once audits nothing twice.

The schedule follows each dataset's declared update frequency: an active dataset with rules is
audited when its current version has no audit yet, or when its last audit is older than the
period (daily 1 day, weekly 7, monthly 30, quarterly 91, yearly 365, real time 1 hour);
an irregular dataset only when a new version arrives. Beat runs `run_due_audits` hourly.
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.utils import timezone

from jingchu.core.errors import ActionError
from jingchu.lake.choices import AuditTrigger, DatasetStatus
from jingchu.lake.models import AuditRun, Dataset, DatasetVersion

__all__ = ["audit_after_load", "due_datasets", "run_audit", "run_due_audits"]
log = logging.getLogger(__name__)

PERIODS = {"realtime": dt.timedelta(hours=1), "daily": dt.timedelta(days=1),
           "weekly": dt.timedelta(days=7), "monthly": dt.timedelta(days=30),
           "quarterly": dt.timedelta(days=91), "yearly": dt.timedelta(days=365)}
# A run still waiting or running after this long lost its process; the schedule fails it and
# audits the dataset again.
STALE_AFTER = dt.timedelta(hours=6)


def is_due(dataset: Dataset, now: dt.datetime) -> bool:
    if dataset.current_version_id is None:
        return False
    runs = AuditRun.objects.filter(dataset=dataset)
    if not runs.filter(version_id=dataset.current_version_id).exists():
        return True
    period = PERIODS.get(dataset.update_frequency)
    if period is None:  # irregular: only a new version calls for an audit
        return False
    last = runs.order_by("-started_at").values_list("started_at", flat=True).first()
    return last is None or last <= now - period


def due_datasets(now: dt.datetime | None = None) -> list[Dataset]:
    """Active datasets with enabled rules whose audit is due."""
    now = now or timezone.now()
    candidates = (Dataset.objects.filter(status=DatasetStatus.ACTIVE, rules__enabled=True,
                                         current_version__isnull=False)
                  .distinct().select_related("current_version", "owner").order_by("code"))
    return [d for d in candidates if is_due(d, now)]


@shared_task(ignore_result=True)
def run_due_audits() -> int:
    """Audit every dataset that is due; answers how many audits ran (failed ones included:
    the run records its error and the next period tries again)."""
    from jingchu.lake.actions.quality import do_fail_stale_runs, do_run_scheduled_audit

    now = timezone.now()
    do_fail_stale_runs(STALE_AFTER)
    count = 0
    for dataset in due_datasets(now):
        try:
            if do_run_scheduled_audit(dataset, lambda d: is_due(d, now)) is not None:
                count += 1
        except ActionError as exc:  # no rules or no version any more: nothing to audit
            log.info("audit of %s skipped: %s", dataset.code, exc.message)
    return count


@shared_task(ignore_result=True)
def audit_after_load(version_uid: str) -> str:
    """Audit a freshly loaded version once (a second call finds its audit and does nothing)."""
    from jingchu.lake.actions.quality import do_run_audit

    version = DatasetVersion.objects.select_related("dataset").filter(uid=version_uid).first()
    if version is None:
        return "no such version"
    if AuditRun.objects.filter(version=version).exists():
        return "audited already"
    dataset = version.dataset
    if dataset.status != DatasetStatus.ACTIVE or not dataset.rules.filter(enabled=True).exists():
        return "no rules"
    try:
        run = do_run_audit(None, dataset, version=version, trigger=AuditTrigger.INGEST)
    except ActionError as exc:
        return exc.code
    return str(run.status)


@shared_task(ignore_result=True)
def run_audit(run_uid: str) -> str:
    """Carry out an audit run queued from the page (a run no longer waiting is left alone)."""
    from jingchu.lake.actions.quality import execute_audit

    run = AuditRun.objects.filter(uid=run_uid).first()
    if run is None:
        return "no such run"
    return str(execute_audit(run).status)
