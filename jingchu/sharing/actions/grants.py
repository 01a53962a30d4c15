"""Every state change of grants (授权): created from an approved share request, suspended,
resumed and revoked with a reason by the owner's steward (or a province-level steward)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.core import audit
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.sharing import permissions
from jingchu.sharing.actions._common import clean_field_names, clean_reason
from jingchu.sharing.choices import GrantStatus, RequestStatus
from jingchu.sharing.models import Grant, ShareRequest

RATE_MAX = 100_000
DEFAULT_RATE = 600
APPROVED = (RequestStatus.APPROVED, RequestStatus.PARTLY_APPROVED)


def default_masked(share_request: ShareRequest, fields: list[str]) -> list[str]:
    """The granted fields that have a masking rule: returned masked unless the owner says
    otherwise."""
    masked = set(share_request.resource.fields.exclude(mask="").values_list("name", flat=True))
    return [name for name in fields if name in masked]


def clean_rate(raw: Any) -> int:
    if raw is None or raw == "":
        return DEFAULT_RATE
    try:
        rate = int(raw)
    except (TypeError, ValueError):
        rate = 0
    if not 1 <= rate <= RATE_MAX:
        raise ActionError("rate_limit_invalid", _("The rate limit is 1 to %(max)d calls a "
                                                  "minute.") % {"max": RATE_MAX},
                          {"field": "rate_limit"})
    return rate


def create_grant(actor: Any, share_request: ShareRequest, *, masked_fields: Any = None,
                 rate_limit: Any = None) -> Grant:
    """The grant of an approved request; the caller holds the request's lock and checked who
    may grant. Validates before writing."""
    if share_request.status not in APPROVED:
        raise ActionError("request_not_approved", _("Only an approved request is granted."),
                          {"status": share_request.status}, status=409)
    if Grant.objects.filter(request=share_request).exists():
        raise ActionError("already_granted", _("This request has been granted already."), {},
                          status=409)
    fields = list(share_request.granted_fields)
    masked = (default_masked(share_request, fields) if masked_fields is None
              else clean_field_names(masked_fields, "masked_fields", allowed=fields,
                                     required=False))
    grant = Grant.objects.create(
        consumer=share_request.consumer, resource=share_request.resource,
        request=share_request, fields=fields, masked_fields=masked,
        purpose=share_request.purpose, valid_from=share_request.valid_from,
        valid_until=share_request.valid_until, rate_limit=clean_rate(rate_limit))
    audit.record("sharing.grant.create", actor, grant, {
        "request": str(share_request.uid), "consumer": str(grant.consumer.uid),
        "resource": grant.resource.code, "fields": fields, "masked_fields": masked,
        "valid_until": grant.valid_until.isoformat(), "rate_limit": grant.rate_limit})
    _to_ledger("sharing.grant", grant, {"fields": fields, "masked_fields": masked,
                                        "valid_from": grant.valid_from.isoformat(),
                                        "valid_until": grant.valid_until.isoformat(),
                                        "rate_limit": grant.rate_limit})
    return grant


def _to_ledger(kind: str, grant: Grant, extra: dict[str, Any]) -> None:
    """Grants are evidence others must be able to trust: each grant and each change of it is
    appended to the public ledger, with the organizations' credit codes and no personal data."""
    from jingchu.ledger.actions import do_append

    do_append(kind, {"grant": str(grant.uid), "consumer": grant.consumer.uscc,
                     "owner": grant.resource.owner.uscc, "resource": grant.resource.code,
                     "status": grant.status} | extra, grant)


@transaction.atomic
def do_create_grant(actor: Any, share_request: ShareRequest, *, masked_fields: Any = None,
                    rate_limit: Any = None) -> Grant:
    """Grant an approved request that has no grant yet."""
    share_request = ShareRequest.objects.select_for_update(of=("self",)).select_related(
        "consumer", "resource__owner").get(pk=share_request.pk)
    if not permissions.can_create_grant(actor, share_request):
        raise NotPermitted(_("Only a data steward of the resource's owner grants access."))
    return create_grant(actor, share_request, masked_fields=masked_fields,
                        rate_limit=rate_limit)


def _change(actor: Any, grant: Grant, to: str, allowed: tuple[str, ...], reason: str,
            event: str, check: Any) -> Grant:
    grant = Grant.objects.select_for_update(of=("self",)).select_related(
        "consumer", "resource__owner").get(pk=grant.pk)
    if not check(actor, grant):
        raise NotPermitted(_("Only a data steward of the resource's owner changes a grant."))
    if grant.status not in allowed:
        raise ActionError("grant_state", _("This grant is %(status)s.")
                          % {"status": grant.get_status_display()},
                          {"status": grant.status}, status=409)
    before = grant.status
    grant.status, grant.changed_at, grant.change_reason = to, timezone.now(), reason
    grant.save(update_fields=["status", "changed_at", "change_reason"])
    audit.record(event, actor, grant, {"from": before, "to": to, "reason": reason,
                                       "resource": grant.resource.code})
    _to_ledger("sharing.grant_status", grant, {"from": before,
                                               "at": grant.changed_at.isoformat()})
    return grant


@transaction.atomic
def do_suspend_grant(actor: Any, grant: Grant, reason: Any) -> Grant:
    return _change(actor, grant, GrantStatus.SUSPENDED, (GrantStatus.ACTIVE,),
                   clean_reason(reason), "sharing.grant.suspend", permissions.can_suspend_grant)


@transaction.atomic
def do_resume_grant(actor: Any, grant: Grant, reason: Any = "") -> Grant:
    text = str(reason or "").strip()[:1000]
    return _change(actor, grant, GrantStatus.ACTIVE, (GrantStatus.SUSPENDED,), text,
                   "sharing.grant.resume", permissions.can_resume_grant)


@transaction.atomic
def do_revoke_grant(actor: Any, grant: Grant, reason: Any) -> Grant:
    return _change(actor, grant, GrantStatus.REVOKED,
                   (GrantStatus.ACTIVE, GrantStatus.SUSPENDED), clean_reason(reason),
                   "sharing.grant.revoke", permissions.can_revoke_grant)
