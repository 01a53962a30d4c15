"""The exchange API under /api/v1/exchange/: who read my data, call records and statistics,
and the gateway clients. The gateway itself is at /gateway/v1/ (see gateway.py)."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import django_auth

from jingchu.core.errors import ActionError, NotFound
from jingchu.core.models import Organization
from jingchu.identity.permissions import require
from jingchu.identity.services import acting_for
from jingchu.sharing import exchange_queries as queries
from jingchu.sharing import permissions_exchange as permissions
from jingchu.sharing.actions import exchange as actions
from jingchu.sharing.exchange_schemas import (
    CallOut,
    ClientIn,
    ClientOut,
    ClientSecretOut,
    ReadOut,
    StatisticsOut,
)
from jingchu.sharing.models import ExchangeCall, GatewayClient

router = Router(tags=["exchange"])


def read_out(call: ExchangeCall) -> dict[str, Any]:
    return {
        "at": call.at, "organization": call.consumer.name if call.consumer else "",
        "system": call.client.name if call.client else "",
        "resource_code": call.resource.code if call.resource else "",
        "resource_name": call.resource.name if call.resource else "",
        "fields": call.fields, "purpose": call.purpose, "case_number": call.case_number,
        "on_behalf_of": call.on_behalf_of,
    }


def call_out(call: ExchangeCall) -> dict[str, Any]:
    return read_out(call) | {
        "request_id": call.request_id, "result": call.result,
        "result_label": str(call.get_result_display()), "status_code": call.status_code,
        "duration_us": call.duration_us,
    }


@router.get("/my-reads", response=list[ReadOut], auth=django_auth)
@paginate(LimitOffsetPagination)
def my_reads(request: HttpRequest, entity: bool = False) -> list[dict[str, Any]]:
    """Which organizations read my data through the gateway, when and why (DRS-8). With
    `entity=true`, those that read the data of the enterprise I act for now."""
    require(permissions.can_view_own_reads(request.user))
    if entity:
        acting = acting_for(request)
        if acting is None:
            raise ActionError("not_acting", _("You are not acting for an enterprise."), {})
        return [read_out(c) for c in queries.reads_of_entity(acting)]
    person = getattr(request.user, "person")  # noqa: B009 - the permission checked there is one
    return [read_out(c) for c in queries.reads_of_person(person)]


@router.get("/calls", response=list[CallOut], auth=django_auth)
@paginate(LimitOffsetPagination)
def list_calls(request: HttpRequest, result: str = "", resource: str = "") -> list[Any]:
    """Call records of my organizations' calls and of calls on their resources, refusals
    included; filter by `result` and `resource` code."""
    require(permissions.can_view_calls(request.user))
    rows = queries.calls_visible(permissions.call_viewer_orgs(request.user))
    if result:
        rows = rows.filter(result=result)
    if resource:
        rows = rows.filter(resource__code=resource)
    return [call_out(c) for c in rows[:5000]]


@router.get("/statistics", response=StatisticsOut, auth=django_auth)
def statistics(request: HttpRequest, days: int = 30) -> dict[str, Any]:
    """Counts of the calls I may see over the last `days` (1–366)."""
    require(permissions.can_view_calls(request.user))
    if not 1 <= days <= 366:
        raise ActionError("days_invalid", _("days must be between 1 and 366."),
                          {"field": "days"})
    return queries.statistics(
        queries.calls_visible(permissions.call_viewer_orgs(request.user)), days)


def client_out(client: GatewayClient) -> dict[str, Any]:
    return {"uid": str(client.uid), "code": client.code, "name": client.name,
            "organization": client.organization.name,
            "client_id": client.application.client_id, "created_at": client.created_at,
            "disabled_at": client.disabled_at}


@router.get("/clients", response=list[ClientOut], auth=django_auth)
def list_clients(request: HttpRequest) -> list[dict[str, Any]]:
    """The registered gateway clients (administrators)."""
    require(permissions.can_manage_gateway_clients(request.user))
    rows = GatewayClient.objects.select_related("organization", "application")
    return [client_out(c) for c in rows]


@router.post("/clients", response={201: ClientSecretOut}, auth=django_auth)
def register_client(request: HttpRequest, body: ClientIn) -> Status[dict[str, Any]]:
    """Register a department system; the answer carries its secret, shown this once."""
    require(permissions.can_manage_gateway_clients(request.user))
    try:
        org = Organization.objects.get(uid=uuid.UUID(body.organization))
    except (ValueError, Organization.DoesNotExist):
        raise NotFound(_("No such organization."), {"field": "organization"}) from None
    client, secret = actions.do_register_gateway_client(
        request.user, code=body.code, name=body.name, organization=org)
    return Status(201, client_out(client) | {"client_secret": secret})


@router.post("/clients/{uid}/rotate-secret", response=ClientSecretOut, auth=django_auth)
def rotate_secret(request: HttpRequest, uid: uuid.UUID) -> dict[str, Any]:
    """A new secret for the client; the old one stops working at once."""
    require(permissions.can_manage_gateway_clients(request.user))
    secret = actions.do_rotate_gateway_secret(request.user, uid)
    client = GatewayClient.objects.select_related("organization", "application").get(uid=uid)
    return client_out(client) | {"client_secret": secret}


@router.post("/clients/{uid}/disable", response=ClientOut, auth=django_auth)
def disable_client(request: HttpRequest, uid: uuid.UUID) -> dict[str, Any]:
    """Disable the client: its tokens are revoked and every later call refused."""
    require(permissions.can_manage_gateway_clients(request.user))
    client = actions.do_disable_gateway_client(request.user, uid)
    return client_out(client)
