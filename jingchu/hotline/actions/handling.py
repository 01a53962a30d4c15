"""Handling a ticket: dispatch (派单), sign for (签收), return (退单), extension (延期) and reply.

Every action locks the ticket row first (select_for_update), so two people acting on the same
ticket at once are served one after the other and the second sees the first one's outcome.
State-machine refusals are ActionError 409 "wrong_state".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.core import audit
from jingchu.core.errors import ActionError, NotPermitted, clean_reason, clean_text
from jingchu.core.models import Organization
from jingchu.hotline import deadlines, permissions, routing
from jingchu.hotline.actions import notify
from jingchu.hotline.actions.intake import do_set_category
from jingchu.hotline.choices import ExtensionStatus, TicketStatus
from jingchu.hotline.models import Category, ExtensionRequest, Ticket, TicketEvent

NOTE_LIMIT = 1000
REPLY_LIMIT = 5000
MAX_EXTENSION_DAYS = 30
CLOCK_FIELDS = ["dispatched_at", "sign_deadline", "deadline", "signed_at", "signed_by",
                "supervision_level"]


# --- shared by the hotline's handling, call-back and supervision actions -------------------


def lock_ticket(ticket: Ticket) -> Ticket:
    """The ticket's row, re-read under a row lock (call inside a transaction)."""
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def require_status(ticket: Ticket, *statuses: str) -> None:
    if ticket.status not in statuses:
        raise ActionError("wrong_state",
                          _("This cannot be done while the ticket is “%(status)s”.")
                          % {"status": ticket.get_status_display()},
                          {"status": ticket.status, "allowed": list(statuses)}, status=409)


def require(allowed: bool) -> None:
    if not allowed:
        raise NotPermitted(_("You may not do this with this ticket."))


