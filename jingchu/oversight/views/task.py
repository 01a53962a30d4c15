"""A task's page: the instruction and its files, the assignment tree with status, deadlines,
escalation, progress reports and extension requests, the timeline, and the forms of whatever the
user may do (sign for, report, sub-assign, ask for or decide an extension, review, cancel).
Every POST checks that the user may see the task (403 otherwise) and the step's own permission
before the action runs; a refusal is shown on its form with nothing written."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingchu.core.errors import ActionError
from jingchu.core.models import Organization
from jingchu.oversight import permissions, queries
from jingchu.oversight.actions import assignments as assignment_actions
from jingchu.oversight.actions import extensions as extension_actions
from jingchu.oversight.actions import issue as task_actions
from jingchu.oversight.actions.common import today
from jingchu.oversight.choices import (
    LIVE_TASK,
    OPEN_ASSIGNMENT,
    WORKING_ASSIGNMENT,
    AssignmentRole,
    AssignmentStatus,
    BoardLevel,
    ExtensionStatus,
    TaskStatus,
)
from jingchu.oversight.forms import (
    CancelForm,
    DecideForm,
    ExtensionForm,
    ReportForm,
    ReviewForm,
    SignForm,
    SubAssignForm,
    organizations_below,
)
from jingchu.oversight.models import Assignment, OversightTask, TaskAttachment
from jingchu.oversight.views.common import (
    assignment_or_404,
    extension_or_404,
    require,
    run_action,
    task_or_404,
    timeline,
)

# (form key, uid of the assignment, extension or task it belongs to, the bound form)
Bound = tuple[str, str, forms.Form] | None


@dataclass
class Row:
    """One assignment of the tree, with what the user may do to it."""

    assignment: Assignment
    depth: int
    level: str
    overdue: bool
    reports: list[Any]
    # each extension request with the form deciding it, when the user may and it is pending
    extensions: list[tuple[Any, forms.Form | None]]
    forms: dict[str, forms.Form] = field(default_factory=dict)


def _tree(task: OversightTask) -> list[tuple[Assignment, int]]:
    """The assignments depth first: the lead before the co-organizers, then by name."""
    found = list(task.assignments.select_related("organization__region", "parent__organization")
                 .prefetch_related("reports__attachments", "extensions"))
    children: dict[int | None, list[Assignment]] = {}
    for item in found:
        children.setdefault(item.parent_id, []).append(item)
    for items in children.values():
        items.sort(key=lambda a: (a.role != AssignmentRole.LEAD, a.organization.name, a.pk))
    ordered: list[tuple[Assignment, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for item in children.get(parent, []):
            ordered.append((item, depth))
            walk(item.pk, depth + 1)

    walk(None, 0)
    return ordered


def sub_assign_choices(assignment: Assignment) -> QuerySet[Organization]:
    """Organizations this assignment may be passed on to (the action checks again)."""
    task = assignment.task
    taken = task.assignments.exclude(status=AssignmentStatus.WITHDRAWN).values(
        "organization_id")
    return (organizations_below([assignment.organization.region.path])
            .exclude(pk__in=taken).exclude(pk=task.issuer_id))


def _given(bound: Bound, key: str, uid: str, make: Callable[[], forms.Form]) -> forms.Form:
    """The form the failed POST bound, else a new one; ids unique on the page (several rows
    show the same form)."""
    given = bound[2] if bound is not None and bound[0] == key and bound[1] == uid else make()
    given.auto_id = f"{key}-{uid[:8]}-%s"
    return given


def _row_forms(user: Any, a: Assignment, live: bool, bound: Bound) -> dict[str, forms.Form]:
    uid = str(a.uid)
    found: dict[str, forms.Form] = {}
    if not live:
        return found
    if a.status == AssignmentStatus.ASSIGNED and permissions.can_sign(user, a):
        found["sign"] = _given(bound, "sign", uid, SignForm)
    if a.status not in WORKING_ASSIGNMENT:
        return found
    if permissions.can_report(user, a):
        found["report"] = _given(bound, "report", uid, ReportForm)
    if permissions.can_sub_assign(user, a):
        found["sub_assign"] = _given(bound, "sub_assign", uid,
                                     lambda: SubAssignForm(choices=sub_assign_choices(a)))
    pending = any(e.status == ExtensionStatus.PENDING for e in a.extensions.all())
    if not pending and permissions.can_request_extension(user, a):
        found["extension"] = _given(bound, "extension", uid, ExtensionForm)
    return found


def _row(user: Any, a: Assignment, depth: int, live: bool, day: Any, bound: Bound) -> Row:
    extensions = list(a.extensions.all())
    pending = [e for e in extensions if e.status == ExtensionStatus.PENDING]
    decides = live and bool(pending) and permissions.can_decide_extension(user, a)
    return Row(assignment=a, depth=depth,
               level=str(BoardLevel(queries.level_of(a.organization.region)).label),
               overdue=live and a.status in OPEN_ASSIGNMENT and a.deadline < day,
               reports=list(a.reports.all()),
               extensions=[(e, _given(bound, "decide", str(e.uid), DecideForm)
                            if decides and e in pending else None) for e in extensions],
               forms=_row_forms(user, a, live, bound))


def _render(request: HttpRequest, task: OversightTask, status: int = 200,
            bound: Bound = None) -> HttpResponse:
    user = request.user
    live = task.status in LIVE_TASK
    day = today()
    uid = str(task.uid)
    context = {
        "task": task, "today": day, "events": timeline(task),
        "attachments": list(task.attachments.filter(report__isnull=True)),
        "rows": [_row(user, a, depth, live, day, bound) for a, depth in _tree(task)],
        "review_form": (_given(bound, "review", uid, ReviewForm)
                        if task.status == TaskStatus.REVIEW
                        and permissions.can_review_task(user, task) else None),
        "cancel_form": (_given(bound, "cancel", uid, CancelForm)
                        if live and permissions.can_cancel_task(user, task) else None),
    }
    return render(request, "oversight/task.html", context, status=status)


@login_required
def task_page(request: HttpRequest, number: str) -> HttpResponse:
    task = task_or_404(number)
    require(permissions.can_view_task(request.user, task))
    return _render(request, task)


# --- steps on an assignment -------------------------------------------------------------------


def _assignment_step(request: HttpRequest, uid: uuid.UUID, key: str,
                     check: Callable[[Any, Assignment], bool],
                     make: Callable[[Assignment], forms.Form],
                     act: Callable[[Assignment, dict[str, Any]], Any], done: str
                     ) -> HttpResponse:
    assignment = assignment_or_404(uid)
    task = assignment.task
    require(permissions.can_view_task(request.user, task))
    require(check(request.user, assignment))
    form = make(assignment)
    result, status = run_action(form, lambda data: act(assignment, data))
    if result is None:
        return _render(request, task_or_404(task.number), status, (key, str(uid), form))
    messages.success(request, done)
    return redirect("oversight:task", number=task.number)


@login_required
@require_POST
def sign(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    return _assignment_step(
        request, uid, "sign", permissions.can_sign, lambda a: SignForm(request.POST),
        lambda a, data: assignment_actions.do_sign_assignment(request.user, a),
        _("Signed for; the work is your organization's."))


@login_required
@require_POST
def report(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    return _assignment_step(
        request, uid, "report", permissions.can_report,
        lambda a: ReportForm(request.POST, request.FILES),
        lambda a, data: assignment_actions.do_report_progress(
            request.user, a, text=data["text"], percent=data["percent"], final=data["final"],
            attachments=data["attachments"]),
        _("Progress reported."))


@login_required
@require_POST
def sub_assign(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    return _assignment_step(
        request, uid, "sub_assign", permissions.can_sub_assign,
        lambda a: SubAssignForm(request.POST, choices=sub_assign_choices(a)),
        lambda a, data: assignment_actions.do_sub_assign(
            request.user, a, organizations=list(data["organizations"]),
            deadline=data["deadline"], note=data["note"]),
        _("Passed on to the organizations chosen."))


@login_required
@require_POST
def request_extension(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    return _assignment_step(
        request, uid, "extension", permissions.can_request_extension,
        lambda a: ExtensionForm(request.POST),
        lambda a, data: extension_actions.do_request_extension(
            request.user, a, deadline=data["deadline"], reason=data["reason"]),
        _("Extension requested; the assigning organization will decide."))


@login_required
@require_POST
def decide_extension(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    extension = extension_or_404(uid)
    task = extension.assignment.task
    require(permissions.can_view_task(request.user, task))
    require(permissions.can_decide_extension(request.user, extension.assignment))
    form = DecideForm(request.POST)
    result, status = run_action(form, lambda data: extension_actions.do_decide_extension(
        request.user, extension, approve=data["decision"] == "approve", note=data["note"]))
    if result is None:
        return _render(request, task_or_404(task.number), status, ("decide", str(uid), form))
    messages.success(request, _("Extension decided."))
    return redirect("oversight:task", number=task.number)


# --- steps on the task ------------------------------------------------------------------------


def _task_step(request: HttpRequest, number: str, key: str,
               check: Callable[[Any, OversightTask], bool], form: forms.Form,
               act: Callable[[OversightTask, dict[str, Any]], Any], done: str) -> HttpResponse:
    task = task_or_404(number)
    require(permissions.can_view_task(request.user, task))
    require(check(request.user, task))
    result, status = run_action(form, lambda data: act(task, data))
    if result is None:
        return _render(request, task_or_404(number), status, (key, str(task.uid), form))
    messages.success(request, done)
    return redirect("oversight:task", number=number)


@login_required
@require_POST
def review(request: HttpRequest, number: str) -> HttpResponse:
    return _task_step(
        request, number, "review", permissions.can_review_task, ReviewForm(request.POST),
        lambda task, data: task_actions.do_review_task(
            request.user, task, accept=data["decision"] == "accept", note=data["note"]),
        _("Review recorded."))


@login_required
@require_POST
def cancel(request: HttpRequest, number: str) -> HttpResponse:
    return _task_step(
        request, number, "cancel", permissions.can_cancel_task, CancelForm(request.POST),
        lambda task, data: task_actions.do_cancel_task(request.user, task,
                                                       reason=data["reason"]),
        _("Task cancelled."))


@login_required
def attachment(request: HttpRequest, uid: uuid.UUID) -> FileResponse:
    """A file of the instruction or of a report, streamed to whoever may see the task (files
    have no public URL)."""
    found = TaskAttachment.objects.select_related("task__issuer__region").filter(uid=uid).first()
    if found is None:
        raise Http404
    require(permissions.can_download(request.user, found))
    try:
        handle = task_actions.do_open_attachment(request.user, found)
    except ActionError as exc:
        raise Http404(exc.message) from None
    return FileResponse(handle, filename=found.name, content_type=found.content_type)


urlpatterns: list[URLPattern] = [
    path("tasks/<str:number>/", task_page, name="task"),
    path("tasks/<str:number>/review/", review, name="review"),
    path("tasks/<str:number>/cancel/", cancel, name="cancel"),
    path("assignments/<uuid:uid>/sign/", sign, name="sign"),
    path("assignments/<uuid:uid>/report/", report, name="report"),
    path("assignments/<uuid:uid>/sub-assign/", sub_assign, name="sub_assign"),
    path("assignments/<uuid:uid>/extension/", request_extension, name="request_extension"),
    path("extensions/<uuid:uid>/decide/", decide_extension, name="decide_extension"),
    path("files/<uuid:uid>/", attachment, name="attachment"),
]
