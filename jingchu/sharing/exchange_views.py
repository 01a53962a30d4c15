"""Pages of the exchange records: "who read my data" for citizens and enterprises, the call
records and statistics for staff, and the gateway clients for administrators."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from jingchu.core.errors import ActionError
from jingchu.core.models import Organization
from jingchu.identity.permissions import require
from jingchu.identity.services import acting_for
from jingchu.sharing import exchange_queries as queries
from jingchu.sharing import permissions_exchange as permissions
from jingchu.sharing.actions import exchange as actions
from jingchu.sharing.choices import CallResult
from jingchu.sharing.models import GatewayClient

PAGE_SIZE = 25


@login_required
@never_cache
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    """谁看了我的数据: the organizations that read my data, and my enterprise's."""
    require(permissions.can_view_own_reads(request.user))
    rows = queries.reads_of_person(getattr(request.user, "person"))  # noqa: B009 - checked
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    entity = acting_for(request)
    entity_rows = queries.reads_of_entity(entity)[:PAGE_SIZE] if entity else []
    return render(request, "exchange/my_data.html",
                  {"page": page, "entity": entity, "entity_rows": entity_rows})


@login_required
@never_cache
@require_GET
def calls(request: HttpRequest) -> HttpResponse:
    require(permissions.can_view_calls(request.user))
    rows = queries.calls_visible(permissions.call_viewer_orgs(request.user))
    result = request.GET.get("result", "")
    if result in CallResult.values:
        rows = rows.filter(result=result)
    resource = request.GET.get("resource", "").strip()[:40]
    if resource:
        rows = rows.filter(resource__code=resource)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    stats = queries.statistics(queries.calls_visible(permissions.call_viewer_orgs(request.user)))
    return render(request, "exchange/calls.html", {
        "page": page, "stats": stats, "results": CallResult.choices, "result": result,
        "resource": resource})


def _clients_page(request: HttpRequest, status: int = 200, secret: str = "",
                  error: str = "") -> HttpResponse:
    clients = GatewayClient.objects.select_related("organization", "application")
    orgs = Organization.objects.filter(is_active=True).order_by("region__code", "name")
    return render(request, "exchange/clients.html", {
        "clients": clients, "organizations": orgs, "secret": secret, "error": error},
        status=status)


@login_required
@never_cache
@require_GET
def clients(request: HttpRequest) -> HttpResponse:
    require(permissions.can_manage_gateway_clients(request.user))
    return _clients_page(request)


@login_required
@never_cache
@require_POST
def register_client(request: HttpRequest) -> HttpResponse:
    require(permissions.can_manage_gateway_clients(request.user))
    uid = _uuid(request.POST.get("organization"))
    org = Organization.objects.filter(uid=uid).first() if uid is not None else None
    if org is None:
        return _clients_page(request, 400, error=_("Choose the client's organization."))
    try:
        client, secret = actions.do_register_gateway_client(
            request.user, code=request.POST.get("code", ""), name=request.POST.get("name", ""),
            organization=org)
    except ActionError as exc:
        return _clients_page(request, exc.status, error=exc.message)
    messages.success(request, _("Gateway client %(code)s registered.") % {"code": client.code})
    return _clients_page(request, 201, secret=f"{client.application.client_id} / {secret}")


@login_required
@never_cache
@require_POST
def client_action(request: HttpRequest, uid: uuid.UUID, action: str) -> HttpResponse:
    require(permissions.can_manage_gateway_clients(request.user))
    if action not in ("rotate", "disable"):
        raise Http404
    try:
        if action == "rotate":
            secret = actions.do_rotate_gateway_secret(request.user, uid)
            return _clients_page(request, secret=secret)
        actions.do_disable_gateway_client(request.user, uid)
    except ActionError as exc:
        return _clients_page(request, exc.status, error=exc.message)
    messages.success(request, _("The gateway client is disabled."))
    return redirect("exchange:clients")


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
