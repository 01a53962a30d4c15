"""After the reply: call-back (回访), rating (满意度评价), reopening once (重办) and closure (办结).

Rating satisfied or basically satisfied closes the ticket at once; unsatisfied keeps it REPLIED,
so the caller may reopen it once (back to the same organization with new clocks), or the
operator closes it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.core import audit
from jingchu.core.errors import ActionError, clean_reason, clean_text
from jingchu.hotline import permissions
from jingchu.hotline.actions import notify
from jingchu.hotline.actions.handling import (
    CLOCK_FIELDS,
    add_event,
    lock_ticket,
    merged_tree,
    require,
    require_status,
    start_clocks,
)
from jingchu.hotline.choices import RatingChannel, Satisfaction, TicketStatus
from jingchu.hotline.models import Ticket

NOTE_LIMIT = 1000
MAX_REOPENS = 1
RATING_FIELDS = ["satisfaction", "rating_channel", "rating_comment", "rated_at"]
REPLY_FIELDS = ["reply", "replied_at", "replied_by", "replied_on_time"]
CALLBACK_FIELDS = ["callback_at", "callback_by", "callback_note"]


def close(actor: Any, ticket: Ticket, now: dt.datetime, note: str = "") -> list[str]:
    """Close a locked ticket and every ticket merged into it; tell each caller. Answers the
    numbers of the merged tickets closed with it."""
    ticket.status = TicketStatus.CLOSED
    ticket.closed_at, ticket.closed_by = now, actor
    ticket.save(update_fields=["status", "closed_at", "closed_by"])
    numbers = []
    for merged in merged_tree(ticket):
        merged.status = TicketStatus.CLOSED
        merged.closed_at, merged.closed_by = now, actor
        merged.save(update_fields=["status", "closed_at", "closed_by"])
        add_event(merged, actor, "closed", details={"via": ticket.number}, at=now)
        notify.tell_caller(actor, merged, "closed")
        numbers.append(merged.number)
    add_event(ticket, actor, "closed", note=note, details={"merged": numbers}, at=now)
    notify.tell_caller(actor, ticket, "closed")
    return numbers


def _satisfaction(raw: Any) -> str:
    value = str(raw or "")
    if value not in Satisfaction.values:
        raise ActionError("satisfaction_invalid", _("Choose how satisfied the caller is."),
                          {"field": "satisfaction"})
    return value


def _rate(actor: Any, ticket: Ticket, value: str, comment: str, channel: str,
          now: dt.datetime) -> None:
    """Record a rating on a locked REPLIED ticket; a good one closes it."""
    if ticket.satisfaction:
        raise ActionError("already_rated", _("This reply has already been rated."),
                          {"field": "satisfaction"}, status=409)
    ticket.satisfaction, ticket.rating_channel = value, channel
    ticket.rating_comment, ticket.rated_at = comment, now
    ticket.save(update_fields=RATING_FIELDS)
    details = {"satisfaction": value, "channel": channel}
    add_event(ticket, actor, "rated", note=comment, details=details, at=now)
    audit.record("hotline.ticket.rate", actor, ticket, details)
    if value != Satisfaction.UNSATISFIED:
        merged = close(actor, ticket, now)
        audit.record("hotline.ticket.close", actor, ticket,
                     {"after": "rating", "merged": merged})


@transaction.atomic
def do_record_callback(actor: Any, ticket: Ticket, *, reached: bool, note: str,
                       satisfaction: str | None = None, comment: str = "") -> Ticket:
    """回访: the operator calls the caller back; a satisfaction given on the call is a rating."""
    ticket = lock_ticket(ticket)
    require(permissions.can_call_back(actor, ticket))
    require_status(ticket, TicketStatus.REPLIED)
    text = clean_text(note, "note", limit=NOTE_LIMIT)
    remark = clean_text(comment, "comment", limit=NOTE_LIMIT)
    value = _satisfaction(satisfaction) if satisfaction else ""
    if value and not reached:
        raise ActionError("not_reached", _("A rating needs the caller to have been reached."),
                          {"field": "satisfaction"})
    now = timezone.now()
    ticket.callback_at, ticket.callback_by, ticket.callback_note = now, actor, text
    ticket.save(update_fields=CALLBACK_FIELDS)
    details = {"reached": bool(reached), "satisfaction": value or None}
    add_event(ticket, actor, "called_back", note=text, details=details, at=now)
    audit.record("hotline.ticket.callback", actor, ticket, details)
    if value:
        _rate(actor, ticket, value, remark, RatingChannel.CALLBACK, now)
    return ticket


@transaction.atomic
def do_rate_ticket(actor: Any, ticket: Ticket, *, satisfaction: str,
                   comment: str = "") -> Ticket:
    """The caller rates the reply online, once per reply."""
    ticket = lock_ticket(ticket)
    require(permissions.can_rate(actor, ticket))
    require_status(ticket, TicketStatus.REPLIED)
    value = _satisfaction(satisfaction)
    remark = clean_text(comment, "comment", limit=NOTE_LIMIT)
    _rate(actor, ticket, value, remark, RatingChannel.SELF, timezone.now())
    return ticket


def _refuse_reopen(ticket: Ticket, message: str, rule: str) -> ActionError:
    return ActionError("wrong_state", message, {"status": ticket.status, "rule": rule},
                       status=409)


def _check_reopen(ticket: Ticket) -> None:
    require_status(ticket, TicketStatus.REPLIED)
    if ticket.reopen_count >= MAX_REOPENS:
        raise _refuse_reopen(ticket, _("A ticket can be reopened only once."), "once")
    if ticket.satisfaction != Satisfaction.UNSATISFIED:
        raise _refuse_reopen(ticket, _("Only a reply rated unsatisfied can be reopened."),
                             "unsatisfied")
    if ticket.organization_id is None:
        raise _refuse_reopen(ticket, _("The ticket has no handling organization."),
                             "organization")


def _clear_answer(ticket: Ticket) -> dict[str, Any]:
    """Forget the answered round on the ticket (its timeline keeps it); answers what it was."""
    before = {"satisfaction": ticket.satisfaction, "replied_at":
              ticket.replied_at.isoformat() if ticket.replied_at else None,
              "replied_on_time": ticket.replied_on_time}
    ticket.reply, ticket.replied_at, ticket.replied_by = "", None, None
    ticket.replied_on_time = None
    ticket.satisfaction = ticket.rating_channel = ticket.rating_comment = ""
    ticket.rated_at = None
    ticket.callback_at, ticket.callback_by, ticket.callback_note = None, None, ""
    return before


@transaction.atomic
def do_reopen_ticket(actor: Any, ticket: Ticket, *, reason: str) -> Ticket:
    """重办: an unsatisfied caller sends the ticket back to the same organization, once."""
    ticket = lock_ticket(ticket)
    require(permissions.can_reopen(actor, ticket))
    _check_reopen(ticket)
    text = clean_reason(reason, NOTE_LIMIT)
    now = timezone.now()
    before = _clear_answer(ticket)
    ticket.status = TicketStatus.DISPATCHED
    ticket.reopen_count += 1
    start_clocks(ticket, now)
    ticket.save(update_fields=["status", "reopen_count", *CLOCK_FIELDS, *REPLY_FIELDS,
                               *RATING_FIELDS, *CALLBACK_FIELDS])
    details = {"previous": before, "deadline": ticket.deadline.isoformat()
               if ticket.deadline else None}
    add_event(ticket, actor, "reopened", organization=ticket.organization, note=text,
              details=details, at=now)
    audit.record("hotline.ticket.reopen", actor, ticket, {**details, "reason": text})
    notify.tell_handlers(actor, ticket, "reopened", text)
    return ticket


@transaction.atomic
def do_close_ticket(actor: Any, ticket: Ticket, *, note: str = "") -> Ticket:
    """办结 by the operator: e.g. the caller cannot be reached, or stays unsatisfied."""
    ticket = lock_ticket(ticket)
    require(permissions.can_close(actor, ticket))
    require_status(ticket, TicketStatus.REPLIED)
    text = clean_text(note, "note", limit=NOTE_LIMIT)
    merged = close(actor, ticket, timezone.now(), text)
    audit.record("hotline.ticket.close", actor, ticket, {"after": "operator", "merged": merged})
    return ticket
