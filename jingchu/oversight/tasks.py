"""Background jobs of oversight tasks. Each is idempotent: running one twice does no harm."""

from __future__ import annotations

from celery import shared_task

from jingchu.oversight.actions.escalation import do_scan_overdue


@shared_task(ignore_result=True)
def scan_overdue_assignments() -> dict[str, int]:
    """Escalate overdue assignments to the level now due (Celery beat, hourly)."""
    return do_scan_overdue()
