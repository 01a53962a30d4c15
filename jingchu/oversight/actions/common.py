"""What the oversight actions share: row locks, state checks, input cleaning, the timeline and
the files of an instruction or report.

Every action locks the task's row first (select_for_update), so two people acting on the same
task at once are served one after the other and the second sees the first one's outcome.
State-machine refusals are ActionError 409 "wrong_state".
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import Organization
from jingchu.oversight import storage
from jingchu.oversight.actions import notify
from jingchu.oversight.models import (
    Assignment,
    OversightTask,
    ProgressReport,
    TaskAttachment,
    TaskEvent,
)

SYSTEM_LABEL = "system"
NOTE_LIMIT = 1000
TEXT_LIMIT = 5000


def user_or_none(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def today(now: dt.datetime | None = None) -> dt.date:
    """The local (Asia/Shanghai) day of `now` (of this moment when None)."""
    return timezone.localdate(now) if now is not None else timezone.localdate()


def lock_task(task: OversightTask) -> OversightTask:
    """The task's row, re-read under a row lock (call inside a transaction)."""
    return (OversightTask.objects.select_for_update(of=("self",))
            .select_related("issuer__region").get(pk=task.pk))


def lock_assignment(assignment: Assignment) -> Assignment:
    """The assignment re-read after locking its task's row; `.task` is the locked task."""
    task = lock_task(OversightTask(pk=assignment.task_id))
    fresh = (Assignment.objects.select_related("organization__region", "organization__parent",
                                               "parent__organization")
             .get(pk=assignment.pk))
    fresh.task = task
    return fresh


def require(allowed: bool, message: str = "") -> None:
    if not allowed:
        raise NotPermitted(message or _("You may not do this with this task."))


def require_task_status(task: OversightTask, *statuses: str) -> None:
    if task.status not in statuses:
        raise ActionError("wrong_state",
                          _("This cannot be done while the task is “%(status)s”.")
                          % {"status": task.get_status_display()},
                          {"status": task.status, "allowed": list(statuses)}, status=409)


def require_assignment_status(assignment: Assignment, *statuses: str) -> None:
    if assignment.status not in statuses:
        raise ActionError("wrong_state",
                          _("This cannot be done while the assignment is “%(status)s”.")
                          % {"status": assignment.get_status_display()},
                          {"status": assignment.status, "allowed": list(statuses)},
                          status=409)


def add_event(task: OversightTask, actor: Any, action: str, *,
              assignment: Assignment | None = None, note: str = "",
              details: dict[str, Any] | None = None, at: dt.datetime | None = None) -> TaskEvent:
    """One step of the task's visible timeline."""
    return TaskEvent.objects.create(task=task, assignment=assignment, action=action,
                                    actor=user_or_none(actor), note=note,
                                    details=details or {}, at=at or timezone.now())


def clean_date(raw: Any, field: str) -> dt.date:
    """A calendar date given as a date or an ISO 8601 string."""
    if isinstance(raw, dt.datetime):
        raw = None  # a moment is not a day: refused rather than guessed
    value = raw if isinstance(raw, dt.date) else None
    if value is None and isinstance(raw, str):
        try:
            value = parse_date(raw.strip())
        except ValueError:
            value = None
    if value is None:
        raise ActionError(f"{field}_invalid", _("Give a date (YYYY-MM-DD)."), {"field": field})
    return value


def clean_percent(raw: Any) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = -1
    if isinstance(raw, float) and not raw.is_integer():
        value = -1
    if not 0 <= value <= 100:
        raise ActionError("percent_invalid", _("Give a whole number from 0 to 100."),
                          {"field": "percent"})
    return value


def active_organization(raw: Any, field: str) -> Organization:
    if not isinstance(raw, Organization) or raw.pk is None:
        raise ActionError(f"{field}_required", _("Choose an organization."), {"field": field})
    if not raw.is_active:
        raise ActionError(f"{field}_inactive",
                          _("%(name)s is not active.") % {"name": raw.name}, {"field": field})
    return raw


def store_files(actor: Any, task: OversightTask, report: ProgressReport | None,
                files: list[storage.CheckedFile]) -> list[TaskAttachment]:
    """Write the files, then their rows; on any failure delete what was written (the rows roll
    back with the transaction). Call last in an action, after every check passed."""
    backend = storage.backend()
    saved: list[str] = []
    made: list[TaskAttachment] = []
    try:
        for item in files:
            uid = uuid.uuid4()
            key = backend.save(storage.new_key(str(task.uid), str(uid), item.extension),
                               item.upload)
            saved.append(key)
            made.append(TaskAttachment.objects.create(
                uid=uid, task=task, report=report, key=key, name=item.name,
                content_type=item.content_type, size=item.size, sha256=item.sha256,
                uploaded_by=user_or_none(actor)))
    except BaseException:
        for key in saved:
            backend.delete(key)
        raise
    return made


def assign(actor: Any, task: OversightTask, organization: Organization, *, role: str,
           deadline: dt.date, parent: Assignment | None = None, note: str = "",
           now: dt.datetime | None = None) -> Assignment:
    """Give `organization` its part of the task (checked by the caller), put it on the
    timeline and tell its handlers."""
    made = Assignment.objects.create(task=task, parent=parent, organization=organization,
                                     role=role, deadline=deadline, note=note,
                                     assigned_by=user_or_none(actor))
    add_event(task, actor, "assigned", assignment=made, note=note,
              details={"organization": str(organization.uid), "role": role,
                       "deadline": deadline.isoformat(),
                       "parent": str(parent.uid) if parent is not None else None}, at=now)
    notify.tell(actor, notify.handlers(organization), "assigned", task, made, note)
    return made
