"""Background jobs of the ledger. Each is idempotent."""

from __future__ import annotations

from celery import shared_task


@shared_task(ignore_result=True)
def sign_tree_head() -> int | None:
    """Sign a tree head when entries were appended since the latest one and it is old enough
    (Celery beat, every minute); answers the new tree size, or None when none was due."""
    from jingchu.ledger.actions import do_sign_tree_head

    head = do_sign_tree_head(None)
    return head.tree_size if head is not None else None
