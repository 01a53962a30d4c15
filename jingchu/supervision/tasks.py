"""Background jobs of supervision. Each is idempotent: running one twice does no harm."""

from __future__ import annotations

from celery import shared_task


@shared_task(ignore_result=True)
def scan_publication_deadlines() -> dict[str, int]:
    """Alert on results due or late for publication (Celery beat, hourly)."""
    from jingchu.supervision.actions.inspections import do_scan_publication_deadlines

    return do_scan_publication_deadlines(None)


@shared_task(ignore_result=True)
def compute_credit_grades() -> int:
    """Recompute every supervised entity's credit grade (Celery beat, daily): complaints and
    penalties age out of their windows even when nothing new happens."""
    from jingchu.supervision.actions.credit import do_compute_grades

    return do_compute_grades(None)
