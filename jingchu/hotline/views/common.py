"""What the hotline's pages share: finding a ticket a user may see, running an action from a
form (its refusal shown on the form), and what every ticket page shows."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _lazy

from jingchu.core.errors import ActionError
from jingchu.core.forms import add_action_error
from jingchu.hotline import permissions
from jingchu.hotline.models import Ticket
from jingchu.hotline.visibility import caller_view

TICKET_RELATED = ("centre", "category", "suggested_category", "region", "organization",
                  "person", "merged_into", "answered_from", "reported_org",
                  "reported_entity")

# The labels of TicketEvent.action on the timelines; an unknown action shows its code.
EVENT_LABELS: dict[str, Any] = {
    "received": _lazy("Received"),
    "categorized": _lazy("Category set"),
    "dispatched": _lazy("Dispatched"),
    "signed": _lazy("Signed for"),
    "returned": _lazy("Returned to the centre"),
    "extension_requested": _lazy("Extension requested"),
    "extension_approved": _lazy("Extension approved"),
    "extension_refused": _lazy("Extension refused"),
    "replied": _lazy("Replied"),
    "rated": _lazy("Rated"),
    "called_back": _lazy("Called back"),
    "reopened": _lazy("Reopened"),
    "closed": _lazy("Closed"),
    "merged": _lazy("Merged into another ticket"),
    "merged_in": _lazy("Another ticket merged into this one"),
    "person_linked": _lazy("Caller linked to an account"),
    "answered": _lazy("Answered from the knowledge base"),
    "supervised": _lazy("Supervised (督办)"),
    "reported_entity_set": _lazy("Enterprise complained about recorded"),
}


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def ticket_or_404(uid: uuid.UUID) -> Ticket:
    ticket = Ticket.objects.select_related(*TICKET_RELATED).filter(uid=uid).first()
    if ticket is None:
        raise Http404
    return ticket


# The caller's timeline leaves out the centre's and the department's working steps, and keeps
# the notes only where they are addressed to the caller (or written by them).
PUBLIC_EVENTS = frozenset({"received", "dispatched", "signed", "replied", "rated", "reopened",
                           "closed", "merged", "answered"})
PUBLIC_NOTES = frozenset({"replied", "rated", "reopened", "closed", "answered"})


def timeline(ticket: Ticket, *, public: bool = False) -> list[dict[str, Any]]:
    rows = []
    for event in ticket.events.select_related("organization"):
        if public and event.action not in PUBLIC_EVENTS:
            continue
        note = event.note if not public or event.action in PUBLIC_NOTES else ""
        rows.append({"at": event.created_at, "label": EVENT_LABELS.get(event.action,
                                                                       event.action),
                     "action": event.action, "organization": event.organization,
                     "note": note})
    return rows


def ticket_context(user: Any, ticket: Ticket, *, public: bool = False) -> dict[str, Any]:
    """The summary and timeline every ticket page shows; the caller masked as the user may see.
    `public` is the caller's own view."""
    return {"ticket": ticket, "caller": caller_view(user, ticket),
            "events": timeline(ticket, public=public),
            "attachments": list(ticket.attachments.all())}


def run_action(form: forms.Form, action: Callable[[dict[str, Any]], Any],
               aliases: dict[str, str] | None = None) -> tuple[Any, int]:
    """Run `action` with the form's cleaned data; answer (result, 200) or (None, status) with
    the refusal put on the form. Nothing is written when it fails (the action is a
    transaction; several actions in one step are wrapped in one here)."""
    if not form.is_valid():
        return None, 400
    try:
        with transaction.atomic():
            return action(form.cleaned_data), 200
    except ActionError as exc:
        add_action_error(form, exc, aliases)
        return None, exc.status


def htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


def with_status(response: HttpResponse, status: int) -> HttpResponse:
    response.status_code = status
    return response


def desk_nav(user: Any, section: str) -> dict[str, Any]:
    """What the desk's sub-menu needs: the current section, and whether to show the
    supervisors' entries."""
    return {"section": section, "may_supervise_centre": permissions.can_supervise_centre(user)}
