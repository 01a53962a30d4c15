"""The exchange gateway (数据交换): department systems read mounted resources through it.

    POST /gateway/v1/resources/{code}/lookup      {"key": "...", "fields": ["name", ...]}
    GET  /gateway/v1/grants                        what the calling system may read

The lookup is a POST so that the key (often a citizen ID number) travels in the body, never in
a URL that web-server logs and proxies keep. Every call carries, besides the bearer token,
identification headers in the X-Road manner:

    X-Jingchu-Client       the calling system's code (must be the token's client)
    X-Jingchu-Request-Id   the caller's id of this request (echoed in the answer)
    X-Jingchu-User         the civil servant on whose behalf the call is made
    X-Jingchu-Purpose      why, and/or
    X-Jingchu-Case         the case number it serves

Every call, answered or refused, is recorded as one ExchangeCall; that record is the audit
trail of the gateway (it says who, for whom, why, which record and fields, and the result), so
no separate AuditEvent is written per call. Batches of calls are sealed in the ledger.

A call makes two statements (hot.py): one reads the caller, the resource and the grants; on
PostgreSQL a table-mounted record is read and the call recorded by the second, so the record
exists before any answer leaves. Elsewhere (SQLite, lake and upstream mounts, refusals before
the read) the record is a statement of its own.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from jingchu.core.errors import ActionError
from jingchu.lake import query as lake_query
from jingchu.sharing import hot, masking, mounts, permissions_exchange, upstream
from jingchu.sharing.actions.exchange import do_read_and_record, do_record_call
from jingchu.sharing.choices import CallResult, MountKind
from jingchu.sharing.gateway_auth import Refusal, authenticate, civil_servant
from jingchu.sharing.gateway_rows import CallContext, Caller, GrantTerms, MountedResource
from jingchu.sharing.grants_check import check_grant, take_rate
from jingchu.sharing.models import Grant

REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
CASE_NUMBER = re.compile(r"^[A-Za-z0-9-]{4,40}$")
MAX_BODY = 4096


@dataclass
class Call:
    """What the gateway has learnt of one call so far; recorded whatever the outcome."""

    started: float
    request_id: str = ""
    client: Caller | None = None
    on_behalf_of: str = ""
    purpose: str = ""
    case_number: str = ""
    resource: MountedResource | None = None
    grant: GrantTerms | None = None
    subject_index: str = ""
    fields: list[str] = field(default_factory=list)
    recorded: bool = False  # the ExchangeCall is written (with the read, on PostgreSQL)


def _header(request: HttpRequest, name: str) -> str:
    return str(request.META.get("HTTP_" + name.upper().replace("-", "_"), "")).strip()


def _bad(message: str, details: dict[str, object]) -> Refusal:
    return Refusal(CallResult.BAD_REQUEST, 400, message, details)


def _identify(request: HttpRequest, call: Call, code: str) -> CallContext:
    raw_id = _header(request, "X-Jingchu-Request-Id")
    if not REQUEST_ID.match(raw_id):
        raise _bad(_("X-Jingchu-Request-Id is required: 8 to 64 letters, digits or . _ : -"),
                   {"header": "X-Jingchu-Request-Id"})
    call.request_id = raw_id
    context = authenticate(request, _header(request, "X-Jingchu-User")[:100], code)
    client = call.client = context.caller
    if _header(request, "X-Jingchu-Client") != client.code:
        raise Refusal(CallResult.UNAUTHENTICATED, 401,
                      _("X-Jingchu-Client must be the code of the system the token was issued "
                        "to."), {"header": "X-Jingchu-Client"})
    call.purpose = _header(request, "X-Jingchu-Purpose")[:200]
    call.case_number = _header(request, "X-Jingchu-Case")
    if call.case_number and not CASE_NUMBER.match(call.case_number):
        raise _bad(_("X-Jingchu-Case is not a case number."), {"header": "X-Jingchu-Case"})
    if not (call.purpose or call.case_number):
        raise _bad(_("Say why: X-Jingchu-Purpose or X-Jingchu-Case is required."),
                   {"header": "X-Jingchu-Purpose"})
    username = _header(request, "X-Jingchu-User")[:100]
    if not username:
        raise _bad(_("X-Jingchu-User is required: the civil servant on whose behalf the call "
                     "is made."), {"header": "X-Jingchu-User"})
    call.on_behalf_of = civil_servant(client, username).username
    return context


def _body(request: HttpRequest) -> tuple[str, list[str] | None]:
    if len(request.body) > MAX_BODY:
        raise _bad(_("The request body is too large."), {})
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        raise _bad(_("The request body must be JSON."), {}) from None
    key = data.get("key") if isinstance(data, dict) else None
    if not isinstance(key, str) or not key.strip():
        raise _bad(_("The body must give the record's key."), {"field": "key"})
    fields = data.get("fields")
    if fields is not None and (not isinstance(fields, list) or not fields
                               or not all(isinstance(f, str) for f in fields)):
        raise _bad(_("fields must be a non-empty list of field names."), {"field": "fields"})
    return key.strip(), (list(dict.fromkeys(fields)) if fields is not None else None)


def _resource(context: CallContext, code: str) -> MountedResource:
    # Whether a negative list names it came with the caller (grants_check reads it).
    resource = context.resource
    if resource is None:
        raise Refusal(CallResult.NOT_FOUND, 404, _("No published resource has this code."),
                      {"resource": code})
    if resource.mount_kind not in (MountKind.TABLE, MountKind.LAKE, MountKind.API):
        raise Refusal(CallResult.UPSTREAM_ERROR, 409,
                      _("This resource is not mounted where the gateway can serve it."),
                      {"resource": code, "mount_kind": resource.mount_kind})
    return resource


def fetch(call: Call, resource: MountedResource, key: str) -> dict[str, Any] | None:
    """The record from where the resource is mounted: a table here, a lake dataset (its
    current version) or the owner's system."""
    if resource.mount_kind == MountKind.TABLE:
        return mounts.lookup(resource.mount_target, key, call.fields)
    if resource.mount_kind == MountKind.LAKE:
        try:
            return lake_query.lookup(resource.mount_target, resource.key_field,
                                     upstream.valid_key(resource, key), call.fields)
        except lake_query.Unavailable:
            raise Refusal(CallResult.UPSTREAM_ERROR, 409,
                          _("The lake dataset of this resource has no version to read."),
                          {"resource": resource.code}) from None
    try:
        return upstream.lookup(resource, key, call.fields, call.request_id)
    except upstream.UpstreamError:
        raise Refusal(CallResult.UPSTREAM_ERROR, 502,
                      _("The owner's system did not answer the lookup."),
                      {"resource": resource.code}) from None


