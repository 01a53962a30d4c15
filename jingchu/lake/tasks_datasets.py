"""Background jobs of the lake: datasets. Each is idempotent."""

from __future__ import annotations

import logging

from celery import shared_task

from jingchu.core.errors import ActionError
from jingchu.lake.choices import JobStatus
from jingchu.lake.models import IngestJob

__all__ = ["run_load"]
log = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def run_load(job_uid: str) -> str:
    """Run a pending load job; a job that is running, done or failed is left alone. The job's
    row says how it ended: a refusal or an unreadable file is kept there, not raised into the
    worker (or, with eager tasks, into the page that started the load)."""
    from jingchu.lake.actions.datasets import do_run_load

    job = IngestJob.objects.filter(uid=job_uid, status=JobStatus.PENDING).first()
    if job is None:
        return "not pending"
    try:
        version = do_run_load(job)
    except ActionError:
        return "failed"
    except Exception:  # do_run_load marked the job failed and removed its files
        log.exception("lake load %s failed", job_uid)
        return "failed"
    return f"v{version.number}"
