"""Pages of the lake: quality audits — the latest runs across datasets, a dataset's rule file
(editable by its stewards, parse errors shown with their line), rules and score trend, one run
(per-rule counts, dimension scores, masked failing rows, the SQL and its Spark form), and the
rectification tasks of the user's organizations.

Starting an audit runs it in the request: the engine reads millions of rows a second, and the
answer is the run's page."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jingchu.core.errors import ActionError
from jingchu.core.models import Organization
from jingchu.lake import permissions
from jingchu.lake.actions import quality as actions
from jingchu.lake.choices import Dimension, JobStatus, RectificationStatus
from jingchu.lake.models import AuditRun, Dataset, QualityRectification
from jingchu.lake.quality.engine import to_spark
from jingchu.lake.quality.library import CHECKS
from jingchu.lake.quality.queries import rectifications_for
from jingchu.lake.quality.spec import AuditError

LIVE = (JobStatus.PENDING, JobStatus.RUNNING)

PAGE_SIZE = 20
TREND_RUNS = 30


def _page(request: HttpRequest, rows: QuerySet[Any]) -> tuple[Any, str]:
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def runs_filtered(request: HttpRequest) -> QuerySet[AuditRun]:
    runs = AuditRun.objects.select_related("dataset", "dataset__owner", "version")
    get = request.GET
    if get.get("dataset"):
        runs = runs.filter(dataset__code__icontains=get["dataset"].strip())
    if get.get("owner"):
        try:
            runs = runs.filter(dataset__owner__uid=UUID(get["owner"]))
        except ValueError:
            runs = runs.none()
    if get.get("below") == "1":
        runs = runs.filter(status=JobStatus.SUCCEEDED, score__lt=F("threshold"))
    return runs.order_by("-started_at")


@login_required
def audits(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_browse_lake(request.user))
    page, query = _page(request, runs_filtered(request))
    owners = Organization.objects.filter(lake_datasets__isnull=False).distinct().order_by("name")
    return render(request, "lake/quality/audits.html", {
        "page": page, "query": query, "q": request.GET, "owners": owners})


def _dataset(request: HttpRequest, uid: UUID) -> Dataset:
    dataset = (Dataset.objects.select_related("owner", "current_version")
               .filter(uid=uid).first())
    if dataset is None:
        raise Http404
    permissions.require(permissions.can_view_dataset(request.user, dataset))
    return dataset


def trend(runs: list[AuditRun], width: int = 240, height: int = 48) -> dict[str, Any]:
    """An inline sparkline of the overall score, oldest run first, and the threshold line."""
    scores = [float(r.score) for r in runs if r.score is not None]
    if not scores:
        return {"points": "", "width": width, "height": height}
    step = width / max(len(scores) - 1, 1)

    def y(score: float) -> float:
        return round(height - score / 100 * height, 1)

    points = " ".join(f"{round(i * step, 1)},{y(s)}" for i, s in enumerate(scores))
    threshold = runs[-1].threshold if runs else 0
    return {"points": points, "width": width, "height": height, "threshold_y": y(threshold),
            "last": scores[-1], "count": len(scores)}


def _dataset_page(request: HttpRequest, dataset: Dataset, text: str | None = None,
                  error: ActionError | None = None, status: int = 200) -> HttpResponse:
    finished = list(dataset.audit_runs.filter(status=JobStatus.SUCCEEDED)
                    .order_by("-started_at")[:TREND_RUNS])[::-1]
    return render(request, "lake/quality/dataset.html", {
        "dataset": dataset, "rules": dataset.rules.order_by("position", "name"),
        "runs": dataset.audit_runs.select_related("version", "created_by")[:50],
        "trend": trend(finished), "dimensions": Dimension.choices,
        "text": dataset.rules_yaml if text is None else text, "error": error,
        "may_edit": permissions.can_edit_rules(request.user, dataset),
        "may_audit": permissions.can_run_audit(request.user, dataset),
        "checks": sorted(CHECKS.values(), key=lambda c: c.name),
        "open_rectification": dataset.rectifications.filter(
            status=RectificationStatus.OPEN).first()}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def dataset_audits(request: HttpRequest, uid: UUID) -> HttpResponse:
    dataset = _dataset(request, uid)
    if request.method != "POST":
        return _dataset_page(request, dataset)
    permissions.require(permissions.can_edit_rules(request.user, dataset))
    text = request.POST.get("rules_yaml", "")
    try:
        saved = actions.do_set_rules(request.user, dataset, text)
    except ActionError as exc:
        return _dataset_page(request, dataset, text, exc, exc.status)
    messages.success(request, _("Rules saved: %(n)d.") % {"n": len(saved)})
    return redirect("lake:dataset_audits", uid=dataset.uid)


@login_required
@require_POST
def audit_start(request: HttpRequest, uid: UUID) -> HttpResponse:
    dataset = _dataset(request, uid)
    permissions.require(permissions.can_run_audit(request.user, dataset))
    try:
        run = actions.do_queue_audit(request.user, dataset)
    except ActionError as exc:
        messages.error(request, exc.message)
        return redirect("lake:dataset_audits", uid=dataset.uid)
    run.refresh_from_db()  # carried out already where tasks run in-process
    if run.status == JobStatus.FAILED:
        messages.error(request, _("The audit failed: %(error)s") % {"error": run.error})
    return redirect("lake:audit_run", uid=run.uid)


def _run_for(request: HttpRequest, uid: UUID) -> AuditRun:
    run = AuditRun.objects.select_related("dataset", "dataset__owner", "version",
                                          "created_by").filter(uid=uid).first()
    if run is None:
        raise Http404
    permissions.require(permissions.can_view_dataset(request.user, run.dataset))
    return run


@login_required
@never_cache
@require_GET
def audit_run_status(request: HttpRequest, uid: UUID) -> HttpResponse:
    """The status element alone, polled while the run waits or works; once it has ended, HTMX
    is told to reload the page, which then shows the results."""
    run = _run_for(request, uid)
    response = render(request, "lake/quality/_status.html",
                      {"run": run, "live": run.status in LIVE})
    if run.status not in LIVE and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
def audit_run(request: HttpRequest, uid: UUID) -> HttpResponse:
    run = _run_for(request, uid)
    spark = ""
    if run.sql:
        try:
            spark = to_spark(run.sql)
        except AuditError as exc:
            spark = f"-- {exc.message}"
    results = list(run.results.all())
    for r in results:
        r.rate = (100.0 * r.failed / r.checked) if r.checked else 0.0  # type: ignore[attr-defined]
        r.columns = list(r.sample[0]) if r.sample else []  # type: ignore[attr-defined]
    return render(request, "lake/quality/run.html", {
        "run": run, "results": results, "spark": spark, "live": run.status in LIVE,
        "scores": [(label, run.scores.get(value)) for value, label in Dimension.choices
                   if value in (run.scores or {})],
        "rectification": QualityRectification.objects.filter(run=run).first()})


@login_required
def rectifications(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_browse_lake(request.user))
    rows = rectifications_for(request.user)
    status = request.GET.get("status", "")
    if status in RectificationStatus.values:
        rows = rows.filter(status=status)
    page, query = _page(request, rows.order_by("status", "due_on", "-created_at"))
    for rect in page:
        rect.may_resolve = (
            rect.status == RectificationStatus.OPEN
            and permissions.can_resolve_rectification(request.user, rect))
    return render(request, "lake/quality/rectifications.html", {
        "page": page, "query": query, "status": status,
        "statuses": RectificationStatus.choices})


@login_required
@require_POST
def rectification_resolve(request: HttpRequest, uid: UUID) -> HttpResponse:
    rect = QualityRectification.objects.select_related("dataset").filter(uid=uid).first()
    if rect is None:
        raise Http404
    permissions.require(permissions.can_resolve_rectification(request.user, rect))
    try:
        actions.do_resolve_rectification(request.user, rect, request.POST.get("note", ""))
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Rectification resolved."))
    return redirect("lake:rectifications")


urlpatterns: list[URLPattern] = [
    path("audits/", audits, name="audits"),
    path("audits/<uuid:uid>/", audit_run, name="audit_run"),
    path("audits/<uuid:uid>/status", audit_run_status, name="audit_run_status"),
    path("datasets/<uuid:uid>/quality/", dataset_audits, name="dataset_audits"),
    path("datasets/<uuid:uid>/quality/audit", audit_start, name="audit_start"),
    path("rectifications/", rectifications, name="rectifications"),
    path("rectifications/<uuid:uid>/resolve", rectification_resolve,
         name="rectification_resolve"),
]
