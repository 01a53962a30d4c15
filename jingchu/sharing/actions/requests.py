"""Every state change of share requests (共享申请): submit, approve (all or some fields),
refuse with reasons, withdraw. An unconditional resource is granted at once; a conditional one
is due for review N working days after the request (JINGCHU_SHARING_REVIEW_DAYS)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu import config
from jingchu.core import audit, calendar
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import Organization
from jingchu.sharing import permissions, queries
from jingchu.sharing.actions._common import (
    clean_field_names,
    clean_reason,
    clean_text,
    notify_stewards,
)
from jingchu.sharing.actions.grants import create_grant
from jingchu.sharing.choices import RequestStatus, ResourceStatus, ShareType
from jingchu.sharing.models import DataResource, Grant, ShareRequest

CALLS_MAX = 10_000_000


def review_days() -> int:
    return int(config.get("JINGCHU_SHARING_REVIEW_DAYS"))


def review_deadline(requested_on: dt.date) -> dt.date:
    """The last working day of the owner's review."""
    return calendar.add_working_days(requested_on, review_days())


def _require_shareable(resource: DataResource) -> None:
    if resource.status != ResourceStatus.PUBLISHED:
        raise ActionError("resource_not_published",
                          _("Only a resource published in the catalog can be requested."),
                          {"status": resource.status}, status=409)
    if queries.on_negative_list(resource):
        raise ActionError("negative_list",
                          _("This resource is on a negative list and is never shared."),
                          {"resource": resource.code}, status=409)
    if resource.share_type == ShareType.NOT_SHARED:
        raise ActionError("not_shared", _("The owner does not share this resource."),
                          {"resource": resource.code}, status=409)


def _clean_period(valid_from: Any, valid_until: Any) -> tuple[dt.date, dt.date]:
    if not isinstance(valid_from, dt.date) or not isinstance(valid_until, dt.date):
        raise ActionError("period_invalid", _("Give the period as two dates."),
                          {"field": "valid_from"})
    if valid_from > valid_until:
        raise ActionError("period_invalid", _("The period ends before it begins."),
                          {"field": "valid_until"})
    if valid_until < timezone.localdate():
        raise ActionError("period_past", _("The period has already ended."),
                          {"field": "valid_until"})
    return valid_from, valid_until


def _clean_calls(raw: Any) -> int:
    try:
        calls = int(raw or 0)
    except (TypeError, ValueError):
        calls = -1
    if not 0 <= calls <= CALLS_MAX:
        raise ActionError("expected_calls_invalid", _("Give the expected calls a day as a "
                                                      "whole number."),
                          {"field": "expected_daily_calls"})
    return calls


def _clean_request(resource: DataResource, data: dict[str, Any]) -> dict[str, Any]:
    values = {
        "fields": clean_field_names(data.get("fields"), "fields",
                                    allowed=queries.field_names(resource)),
        "purpose": clean_text(data.get("purpose"), "purpose", required=True),
        "legal_basis": clean_text(data.get("legal_basis"), "legal_basis"),
        "expected_daily_calls": _clean_calls(data.get("expected_daily_calls")),
    }
    if resource.share_type == ShareType.CONDITIONAL and not values["legal_basis"]:
        raise ActionError("legal_basis_required",
                          _("A resource shared on conditions is requested with a legal basis."),
                          {"field": "legal_basis"})
    values["valid_from"], values["valid_until"] = _clean_period(data.get("valid_from"),
                                                                data.get("valid_until"))
    return values


def _require_new(consumer: Organization, resource: DataResource) -> None:
    if resource.owner_id == consumer.pk:
        raise ActionError("own_resource", _("An organization does not request its own data."),
                          {}, status=409)
    if ShareRequest.objects.filter(consumer=consumer, resource=resource,
                                   status=RequestStatus.PENDING).exists():
        raise ActionError("request_pending",
                          _("Your organization already has a request for this resource "
                            "awaiting review."), {}, status=409)


@transaction.atomic
def do_submit_request(actor: Any, consumer: Organization, resource: DataResource,
                      data: dict[str, Any]) -> ShareRequest:
    """A consumer's steward asks for a resource; granted at once when unconditional."""
    if not permissions.can_request_for(actor, consumer):
        raise NotPermitted(_("Only a data steward of the requesting organization may ask."))
    resource = DataResource.objects.select_for_update(of=("self",)).select_related(
        "owner").get(pk=resource.pk)
    _require_shareable(resource)
    _require_new(consumer, resource)
    values = _clean_request(resource, data)
    now = timezone.now()
    share_request = ShareRequest(consumer=consumer, resource=resource, requested_by=actor,
                                 requested_at=now, **values)
    unconditional = resource.share_type == ShareType.UNCONDITIONAL
    if unconditional:
        share_request.status, share_request.reviewed_at = RequestStatus.APPROVED, now
        share_request.granted_fields = list(values["fields"])
    else:
        share_request.review_deadline = review_deadline(timezone.localdate(now))
    share_request.save()
    audit.record("sharing.request.submit", actor, share_request, {
        "consumer": str(consumer.uid), "resource": resource.code, "fields": values["fields"],
        "deadline": str(share_request.review_deadline or ""), "automatic": unconditional})
    if unconditional:
        create_grant(actor, share_request)
    else:
        _notify_owner(actor, share_request)
    return share_request


