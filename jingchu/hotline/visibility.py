"""What a user is shown of a ticket's caller: in full, masked, or nothing at all.

- The centre's operators and the caller see the name and phone in full; a read of another
  person's full phone by staff is an AuditEvent ("hotline.caller.read").
- The handling department sees the name and phone masked (张*, 138****8000).
- Nobody outside the centre sees who filed a report (举报), nor who complained about their
  own organization: the caller is hidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jingchu.core import audit
from jingchu.core.masking import mask_name, mask_phone
from jingchu.hotline import permissions
from jingchu.hotline.models import Ticket


@dataclass(frozen=True)
class CallerView:
    name: str
    phone: str
    hidden: bool


HIDDEN = CallerView(name="", phone="", hidden=True)


def caller_view(user: Any, ticket: Ticket) -> CallerView:
    if not permissions.can_see_caller(user, ticket):
        return HIDDEN
    if not permissions.can_see_caller_phone(user, ticket):
        return CallerView(name=mask_name(ticket.caller_name),
                          phone=mask_phone(ticket.caller_phone), hidden=False)
    if ticket.caller_phone and not permissions.is_caller(user, ticket):
        audit.record("hotline.caller.read", user, ticket, {"fields": ["caller_phone"]})
    return CallerView(name=ticket.caller_name, phone=ticket.caller_phone, hidden=False)
