"""Catalog pages (public) and the staff edit page that publishes a new item version."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jingchu.core.errors import ActionError
from jingchu.core.models import Organization, Region
from jingchu.services import actions, catalog, eforms, permissions, reductions
from jingchu.services.choices import ItemType, ServiceArea, Topic
from jingchu.services.forms import ItemEditForm
from jingchu.services.models import ItemImplementation

PAGE_SIZE = 10


def _filter_options() -> dict[str, Any]:
    org_ids = ItemImplementation.objects.filter(is_active=True).values("organization_id")
    return {
        "organizations": Organization.objects.filter(pk__in=org_ids).select_related("region")
        .order_by("region__code", "name"),
        "regions": Region.objects.cities().order_by("code"),
        "topics": Topic.choices,
        "item_types": ItemType.choices,
        "service_areas": ServiceArea.choices,
    }


def catalog_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_catalog(request.user):
        raise PermissionDenied
    f = catalog.CatalogFilter.from_params(request.GET)
    page = Paginator(catalog.search(f), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filter": f, "page": page, "rows": catalog.rows(list(page.object_list)),
               "query": query.urlencode()}
    if request.headers.get("HX-Request"):
        return render(request, "services/_results.html", context)
    return render(request, "services/catalog.html", context | _filter_options())


def _version_number(request: HttpRequest) -> int | None:
    raw = request.GET.get("version", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    return int(raw)


def item_detail(request: HttpRequest, code: str) -> HttpResponse:
    if not permissions.can_view_catalog(request.user):
        raise PermissionDenied
    version = catalog.get_version(code, _version_number(request))
    item = version.item
    materials = list(version.materials.all())
    context = {
        "item": item, "version": version, "materials": materials,
        "is_current": version.pk == item.current_version_id,
        "form_fields": eforms.fields(version.form_schema),
        "implementations": catalog.implementations(item),
        "reductions": reductions.compute(version),
        "can_manage": permissions.can_manage_items(request.user),
    }
    return render(request, "services/detail.html", context)


def _require_manager(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not permissions.can_manage_items(request.user):
        raise PermissionDenied
    return None


def _publish(request: HttpRequest, form: ItemEditForm, code: str,
             content: dict[str, Any]) -> HttpResponse | None:
    """Publish the edited content; on refusal, put the action's message on the form."""
    data = form.cleaned_data
    content = content | {k: data[k] for k in (
        "name", "acceptance_conditions", "legal_days", "promised_days", "fee_basis",
        "onsite_visits", "form_schema")}
    content["fee"] = str(data["fee"])
    try:
        version = actions.do_publish_item(request.user, code=code, content=content,
                                          materials=data["materials"],
                                          change_note=data["change_note"])
    except ActionError as exc:
        field = str(exc.details.get("field", "")).split("[")[0].split(".")[0]
        form.add_error(field if field in form.fields else None, exc.message)
        return None
    messages.success(request, _("Version %(number)d published.") % {"number": version.number})
    return redirect("services:detail", code=code)


def item_edit(request: HttpRequest, code: str) -> HttpResponse:
    refused = _require_manager(request)
    if refused is not None:
        return refused
    version = catalog.get_version(code)
    content = catalog.version_content(version)
    if request.method == "POST":
        form = ItemEditForm(request.POST)
        if form.is_valid():
            done = _publish(request, form, code, content)
            if done is not None:
                return done
    else:
        form = ItemEditForm(initial=ItemEditForm.initial_from(
            content, catalog.version_materials(version)))
    return render(request, "services/edit.html", {
        "item": version.item, "version": version, "form": form})
