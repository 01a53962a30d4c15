"""Issuing a task (下达), the issuer's review (验收: accept and close, or send back), cancelling,
and reading an attached file back.

An issuer assigns a task down the levels: the lead organization (牵头单位) and any
co-organizing organizations (配合单位) must sit in the issuer's region or below it, never
above; each top-level assignment is due on the task's deadline.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.core import audit
from jingchu.core.errors import ActionError, clean_reason, clean_text
from jingchu.core.models import Organization
from jingchu.oversight import numbering, permissions, storage
from jingchu.oversight.actions import notify
from jingchu.oversight.actions.common import (
    NOTE_LIMIT,
    TEXT_LIMIT,
    active_organization,
    add_event,
    assign,
    clean_date,
    lock_task,
    require,
    require_task_status,
    store_files,
    today,
    user_or_none,
)
from jingchu.oversight.choices import (
    LIVE_TASK,
    OPEN_ASSIGNMENT,
    AssignmentRole,
    AssignmentStatus,
    ExtensionStatus,
    TaskStatus,
)
from jingchu.oversight.models import (
    Assignment,
    DeadlineExtension,
    OversightTask,
    TaskAttachment,
)

TITLE_LIMIT = 200
MAX_CO_ORGANIZATIONS = 20


def _assignee(raw: Any, field: str, issuer: Organization) -> Organization:
    org = active_organization(raw, field)
    if org.pk == issuer.pk:
        raise ActionError(f"{field}_is_issuer",
                          _("The issuing organization cannot be assigned its own task."),
                          {"field": field})
    if not permissions.in_region_tree(org.region.path, issuer.region.path):
        raise ActionError(f"{field}_out_of_region",
                          _("%(name)s is not in the issuer's region or below it: tasks are "
                            "assigned down the levels, never up.") % {"name": org.name},
                          {"field": field})
    return org


def _co_organizations(raw: Iterable[Any], lead: Organization,
                      issuer: Organization) -> list[Organization]:
    items = list(raw or ())
    if len(items) > MAX_CO_ORGANIZATIONS:
        raise ActionError("co_organizations_too_many",
                          _("At most %(n)d co-organizing organizations.")
                          % {"n": MAX_CO_ORGANIZATIONS}, {"field": "co_organizations"})
    seen, found = {lead.pk}, []
    for item in items:
        org = _assignee(item, "co_organizations", issuer)
        if org.pk in seen:
            raise ActionError("co_organizations_duplicate",
                              _("%(name)s is named twice: the lead and co-organizing "
                                "organizations must all be different.") % {"name": org.name},
                              {"field": "co_organizations"})
        seen.add(org.pk)
        found.append(org)
    return found


@transaction.atomic
def do_issue_task(actor: Any, *, issuer: Organization, title: str, instruction: str,
                  deadline: Any, lead: Organization,
                  co_organizations: Iterable[Organization] = (),
                  attachments: Iterable[Any] = ()) -> OversightTask:
    """下达: a leader issues a task in the name of their organization; the lead and the
    co-organizing organizations are each assigned it, due on its deadline."""
    require(permissions.can_issue(actor, issuer if isinstance(issuer, Organization) else None),
            _("You may not issue oversight tasks for this organization."))
    issuer = active_organization(issuer, "issuer")
    heading = clean_text(title, "title", required=True, limit=TITLE_LIMIT)
    text = clean_text(instruction, "instruction", required=True, limit=TEXT_LIMIT)
    due = clean_date(deadline, "deadline")
    if due <= today():
        raise ActionError("deadline_not_future", _("The deadline must be a day after today."),
                          {"field": "deadline"})
    lead_org = _assignee(lead, "lead", issuer)
    co = _co_organizations(co_organizations, lead_org, issuer)
    files = storage.check_files(attachments)
    now = timezone.now()
    task = OversightTask.objects.create(
        number=numbering.next_number(issuer.region.code, today(now).year), title=heading,
        instruction=text, issuer=issuer, issued_by=user_or_none(actor), deadline=due)
    details = {"issuer": str(issuer.uid), "deadline": due.isoformat(),
               "lead": str(lead_org.uid), "co_organizations": [str(o.uid) for o in co],
               "attachments": len(files)}
    add_event(task, actor, "issued", details=details, at=now)
    assign(actor, task, lead_org, role=AssignmentRole.LEAD, deadline=due, now=now)
    for org in co:
        assign(actor, task, org, role=AssignmentRole.CO, deadline=due, now=now)
    audit.record("oversight.task.issue", actor, task, details)
    store_files(actor, task, None, files)
    return task


def _lead_assignment(task: OversightTask) -> Assignment:
    return (task.assignments.select_related("organization")
            .filter(parent__isnull=True, role=AssignmentRole.LEAD)
            .exclude(status=AssignmentStatus.WITHDRAWN).get())


def _refuse_pending_extensions(task: OversightTask, note: str) -> int:
    return DeadlineExtension.objects.filter(
        assignment__task=task, status=ExtensionStatus.PENDING).update(
        status=ExtensionStatus.REFUSED, decided_at=timezone.now(), decision_note=note)


def _accept(actor: Any, task: OversightTask, note: str) -> OversightTask:
    now = timezone.now()
    live = task.assignments.exclude(status__in=[AssignmentStatus.WITHDRAWN,
                                                AssignmentStatus.DONE])
    recipients = set(live.values_list("organization_id", flat=True))
    live.filter(completed_at__isnull=True).update(completed_at=now)
    done = live.update(status=AssignmentStatus.DONE)
    _refuse_pending_extensions(task, _("The task was closed."))
    task.status, task.closed_at, task.closing_note = TaskStatus.CLOSED, now, note
    task.save(update_fields=["status", "closed_at", "closing_note"])
    details = {"accept": True, "assignments_done": done}
    add_event(task, actor, "closed", note=note, details=details, at=now)
    audit.record("oversight.task.review", actor, task, details)
    users = [u for org in Organization.objects.filter(pk__in=recipients)
             for u in notify.handlers(org)]
    notify.tell(actor, users, "closed", task, None, note)
    return task


def _send_back(actor: Any, task: OversightTask, note: str) -> OversightTask:
    now = timezone.now()
    lead = _lead_assignment(task)
    lead.status, lead.completed_at = AssignmentStatus.RETURNED, None
    lead.save(update_fields=["status", "completed_at"])
    task.status = TaskStatus.OPEN
    task.save(update_fields=["status"])
    details = {"accept": False, "assignment": str(lead.uid)}
    add_event(task, actor, "sent_back", assignment=lead, note=note, details=details, at=now)
    audit.record("oversight.task.review", actor, task, details)
    notify.tell(actor, notify.handlers(lead.organization), "sent_back", task, lead, note)
    return task


@transaction.atomic
def do_review_task(actor: Any, task: OversightTask, *, accept: bool,
                   note: str = "") -> OversightTask:
    """验收: the issuer accepts the lead organization's completion (the task is closed and every
    assignment done) or sends it back with a note (the lead reports again)."""
    task = lock_task(task)
    require(permissions.can_review_task(actor, task))
    require_task_status(task, TaskStatus.REVIEW)
    text = clean_text(note, "note", required=not accept, limit=NOTE_LIMIT)
    return _accept(actor, task, text) if accept else _send_back(actor, task, text)


@transaction.atomic
def do_cancel_task(actor: Any, task: OversightTask, *, reason: str) -> OversightTask:
    """The issuer withdraws a task still being worked on, with the reasons."""
    task = lock_task(task)
    require(permissions.can_cancel_task(actor, task))
    require_task_status(task, *LIVE_TASK)
    text = clean_reason(reason, NOTE_LIMIT)
    now = timezone.now()
    live = task.assignments.filter(status__in=[*OPEN_ASSIGNMENT, AssignmentStatus.REPORTED])
    orgs = list(Organization.objects.filter(pk__in=live.values("organization_id")))
    withdrawn = live.update(status=AssignmentStatus.WITHDRAWN)
    _refuse_pending_extensions(task, _("The task was cancelled."))
    task.status, task.closed_at, task.closing_note = TaskStatus.CANCELLED, now, text
    task.save(update_fields=["status", "closed_at", "closing_note"])
    details = {"assignments_withdrawn": withdrawn}
    add_event(task, actor, "cancelled", note=text, details=details, at=now)
    audit.record("oversight.task.cancel", actor, task, {**details, "reason": text})
    notify.tell(actor, [u for org in orgs for u in notify.handlers(org)], "cancelled", task,
                None, text)
    return task


@transaction.atomic
def do_open_attachment(actor: Any, attachment: TaskAttachment) -> IO[bytes]:
    """Open a file of the instruction or of a progress report for someone who may see the
    task; every read is audited."""
    require(permissions.can_download(actor, attachment), _("You may not see this file."))
    audit.record("oversight.attachment.read", actor, attachment.task,
                 {"attachment": str(attachment.uid)})
    try:
        return storage.backend().open(attachment.key)
    except FileNotFoundError:
        raise ActionError("no_file", _("The file is missing."), status=404) from None
