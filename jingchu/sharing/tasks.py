"""Background jobs of data sharing. Each is idempotent: running one twice does no harm."""

from __future__ import annotations

from celery import shared_task

from jingchu.sharing.actions.requests import do_remind_due_reviews


@shared_task(ignore_result=True)
def remind_due_share_reviews() -> int:
    """Remind the owners' data stewards of share requests near or past their review deadline
    (Celery beat, daily); a steward is reminded of a request at most once a day."""
    return do_remind_due_reviews()


@shared_task(ignore_result=True)
def seal_exchange_calls() -> int:
    """Seal the unsealed gateway call records in the ledger, a batch per entry (Celery beat,
    every minute); answers how many batches were sealed."""
    from jingchu.sharing.actions.exchange import do_seal_calls

    batches = 0
    while do_seal_calls() is not None:
        batches += 1
    return batches
