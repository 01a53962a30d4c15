"""API of the lake: linkage runs under /api/v1/lake/linkage-runs — list, start, read one
(addressed by uid). Province-level data stewards only; the report's samples are masked."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.security import django_auth

from jingchu.core.errors import ActionError, NotFound
from jingchu.lake import permissions
from jingchu.lake.actions import linkage as actions
from jingchu.lake.models import Dataset, DatasetVersion, LinkageRun
from jingchu.lake.schemas_linkage import (
    LinkageRunDetail,
    LinkageRunIn,
    LinkageRunOut,
    LinkageRunPage,
)

router = Router(tags=["lake"])
PAGE_SIZE = 20


def _fields(run: LinkageRun) -> dict[str, Any]:
    report = run.report or {}
    return {"uid": str(run.uid), "name": run.name, "status": run.status,
            "datasets": list(report.get("datasets", [])),
            "versions": list(report.get("versions", [])), "threshold": run.threshold,
            "record_count": run.record_count, "pair_count": run.pair_count,
            "cluster_count": run.cluster_count, "output_path": run.output_path,
            "duration_ms": run.duration_ms, "error": run.error,
            "created_by": run.created_by.get_username() if run.created_by else "",
            "started_at": run.started_at, "finished_at": run.finished_at}


def run_out(run: LinkageRun) -> LinkageRunOut:
    return LinkageRunOut(**_fields(run))


def run_detail(run: LinkageRun) -> LinkageRunDetail:
    return LinkageRunDetail(**_fields(run), report=run.report or {})


def _versions(payload: LinkageRunIn) -> list[DatasetVersion]:
    """The versions named by uid, or the current versions of the datasets named by code, in
    the order given."""
    if payload.versions:
        found = {}
        for raw in payload.versions:
            try:
                key = uuid.UUID(raw)
            except ValueError:
                key = None
            version = (DatasetVersion.objects.select_related("dataset").filter(uid=key).first()
                       if key else None)
            if version is None:
                raise ActionError("version_unknown", _("No dataset version %(uid)s.")
                                  % {"uid": raw}, {"field": "versions"})
            found[raw] = version
        return [found[raw] for raw in payload.versions]
    out = []
    for code in payload.datasets:
        dataset = Dataset.objects.select_related("current_version").filter(code=code).first()
        if dataset is None or dataset.current_version is None:
            raise ActionError("dataset_unknown", _("No loaded dataset %(code)s.")
                              % {"code": code}, {"field": "datasets"})
        out.append(dataset.current_version)
    return out


@router.get("/linkage-runs", response=LinkageRunPage, auth=django_auth)
def list_runs(request: HttpRequest, page: int = 1) -> LinkageRunPage:
    """Linkage runs, newest first."""
    permissions.require(permissions.can_view_linkage(request.user))
    pages = Paginator(LinkageRun.objects.select_related("created_by"), PAGE_SIZE)
    current = pages.get_page(page)
    return LinkageRunPage(count=pages.count, page=current.number, pages=pages.num_pages,
                          items=[run_out(r) for r in current])


@router.post("/linkage-runs", response={201: LinkageRunOut}, auth=django_auth)
def start_run(request: HttpRequest, payload: LinkageRunIn) -> Status[LinkageRunOut]:
    """Start a run: deduplicate the first dataset (the population base) and link the others to
    it. The run works in the background; poll GET /linkage-runs/{uid} for its status."""
    permissions.require(permissions.can_run_linkage(request.user))
    run = actions.do_run_linkage(request.user, payload.name, _versions(payload),
                                 payload.threshold)
    run.refresh_from_db()
    return Status(201, run_out(run))


@router.get("/linkage-runs/{uid}", response=LinkageRunDetail, auth=django_auth)
def get_run(request: HttpRequest, uid: uuid.UUID) -> LinkageRunDetail:
    permissions.require(permissions.can_view_linkage(request.user))
    run = LinkageRun.objects.select_related("created_by").filter(uid=uid).first()
    if run is None:
        raise NotFound(_("No linkage run %(uid)s.") % {"uid": uid})
    return run_detail(run)
