"""State changes of the exchange gateway: recording calls and managing gateway clients."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.core import audit
from jingchu.core.errors import ActionError, NotFound, NotPermitted
from jingchu.core.middleware import current_context
from jingchu.core.models import Organization
from jingchu.identity.actions import (
    do_disable_client,
    do_register_service_client,
    do_rotate_client_secret,
)
from jingchu.sharing import hot, permissions_exchange, sealing
from jingchu.sharing.choices import CallResult, SubjectKind
from jingchu.sharing.models import ExchangeCall, GatewayClient

if TYPE_CHECKING:
    from jingchu.sharing.gateway import Call

CLIENT_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,59}$")


def _values(call: Call, result: CallResult, status: int,
            consumer_id: int | None) -> dict[str, Any]:
    ctx = current_context()
    resource = call.resource
    subject_kind = resource.subject_kind if resource is not None and call.subject_index else ""
    return {
        "request_id": call.request_id or "-", "at": timezone.now(),
        "client_id": call.client.pk if call.client else None,
        "consumer_id": call.client.organization_id if call.client else consumer_id,
        "on_behalf_of": call.on_behalf_of, "purpose": call.purpose,
        "case_number": call.case_number, "resource_id": resource.pk if resource else None,
        "grant_id": call.grant.pk if call.grant else None,
        "subject_kind": subject_kind or SubjectKind.NONE,
        "subject_index": call.subject_index if subject_kind else "", "fields": call.fields,
        "result": result.value, "status_code": status,
        "source_ip": ctx.source_ip if ctx else None,
        "duration_us": int((time.perf_counter() - call.started) * 1_000_000),
    }


def do_record_call(call: Call, result: CallResult, status: int) -> None:
    """Record one gateway call, answered or refused: a single INSERT in autocommit, because
    the record is the call's audit trail and must exist even when the answer is a refusal."""
    hot.insert_call(_values(call, result, status, None))


def do_read_and_record(call: Call, select: str, key: str) -> tuple[Any, ...] | None:
    """Read a table-mounted record (`select` with `key`: mounts.prepare) and record the call in
    one statement: found, the call is recorded as answered (200); not found, as not_found
    (404). The record exists before the answer is built, as with `do_record_call`."""
    values = _values(call, CallResult.OK, 200, None)
    row = hot.read_and_record(select, key, values, ((CallResult.OK.value, 200),
                                                    (CallResult.NOT_FOUND.value, 404)))
    call.recorded = True
    return row


def do_record_read(call: Call, consumer_id: int) -> ExchangeCall:
    """Record a read the platform's intake made for `consumer_id` (no gateway client), inside
    the caller's transaction; answers the record."""
    return ExchangeCall.objects.create(**_values(call, CallResult.OK, 200, consumer_id))


def _require_manager(actor: Any) -> None:
    if not permissions_exchange.can_manage_gateway_clients(actor):
        raise NotPermitted(_("Only an administrator may manage gateway clients."))


@transaction.atomic
def do_register_gateway_client(actor: Any, *, code: str, name: str,
                               organization: Organization) -> tuple[GatewayClient, str]:
    """Register a department system as a gateway client: an OAuth2 client-credentials client
    of the identity provider acting for `organization`. Returns (client, plain secret); the
    secret is shown once."""
    _require_manager(actor)
    code = code.strip()
    if not CLIENT_CODE.match(code):
        raise ActionError("code_invalid", _("The system code must be 3 to 60 letters, digits, "
                                            "dots, hyphens or underscores."), {"field": "code"})
    if GatewayClient.objects.filter(code=code).exists():
        raise ActionError("code_taken", _("A gateway client with this code exists."),
                          {"field": "code"}, status=409)
    if not organization.is_active:
        raise ActionError("organization_inactive", _("The organization is not active."),
                          {"field": "organization"})
    app, secret = do_register_service_client(actor, name=f"{code} {name}".strip())
    client = GatewayClient.objects.create(code=code, name=name.strip() or code,
                                          organization=organization, application=app)
    audit.record("sharing.gateway_client.register", actor, client,
                 {"organization": organization.uscc, "client_id": app.client_id})
    return client, secret


def _live_client(uid: Any) -> GatewayClient:
    client = (GatewayClient.objects.select_for_update().select_related("application")
              .filter(uid=uid).first())
    if client is None:
        raise NotFound(_("No such gateway client."), {"uid": str(uid)})
    if client.disabled_at is not None:
        raise ActionError("client_disabled", _("This gateway client is disabled."), {},
                          status=409)
    return client


@transaction.atomic
def do_rotate_gateway_secret(actor: Any, uid: Any) -> str:
    _require_manager(actor)
    client = _live_client(uid)
    secret = do_rotate_client_secret(actor, client.application.client_id)
    audit.record("sharing.gateway_client.rotate_secret", actor, client)
    return secret


@transaction.atomic
def do_disable_gateway_client(actor: Any, uid: Any) -> GatewayClient:
    """Disable a client: its tokens are revoked at once and every later call is refused."""
    _require_manager(actor)
    client = _live_client(uid)
    do_disable_client(actor, client.application.client_id)
    client.disabled_at = timezone.now()
    client.save(update_fields=["disabled_at"])
    audit.record("sharing.gateway_client.disable", actor, client)
    return client


@transaction.atomic
def do_seal_calls(limit: int = sealing.BATCH) -> int | None:
    """Seal the oldest unsealed calls (at most `limit`) as one ledger entry; answers its
    index, or None when there was nothing to seal. Safe to run at any time."""
    from jingchu.ledger.actions import do_append

    ids = list(ExchangeCall.objects.select_for_update()
               .filter(ledger_index__isnull=True).order_by("id")
               .values_list("id", flat=True)[:limit])
    if not ids:
        return None
    rows = sealing.rows_of(ExchangeCall.objects.filter(id__in=ids))
    entry = do_append(sealing.KIND, {"first_call": ids[0], "last_call": ids[-1],
                                     "count": len(ids), "digest": sealing.batch_digest(rows)})
    ExchangeCall.objects.filter(id__in=ids).update(ledger_index=entry.index)
    return int(entry.index)
