"""The public pages of the open-data portal under /open/: search with facets, a dataset with
its preview, charts and usage, downloads, the licences and the DCAT catalog."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jingchu.core.errors import NotFound
from jingchu.opendata import actions, dcat, permissions, queries, store
from jingchu.opendata.api import search_spec
from jingchu.opendata.choices import LICENCE_URLS, MEDIA_TYPES, Licence, OpenStatus
from jingchu.opendata.models import OpenDataset

PAGE_SIZE = 20
PREVIEW_ROWS = 50


def _dataset(request: HttpRequest, name: str) -> OpenDataset:
    try:
        ds = queries.by_ref(name)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if not permissions.can_view_open_dataset(request.user, ds):
        raise Http404  # drafts are not revealed to outsiders
    return ds


def _facets(request: HttpRequest, found: Any) -> list[dict[str, Any]]:
    """The facets with a link that adds or removes each value from the current search."""
    counts = queries.facet_counts(found)
    out = []
    for facet in queries.FACETS:
        chosen = request.GET.getlist(facet)
        items = []
        for item in counts.get(facet, []):
            query = request.GET.copy()
            query.pop("page", None)
            values = [v for v in chosen if v != item["name"]]
            if item["name"] not in chosen:
                values.append(item["name"])
            query.setlist(facet, values)
            items.append(item | {"chosen": item["name"] in chosen, "query": query.urlencode()})
        out.append({"facet": facet, "items": items})
    return out


@require_GET
def portal(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_view_portal(request.user))
    found = queries.search(search_spec(request.GET))
    page = Paginator(found.order_by("-modified_at", "name"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "opendata/portal.html", {
        "page": page, "q": request.GET.get("q", ""), "query": query.urlencode(),
        "facets": _facets(request, found),
        "may_manage": permissions.can_view_manage_page(request.user)})


def _preview(request: HttpRequest, ds: OpenDataset) -> dict[str, Any]:
    pages = Paginator(range(ds.row_count), PREVIEW_ROWS)
    page = pages.get_page(request.GET.get("page"))
    offset = (page.number - 1) * PREVIEW_ROWS
    rows, _total = store.query(ds.file_path, ds.field_names, limit=PREVIEW_ROWS,
                               offset=offset, count=False)
    return {"preview_page": page,
            "preview_rows": [[row[n] for n in ds.field_names] for row in rows]}


def _workflow(request: HttpRequest, ds: OpenDataset) -> dict[str, bool]:
    user = request.user
    status = ds.status
    return {
        "edit": ds.is_editable and permissions.can_edit_open_dataset(user, ds),
        "submit": ds.is_editable and permissions.can_submit_open_dataset(user, ds),
        "review": status == OpenStatus.SUBMITTED
        and permissions.can_review_open_dataset(user, ds),
        "withdraw": status == OpenStatus.PUBLISHED
        and permissions.can_withdraw_open_dataset(user, ds),
        "refresh": status == OpenStatus.PUBLISHED
        and permissions.can_refresh_open_dataset(user, ds)
        and bool(ds.source.current_version_id)
        and ds.source.current_version_id != ds.version_id,
        "reopen": status == OpenStatus.WITHDRAWN
        and permissions.can_reopen_open_dataset(user, ds),
    }


@require_GET
def dataset(request: HttpRequest, name: str) -> HttpResponse:
    ds = _dataset(request, name)
    context: dict[str, Any] = {
        "ds": ds, "licence_url": LICENCE_URLS.get(ds.licence, ""),
        "manage": permissions.can_manage_open_dataset(request.user, ds),
        "steps": _workflow(request, ds)}
    if ds.is_published and permissions.can_download(request.user, ds):
        actions.do_count_usage(ds, "view")
        context |= _preview(request, ds) | {
            "stats": ds.details.get("stats", {}), "usage": queries.usage_days(ds),
            "totals": queries.usage_totals(ds), "chart_labels": {
                "views": _("Page views"), "downloads": _("Downloads"),
                "api_calls": _("API calls"), "rows": _("Rows")}}
    return render(request, "opendata/dataset.html", context)


@require_GET
def download(request: HttpRequest, name: str, fmt: str) -> FileResponse:
    ds = _dataset(request, name)
    if not permissions.can_download(request.user, ds) or fmt not in ds.formats:
        raise Http404
    path = store.download_file(ds.file_path, fmt, ds.fields)
    actions.do_count_usage(ds, f"download_{fmt}")
    version = ds.version.number if ds.version else 0
    response = FileResponse(path.open("rb"), as_attachment=True,
                            filename=f"{ds.name}-v{version}.{fmt}",
                            content_type=MEDIA_TYPES[fmt])
    if fmt == "parquet":  # the published file itself: the checksum the ledger holds
        response["X-Content-SM3"] = ds.checksum
    return response


@require_GET
def licences(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_view_portal(request.user))
    return render(request, "opendata/licences.html", {
        "licences": [(value, label, LICENCE_URLS.get(value, "")) for value, label
                     in Licence.choices]})


@require_GET
def catalog_jsonld(request: HttpRequest) -> JsonResponse:
    permissions.require(permissions.can_read_catalog_api(request.user))
    response = JsonResponse(dcat.catalog(request), json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/ld+json; charset=utf-8"
    return response


def records_page(request: HttpRequest, name: str) -> HttpResponse:
    """The preview table alone (HTMX swaps it in when the reader pages)."""
    ds = _dataset(request, name)
    if not permissions.can_download(request.user, ds):
        raise Http404
    return render(request, "opendata/_preview.html", {"ds": ds} | _preview(request, ds))