def _notify_owner(actor: Any, share_request: ShareRequest) -> None:
    values = {"consumer": share_request.consumer.name, "resource": share_request.resource.name,
              "deadline": share_request.review_deadline}
    notify_stewards(actor, share_request.resource.owner_id,
                    _("New share request for %(resource)s") % values,
                    _("%(consumer)s requests %(resource)s. Please review it by %(deadline)s.")
                    % values)


def _locked(share_request: ShareRequest) -> ShareRequest:
    return ShareRequest.objects.select_for_update(of=("self",)).select_related(
        "consumer", "resource__owner").get(pk=share_request.pk)


def _require_pending(share_request: ShareRequest) -> None:
    if share_request.status != RequestStatus.PENDING:
        raise ActionError("request_not_pending", _("This request is %(status)s.")
                          % {"status": share_request.get_status_display()},
                          {"status": share_request.status}, status=409)


@transaction.atomic
def do_approve_request(actor: Any, share_request: ShareRequest, *, fields: Any = None,
                       masked_fields: Any = None, rate_limit: Any = None,
                       reason: Any = "") -> Grant:
    """The owner's steward approves all the requested fields (or some: partly approved); the
    grant is created in the same transaction."""
    share_request = _locked(share_request)
    if not permissions.can_review_request(actor, share_request):
        raise NotPermitted(_("Only a data steward of the resource's owner reviews requests."))
    _require_pending(share_request)
    if queries.on_negative_list(share_request.resource):
        raise ActionError("negative_list",
                          _("This resource is on a negative list and is never shared."),
                          {"resource": share_request.resource.code}, status=409)
    granted = (list(share_request.fields) if fields is None else
               clean_field_names(fields, "fields", allowed=list(share_request.fields)))
    partly = set(granted) != set(share_request.fields)
    share_request.status = RequestStatus.PARTLY_APPROVED if partly else RequestStatus.APPROVED
    share_request.granted_fields = granted
    share_request.reviewed_by, share_request.reviewed_at = actor, timezone.now()
    share_request.decision_reason = clean_text(reason, "reason", limit=1000)
    share_request.save()
    audit.record("sharing.request.approve", actor, share_request, {
        "status": share_request.status, "granted_fields": granted})
    return create_grant(actor, share_request, masked_fields=masked_fields,
                        rate_limit=rate_limit)


@transaction.atomic
def do_refuse_request(actor: Any, share_request: ShareRequest, reason: Any) -> ShareRequest:
    share_request = _locked(share_request)
    if not permissions.can_review_request(actor, share_request):
        raise NotPermitted(_("Only a data steward of the resource's owner reviews requests."))
    text = clean_reason(reason)
    _require_pending(share_request)
    share_request.status, share_request.decision_reason = RequestStatus.REFUSED, text
    share_request.reviewed_by, share_request.reviewed_at = actor, timezone.now()
    share_request.save()
    audit.record("sharing.request.refuse", actor, share_request, {"reason": text})
    return share_request


@transaction.atomic
def do_withdraw_request(actor: Any, share_request: ShareRequest) -> ShareRequest:
    share_request = _locked(share_request)
    if not permissions.can_withdraw_request(actor, share_request):
        raise NotPermitted(_("Only a data steward of the requesting organization withdraws."))
    _require_pending(share_request)
    share_request.status = RequestStatus.WITHDRAWN
    share_request.save(update_fields=["status"])
    audit.record("sharing.request.withdraw", actor, share_request, {})
    return share_request


# --- reminders of the review deadline ---------------------------------------------------------

REMIND_WITHIN_DAYS = 2


def _reminded_today(user: Any, subject: str, today: dt.date) -> bool:
    from jingchu.core.models import Notification

    return Notification.objects.filter(recipient=user, subject=subject,
                                       created_at__date__gte=today).exists()


@transaction.atomic
def do_remind_due_reviews(actor: Any = None, today: dt.date | None = None) -> int:
    """Tell the owner's stewards of each pending request due within two working days (or
    overdue); once a day per steward and request. Returns the notifications sent."""
    from jingchu.core.actions import do_enqueue_notification
    from jingchu.core.choices import NotificationChannel
    from jingchu.sharing.actions._common import steward_users

    today = today or timezone.localdate()
    sent = 0
    for share_request in queries.pending_due_by(calendar.add_working_days(today,
                                                                          REMIND_WITHIN_DAYS)):
        values = {"consumer": share_request.consumer.name,
                  "resource": share_request.resource.name,
                  "deadline": share_request.review_deadline, "uid": str(share_request.uid)[:8]}
        subject = _("Share request %(uid)s is due for review by %(deadline)s") % values
        body = _("%(consumer)s requested %(resource)s. The review is due by %(deadline)s.") \
            % values
        for user in steward_users(share_request.resource.owner_id):
            if not _reminded_today(user, subject, today):
                do_enqueue_notification(actor, user, NotificationChannel.SITE, subject, body)
                sent += 1
    return sent
