"""Background jobs of the cockpit. Each is idempotent: a refresh replaces a KPI's day whole."""

from __future__ import annotations

from celery import shared_task

from jingchu.cockpit.actions import do_refresh_recent


@shared_task(ignore_result=True)
def refresh_rollups() -> str:
    """Today's rollups, and any recent day due (Celery beat, every 10 minutes)."""
    reports = do_refresh_recent(None)
    failed = sum(len(r.errors) for r in reports)
    return (f"{len(reports)} day(s), {sum(r.rows for r in reports)} rows, "
            f"{failed} KPI failure(s)")
