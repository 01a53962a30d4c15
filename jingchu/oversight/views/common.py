"""What the oversight pages share: finding a task or assignment, running an action from a form
(its refusal shown on the form), and the timeline's labels."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from jingchu.core.errors import ActionError
from jingchu.core.forms import add_action_error
from jingchu.oversight.models import Assignment, DeadlineExtension, OversightTask

PAGE_SIZE = 25

# The labels of TaskEvent.action on the timeline; an unknown action shows its code.
EVENT_LABELS: dict[str, Any] = {
    "issued": _("Task issued"),
    "assigned": _("Assigned"),
    "signed": _("Signed for"),
    "progress": _("Progress reported"),
    "reported": _("Completion reported"),
    "extension_requested": _("Extension requested"),
    "extension_approved": _("Extension approved"),
    "extension_refused": _("Extension refused"),
    "sent_back": _("Sent back by the issuer"),
    "closed": _("Accepted and closed"),
    "cancelled": _("Task cancelled"),
    "escalated": _("Escalated (overdue)"),
}


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def task_or_404(number: str) -> OversightTask:
    task = OversightTask.objects.select_related("issuer__region", "issued_by").filter(
        number=number).first()
    if task is None:
        raise Http404
    return task


def assignment_or_404(uid: uuid.UUID) -> Assignment:
    found = (Assignment.objects.select_related("task__issuer__region", "organization__region",
                                               "parent__organization")
             .filter(uid=uid).first())
    if found is None:
        raise Http404
    return found


def extension_or_404(uid: uuid.UUID) -> DeadlineExtension:
    found = (DeadlineExtension.objects
             .select_related("assignment__task__issuer__region",
                             "assignment__organization__region",
                             "assignment__parent__organization")
             .filter(uid=uid).first())
    if found is None:
        raise Http404
    return found


def run_action(form: forms.Form, action: Callable[[dict[str, Any]], Any],
               aliases: dict[str, str] | None = None) -> tuple[Any, int]:
    """Run `action` with the form's cleaned data; answer (result, 200) or (None, status) with
    the refusal put on the form. Nothing is written when it fails (the action is a
    transaction)."""
    if not form.is_valid():
        return None, 400
    try:
        with transaction.atomic():
            return action(form.cleaned_data), 200
    except ActionError as exc:
        add_action_error(form, exc, aliases)
        return None, exc.status


def timeline(task: OversightTask) -> list[dict[str, Any]]:
    return [{"at": e.at, "label": EVENT_LABELS.get(e.action, e.action), "action": e.action,
             "organization": e.assignment.organization if e.assignment else None,
             "actor": e.actor, "note": e.note}
            for e in task.events.select_related("assignment__organization", "actor")]


def page_query(data: dict[str, Any], *names: str) -> str:
    """The list's other parameters, urlencoded, for the pager's links."""
    return urlencode({n: data[n] for n in names if data.get(n) not in (None, "", False)})
