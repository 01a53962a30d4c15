"""Who hears about a task, and the site messages they get.

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
from jingchu.identity.models import User
from jingchu.oversight.models import Assignment, OversightTask
from jingchu.oversight.permissions import HANDLER_ROLES, LEADER_ROLES

SUBJECT_MAX = 200


def staff_of(organization: Organization | None, roles: Iterable[str]) -> list[User]:
    """Active users holding one of `roles` in `organization`."""
    if organization is None:
        return []
    users = User.objects.filter(is_active=True, staff__assignments__organization=organization,
                                staff__assignments__role__in=list(roles))
    return list(users.distinct().order_by("pk"))


def handlers(organization: Organization | None) -> list[User]:
    return staff_of(organization, HANDLER_ROLES)


def leaders(organization: Organization | None) -> list[User]:
    return staff_of(organization, LEADER_ROLES)


def send(actor: Any, users: Iterable[User], subject: str, body: str) -> int:
    """One site message to each distinct active user; answers how many were sent."""
    seen: set[int] = set()
    for user in users:
        if not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        do_enqueue_notification(actor, user, NotificationChannel.SITE, subject[:SUBJECT_MAX],
                                body)
    return len(seen)


def _texts() -> dict[str, tuple[str, str]]:
    return {
        "assigned": (_("New oversight task %(number)s"),
                     _("Task %(number)s “%(title)s” was assigned to %(organization)s; sign for "
                       "it and complete it by %(deadline)s.")),
        "reported": (_("Completion reported on task %(number)s"),
                     _("%(organization)s reported its part of task %(number)s “%(title)s” "
                       "complete.")),
        "review": (_("Task %(number)s awaits your review"),
                   _("The lead organization %(organization)s reported task %(number)s "
                     "“%(title)s” complete; accept it or send it back.")),
        "sent_back": (_("Task %(number)s sent back"),
                      _("The issuer sent task %(number)s “%(title)s” back to %(organization)s; "
                        "report again. Note:")),
        "closed": (_("Task %(number)s closed"),
                   _("The issuer accepted task %(number)s “%(title)s” and closed it.")),
        "cancelled": (_("Task %(number)s cancelled"),
                      _("Task %(number)s “%(title)s” was cancelled. Reason:")),
        "extension_requested": (_("Extension requested on task %(number)s"),
                                _("%(organization)s asks to move its deadline on task "
                                  "%(number)s “%(title)s” from %(deadline)s to "
                                  "%(requested)s. Reason:")),
        "extension_approved": (_("Extension approved on task %(number)s"),
                               _("The deadline of %(organization)s on task %(number)s "
                                 "“%(title)s” is now %(deadline)s.")),
        "extension_refused": (_("Extension refused on task %(number)s"),
                              _("The deadline of %(organization)s on task %(number)s "
                                "“%(title)s” stays %(deadline)s. Reason:")),
        "escalated_1": (_("Task %(number)s is overdue"),
                        _("The assignment of %(organization)s on task %(number)s “%(title)s” "
                          "was due on %(deadline)s and is not complete: complete it or ask "
                          "for an extension now.")),
        "escalated_2": (_("Overdue assignment escalated: task %(number)s"),
                        _("%(organization)s has not completed task %(number)s “%(title)s”, "
                          "which your organization assigned to it, due on %(deadline)s.")),
        "escalated_3": (_("Overdue assignment escalated: task %(number)s"),
                        _("%(organization)s, an organization under yours, has not completed "
                          "task %(number)s “%(title)s”, due on %(deadline)s.")),
    }


def message(name: str, task: OversightTask, assignment: Assignment | None = None,
            extra: str = "", **more: str) -> tuple[str, str]:
    """The subject and body of message `name`, in the site's language; `more` fills the
    message's own placeholders."""
    values = {**more,
        "number": task.number, "title": task.title,
        "organization": str(assignment.organization) if assignment is not None else "-",
        "deadline": (assignment.deadline if assignment is not None
                     else task.deadline).isoformat(),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = _texts()[name]
        subject, body = subject % values, body % values
    if extra:
        body = f"{body}\n{extra}"
    return subject, body


def tell(actor: Any, users: Iterable[User], name: str, task: OversightTask,
         assignment: Assignment | None = None, extra: str = "", **more: str) -> int:
    subject, body = message(name, task, assignment, extra, **more)
    return send(actor, users, subject, body)
