"""Background jobs of the lake: linkage. Each is idempotent."""

from __future__ import annotations

from celery import shared_task

from jingchu.lake.choices import JobStatus
from jingchu.lake.models import LinkageRun

__all__ = ["run_linkage"]


@shared_task(ignore_result=True)
def run_linkage(run_uid: str) -> str:
    """Carry out a pending linkage run; a run already started or finished is left alone, so a
    task delivered twice does the work once. Returns the run's status."""
    from jingchu.lake.actions.linkage import execute_linkage

    run = LinkageRun.objects.filter(uid=run_uid, status=JobStatus.PENDING).first()
    if run is None:
        return "not pending"
    return str(execute_linkage(run).status)
