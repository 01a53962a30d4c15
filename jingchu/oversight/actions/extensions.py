"""Extensions (延期): an assigned organization's leaders ask for a later deadline; the leaders of
the organization that assigned the work decide.

An approved extension moves the assignment's deadline and starts its escalation afresh. A
sub-assignment is never moved past its parent's deadline; a top-level assignment is decided by
the issuer, whose approval moves the task's deadline too when the new one is later.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.core import audit
from jingchu.core.errors import ActionError, clean_reason, clean_text
from jingchu.oversight import permissions
from jingchu.oversight.actions import notify
from jingchu.oversight.actions.common import (
    NOTE_LIMIT,
    add_event,
    clean_date,
    lock_assignment,
    require,
    require_assignment_status,
    require_task_status,
    today,
    user_or_none,
)
from jingchu.oversight.choices import (
    LIVE_TASK,
    WORKING_ASSIGNMENT,
    EscalationLevel,
    ExtensionStatus,
)
from jingchu.oversight.models import Assignment, DeadlineExtension


def assigning_organization(assignment: Assignment) -> Any:
    return (assignment.parent.organization if assignment.parent is not None
            else assignment.task.issuer)


@transaction.atomic
def do_request_extension(actor: Any, assignment: Assignment, *, deadline: Any,
                         reason: str) -> DeadlineExtension:
    """延期申请: one pending request at a time, for a day after the current deadline."""
    assignment = lock_assignment(assignment)
    task = assignment.task
    require(permissions.can_request_extension(actor, assignment))
    require_task_status(task, *LIVE_TASK)
    require_assignment_status(assignment, *WORKING_ASSIGNMENT)
    wanted = clean_date(deadline, "deadline")
    if wanted <= assignment.deadline or wanted < today():
        raise ActionError("deadline_not_later",
                          _("Ask for a day after the current deadline (%(deadline)s), and not "
                            "in the past.") % {"deadline": assignment.deadline.isoformat()},
                          {"field": "deadline"})
    text = clean_reason(reason, NOTE_LIMIT)
    if assignment.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise ActionError("extension_pending",
                          _("An extension request is already waiting for a decision."),
                          {"field": "deadline"}, status=409)
    now = timezone.now()
    extension = DeadlineExtension.objects.create(
        assignment=assignment, requested_deadline=wanted, previous_deadline=assignment.deadline,
        reason=text, requested_by=user_or_none(actor))
    details = {"task": task.number, "extension": str(extension.uid),
               "requested_deadline": wanted.isoformat(),
               "previous_deadline": assignment.deadline.isoformat()}
    add_event(task, actor, "extension_requested", assignment=assignment, note=text,
              details=details, at=now)
    audit.record("oversight.extension.request", actor, extension, details)
    notify.tell(actor, notify.leaders(assigning_organization(assignment)),
                "extension_requested", task, assignment, text, requested=wanted.isoformat())
    return extension


def _move_deadline(assignment: Assignment, extension: DeadlineExtension) -> bool:
    """Give the assignment the requested deadline; answers whether the task's moved too."""
    new = extension.requested_deadline
    task = assignment.task
    if assignment.parent is not None and new > assignment.parent.deadline:
        raise ActionError("deadline_after_parent",
                          _("The new deadline would be later than the assigning organization's "
                            "own (%(deadline)s).")
                          % {"deadline": assignment.parent.deadline.isoformat()},
                          {"field": "requested_deadline"})
    assignment.deadline = new
    assignment.escalation, assignment.escalated_at = EscalationLevel.NONE, None
    assignment.save(update_fields=["deadline", "escalation", "escalated_at"])
    if assignment.parent is None and new > task.deadline:
        task.deadline = new
        task.save(update_fields=["deadline"])
        return True
    return False


@transaction.atomic
def do_decide_extension(actor: Any, extension: DeadlineExtension, *, approve: bool,
                        note: str = "") -> DeadlineExtension:
    """The assigning organization approves (the deadline moves) or refuses, with reasons."""
    assignment = lock_assignment(extension.assignment)
    task = assignment.task
    extension = DeadlineExtension.objects.select_for_update().get(pk=extension.pk)
    require(permissions.can_decide_extension(actor, assignment))
    if extension.status != ExtensionStatus.PENDING:
        raise ActionError("wrong_state", _("This extension request was already decided."),
                          {"status": extension.status}, status=409)
    require_task_status(task, *LIVE_TASK)
    text = clean_text(note, "note", required=not approve, limit=NOTE_LIMIT)
    now = timezone.now()
    task_moved = _move_deadline(assignment, extension) if approve else False
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    extension.decided_by, extension.decided_at = user_or_none(actor), now
    extension.decision_note = text
    extension.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    name = "extension_approved" if approve else "extension_refused"
    details = {"task": task.number, "extension": str(extension.uid), "approve": approve,
               "deadline": assignment.deadline.isoformat(), "task_deadline_moved": task_moved}
    add_event(task, actor, name, assignment=assignment, note=text, details=details, at=now)
    audit.record("oversight.extension.decide", actor, extension, details)
    notify.tell(actor, notify.handlers(assignment.organization), name, task, assignment, text)
    return extension
