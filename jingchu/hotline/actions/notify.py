"""Who hears about a ticket, and the site messages they get.

Messages are stored once, so they are written in the site's default language (zh-hans), not in
the language of whoever triggered them. Every message goes through
`jingchu.core.actions.do_enqueue_notification`, inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from jingchu.core.actions import do_enqueue_notification
from jingchu.core.choices import NotificationChannel
from jingchu.core.models import Organization
from jingchu.hotline.deadlines import LOCAL
from jingchu.hotline.models import Centre, Ticket
from jingchu.hotline.permissions import HANDLER_ROLES, SUPERVISOR_ROLES
from jingchu.identity.models import User

SUBJECT_MAX = 200


def staff_of(organization: Organization | None, roles: Iterable[str] | None = None) -> list[User]:
    """Active users holding one of `roles` (any role when None) in `organization`."""
    if organization is None:
        return []
    users = User.objects.filter(is_active=True, staff__assignments__organization=organization)
    if roles is not None:
        users = users.filter(staff__assignments__role__in=list(roles))
    return list(users.distinct().order_by("pk"))


def handlers(organization: Organization | None) -> list[User]:
    return staff_of(organization, HANDLER_ROLES)


def approvers(organization: Organization | None) -> list[User]:
    """The organization's approvers and administrators (its leadership for 督办)."""
    return staff_of(organization, SUPERVISOR_ROLES)


def operators(centre: Centre) -> list[User]:
    return staff_of(centre.organization, None)


def supervisors(centre: Centre) -> list[User]:
    return staff_of(centre.organization, SUPERVISOR_ROLES)


def caller(ticket: Ticket) -> User | None:
    person = ticket.person
    user = person.user if person is not None else None
    return user if user is not None and user.is_active else None


def send(actor: Any, users: Iterable[User | None], subject: str, body: str) -> int:
    """Send one site message to each distinct active user; answers how many were sent."""
    seen: set[int] = set()
    for user in users:
        if user is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        do_enqueue_notification(actor, user, NotificationChannel.SITE, subject[:SUBJECT_MAX],
                                body)
    return len(seen)


def _values(ticket: Ticket) -> dict[str, str]:
    # Shown as the local (Asia/Shanghai) time the reader lives in, not UTC.
    deadline = (ticket.deadline.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")
                if ticket.deadline else "-")
    return {"number": ticket.number, "title": ticket.title, "deadline": deadline,
            "organization": str(ticket.organization or "-")}


def message(name: str, ticket: Ticket, extra: str = "") -> tuple[str, str]:
    """The subject and body of message `name` about `ticket`, in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = _texts()[name]
        values = _values(ticket)
        text = body % values
    if extra:
        text = f"{text}\n{extra}"
    return subject % values, text


def _texts() -> dict[str, tuple[str, str]]:
    return {
        "dispatched": (_("New 12345 ticket %(number)s"),
                       _("Ticket %(number)s “%(title)s” was dispatched to your organization; "
                         "sign for it and reply by %(deadline)s.")),
        "reopened": (_("12345 ticket %(number)s reopened"),
                     _("The caller was not satisfied with the reply to ticket %(number)s "
                       "“%(title)s”; it is back with your organization, reply by "
                       "%(deadline)s.")),
        "returned": (_("12345 ticket %(number)s returned"),
                     _("%(organization)s returned ticket %(number)s “%(title)s”; "
                       "dispatch it again. Reason:")),
        "extension_requested": (_("Extension requested for ticket %(number)s"),
                                _("The handling organization asks for more time on ticket "
                                  "%(number)s “%(title)s”. Reason:")),
        "extension_approved": (_("Extension approved for ticket %(number)s"),
                               _("The centre approved the extension of ticket %(number)s; "
                                 "reply by %(deadline)s.")),
        "extension_refused": (_("Extension refused for ticket %(number)s"),
                              _("The centre refused the extension of ticket %(number)s; "
                                "reply by %(deadline)s.")),
        "replied": (_("Reply to your 12345 request %(number)s"),
                    _("Your request %(number)s “%(title)s” has been answered:")),
        "closed": (_("Your 12345 request %(number)s is closed"),
                   _("Your request %(number)s “%(title)s” is closed. Thank you.")),
        "supervised": (_("Supervision of ticket %(number)s"),
                       _("Ticket %(number)s “%(title)s” at %(organization)s is under "
                         "supervision; reply by %(deadline)s.")),
    }


def tell_handlers(actor: Any, ticket: Ticket, name: str, extra: str = "") -> int:
    subject, body = message(name, ticket, extra)
    return send(actor, handlers(ticket.organization), subject, body)


def tell_operators(actor: Any, ticket: Ticket, name: str, extra: str = "") -> int:
    subject, body = message(name, ticket, extra)
    return send(actor, operators(ticket.centre), subject, body)


def tell_supervisors(actor: Any, ticket: Ticket, name: str, extra: str = "") -> int:
    subject, body = message(name, ticket, extra)
    return send(actor, supervisors(ticket.centre), subject, body)


def tell_caller(actor: Any, ticket: Ticket, name: str, extra: str = "") -> int:
    subject, body = message(name, ticket, extra)
    return send(actor, [caller(ticket)], subject, body)
