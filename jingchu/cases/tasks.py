"""Background jobs of the cases app. Each is idempotent: running one twice does no harm."""

from __future__ import annotations

from celery import shared_task

from jingchu.cases.actions import escalate_due_cases


@shared_task(ignore_result=True)
def escalate_overdue_cases() -> int:
    """Flag near-due and overdue cases once and tell their approvers (Celery beat, hourly)."""
    return escalate_due_cases()
