"""The open-data API under /api/v1/opendata/: the public catalog, records with filters and
paging, usage; and the publishing workflow for data stewards. Datasets by name or uid."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Status
from ninja.security import django_auth

from jingchu.core.errors import NotFound
from jingchu.lake.models import Dataset
from jingchu.opendata import actions, permissions, queries, records
from jingchu.opendata.choices import LICENCE_URLS, Licence
from jingchu.opendata.models import OpenDataset
from jingchu.opendata.schemas import (
    DatasetIn,
    DatasetOut,
    DatasetPage,
    DatasetPatch,
    FieldOut,
    NoteIn,
    ReasonIn,
    RecordsOut,
    UsageOut,
)

router = Router(tags=["opendata"])
PAGE_SIZE = 20
RESERVED = ("limit", "offset", "sort", "q", "fields")


def dataset_out(request: HttpRequest, ds: OpenDataset, *, staff: bool = False) -> DatasetOut:
    downloads = {fmt: request.build_absolute_uri(
        reverse("opendata:download", kwargs={"name": ds.name, "fmt": fmt}))
        for fmt in ds.formats} if ds.is_published else {}
    return DatasetOut(
        uid=str(ds.uid), name=ds.name, title=ds.title, notes=ds.notes, licence=ds.licence,
        licence_title=str(Licence(ds.licence).label), licence_url=LICENCE_URLS.get(ds.licence, ""),
        publisher=ds.owner.name, publisher_uid=str(ds.owner.uid), publisher_uscc=ds.owner.uscc,
        status=ds.status, version=ds.version.number if ds.version else None,
        fields=[FieldOut(**f) for f in ds.fields], topics=ds.topic_values, tags=ds.tag_names,
        update_frequency=ds.update_frequency, row_count=ds.row_count, byte_size=ds.byte_size,
        sm3=ds.checksum, published_at=ds.published_at, modified_at=ds.modified_at,
        downloads=downloads, review_note=ds.review_note if staff else "",
        page=request.build_absolute_uri(reverse("opendata:dataset", kwargs={"name": ds.name})))


def search_spec(params: Any) -> queries.Search:
    return queries.Search(text=str(params.get("q", "")), filters={
        facet: [v for v in params.getlist(facet) if v]
        for facet in (*queries.FACETS, "tags") if params.getlist(facet)})


@router.get("/datasets", response=DatasetPage)
def list_datasets(request: HttpRequest, q: str = "", page: int = 1) -> DatasetPage:
    """Search published datasets (title, description, name, tags) and filter by the facets
    organization (credit code), groups, tags, license_id, res_format, update_frequency; each
    may be repeated. Answers the facets' counts over what was found."""
    permissions.require(permissions.can_view_portal(request.user))
    found = queries.search(search_spec(request.GET))
    pages = Paginator(found.order_by("-modified_at", "name"), PAGE_SIZE)
    current = pages.get_page(page)
    return DatasetPage(count=pages.count, page=current.number, pages=pages.num_pages,
                       items=[dataset_out(request, d) for d in current],
                       facets=queries.facet_counts(found))  # type: ignore[arg-type]


def _viewable(request: HttpRequest, name: str) -> OpenDataset:
    ds = queries.by_ref(name)
    if not permissions.can_view_open_dataset(request.user, ds):
        raise NotFound("No such open dataset.")  # drafts are not revealed to outsiders
    return ds


@router.get("/datasets/{name}", response=DatasetOut)
def get_dataset(request: HttpRequest, name: str) -> DatasetOut:
    ds = _viewable(request, name)
    return dataset_out(request, ds,
                       staff=permissions.can_manage_open_dataset(request.user, ds))


@router.get("/datasets/{name}/records", response=RecordsOut)
def get_records(request: HttpRequest, name: str, limit: int = 100, offset: int = 0,
                sort: str = "", q: str = "", fields: str = "") -> RecordsOut:
    """Records of a published dataset. Any other query parameter filters: `field=value`
    (equality; repeat for any of several values), `field__gte=`/`field__lte=` on numbers and
    dates. Only published fields; `limit` at most 1000; `sort` "a,-b"."""
    ds = queries.by_ref(name)
    if not permissions.can_download(request.user, ds):
        raise NotFound("No such open dataset.")
    params = {k: request.GET.getlist(k) for k in request.GET if k not in RESERVED}
    conds = records.conditions(ds, {k: v if len(v) > 1 else v[0] for k, v in params.items()})
    size, start = records.paging(limit, offset)
    page = records.fetch(ds, conds=conds, sort=records.sort_order(ds, sort), limit=size,
                         offset=start, fields=records.columns(ds, fields), text=q)
    actions.do_count_usage(ds, "api")
    return RecordsOut(fields=[FieldOut(**f) for f in page.fields], records=page.records,
                      total=page.total, limit=page.limit, offset=page.offset)


