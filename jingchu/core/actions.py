"""State changes of the core app: organizations, the region table, the notification outbox."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jingchu.core import audit, sms
from jingchu.core.choices import NotificationChannel, OrganizationKind
from jingchu.core.errors import ActionError
from jingchu.core.identifiers import IdentifierError, validate_uscc
from jingchu.core.models import Notification, Organization, Region
from jingchu.core.tasks import deliver_notification


def _validated_uscc(value: str) -> str:
    try:
        return validate_uscc(value)
    except IdentifierError as exc:
        raise ActionError(exc.code, exc.message, {"field": "uscc"}) from None


@transaction.atomic
def do_upsert_organization(
    actor: Any,
    *,
    uscc: str,
    name: str,
    kind: str,
    region: Region,
    parent: Organization | None = None,
    short_name: str = "",
    address: str = "",
) -> Organization:
    """Create an organization, or update the one with this credit code (idempotent loads)."""
    code = _validated_uscc(uscc)
    if kind not in OrganizationKind.values:
        raise ActionError("kind_invalid", _("Unknown kind of organization."), {"field": "kind"})
    if not name.strip():
        raise ActionError("name_required", _("The name is required."), {"field": "name"})
    values: dict[str, Any] = {
        "name": name.strip(), "kind": kind, "region": region, "parent": parent,
        "short_name": short_name, "address": address,
    }
    org = Organization.objects.select_for_update().filter(uscc=code).first()
    if org is None:
        org = Organization.objects.create(uscc=code, **values)
        audit.record("core.organization.create", actor, org)
        return org
    changed = _changed_fields(org, values)
    if changed:
        # Only a real change is written and audited, so that re-running a load (the demo,
        # a nightly import) leaves the audit trail as it was.
        for field in changed:
            setattr(org, field, values[field])
        org.save(update_fields=changed)
        audit.record("core.organization.update", actor, org, {"changed": changed})
    return org


def _changed_fields(obj: Any, values: dict[str, Any]) -> list[str]:
    changed = []
    for field, value in values.items():
        if obj._meta.get_field(field).is_relation:
            # Compare foreign keys by id, without fetching the related rows.
            if getattr(obj, field + "_id") != (value.pk if value is not None else None):
                changed.append(field)
        elif getattr(obj, field) != value:
            changed.append(field)
    return changed


@transaction.atomic
def do_load_regions(actor: Any, **kwargs: Any) -> int:
    from jingchu.core.regions import load_regions

    count = load_regions(**kwargs)
    audit.record("core.regions.load", actor, None, {"rows": count})
    return count


@transaction.atomic
def do_load_calendar(actor: Any, text: str, *, actor_label: str = "") -> tuple[int, int]:
    """Load one year's holiday file (replacing that year); answers (year, days loaded)."""
    from jingchu.core.calendar_data import CalendarFileError, load_year, parse

    try:
        parsed = parse(text)
    except CalendarFileError as exc:
        raise ActionError("calendar_file_invalid", str(exc), {"field": "file"}) from None
    count = load_year(parsed)
    audit.record(
        "core.calendar.load", actor, None,
        {"year": parsed.year, "days": count, "provisional": parsed.provisional},
        actor_label=actor_label,
    )
    return parsed.year, count


@transaction.atomic
def do_enqueue_notification(
    actor: Any, recipient: Any, channel: str, subject: str, body: str
) -> Notification:
    """Put a message in the outbox; delivery is scheduled once this transaction commits."""
    subject, body = (subject or "").strip(), (body or "").strip()
    _check_notification(recipient, channel, subject, body)
    note = Notification.objects.create(
        recipient=recipient, channel=channel, subject=subject, body=body
    )
    audit.record("core.notification.enqueue", actor, note,
                 {"channel": channel, "recipient": str(recipient.uid)})
    uid = str(note.uid)
    # After commit, so the worker never looks for a row that is not there yet (or was rolled
    # back). Robust: a broker outage must not fail the caller's request; the row stays PENDING
    # and `requeue_pending_notifications` schedules it again.
    transaction.on_commit(lambda: deliver_notification.delay(uid), robust=True)
    return note


def _check_notification(recipient: Any, channel: str, subject: str, body: str) -> None:
    if channel not in NotificationChannel.values:
        raise ActionError("channel_invalid", _("Unknown notification channel."),
                          {"field": "channel"})
    if recipient is None or recipient.pk is None or not recipient.is_active:
        raise ActionError("recipient_invalid", _("The recipient is not an active user."),
                          {"field": "recipient"})
    if channel == NotificationChannel.EMAIL and not recipient.email:
        raise ActionError("recipient_no_email", _("The recipient has no e-mail address."),
                          {"field": "recipient"})
    if channel == NotificationChannel.SMS and not sms.recipient_phone(recipient):
        raise ActionError("recipient_no_phone", _("The recipient has no mobile number."),
                          {"field": "recipient"})
    max_subject = Notification._meta.get_field("subject").max_length or 200
    if not subject or len(subject) > max_subject:
        raise ActionError("subject_invalid",
                          _("The subject is required and at most %(n)d characters long.")
                          % {"n": max_subject}, {"field": "subject"})
    if not body:
        raise ActionError("body_required", _("The message text is required."), {"field": "body"})


@transaction.atomic
def do_mark_notifications_read(actor: Any, uids: list[str] | None = None) -> int:
    """Mark the actor's own site messages read: those listed, or all unread when none are.

    Answers how many changed; someone else's message is never touched (it simply does not
    match), and a message already read keeps its first read time.
    """
    from django.utils import timezone

    if not getattr(actor, "is_authenticated", False):
        raise ActionError("not_signed_in", _("Please sign in."), status=403)
    rows = Notification.objects.filter(recipient=actor, channel=NotificationChannel.SITE,
                                       read_at__isnull=True)
    if uids is not None:
        rows = rows.filter(uid__in=uids)
    count = rows.update(read_at=timezone.now())
    if count:
        audit.record("core.notification.read", actor, None, {"count": count})
    return count
