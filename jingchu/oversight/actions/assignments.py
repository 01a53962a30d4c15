"""An assigned organization's work: sign for the assignment (签收), report progress with
attachments (进展报告; the completion report last), and sub-assign it further down (转办).

A sub-assignment goes to organizations in the assigning organization's region or below it
(same-region departments, or the levels beneath), is due no later than its parent, and keeps
the parent's role. A parent cannot report its completion while a sub-assignment is still open.
When the task's lead organization reports completion, the task waits for the issuer's review.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.core import audit
from jingchu.core.errors import ActionError, clean_text
from jingchu.core.models import Organization
from jingchu.oversight import permissions, storage
from jingchu.oversight.actions import notify
from jingchu.oversight.actions.common import (
    NOTE_LIMIT,
    TEXT_LIMIT,
    active_organization,
    add_event,
    assign,
    clean_date,
    clean_percent,
    lock_assignment,
    require,
    require_assignment_status,
    require_task_status,
    store_files,
    today,
    user_or_none,
)
from jingchu.oversight.choices import (
    LIVE_TASK,
    OPEN_ASSIGNMENT,
    WORKING_ASSIGNMENT,
    AssignmentRole,
    AssignmentStatus,
    TaskStatus,
)
from jingchu.oversight.models import Assignment, ProgressReport

MAX_SUB_ASSIGNMENTS = 20


@transaction.atomic
def do_sign_assignment(actor: Any, assignment: Assignment) -> Assignment:
    """签收: the organization takes its part of the task on."""
    assignment = lock_assignment(assignment)
    task = assignment.task
    require(permissions.can_sign(actor, assignment))
    require_task_status(task, *LIVE_TASK)
    require_assignment_status(assignment, AssignmentStatus.ASSIGNED)
    now = timezone.now()
    assignment.status = AssignmentStatus.SIGNED
    assignment.signed_at, assignment.signed_by = now, user_or_none(actor)
    assignment.save(update_fields=["status", "signed_at", "signed_by"])
    details = {"task": task.number, "on_time": today(now) <= assignment.deadline}
    add_event(task, actor, "signed", assignment=assignment, details=details, at=now)
    audit.record("oversight.assignment.sign", actor, assignment, details)
    return assignment


def _check_final(assignment: Assignment, percent: int) -> None:
    if percent != 100:
        raise ActionError("percent_final",
                          _("A completion report is for work fully done: give 100 as the "
                            "percentage."), {"field": "percent"})
    still_open = list(assignment.children.filter(status__in=OPEN_ASSIGNMENT)
                      .select_related("organization"))
    if still_open:
        raise ActionError("children_open",
                          _("Sub-assignments are still open (%(names)s): they report their "
                            "completion first.")
                          % {"names": "、".join(c.organization.name for c in still_open)},
                          {"field": "final", "open": [str(c.uid) for c in still_open]},
                          status=409)


def _is_task_lead(assignment: Assignment) -> bool:
    return assignment.parent_id is None and assignment.role == AssignmentRole.LEAD


def _tell_reported(actor: Any, assignment: Assignment) -> None:
    task = assignment.task
    if _is_task_lead(assignment):
        notify.tell(actor, notify.leaders(task.issuer), "review", task, assignment)
        return
    assigner = assignment.parent.organization if assignment.parent is not None else task.issuer
    notify.tell(actor, notify.leaders(assigner), "reported", task, assignment)


@transaction.atomic
def do_report_progress(actor: Any, assignment: Assignment, *, text: str, percent: Any,
                       final: bool = False, attachments: Iterable[Any] = ()) -> ProgressReport:
    """进展报告: how far the work is, with files; `final` is the completion report (the
    assignment is then reported, and the task awaits review when it is the lead's)."""
    assignment = lock_assignment(assignment)
    task = assignment.task
    require(permissions.can_report(actor, assignment))
    require_task_status(task, *LIVE_TASK)
    require_assignment_status(assignment, *WORKING_ASSIGNMENT)
    body = clean_text(text, "text", required=True, limit=TEXT_LIMIT)
    value = clean_percent(percent)
    final = bool(final)
    if final:
        _check_final(assignment, value)
    files = storage.check_files(attachments)
    now = timezone.now()
    report = ProgressReport.objects.create(assignment=assignment, text=body, percent=value,
                                           is_final=final, created_by=user_or_none(actor))
    assignment.progress_percent = value
    if final:
        assignment.status, assignment.completed_at = AssignmentStatus.REPORTED, now
    elif assignment.status == AssignmentStatus.RETURNED:
        assignment.status = AssignmentStatus.SIGNED
    assignment.save(update_fields=["progress_percent", "status", "completed_at"])
    if final and _is_task_lead(assignment):
        task.status = TaskStatus.REVIEW
        task.save(update_fields=["status"])
    details = {"task": task.number, "report": str(report.uid), "percent": value,
               "final": final, "attachments": len(files)}
    add_event(task, actor, "reported" if final else "progress", assignment=assignment,
              note=body, details=details, at=now)
    audit.record("oversight.assignment.report", actor, assignment, details)
    store_files(actor, task, report, files)
    if final:
        _tell_reported(actor, assignment)
    return report


def _targets(parent: Assignment, raw: Iterable[Any]) -> list[Organization]:
    items = list(raw or ())
    if not items:
        raise ActionError("organizations_required", _("Choose at least one organization."),
                          {"field": "organizations"})
    if len(items) > MAX_SUB_ASSIGNMENTS:
        raise ActionError("organizations_too_many", _("At most %(n)d organizations at once.")
                          % {"n": MAX_SUB_ASSIGNMENTS}, {"field": "organizations"})
    task = parent.task
    taken = set(task.assignments.exclude(status=AssignmentStatus.WITHDRAWN)
                .values_list("organization_id", flat=True)) | {task.issuer_id}
    root = parent.organization.region.path
    found: list[Organization] = []
    for item in items:
        org = active_organization(item, "organizations")
        if org.pk in taken or any(org.pk == f.pk for f in found):
            raise ActionError("organization_taken",
                              _("%(name)s already has a part in this task, or issued it.")
                              % {"name": org.name}, {"field": "organizations"})
        if not permissions.in_region_tree(org.region.path, root):
            raise ActionError("organizations_out_of_region",
                              _("%(name)s is not in your organization's region or below it.")
                              % {"name": org.name}, {"field": "organizations"})
        found.append(org)
    return found


@transaction.atomic
def do_sub_assign(actor: Any, assignment: Assignment, *, organizations: Iterable[Any],
                  deadline: Any, note: str = "") -> list[Assignment]:
    """转办: pass the work on to organizations of the region or below, due no later than the
    assignment itself."""
    parent = lock_assignment(assignment)
    task = parent.task
    require(permissions.can_sub_assign(actor, parent))
    require_task_status(task, *LIVE_TASK)
    require_assignment_status(parent, *WORKING_ASSIGNMENT)
    due = clean_date(deadline, "deadline")
    if due < today():
        raise ActionError("deadline_past", _("The deadline cannot be in the past."),
                          {"field": "deadline"})
    if due > parent.deadline:
        raise ActionError("deadline_after_parent",
                          _("The deadline cannot be later than your own (%(deadline)s).")
                          % {"deadline": parent.deadline.isoformat()}, {"field": "deadline"})
    text = clean_text(note, "note", limit=NOTE_LIMIT)
    targets = _targets(parent, organizations)
    now = timezone.now()
    made = [assign(actor, task, org, role=parent.role, deadline=due, parent=parent, note=text,
                   now=now) for org in targets]
    audit.record("oversight.assignment.sub_assign", actor, parent,
                 {"task": task.number, "deadline": due.isoformat(),
                  "assignments": [str(a.uid) for a in made],
                  "organizations": [str(o.uid) for o in targets]})
    return made
