"""督办: supervision of late tickets, by a centre supervisor or by the periodic scan.

The scan (`do_scan_overdue`, run by the Celery task `scan_overdue_tickets`) supervises a ticket
that a department has not signed for by its sign-for deadline, or not replied to by its
deadline, at level 1; if it is still late one working day after a level-n supervision, it is
raised to level n+1 (at most 3). Each level tells more people:
1. the handling organization's handlers;
2. also its approvers and the centre's supervisors;
3. also the approvers and administrators of the organization's parent.
The scan is idempotent: a supervision of a given ticket, organization, level and reason is made
once (the model's constraint hotline_auto_supervision_once is the backstop).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation

from jingchu.core import audit, calendar
from jingchu.core.errors import clean_reason
from jingchu.hotline import permissions
from jingchu.hotline.actions import notify
from jingchu.hotline.actions.handling import add_event, lock_ticket, require, require_status
from jingchu.hotline.choices import (
    AT_DEPARTMENT,
    SupervisionLevel,
    SupervisionReason,
    TicketStatus,
)
from jingchu.hotline.deadlines import LOCAL
from jingchu.hotline.models import Supervision, Ticket
from jingchu.identity.models import User

SYSTEM_LABEL = "system"
NOTE_LIMIT = 1000
MAX_LEVEL = max(SupervisionLevel.values)


def _recipients(ticket: Ticket, level: int) -> list[User]:
    """Who a supervision of `level` tells: each level adds people to the one below."""
    org = ticket.organization
    users = notify.handlers(org)
    if level >= SupervisionLevel.ESCALATED:
        users += notify.approvers(org) + notify.supervisors(ticket.centre)
    if level >= SupervisionLevel.HIGHER and org is not None:
        users += notify.approvers(org.parent)
    return users


def _labels(level: int, reason: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return f"{SupervisionLevel(level).label}: {SupervisionReason(reason).label}"


def _supervise(actor: Any, ticket: Ticket, level: int, reason: str, note: str,
               now: dt.datetime) -> Supervision:
    """Write one supervision of a locked ticket, its event and audit, and tell people."""
    assert ticket.organization is not None and ticket.dispatched_at is not None
    supervision = Supervision.objects.create(
        ticket=ticket, level=level, reason=reason, note=note, organization=ticket.organization,
        round_start=ticket.dispatched_at, created_at=now, created_by=actor)
    if level > ticket.supervision_level:
        ticket.supervision_level = level
        ticket.save(update_fields=["supervision_level"])
    details = {"supervision": str(supervision.uid), "level": level, "reason": reason}
    add_event(ticket, actor, "supervised", organization=ticket.organization, note=note,
              details=details, at=now)
    audit.record("hotline.ticket.supervise", actor, ticket, details,
                 actor_label="" if actor is not None else SYSTEM_LABEL)
    subject, body = notify.message("supervised", ticket, _labels(level, reason))
    if note:
        body = f"{body}\n{note}"
    notify.send(actor, _recipients(ticket, level), subject, body)
    return supervision


@transaction.atomic
def do_supervise_ticket(actor: Any, ticket: Ticket, *, note: str) -> Supervision:
    """A centre supervisor supervises a ticket held by a department (manual 督办)."""
    ticket = lock_ticket(ticket)
    require(permissions.can_supervise(actor, ticket))
    require_status(ticket, *AT_DEPARTMENT)
    text = clean_reason(note, NOTE_LIMIT)
    level = max(ticket.supervision_level, SupervisionLevel.NOTICE)
    return _supervise(actor, ticket, level, SupervisionReason.MANUAL, text, timezone.now())


# --- the automatic scan ---------------------------------------------------------------------


def overdue(now: dt.datetime) -> QuerySet[Ticket]:
    """Tickets at a department past their sign-for or reply deadline."""
    return Ticket.objects.filter(
        Q(status=TicketStatus.DISPATCHED, sign_deadline__lt=now)
        | Q(status__in=AT_DEPARTMENT, deadline__lt=now),
        organization__isnull=False).order_by("deadline", "pk")


def _reason(ticket: Ticket, now: dt.datetime) -> str | None:
    """Why the ticket is late now; past the reply deadline counts before not signed for."""
    if ticket.status not in AT_DEPARTMENT or ticket.organization_id is None:
        return None
    if ticket.deadline is not None and ticket.deadline < now:
        return SupervisionReason.HANDLE_OVERDUE
    if (ticket.status == TicketStatus.DISPATCHED and ticket.sign_deadline is not None
            and ticket.sign_deadline < now):
        return SupervisionReason.SIGN_OVERDUE
    return None


def one_working_day_after(moment: dt.datetime) -> dt.datetime:
    """The same local time of day on the next working day."""
    local = moment.astimezone(LOCAL)
    day = calendar.add_working_days(local.date(), 1)
    return dt.datetime.combine(day, local.time(), tzinfo=LOCAL)


def _next_level(ticket: Ticket, reason: str, now: dt.datetime) -> int | None:
    if ticket.dispatched_at is None:  # not at a department: nothing to supervise
        return None
    last = (Supervision.objects
            .filter(ticket=ticket, round_start=ticket.dispatched_at, reason=reason)
            .order_by("-level").first())
    if last is None:
        return int(SupervisionLevel.NOTICE)
    if last.level >= MAX_LEVEL or now < one_working_day_after(last.created_at):
        return None
    return last.level + 1


@transaction.atomic
def _scan_one(pk: int, now: dt.datetime) -> int:
    ticket = lock_ticket(Ticket(pk=pk))
    reason = _reason(ticket, now)
    level = _next_level(ticket, reason, now) if reason is not None else None
    if reason is None or level is None:
        return 0
    note = _labels(level, reason)
    try:
        with transaction.atomic():  # a concurrent scan got there first: nothing to do
            _supervise(None, ticket, level, reason, note, now)
    except IntegrityError:
        return 0
    return 1


def do_scan_overdue(now: dt.datetime | None = None) -> int:
    """Supervise and escalate every late ticket, each in its own transaction; answers how many
    supervisions were made."""
    now = now or timezone.now()
    ids = list(overdue(now).values_list("pk", flat=True))
    return sum(_scan_one(pk, now) for pk in ids)
