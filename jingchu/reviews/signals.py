"""Reactions of 好差评 to other apps' rows: cases does not import reviews, so the SMS rating
invitation on completion hangs on the CaseEvent that `cases.actions.common.record_event` writes.

The receiver only schedules work for after the case's transaction commits, and that work
swallows its own failures: a rating invitation can never undo or break a case step.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from jingchu.cases.models import Case, CaseEvent
from jingchu.core.errors import ActionError

logger = logging.getLogger("jingchu.reviews")


def invite_after_case_event(sender: type[CaseEvent], instance: CaseEvent, created: bool,
                            raw: bool = False, **kwargs: Any) -> None:
    from jingchu.reviews.actions.sms import INVITED_ON

    event = INVITED_ON.get(instance.action)
    if not created or raw or event is None:
        return
    case_pk = instance.case_id

    def invite_sms_rating() -> None:  # a named function: Django logs its failure by name
        _invite(case_pk, event)

    transaction.on_commit(invite_sms_rating, robust=True)


def _invite(case_pk: int, event: str) -> None:
    from jingchu.reviews.actions import do_invite_sms_rating

    case = Case.objects.filter(pk=case_pk).first()
    if case is None:
        return
    try:
        do_invite_sms_rating(None, case, event)
    except ActionError as exc:
        logger.info("no SMS rating invitation for case %s: %s", case.number, exc.code)
