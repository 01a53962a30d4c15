"""Checks the sharing actions share: text, lists of field names, and the lock helpers."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from jingchu.core import errors
from jingchu.core.errors import ActionError

FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
TEXT_MAX = 2000
REASON_MAX = 1000


def clean_text(raw: Any, field: str, *, required: bool = False, limit: int = TEXT_MAX) -> str:
    return errors.clean_text(raw, field, required=required, limit=limit)


def clean_reason(raw: Any) -> str:
    return errors.clean_reason(raw, REASON_MAX)


def clean_field_names(raw: Any, field: str, *, allowed: list[str] | None = None,
                      required: bool = True) -> list[str]:
    """A list of distinct field names, in the order given; within `allowed` when given."""
    if isinstance(raw, str):
        raw = [part for part in re.split(r"[\s,，、]+", raw) if part]
    if not isinstance(raw, list | tuple):
        raise ActionError(f"{field}_invalid", _("A list of field names is expected."),
                          {"field": field})
    names = [str(n).strip() for n in raw]
    if required and not names:
        raise ActionError(f"{field}_required", _("Name at least one field."), {"field": field})
    bad = [n for n in names if not FIELD_NAME.match(n)]
    if bad:
        raise ActionError(f"{field}_invalid", _("Invalid field names: %(names)s")
                          % {"names": ", ".join(bad)}, {"field": field, "names": bad})
    if len(set(names)) != len(names):
        raise ActionError(f"{field}_duplicate", _("A field is named twice."), {"field": field})
    if allowed is not None:
        unknown = [n for n in names if n not in allowed]
        if unknown:
            raise ActionError(f"{field}_unknown",
                              _("These fields are not fields of the resource: %(names)s")
                              % {"names": ", ".join(unknown)}, {"field": field,
                                                               "names": unknown})
    return names


def steward_users(organization_id: int) -> list[Any]:
    """The active user accounts of an organization's data stewards."""
    from jingchu.identity.choices import StaffRole
    from jingchu.identity.models import StaffAssignment

    rows = StaffAssignment.objects.filter(
        organization_id=organization_id, role=StaffRole.DATA_STEWARD,
        staff__user__is_active=True).select_related("staff__user")
    return [row.staff.user for row in rows]


def notify_stewards(actor: Any, organization_id: int, subject: str, body: str) -> int:
    """A site notification to each data steward of the organization; the number sent."""
    from jingchu.core.actions import do_enqueue_notification
    from jingchu.core.choices import NotificationChannel

    users = steward_users(organization_id)
    for user in users:
        do_enqueue_notification(actor, user, NotificationChannel.SITE, subject, body)
    return len(users)
