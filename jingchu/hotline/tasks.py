"""Background jobs of the hotline. Each is idempotent: running one twice does no harm."""

from __future__ import annotations

from celery import shared_task

from jingchu.hotline.actions.supervision import do_scan_overdue


@shared_task(ignore_result=True)
def scan_overdue_tickets() -> int:
    """Supervise (督办) late tickets and escalate those still late (Celery beat, every 15 min)."""
    return do_scan_overdue()
