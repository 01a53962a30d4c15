"""Background jobs of the business-environment evaluation. Each is idempotent."""

from __future__ import annotations

from celery import shared_task

from jingchu.bizenv import months
from jingchu.bizenv.actions.evaluate import do_evaluate
from jingchu.bizenv.models import Evaluation, ImportBatch


@shared_task(ignore_result=True)
def evaluate_previous_month() -> str:
    """Compute last month's evaluation and render its PDF reports (Celery beat, daily): done
    once the month is over, and again whenever figures for it were imported after it was last
    computed; otherwise nothing."""
    month = months.previous_month(months.current_month())
    done = Evaluation.objects.filter(month=month).first()
    if done is not None and not ImportBatch.objects.filter(
            month=month, uploaded_at__gt=done.computed_at).exists():
        return f"{months.label(month)}: up to date"
    do_evaluate(None, month, render=True)
    return f"{months.label(month)}: computed"