def user_or_none(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def add_event(ticket: Ticket, actor: Any, action: str, *, organization: Organization | None = None,
              note: str = "", details: dict[str, Any] | None = None,
              at: dt.datetime | None = None) -> TicketEvent:
    """One step of the ticket's visible timeline."""
    return TicketEvent.objects.create(
        ticket=ticket, action=action, actor=user_or_none(actor), organization=organization,
        note=note, details=details or {}, created_at=at or timezone.now())


def iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def start_clocks(ticket: Ticket, now: dt.datetime) -> None:
    """New sign-for and reply deadlines from `now` (dispatch, re-dispatch, reopen)."""
    ticket.dispatched_at = now
    ticket.sign_deadline = deadlines.sign_deadline(ticket.kind, ticket.urgency, now)
    ticket.deadline = deadlines.handle_deadline(ticket.kind, ticket.urgency, now)
    ticket.signed_at = None
    ticket.signed_by = None
    ticket.supervision_level = 0


def merged_tree(ticket: Ticket) -> list[Ticket]:
    """Every ticket merged into `ticket`, directly or through another merged one, locked."""
    found: list[Ticket] = []
    frontier = [ticket.pk]
    while frontier:
        # of=self: the caller's person and user are read, not locked (and PostgreSQL refuses
        # to lock the nullable side of the outer join select_related makes).
        batch = list(Ticket.objects.select_for_update(of=("self",))
                     .filter(merged_into_id__in=frontier)
                     .select_related("person__user").order_by("pk"))
        found.extend(batch)
        frontier = [t.pk for t in batch]
    return found


# --- dispatch -------------------------------------------------------------------------------


def _category(raw: Category | str | None) -> Category | None:
    if raw is None or isinstance(raw, Category):
        return raw
    found = Category.objects.filter(code=str(raw), is_active=True).first()
    if found is None:
        raise ActionError("category_invalid", _("Unknown category."), {"field": "category"})
    return found


def _returned_by(ticket: Ticket) -> int | None:
    """The organization that returned the ticket last, from its timeline."""
    event = ticket.events.filter(action="returned").order_by("-created_at", "-id").first()
    return event.organization_id if event is not None else None


def _target(ticket: Ticket, organization: Organization | None, note: str) -> Organization:
    category = ticket.category or ticket.suggested_category
    target = organization or routing.route(category, ticket.region)
    if target is None:
        raise ActionError("organization_required",
                          _("No routing rule applies; choose the handling organization."),
                          {"field": "organization"})
    if not target.is_active:
        raise ActionError("organization_inactive", _("That organization is not active."),
                          {"field": "organization"})
    if (ticket.status == TicketStatus.RETURNED and not note
            and _returned_by(ticket) == target.pk):
        raise ActionError("note_required",
                          _("This organization returned the ticket; explain why it goes back "
                            "to it."), {"field": "note"})
    return target


@transaction.atomic
def do_dispatch_ticket(actor: Any, ticket: Ticket, *, organization: Organization | None = None,
                       category: Category | str | None = None, note: str = "") -> Ticket:
    """派单: send a received or returned ticket to the organization that handles it."""
    ticket = lock_ticket(ticket)
    require(permissions.can_dispatch(actor, ticket))
    require_status(ticket, TicketStatus.RECEIVED, TicketStatus.RETURNED)
    chosen = _category(category)
    text = clean_text(note, "note", limit=NOTE_LIMIT)
    if chosen is not None and chosen.pk != ticket.category_id:
        # The intake action records an operator's correction as training data.
        do_set_category(actor, ticket, chosen)
        ticket = lock_ticket(ticket)
    if ticket.category_id is None and ticket.suggested_category_id is not None:
        ticket.category_id = ticket.suggested_category_id
    target = _target(ticket, organization, text)
    now = timezone.now()
    ticket.organization = target
    ticket.status = TicketStatus.DISPATCHED
    start_clocks(ticket, now)
    ticket.save(update_fields=["organization", "status", "category", *CLOCK_FIELDS])
    details = {"organization": str(target.uid), "deadline": iso(ticket.deadline),
               "sign_deadline": iso(ticket.sign_deadline),
               "category": ticket.category.code if ticket.category else None}
    add_event(ticket, actor, "dispatched", organization=target, note=text, details=details,
              at=now)
    audit.record("hotline.ticket.dispatch", actor, ticket, details)
    notify.tell_handlers(actor, ticket, "dispatched", text)
    return ticket


# --- at the department ------------------------------------------------------------------


@transaction.atomic
def do_sign_ticket(actor: Any, ticket: Ticket) -> Ticket:
    """签收: the handling organization takes the ticket on."""
    ticket = lock_ticket(ticket)
    require(permissions.can_handle(actor, ticket))
    require_status(ticket, TicketStatus.DISPATCHED)
    now = timezone.now()
    ticket.status = TicketStatus.HANDLING
    ticket.signed_at, ticket.signed_by = now, actor
    ticket.save(update_fields=["status", "signed_at", "signed_by"])
    on_time = ticket.sign_deadline is None or now <= ticket.sign_deadline
    add_event(ticket, actor, "signed", organization=ticket.organization,
              details={"on_time": on_time}, at=now)
    audit.record("hotline.ticket.sign", actor, ticket, {"on_time": on_time})
    return ticket


def _close_pending_extension(ticket: Ticket, now: dt.datetime, note: str) -> None:
    ExtensionRequest.objects.filter(ticket=ticket, status=ExtensionStatus.PENDING).update(
        status=ExtensionStatus.CANCELLED, decided_at=now, decision_note=note)


@transaction.atomic
def do_return_ticket(actor: Any, ticket: Ticket, *, reason: str) -> Ticket:
    """退单: not ours — back to the centre, with the reason, to be dispatched again."""
    ticket = lock_ticket(ticket)
    require(permissions.can_handle(actor, ticket))
    require_status(ticket, TicketStatus.DISPATCHED, TicketStatus.HANDLING)
    text = clean_reason(reason, NOTE_LIMIT)
    now = timezone.now()
    returning = ticket.organization
    subject, body = notify.message("returned", ticket, text)
    _close_pending_extension(ticket, now, _("The ticket was returned."))
    ticket.status = TicketStatus.RETURNED
    ticket.organization = None
    ticket.dispatched_at = ticket.sign_deadline = ticket.deadline = None
    ticket.signed_at, ticket.signed_by, ticket.supervision_level = None, None, 0
    ticket.save(update_fields=["status", "organization", *CLOCK_FIELDS])
    details = {"organization": str(returning.uid) if returning else None}
    add_event(ticket, actor, "returned", organization=returning, note=text, details=details,
              at=now)
    audit.record("hotline.ticket.return", actor, ticket, {**details, "reason": text})
    notify.send(actor, notify.operators(ticket.centre), subject, body)
    return ticket


def _working_days(raw: Any) -> int:
    try:
        days = int(raw)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ActionError("working_days_invalid",
                          _("Give a whole number of working days from 1 to %(max)d.")
                          % {"max": MAX_EXTENSION_DAYS}, {"field": "working_days"})
    return days


@transaction.atomic
def do_request_extension(actor: Any, ticket: Ticket, *, working_days: Any,
                         reason: str) -> ExtensionRequest:
    """延期申请: the department asks the centre for more working days."""
    ticket = lock_ticket(ticket)
    require(permissions.can_handle(actor, ticket))
    require_status(ticket, TicketStatus.HANDLING)
    days = _working_days(working_days)
    text = clean_reason(reason, NOTE_LIMIT)
    if ticket.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise ActionError("extension_pending",
                          _("An extension request is already waiting for a decision."),
                          {"field": "working_days"}, status=409)
    now = timezone.now()
    extension = ExtensionRequest.objects.create(
        ticket=ticket, working_days=days, reason=text, requested_by=actor, requested_at=now,
        old_deadline=ticket.deadline)
    details = {"extension": str(extension.uid), "working_days": days}
    add_event(ticket, actor, "extension_requested", organization=ticket.organization,
              note=text, details=details, at=now)
    audit.record("hotline.extension.request", actor, extension, details)
    notify.tell_supervisors(actor, ticket, "extension_requested", text)
    return extension


@transaction.atomic
def do_decide_extension(actor: Any, extension: ExtensionRequest, *, approve: bool,
                        note: str = "") -> ExtensionRequest:
    """The centre approves (the reply deadline moves by the working days) or refuses."""
    ticket = lock_ticket(extension.ticket)
    extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    require(permissions.can_decide_extension(actor, ticket))
    if extension.status != ExtensionStatus.PENDING:
        raise ActionError("wrong_state", _("This extension request was already decided."),
                          {"status": extension.status}, status=409)
    require_status(ticket, TicketStatus.HANDLING)
    text = (clean_text(note, "note", limit=NOTE_LIMIT) if approve
            else clean_reason(note, NOTE_LIMIT))
    now = timezone.now()
    if approve and ticket.deadline is not None:
        ticket.deadline = deadlines.extend(ticket.deadline, extension.working_days)
        ticket.save(update_fields=["deadline"])
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    extension.decided_by, extension.decided_at, extension.decision_note = actor, now, text
    extension.new_deadline = ticket.deadline
    extension.save(update_fields=["status", "decided_by", "decided_at", "decision_note",
                                  "new_deadline"])
    name = "extension_approved" if approve else "extension_refused"
    details = {"extension": str(extension.uid), "deadline": iso(ticket.deadline)}
    add_event(ticket, actor, name, organization=ticket.organization, note=text,
              details=details, at=now)
    audit.record("hotline.extension.decide", actor, extension, {**details, "approve": approve})
    notify.tell_handlers(actor, ticket, name, text)
    return extension


# --- reply ----------------------------------------------------------------------------------


def _propagate_reply(actor: Any, ticket: Ticket) -> list[str]:
    """Give every ticket merged into `ticket` the same reply, and tell its caller."""
    numbers = []
    for merged in merged_tree(ticket):
        merged.reply, merged.replied_at = ticket.reply, ticket.replied_at
        merged.replied_by, merged.replied_on_time = ticket.replied_by, ticket.replied_on_time
        merged.save(update_fields=["reply", "replied_at", "replied_by", "replied_on_time"])
        add_event(merged, actor, "replied", organization=ticket.organization,
                  note=ticket.reply, details={"via": ticket.number}, at=ticket.replied_at)
        notify.tell_caller(actor, merged, "replied", ticket.reply)
        numbers.append(merged.number)
    return numbers


@transaction.atomic
def do_reply_ticket(actor: Any, ticket: Ticket, *, reply: str) -> Ticket:
    """答复: the department answers the caller; the centre calls back next."""
    ticket = lock_ticket(ticket)
    require(permissions.can_handle(actor, ticket))
    require_status(ticket, TicketStatus.HANDLING)
    text = clean_text(reply, "reply", required=True, limit=REPLY_LIMIT)
    now = timezone.now()
    _close_pending_extension(ticket, now, _("The ticket was replied to."))
    ticket.status = TicketStatus.REPLIED
    ticket.reply, ticket.replied_at, ticket.replied_by = text, now, actor
    ticket.replied_on_time = ticket.deadline is None or now <= ticket.deadline
    ticket.save(update_fields=["status", "reply", "replied_at", "replied_by",
                               "replied_on_time"])
    merged = _propagate_reply(actor, ticket)
    details = {"on_time": ticket.replied_on_time, "merged": merged}
    add_event(ticket, actor, "replied", organization=ticket.organization, note=text,
              details=details, at=now)
    audit.record("hotline.ticket.reply", actor, ticket, details)
    notify.tell_caller(actor, ticket, "replied", text)
    return ticket

