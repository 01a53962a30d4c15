"""The handling department's queue: its tickets with deadlines (overdue ones marked), and the
ticket page where a handler signs for it, returns it (退单), asks for more time or replies. The
caller is masked, or hidden for a report, as jingchu.hotline.visibility decides."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingchu.hotline import permissions, queries
from jingchu.hotline.actions import handling
from jingchu.hotline.choices import ExtensionStatus, TicketStatus
from jingchu.hotline.forms import ExtensionForm, NoteForm, ReasonForm, ReplyForm
from jingchu.hotline.models import Ticket
from jingchu.hotline.views.common import require, run_action, ticket_context, ticket_or_404

PAGE_SIZE = 25
QUEUE_STATES = [TicketStatus.DISPATCHED, TicketStatus.HANDLING, TicketStatus.REPLIED,
                TicketStatus.CLOSED]
FORMS: dict[str, type[forms.Form]] = {
    "sign_form": NoteForm, "return_form": ReasonForm, "extension_form": ExtensionForm,
    "reply_form": ReplyForm,
}


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    require(permissions.can_use_department_queue(request.user))
    status = request.GET.get("status", "")
    status = status if status in QUEUE_STATES else ""
    tickets = queries.department_queue(request.user, status or None)
    page = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "hotline/queue.html", {
        "page": page, "status": status, "states": [(s, s.label) for s in QUEUE_STATES],
        "query": f"status={status}" if status else "", "now": timezone.now()})


def _handler_ticket(request: HttpRequest, uid: uuid.UUID) -> Ticket:
    ticket = ticket_or_404(uid)
    require(permissions.is_handler_of(request.user, ticket))
    return ticket


def _render_ticket(request: HttpRequest, ticket: Ticket, status: int = 200,
                   **given: forms.Form) -> HttpResponse:
    context = ticket_context(request.user, ticket)
    context.update({key: given.get(key) or form_class() for key, form_class in FORMS.items()})
    extensions = list(ticket.extensions.all())
    context.update({
        "extensions": extensions,
        "pending_extension": any(e.status == ExtensionStatus.PENDING for e in extensions),
        "supervisions": list(ticket.supervisions.all()),
    })
    return render(request, "hotline/queue_ticket.html", context, status=status)


@login_required
def queue_ticket(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    return _render_ticket(request, _handler_ticket(request, uid))


def _step(request: HttpRequest, uid: uuid.UUID, key: str,
          act: Callable[[Ticket, dict[str, Any]], Any], done: str) -> HttpResponse:
    ticket = _handler_ticket(request, uid)
    require(permissions.can_handle(request.user, ticket))
    form = FORMS[key](request.POST)
    result, status = run_action(form, lambda data: act(ticket, data))
    if result is None:
        return _render_ticket(request, ticket, status, **{key: form})
    messages.success(request, done)
    if key == "return_form":  # the ticket has left the department
        return redirect("hotline:queue")
    return redirect("hotline:queue_ticket", uid=ticket.uid)


@login_required
@require_POST
def sign(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    return _step(request, uid, "sign_form",
                 lambda ticket, data: handling.do_sign_ticket(request.user, ticket),
                 _("Signed for; the ticket is yours to handle."))


@login_required
@require_POST
def return_ticket(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    return _step(request, uid, "return_form",
                 lambda ticket, data: handling.do_return_ticket(request.user, ticket,
                                                                reason=data["reason"]),
                 _("Ticket returned to the centre."))


@login_required
@require_POST
def request_extension(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    return _step(request, uid, "extension_form",
                 lambda ticket, data: handling.do_request_extension(
                     request.user, ticket, working_days=data["working_days"],
                     reason=data["reason"]),
                 _("Extension requested; the centre will decide."))


@login_required
@require_POST
def reply(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    return _step(request, uid, "reply_form",
                 lambda ticket, data: handling.do_reply_ticket(request.user, ticket,
                                                               reply=data["reply"]),
                 _("Reply sent to the caller."))


urlpatterns: list[URLPattern] = [
    path("queue/", queue, name="queue"),
    path("queue/<uuid:uid>/", queue_ticket, name="queue_ticket"),
    path("queue/<uuid:uid>/sign/", sign, name="sign"),
    path("queue/<uuid:uid>/return/", return_ticket, name="return"),
    path("queue/<uuid:uid>/extension/", request_extension, name="request_extension"),
    path("queue/<uuid:uid>/reply/", reply, name="reply"),
]