def subject_of(resource: MountedResource, key: str) -> str:
    """Who the record is about: a person's ID number as its blind index, a credit code
    upper-cased; a lake dataset and an upstream API say which by the resource's subject kind."""
    if resource.mount_kind == MountKind.TABLE:
        return mounts.subject_index(resource.mount_target, key)
    return upstream.subject_index(resource, upstream.valid_key(resource, key))


def _fetch_recorded(call: Call, resource: MountedResource, key: str) -> dict[str, Any] | None:
    """`fetch`, and on PostgreSQL for a table mount the call's record in the same statement."""
    if not (resource.mount_kind == MountKind.TABLE and hot.fuses_reads()
            and mounts.uses_default_database(resource.mount_target)):
        return fetch(call, resource, key)
    read = mounts.prepare(resource.mount_target, key, call.fields)
    row = do_read_and_record(call, read.sql, read.param)
    return None if row is None else mounts.finish(read, row)


def _read(call: Call, context: CallContext, resource: MountedResource, key: str,
          fields: list[str] | None) -> Any:
    call.fields = fields or []
    try:
        call.subject_index = subject_of(resource, key)
        grant = check_grant(call.client.organization_id if call.client else 0, resource,
                            fields, context.grants)
        call.grant = grant
        call.fields = fields if fields is not None else list(grant.fields)
        take_rate(grant)
        record = _fetch_recorded(call, resource, key)
    except ActionError as exc:
        raise _bad(exc.message, exc.details) from None
    if record is None:
        raise Refusal(CallResult.NOT_FOUND, 404, _("No record has this key."), {})
    return masking.apply(resource, grant, record)


def _answer(call: Call, status: int, body: dict[str, Any], result: CallResult) -> JsonResponse:
    if not call.recorded:
        do_record_call(call, result, status)
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    if call.request_id:
        response["X-Jingchu-Request-Id"] = call.request_id
    return response


def _refused(call: Call, refusal: Refusal) -> JsonResponse:
    body = {"code": refusal.result.value, "message": refusal.message, "details": refusal.details}
    return _answer(call, refusal.status, body, refusal.result)


@csrf_exempt
@require_POST
def lookup(request: HttpRequest, code: str) -> JsonResponse:
    """One record of a mounted resource, with only the granted fields, masked as granted."""
    call = Call(started=time.perf_counter())
    try:
        context = _identify(request, call, code)
        permissions_exchange.require_gateway_call(context.caller)
        key, fields = _body(request)
        resource = call.resource = _resource(context, code)
        record = _read(call, context, resource, key, fields)
    except Refusal as refusal:
        return _refused(call, refusal)
    body = {"request_id": call.request_id, "resource": resource.code, "record": record}
    return _answer(call, 200, body, CallResult.OK)


@require_GET
def grants(request: HttpRequest) -> JsonResponse:
    """The calling system's current grants: resources, fields, period and rate."""
    try:
        client = authenticate(request).caller
        permissions_exchange.require_gateway_call(client)
    except Refusal as refusal:
        return JsonResponse({"code": refusal.result.value, "message": refusal.message,
                             "details": refusal.details}, status=refusal.status)
    rows = (Grant.objects.filter(consumer_id=client.organization_id, status="active")
            .select_related("resource").order_by("resource__code"))
    return JsonResponse({"client": client.code, "grants": [
        {"resource": g.resource.code, "name": g.resource.name, "fields": g.fields,
         "masked_fields": g.masked_fields, "valid_from": g.valid_from.isoformat(),
         "valid_until": g.valid_until.isoformat(), "calls_per_minute": g.rate_limit}
        for g in rows]}, json_dumps_params={"ensure_ascii": False})