@router.get("/datasets/{name}/usage", response=UsageOut)
def get_usage(request: HttpRequest, name: str) -> UsageOut:
    """Totals and the last 30 days: page views, downloads, API calls."""
    ds = _viewable(request, name)
    return UsageOut(totals=queries.usage_totals(ds),
                    days=queries.usage_days(ds))  # type: ignore[arg-type]


# --- the workflow (data stewards) -------------------------------------------------------------


@router.get("/mine", response=DatasetPage, auth=django_auth)
def my_datasets(request: HttpRequest, status: str = "", page: int = 1) -> DatasetPage:
    """The open datasets the caller manages, in every state."""
    permissions.require(permissions.can_view_manage_page(request.user))
    found = queries.managed_by(request.user)
    if status:
        found = found.filter(status=status)
    pages = Paginator(found, PAGE_SIZE)
    current = pages.get_page(page)
    return DatasetPage(count=pages.count, page=current.number, pages=pages.num_pages,
                       items=[dataset_out(request, d, staff=True) for d in current], facets={})


def _fields(raw: Any) -> list[dict[str, Any]]:
    return [f.dict() for f in raw]


@router.post("/datasets", response={201: DatasetOut}, auth=django_auth)
def create_dataset(request: HttpRequest, body: DatasetIn) -> Status[DatasetOut]:
    """A draft opening a lake dataset (a data steward of its owner)."""
    source = Dataset.objects.select_related("owner", "current_version").filter(
        code=body.source).first()
    if source is None:
        raise NotFound("No such lake dataset.")
    permissions.require(permissions.can_create_open_dataset(request.user, source.owner))
    data = body.dict(exclude={"source"}) | {"fields": _fields(body.fields)}
    ds = actions.do_create_open_dataset(request.user, source, data)
    return Status(201, dataset_out(request, queries.by_ref(ds.name), staff=True))


def _managed(request: HttpRequest, name: str, check: Any) -> OpenDataset:
    ds = _viewable(request, name)
    permissions.require(check(request.user, ds))
    return ds


@router.patch("/datasets/{name}", response=DatasetOut, auth=django_auth)
def update_dataset(request: HttpRequest, name: str, body: DatasetPatch) -> DatasetOut:
    ds = _managed(request, name, permissions.can_edit_open_dataset)
    data = {k: v for k, v in body.dict().items() if v is not None}
    if body.fields is not None:
        data["fields"] = _fields(body.fields)
    ds = actions.do_update_open_dataset(request.user, ds, data)
    return dataset_out(request, queries.by_ref(ds.uid), staff=True)


def _step(request: HttpRequest, name: str, check: Any, step: Any) -> DatasetOut:
    ds = _managed(request, name, check)
    ds = step(ds)
    return dataset_out(request, queries.by_ref(ds.uid), staff=True)


@router.post("/datasets/{name}/submit", response=DatasetOut, auth=django_auth)
def submit_dataset(request: HttpRequest, name: str) -> DatasetOut:
    return _step(request, name, permissions.can_submit_open_dataset,
                 lambda ds: actions.do_submit_open_dataset(request.user, ds))


@router.post("/datasets/{name}/approve", response=DatasetOut, auth=django_auth)
def approve_dataset(request: HttpRequest, name: str, body: NoteIn) -> DatasetOut:
    """Publish (a province-level steward who did not submit it)."""
    return _step(request, name, permissions.can_manage_open_dataset,
                 lambda ds: actions.do_approve_open_dataset(request.user, ds, body.note))


@router.post("/datasets/{name}/return", response=DatasetOut, auth=django_auth)
def return_dataset(request: HttpRequest, name: str, body: ReasonIn) -> DatasetOut:
    return _step(request, name, permissions.can_manage_open_dataset,
                 lambda ds: actions.do_return_open_dataset(request.user, ds, body.reason))


@router.post("/datasets/{name}/withdraw", response=DatasetOut, auth=django_auth)
def withdraw_dataset(request: HttpRequest, name: str, body: ReasonIn) -> DatasetOut:
    return _step(request, name, permissions.can_withdraw_open_dataset,
                 lambda ds: actions.do_withdraw_open_dataset(request.user, ds, body.reason))


@router.post("/datasets/{name}/refresh", response=DatasetOut, auth=django_auth)
def refresh_dataset(request: HttpRequest, name: str) -> DatasetOut:
    """Re-publish from the lake dataset's newer version (no second review; docs/opendata.md)."""
    return _step(request, name, permissions.can_refresh_open_dataset,
                 lambda ds: actions.do_refresh_open_dataset(request.user, ds))


@router.post("/datasets/{name}/reopen", response=DatasetOut, auth=django_auth)
def reopen_dataset(request: HttpRequest, name: str) -> DatasetOut:
    return _step(request, name, permissions.can_reopen_open_dataset,
                 lambda ds: actions.do_reopen_open_dataset(request.user, ds))
