"""The lake's datasets API under /api/v1/lake/: list, read, register and change datasets, their
versions, a masked preview of a version, and loads (upload a file; follow the job). Datasets and
jobs by uid."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from jingchu.core.errors import NotFound
from jingchu.core.models import Organization
from jingchu.lake import permissions, query
from jingchu.lake.actions import datasets as actions
from jingchu.lake.choices import DatasetStatus
from jingchu.lake.models import Dataset, DatasetVersion, IngestJob
from jingchu.lake.schemas_datasets import (
    ColumnOut,
    DatasetIn,
    DatasetOut,
    DatasetPage,
    DatasetPatch,
    JobOut,
    PreviewOut,
    VersionOut,
)

router = Router(tags=["lake"])
PAGE_SIZE = 20


def version_out(v: DatasetVersion) -> VersionOut:
    return VersionOut(uid=str(v.uid), number=v.number, row_count=v.row_count,
                      rejected_count=v.rejected_count, byte_size=v.byte_size,
                      checksum=v.checksum, columns=list(v.schema), source_kind=v.source_kind,
                      source_name=v.source_name, loaded_at=v.loaded_at,
                      loaded_by=v.loaded_by.get_username() if v.loaded_by else "")


def dataset_out(d: Dataset) -> DatasetOut:
    return DatasetOut(
        uid=str(d.uid), code=d.code, name=d.name, description=d.description,
        owner=d.owner.name, owner_uid=str(d.owner.uid), update_frequency=d.update_frequency,
        status=d.status, key_column=d.key_column, audit_threshold=d.audit_threshold,
        columns=[ColumnOut(**{k: c.get(k) for k in ("name", "type", "label", "required", "mask")
                              if c.get(k) is not None}) for c in d.columns or []],
        current_version=version_out(d.current_version) if d.current_version else None)


def job_out(j: IngestJob) -> JobOut:
    return JobOut(uid=str(j.uid), dataset=j.dataset.code, status=j.status, stage=j.stage,
                  source_kind=j.source_kind, source_name=j.source_name, encoding=j.encoding,
                  rows_done=j.rows_done, rows_total=j.rows_total,
                  rejected_count=j.rejected_count, error=j.error,
                  version=j.version.number if j.version else None, created_at=j.created_at,
                  finished_at=j.finished_at)


def _uid(raw: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        raise NotFound("No such object.", {"uid": str(raw)}) from None


def _organization(ref: str) -> Organization:
    text = ref.strip()
    found = Organization.objects.filter(uscc=text.upper()).first() if len(text) == 18 else \
        Organization.objects.filter(uid=_uid(text)).first()
    if found is None:
        raise NotFound("No such organization.", {"owner": ref})
    return found


def _datasets() -> QuerySet[Dataset]:
    return Dataset.objects.select_related("owner", "current_version__loaded_by")


def _dataset(request: HttpRequest, uid: str, check: Any = permissions.can_view_dataset
             ) -> Dataset:
    permissions.require(permissions.can_browse_lake(request.user))
    dataset = _datasets().filter(uid=_uid(uid)).first()
    if dataset is None:
        raise NotFound("No such dataset.", {"uid": uid})
    permissions.require(check(request.user, dataset))
    return dataset


@router.get("/datasets", response=DatasetPage, auth=django_auth)
def list_datasets(request: HttpRequest, q: str = "", owner: str = "", status: str = "",
                  page: int = 1) -> DatasetPage:
    """Search datasets by code or name; filter by owner (uid or credit code) and status."""
    permissions.require(permissions.can_browse_lake(request.user))
    found = _datasets()
    if q.strip():
        found = found.filter(Q(code__icontains=q.strip()) | Q(name__icontains=q.strip()))
    if owner:
        found = found.filter(owner=_organization(owner))
    if status in DatasetStatus.values:
        found = found.filter(status=status)
    pages = Paginator(found.order_by("code"), PAGE_SIZE)
    current = pages.get_page(page)
    return DatasetPage(count=pages.count, page=current.number, pages=pages.num_pages,
                       items=[dataset_out(d) for d in current])


@router.post("/datasets", response={201: DatasetOut}, auth=django_auth)
def register_dataset(request: HttpRequest, body: DatasetIn) -> Status[DatasetOut]:
    """Register a dataset for an organization (its data steward or the province level)."""
    permissions.require(permissions.can_browse_lake(request.user))
    owner = _organization(body.owner)
    permissions.require(permissions.can_register_dataset(request.user, owner.pk))
    dataset = actions.do_register_dataset(request.user, owner, body.dict(exclude={"owner"}))
    return Status(201, dataset_out(_datasets().get(pk=dataset.pk)))


@router.get("/datasets/{uid}", response=DatasetOut, auth=django_auth)
def get_dataset(request: HttpRequest, uid: str) -> DatasetOut:
    return dataset_out(_dataset(request, uid))


@router.patch("/datasets/{uid}", response=DatasetOut, auth=django_auth)
def update_dataset(request: HttpRequest, uid: str, body: DatasetPatch) -> DatasetOut:
    dataset = _dataset(request, uid, permissions.can_manage_dataset)
    data = {k: v for k, v in body.dict().items() if v is not None}
    actions.do_update_dataset(request.user, dataset, data)
    return dataset_out(_datasets().get(pk=dataset.pk))


@router.get("/datasets/{uid}/versions", response=list[VersionOut], auth=django_auth)
def list_versions(request: HttpRequest, uid: str) -> list[VersionOut]:
    dataset = _dataset(request, uid)
    return [version_out(v) for v in dataset.versions.select_related("loaded_by")[:500]]


@router.get("/datasets/{uid}/preview", response=PreviewOut, auth=django_auth)
def preview(request: HttpRequest, uid: str, version: int = 0, limit: int = 50,
            offset: int = 0) -> PreviewOut:
    """Rows of a version (the current one by default), personal data masked."""
    dataset = _dataset(request, uid)
    chosen = dataset.versions.filter(number=version).first() if version else \
        dataset.current_version
    if chosen is None:
        raise NotFound("No such version.", {"version": version})
    limit = max(1, min(limit, query.MAX_PREVIEW))
    columns, rows = query.preview(chosen, limit, offset)
    return PreviewOut(version=chosen.number, columns=columns, rows=rows, offset=max(offset, 0),
                      limit=limit, row_count=chosen.row_count)


@router.post("/datasets/{uid}/loads", response={202: JobOut}, auth=django_auth)
def start_load(request: HttpRequest, uid: str, file: File[UploadedFile],
               encoding: Form[str] = "auto", sheet: Form[str] = "") -> Status[JobOut]:
    """Upload a CSV, Excel or Parquet file as the next version; the load runs in the
    background: follow it at GET /loads/{uid}."""
    from jingchu.lake.tasks_datasets import run_load

    dataset = _dataset(request, uid, permissions.can_load_dataset)
    with transaction.atomic():
        job = actions.do_start_load(request.user, dataset, upload=file, encoding=encoding,
                                    sheet=sheet)
        job_uid = str(job.uid)
        transaction.on_commit(lambda: run_load.delay(job_uid))
    return Status(202, job_out(IngestJob.objects.select_related("dataset", "version")
                               .get(pk=job.pk)))


@router.get("/loads/{uid}", response=JobOut, auth=django_auth)
def get_load(request: HttpRequest, uid: str) -> JobOut:
    """A load's status and progress (rows_done of rows_total in the current stage)."""
    permissions.require(permissions.can_browse_lake(request.user))
    job = IngestJob.objects.select_related("dataset", "version").filter(uid=_uid(uid)).first()
    if job is None:
        raise NotFound("No such load.", {"uid": uid})
    permissions.require(permissions.can_load_dataset(request.user, job.dataset))
    return job_out(job)
