"""Pages of the catalog: browse and search, a resource, register and edit, publish, retire,
mount and unmount."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jingchu.core.errors import ActionError
from jingchu.sharing import actions, permissions, queries
from jingchu.sharing.choices import MountKind, OpenType, ResourceStatus, ShareType
from jingchu.sharing.forms import MountForm, ResourceForm, format_fields
from jingchu.sharing.models import DataResource
from jingchu.sharing.views._common import PAGE_SIZE, form_error, manageable_orgs, run


def _filters(request: HttpRequest) -> dict[str, Any]:
    get = request.GET
    owner = None
    if get.get("owner"):
        try:
            owner = queries.organization_by_ref(get["owner"])
        except ActionError:
            owner = None
    mounted = {"yes": True, "no": False}.get(get.get("mounted", ""))
    return {"text": get.get("q", ""), "owner": owner,
            "share_type": get.get("share_type", ""), "open_type": get.get("open_type", ""),
            "mounted": mounted}


@login_required
def catalog(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_browse_catalog(request.user))
    found = queries.catalog(request.user, **_filters(request))
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "sharing/catalog.html", {
        "page": page, "q": request.GET, "query": query.urlencode(),
        "owners": queries.owners(), "share_types": ShareType.choices,
        "open_types": OpenType.choices,
        "may_register": permissions.can_register_any(request.user)})


def _resource(request: HttpRequest, code: str,
              check: Any = permissions.can_view_resource) -> DataResource:
    resource = queries.resource_by_code(code)
    permissions.require(check(request.user, resource))
    return resource


@login_required
def resource_detail(request: HttpRequest, code: str) -> HttpResponse:
    resource = _resource(request, code)
    manage = permissions.can_manage_resource(request.user, resource)
    return render(request, "sharing/resource.html", {
        "resource": resource, "fields": resource.fields.all(), "may_manage": manage,
        "negative": queries.on_negative_list(resource),
        "may_request": permissions.can_request_any(request.user)
        and resource.status == ResourceStatus.PUBLISHED,
        "mount_form": MountForm(initial={"kind": resource.mount_kind or MountKind.TABLE,
                                         "target": resource.mount_target,
                                         "key_field": resource.key_field,
                                         "subject_kind": resource.subject_kind}),
        "requests": resource.share_requests.select_related("consumer")[:50] if manage else [],
        "grants": resource.grants.select_related("consumer")[:50] if manage else []})


@login_required
@require_http_methods(["GET", "POST"])
def resource_new(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_register_any(request.user))
    form = ResourceForm(request.POST or None, owners=manageable_orgs(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            owner = form.cleaned_data["owner"]
            permissions.require(permissions.can_register_resource(request.user, owner))
            data = form.action_data() | {"code": form.cleaned_data["code"]}
            try:
                resource = actions.do_register_resource(request.user, owner, data)
            except ActionError as exc:
                form_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Resource registered as a draft."))
                return redirect("sharing:resource", code=resource.code)
    return render(request, "sharing/resource_form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def resource_edit(request: HttpRequest, code: str) -> HttpResponse:
    resource = _resource(request, code, permissions.can_update_resource)
    initial = {k: getattr(resource, k) for k in (
        "name", "description", "share_type", "share_conditions", "legal_basis", "open_type",
        "update_frequency")} | {"fields_text": format_fields(resource)}
    form = ResourceForm(request.POST or None, initial=initial, editing=True)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                actions.do_update_resource(request.user, resource, form.action_data())
            except ActionError as exc:
                form_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Resource updated."))
                return redirect("sharing:resource", code=resource.code)
    return render(request, "sharing/resource_form.html", {"form": form, "resource": resource},
                  status=status)


@login_required
@require_POST
def resource_state(request: HttpRequest, code: str) -> HttpResponse:
    resource = _resource(request, code, permissions.can_manage_resource)
    steps: dict[str, tuple[Any, Any]] = {
        "publish": (actions.do_publish_resource, permissions.can_publish_resource),
        "retire": (actions.do_retire_resource, permissions.can_retire_resource),
        "unmount": (actions.do_unmount_resource, permissions.can_mount_resource)}
    chosen = steps.get(request.POST.get("action", ""))
    if chosen is not None:
        step, check = chosen
        permissions.require(check(request.user, resource))
        run(request, lambda: step(request.user, resource), _("Done."))
    return redirect("sharing:resource", code=resource.code)


@login_required
@require_POST
def resource_mount(request: HttpRequest, code: str) -> HttpResponse:
    resource = _resource(request, code, permissions.can_mount_resource)
    form = MountForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Fill in how the resource is mounted."))
    else:
        data = form.cleaned_data
        run(request, lambda: actions.do_mount_resource(
            request.user, resource, kind=data["kind"], target=data["target"],
            key_field=data["key_field"], subject_kind=data["subject_kind"]),
            _("Resource mounted."))
    return redirect("sharing:resource", code=resource.code)
