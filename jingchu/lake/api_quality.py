"""The lake's quality API under /api/v1/lake/: a dataset's rules (the rule file in and out),
audits (start one, the trend of runs, one run with its results and SQL) and rectification
tasks. Datasets, runs and tasks by uid; samples are masked before they are stored."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Status
from ninja.security import django_auth

from jingchu.core.errors import NotFound
from jingchu.lake import permissions
from jingchu.lake.actions import quality as actions
from jingchu.lake.choices import RectificationStatus
from jingchu.lake.models import AuditRun, Dataset, QualityRectification
from jingchu.lake.quality.engine import to_spark
from jingchu.lake.quality.queries import rectifications_for
from jingchu.lake.schemas_quality import (
    RectificationOut,
    RectificationPage,
    ResolveIn,
    ResultOut,
    RuleOut,
    RulesIn,
    RulesOut,
    RunDetailOut,
    RunOut,
    RunPage,
)

router = Router(tags=["lake"])
PAGE_SIZE = 20


def _uid(raw: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        raise NotFound("No such object.", {"uid": str(raw)}) from None


def _dataset(request: HttpRequest, uid: str, check: Any = permissions.can_view_dataset
             ) -> Dataset:
    permissions.require(permissions.can_browse_lake(request.user))
    dataset = Dataset.objects.select_related("owner", "current_version").filter(
        uid=_uid(uid)).first()
    if dataset is None:
        raise NotFound("No such dataset.", {"uid": uid})
    permissions.require(check(request.user, dataset))
    return dataset


def rules_out(dataset: Dataset) -> RulesOut:
    return RulesOut(dataset=dataset.code, threshold=dataset.audit_threshold,
                    rules_yaml=dataset.rules_yaml, rules=[
                        RuleOut(name=r.name, check=r.check_name, columns=list(r.columns),
                                params=dict(r.params), dimension=r.dimension, weight=r.weight,
                                enabled=r.enabled, description=r.description, source=r.source)
                        for r in dataset.rules.order_by("position", "name")])


def run_out(run: AuditRun) -> RunOut:
    rect = QualityRectification.objects.filter(run=run).values_list("uid", flat=True).first()
    return RunOut(uid=str(run.uid), dataset=run.dataset.code,
                  version=run.version.number if run.version else None, status=run.status,
                  trigger=run.trigger, row_count=run.row_count, scores=dict(run.scores or {}),
                  score=float(run.score) if run.score is not None else None,
                  threshold=run.threshold, started_at=run.started_at,
                  finished_at=run.finished_at, duration_ms=run.duration_ms, error=run.error,
                  rectification=str(rect) if rect else None)


def run_detail(run: AuditRun) -> RunDetailOut:
    return RunDetailOut(
        **run_out(run).dict(), sql=run.sql, spark_sql=to_spark(run.sql) if run.sql else "",
        results=[ResultOut(rule=r.rule_name, check=r.check_name, dimension=r.dimension,
                           weight=r.weight, checked=r.checked, failed=r.failed,
                           sample=list(r.sample)) for r in run.results.all()])


def rect_out(r: QualityRectification) -> RectificationOut:
    return RectificationOut(uid=str(r.uid), dataset=r.dataset.code,
                            organization=r.organization.name, run=str(r.run.uid),
                            status=r.status, score=float(r.score), threshold=r.threshold,
                            due_on=r.due_on, note=r.note, created_at=r.created_at,
                            resolved_at=r.resolved_at)


@router.get("/datasets/{uid}/rules", response=RulesOut, auth=django_auth)
def get_rules(request: HttpRequest, uid: str) -> RulesOut:
    """The dataset's rule file and every rule (from the file and from the admin)."""
    return rules_out(_dataset(request, uid))


@router.put("/datasets/{uid}/rules", response=RulesOut, auth=django_auth)
def put_rules(request: HttpRequest, uid: str, body: RulesIn) -> RulesOut:
    """Replace the rule file; a bad file answers 400 rules_invalid with the line."""
    dataset = _dataset(request, uid, permissions.can_edit_rules)
    actions.do_set_rules(request.user, dataset, body.rules_yaml)
    return rules_out(Dataset.objects.get(pk=dataset.pk))


@router.post("/datasets/{uid}/audits", response={201: RunDetailOut}, auth=django_auth)
def start_audit(request: HttpRequest, uid: str) -> Status[RunDetailOut]:
    """Audit the current version now; a run that could not complete is answered with status
    "failed" and its error (the run is recorded either way)."""
    dataset = _dataset(request, uid, permissions.can_run_audit)
    run = actions.do_run_audit(request.user, dataset)
    return Status(201, run_detail(_runs().get(pk=run.pk)))


def _runs() -> QuerySet[AuditRun]:
    return AuditRun.objects.select_related("dataset", "version")


@router.get("/datasets/{uid}/audits", response=RunPage, auth=django_auth)
def list_audits(request: HttpRequest, uid: str, page: int = 1) -> RunPage:
    """The dataset's runs, newest first: the trend of its scores."""
    dataset = _dataset(request, uid)
    pages = Paginator(_runs().filter(dataset=dataset).order_by("-started_at"), PAGE_SIZE)
    current = pages.get_page(page)
    return RunPage(count=pages.count, page=current.number, pages=pages.num_pages,
                   items=[run_out(r) for r in current])


@router.get("/audits/{uid}", response=RunDetailOut, auth=django_auth)
def get_audit(request: HttpRequest, uid: str) -> RunDetailOut:
    permissions.require(permissions.can_browse_lake(request.user))
    run = _runs().filter(uid=_uid(uid)).first()
    if run is None:
        raise NotFound("No such audit run.", {"uid": uid})
    permissions.require(permissions.can_view_dataset(request.user, run.dataset))
    return run_detail(run)


@router.get("/rectifications", response=RectificationPage, auth=django_auth)
def list_rectifications(request: HttpRequest, status: str = "",
                        page: int = 1) -> RectificationPage:
    """Rectification tasks of the caller's organizations (all of them for the province level)."""
    permissions.require(permissions.can_browse_lake(request.user))
    rows = rectifications_for(request.user)
    if status in RectificationStatus.values:
        rows = rows.filter(status=status)
    pages = Paginator(rows.order_by("-created_at"), PAGE_SIZE)
    current = pages.get_page(page)
    return RectificationPage(count=pages.count, page=current.number, pages=pages.num_pages,
                             items=[rect_out(r) for r in current])


@router.post("/rectifications/{uid}/resolve", response=RectificationOut, auth=django_auth)
def resolve_rectification(request: HttpRequest, uid: str, body: ResolveIn) -> RectificationOut:
    permissions.require(permissions.can_browse_lake(request.user))
    rect = QualityRectification.objects.select_related("dataset", "organization", "run").filter(
        uid=_uid(uid)).first()
    if rect is None:
        raise NotFound("No such rectification.", {"uid": uid})
    permissions.require(permissions.can_resolve_rectification(request.user, rect))
    actions.do_resolve_rectification(request.user, rect, body.note)
    return rect_out(QualityRectification.objects.select_related(
        "dataset", "organization", "run").get(pk=rect.pk))
