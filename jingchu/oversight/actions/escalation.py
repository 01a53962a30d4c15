"""Escalation (超期督办) of overdue assignments, by the periodic scan.

An assignment still open (not reported, done or withdrawn) when its deadline day has passed is
escalated, each level once:
1. from the first day after the deadline: the assignee's handlers are reminded;
2. one working day later: the leaders of the organization that assigned it (the issuer, or the
   parent assignment's organization) are told;
3. two working days later: the leaders of the assignee's parent organization are told.
Working days come from jingchu.core.calendar (weekends, public holidays, make-up days). The
dates hang on the deadline, not on when the scan last ran, so a scan that was down catches up
with every level due, in order. An approved extension clears the level (the new deadline starts
afresh). The scan is idempotent: each assignment is re-read under its task's lock in its own
transaction and raised only to the level now due.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation

from jingchu.core import audit, calendar
from jingchu.identity.models import User
from jingchu.oversight import permissions
from jingchu.oversight.actions import notify
from jingchu.oversight.actions.common import (
    SYSTEM_LABEL,
    add_event,
    lock_assignment,
    require,
    today,
)
from jingchu.oversight.actions.extensions import assigning_organization
from jingchu.oversight.choices import LIVE_TASK, OPEN_ASSIGNMENT, EscalationLevel
from jingchu.oversight.models import Assignment

ONE_DAY = dt.timedelta(days=1)
MAX_LEVEL = max(EscalationLevel.values)


def due_dates(deadline: dt.date) -> tuple[dt.date, dt.date, dt.date]:
    """The first day of each level for an assignment due on `deadline`."""
    first = deadline + ONE_DAY
    return first, calendar.add_working_days(first, 1), calendar.add_working_days(first, 2)


def due_level(deadline: dt.date, day: dt.date) -> int:
    """The escalation level an assignment still open on `day` should have reached."""
    return sum(1 for start in due_dates(deadline) if day >= start)


def overdue(day: dt.date) -> QuerySet[Assignment]:
    """Open assignments of live tasks past their deadline, not yet at the top level."""
    return Assignment.objects.filter(status__in=OPEN_ASSIGNMENT, task__status__in=LIVE_TASK,
                                     deadline__lt=day, escalation__lt=MAX_LEVEL
                                     ).order_by("deadline", "pk")


def recipients(assignment: Assignment, level: int) -> list[User]:
    if level == EscalationLevel.ASSIGNEE:
        return notify.handlers(assignment.organization)
    if level == EscalationLevel.ASSIGNER:
        return notify.leaders(assigning_organization(assignment))
    return notify.leaders(assignment.organization.parent)


def _escalate(actor: Any, assignment: Assignment, level: int, now: dt.datetime) -> None:
    task = assignment.task
    assignment.escalation, assignment.escalated_at = level, now
    assignment.save(update_fields=["escalation", "escalated_at"])
    with translation.override(settings.LANGUAGE_CODE):
        label = str(EscalationLevel(level).label)
    details = {"task": task.number, "level": level, "deadline": assignment.deadline.isoformat()}
    add_event(task, actor, "escalated", assignment=assignment, note=label, details=details,
              at=now)
    audit.record("oversight.assignment.escalate", actor, assignment, details,
                 actor_label="" if actor is not None else SYSTEM_LABEL)
    notify.tell(actor, recipients(assignment, level), f"escalated_{level}", task, assignment)


@transaction.atomic
def _scan_one(actor: Any, pk: int, task_id: int, now: dt.datetime) -> list[int]:
    assignment = lock_assignment(Assignment(pk=pk, task_id=task_id))
    if (assignment.status not in OPEN_ASSIGNMENT
            or assignment.task.status not in LIVE_TASK):
        return []
    target = due_level(assignment.deadline, today(now))
    levels = list(range(assignment.escalation + 1, target + 1))
    for level in levels:
        _escalate(actor, assignment, level, now)
    return levels


def do_scan_overdue(actor: Any = None, *, now: dt.datetime | None = None) -> dict[str, int]:
    """Escalate every overdue assignment to the level now due, each in its own transaction.
    Answers how many assignments were overdue and how many escalations of each level were
    made. `actor` None is the scheduler; a person running it must be a superuser."""
    if actor is not None:
        require(permissions.can_run_scan(actor))
    now = now or timezone.now()
    rows = list(overdue(today(now)).values_list("pk", "task_id"))
    counts = {"overdue": len(rows), **{f"level_{n}": 0 for n in range(1, MAX_LEVEL + 1)}}
    for pk, task_id in rows:
        for level in _scan_one(actor, pk, task_id, now):
            counts[f"level_{level}"] += 1
    return counts
