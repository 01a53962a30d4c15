"""The oversight JSON API under /api/v1/oversight/: list and read tasks, issue, sign for,
report, sub-assign, ask for and decide extensions, review and cancel (thin wrappers of
jingchu.oversight.actions). Tasks are addressed by number, assignments and extension requests
by uid. Every endpoint names its permission check first; a refusal is 403 and bad input 4xx,
in the API's error shape."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.security import django_auth

from jingchu.core.errors import ActionError, NotFound, NotPermitted
from jingchu.core.models import Organization
from jingchu.oversight import permissions, queries
from jingchu.oversight.actions import assignments as assignment_actions
from jingchu.oversight.actions import extensions as extension_actions
from jingchu.oversight.actions import issue as task_actions
from jingchu.oversight.actions.common import today
from jingchu.oversight.choices import LIVE_TASK, OPEN_ASSIGNMENT, TaskStatus
from jingchu.oversight.models import (
    Assignment,
    DeadlineExtension,
    OversightTask,
    TaskAttachment,
)
from jingchu.oversight.schemas import (
    OversightAssignmentOut,
    OversightAttachmentOut,
    OversightCancelIn,
    OversightDecisionIn,
    OversightEventOut,
    OversightExtensionIn,
    OversightExtensionOut,
    OversightOrganizationOut,
    OversightReportIn,
    OversightReportOut,
    OversightReviewIn,
    OversightSubAssignIn,
    OversightTaskDetailOut,
    OversightTaskIn,
    OversightTaskOut,
    OversightTaskPage,
)

router = Router(tags=["oversight"])
PAGE_SIZE = 20


def require(allowed: bool) -> None:
    if not allowed:
        raise NotPermitted(_("You may not do this."))


# --- shapes -----------------------------------------------------------------------------------


def _org(org: Organization) -> OversightOrganizationOut:
    return OversightOrganizationOut(uid=str(org.uid), name=org.name, region=org.region.code)


def _file(f: TaskAttachment) -> OversightAttachmentOut:
    return OversightAttachmentOut(uid=str(f.uid), name=f.name, content_type=f.content_type,
                                  size=f.size,
                                  url=reverse("oversight:attachment", kwargs={"uid": f.uid}))


def _extension(e: DeadlineExtension) -> OversightExtensionOut:
    return OversightExtensionOut(
        uid=str(e.uid), status=e.status, previous_deadline=e.previous_deadline,
        requested_deadline=e.requested_deadline, reason=e.reason, requested_at=e.requested_at,
        decided_at=e.decided_at, decision_note=e.decision_note)


def _assignment(a: Assignment, task: OversightTask, uids: dict[int, str]) -> OversightAssignmentOut:
    overdue = (task.status in LIVE_TASK and a.status in OPEN_ASSIGNMENT
               and a.deadline < today())
    return OversightAssignmentOut(
        uid=str(a.uid), parent=uids.get(a.parent_id) if a.parent_id else None,
        organization=_org(a.organization), role=a.role, status=a.status,
        status_label=str(a.get_status_display()), deadline=a.deadline,
        progress_percent=a.progress_percent, signed_at=a.signed_at,
        completed_at=a.completed_at, escalation=a.escalation, escalated_at=a.escalated_at,
        overdue=overdue,
        reports=[OversightReportOut(uid=str(r.uid), percent=r.percent, final=r.is_final,
                                    text=r.text, created_at=r.created_at,
                                    attachments=[_file(f) for f in r.attachments.all()])
                 for r in a.reports.all()],
        extensions=[_extension(e) for e in a.extensions.all()])


def task_out(t: OversightTask) -> OversightTaskOut:
    return OversightTaskOut(
        number=t.number, title=t.title, status=t.status,
        status_label=str(t.get_status_display()), issuer=_org(t.issuer), deadline=t.deadline,
        created_at=t.created_at, closed_at=t.closed_at, closing_note=t.closing_note)


def task_detail(t: OversightTask) -> OversightTaskDetailOut:
    rows = list(t.assignments.select_related("organization__region")
                .prefetch_related("reports__attachments", "extensions").order_by("pk"))
    uids = {a.pk: str(a.uid) for a in rows}
    events = [OversightEventOut(action=e.action, at=e.at,
                                assignment=str(e.assignment.uid) if e.assignment else None,
                                organization=(e.assignment.organization.name
                                              if e.assignment else None), note=e.note)
              for e in t.events.select_related("assignment__organization")]
    return OversightTaskDetailOut(
        **task_out(t).dict(), instruction=t.instruction,
        attachments=[_file(f) for f in t.attachments.filter(report__isnull=True)],
        assignments=[_assignment(a, t, uids) for a in rows], events=events)


# --- finding things ---------------------------------------------------------------------------


def _task(number: str) -> OversightTask:
    found = (OversightTask.objects.select_related("issuer__region")
             .filter(number=number).first())
    if found is None:
        raise NotFound(_("No such task."), {"number": number})
    return found


def _visible(request: HttpRequest, number: str,
             check: Callable[[Any, OversightTask], bool] | None = None) -> OversightTask:
    task = _task(number)
    require(permissions.can_view_task(request.user, task))
    if check is not None:
        require(check(request.user, task))
    return task


def _parse_uid(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw).strip())
    except ValueError:
        return None


def _assignment_for(request: HttpRequest, uid: str,
                    check: Callable[[Any, Assignment], bool]) -> Assignment:
    key = _parse_uid(uid)
    found = (Assignment.objects.select_related("task__issuer__region", "organization__region",
                                               "parent__organization")
             .filter(uid=key).first() if key else None)
    if found is None:
        raise NotFound(_("No such assignment."), {"uid": uid})
    require(permissions.can_view_task(request.user, found.task))
    require(check(request.user, found))
    return found


def _organization(uid: str, field: str) -> Organization:
    key = _parse_uid(uid)
    found = Organization.objects.select_related("region").filter(uid=key).first() if key else None
    if found is None:
        raise ActionError(f"{field}_invalid", _("No such organization."), {"field": field})
    return found


def _done(number: str) -> OversightTaskDetailOut:
    return task_detail(_task(number))


# --- tasks ------------------------------------------------------------------------------------


class TaskQuery(Schema):
    status: str = ""
    q: str = ""
    page: int = 1


@router.get("/tasks", response=OversightTaskPage, auth=django_auth)
def list_tasks(request: HttpRequest, query: Query[TaskQuery]) -> OversightTaskPage:
    """The tasks you may open (issued by or assigned to your organizations, or on your board),
    newest first."""
    require(permissions.can_use_oversight(request.user))
    if query.status and query.status not in TaskStatus.values:
        raise ActionError("status_invalid", _("Unknown value."), {"field": "status"})
    found = permissions.visible_tasks(request.user).select_related("issuer__region")
    if query.status:
        found = found.filter(status=query.status)
    found = queries.search(found, query.q).order_by("-created_at", "-pk")
    pages = Paginator(found, PAGE_SIZE)
    current = pages.get_page(query.page)
    return OversightTaskPage(count=pages.count, page=current.number, pages=pages.num_pages,
                             items=[task_out(t) for t in current])


@router.get("/tasks/{number}", response=OversightTaskDetailOut, auth=django_auth)
def get_task(request: HttpRequest, number: str) -> OversightTaskDetailOut:
    """One task with its assignment tree, reports, extension requests and timeline."""
    return task_detail(_visible(request, number))


@router.post("/tasks", response={201: OversightTaskDetailOut}, auth=django_auth)
def issue_task(request: HttpRequest, body: OversightTaskIn) -> Status[OversightTaskDetailOut]:
    """下达 (a leader of the issuing organization). Attachments are added on the page."""
    require(permissions.can_issue(request.user))
    task = task_actions.do_issue_task(
        request.user, issuer=_organization(body.issuer, "issuer"), title=body.title,
        instruction=body.instruction, deadline=body.deadline,
        lead=_organization(body.lead, "lead"),
        co_organizations=[_organization(uid, "co_organizations")
                          for uid in body.co_organizations])
    return Status(201, _done(task.number))


@router.post("/tasks/{number}/review", response=OversightTaskDetailOut, auth=django_auth)
def review(request: HttpRequest, number: str, body: OversightReviewIn) -> OversightTaskDetailOut:
    """验收 (the issuer's leaders): accept and close, or send back with a note."""
    task = _visible(request, number, permissions.can_review_task)
    task_actions.do_review_task(request.user, task, accept=body.accept, note=body.note)
    return _done(number)


@router.post("/tasks/{number}/cancel", response=OversightTaskDetailOut, auth=django_auth)
def cancel(request: HttpRequest, number: str, body: OversightCancelIn) -> OversightTaskDetailOut:
    """Withdraw a task still being worked on (the issuer's leaders), with the reasons."""
    task = _visible(request, number, permissions.can_cancel_task)
    task_actions.do_cancel_task(request.user, task, reason=body.reason)
    return _done(number)


# --- assignments ------------------------------------------------------------------------------


@router.post("/assignments/{uid}/sign", response=OversightTaskDetailOut, auth=django_auth)
def sign(request: HttpRequest, uid: str) -> OversightTaskDetailOut:
    """签收 (the assigned organization's handlers)."""
    found = _assignment_for(request, uid, permissions.can_sign)
    assignment_actions.do_sign_assignment(request.user, found)
    return _done(found.task.number)


@router.post("/assignments/{uid}/reports", response={201: OversightTaskDetailOut},
             auth=django_auth)
def report(request: HttpRequest, uid: str,
           body: OversightReportIn) -> Status[OversightTaskDetailOut]:
    """进展报告 (handlers); `final` is the completion report. Attachments are added on the
    page."""
    found = _assignment_for(request, uid, permissions.can_report)
    assignment_actions.do_report_progress(request.user, found, text=body.text,
                                          percent=body.percent, final=body.final)
    return Status(201, _done(found.task.number))


@router.post("/assignments/{uid}/sub-assign", response={201: OversightTaskDetailOut},
             auth=django_auth)
def sub_assign(request: HttpRequest, uid: str,
               body: OversightSubAssignIn) -> Status[OversightTaskDetailOut]:
    """转办 (the assigned organization's leaders) to organizations of its region or below."""
    found = _assignment_for(request, uid, permissions.can_sub_assign)
    assignment_actions.do_sub_assign(
        request.user, found,
        organizations=[_organization(o, "organizations") for o in body.organizations],
        deadline=body.deadline, note=body.note)
    return Status(201, _done(found.task.number))


@router.post("/assignments/{uid}/extensions", response={201: OversightTaskDetailOut},
             auth=django_auth)
def request_extension(request: HttpRequest, uid: str,
                      body: OversightExtensionIn) -> Status[OversightTaskDetailOut]:
    """延期申请 (the assigned organization's leaders)."""
    found = _assignment_for(request, uid, permissions.can_request_extension)
    extension_actions.do_request_extension(request.user, found, deadline=body.deadline,
                                           reason=body.reason)
    return Status(201, _done(found.task.number))


@router.post("/extensions/{uid}/decide", response=OversightTaskDetailOut, auth=django_auth)
def decide_extension(request: HttpRequest, uid: str,
                     body: OversightDecisionIn) -> OversightTaskDetailOut:
    """The assigning organization's leaders approve (the deadline moves) or refuse."""
    key = _parse_uid(uid)
    found = (DeadlineExtension.objects.select_related(
        "assignment__task__issuer__region", "assignment__organization",
        "assignment__parent__organization").filter(uid=key).first() if key else None)
    if found is None:
        raise NotFound(_("No such extension request."), {"uid": uid})
    require(permissions.can_view_task(request.user, found.assignment.task))
    require(permissions.can_decide_extension(request.user, found.assignment))
    extension_actions.do_decide_extension(request.user, found, approve=body.approve,
                                          note=body.note)
    return _done(found.assignment.task.number)
