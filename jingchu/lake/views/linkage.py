"""Pages of the lake: record linkage (数据融合, 一人一档) under /lake/linkage/ — the runs with a
form to start one (the population base first, then the datasets to link to it), and a run's
page: counts, the match-weight histogram and the cluster-size distribution as inline SVG bars,
the trained weights, sample clusters (masked) and the duration. While the run works, a status
element polls a fragment; when the run ends the fragment asks the page to reload.

Province-level data stewards only (permissions.can_view_linkage / can_run_linkage)."""

from __future__ import annotations

import math
from typing import Any
from uuid import UUID

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from jingchu.core.errors import ActionError
from jingchu.lake import permissions
from jingchu.lake.actions import linkage as actions
from jingchu.lake.choices import DatasetStatus, JobStatus
from jingchu.lake.models import Dataset, LinkageRun

PAGE_SIZE = 20
CHART_HEIGHT, CHART_BAR, CHART_GAP = 120, 22, 4
LIVE = (JobStatus.PENDING, JobStatus.RUNNING)


def linkable_datasets() -> QuerySet[Dataset]:
    """Active datasets with a current version that has an ID-number or name column."""
    rows = (Dataset.objects.filter(status=DatasetStatus.ACTIVE, current_version__isnull=False)
            .select_related("current_version", "owner").order_by("code"))
    keep = [d.pk for d in rows
            if d.current_version and actions.linkage_columns(d.current_version)]
    return Dataset.objects.filter(pk__in=keep).select_related("current_version").order_by("code")


class LinkageForm(forms.Form):
    name = forms.CharField(label=_lazy("Name"), max_length=200)
    base = forms.ModelChoiceField(
        label=_lazy("Population base"), queryset=Dataset.objects.none(),
        help_text=_lazy("Deduplicated; its ID numbers anchor the person keys."))
    others = forms.ModelMultipleChoiceField(
        label=_lazy("Datasets to link to it"), queryset=Dataset.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple)
    threshold = forms.FloatField(
        label=_lazy("Match probability threshold"), initial=0.95,
        min_value=actions.THRESHOLD_MIN, max_value=actions.THRESHOLD_MAX,
        help_text=_lazy("Pairs scoring at or above it are the same person."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = linkable_datasets()
        for field in ("base", "others"):
            self.fields[field].queryset = choices  # type: ignore[attr-defined]

    def versions(self) -> list[Any]:
        base: Dataset = self.cleaned_data["base"]
        others = [d for d in self.cleaned_data["others"] if d.pk != base.pk]
        return [d.current_version for d in [base, *others]]


def _runs(request: HttpRequest) -> Any:
    pages = Paginator(LinkageRun.objects.select_related("created_by"), PAGE_SIZE)
    return pages.get_page(request.GET.get("page"))


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def linkage_runs(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_view_linkage(request.user))
    may_run = permissions.can_run_linkage(request.user)
    form = LinkageForm(request.POST or None) if may_run else None
    status = 200
    if request.method == "POST":
        permissions.require(may_run)
        assert form is not None
        if form.is_valid():
            try:
                run = actions.do_run_linkage(request.user, form.cleaned_data["name"],
                                             form.versions(), form.cleaned_data["threshold"])
            except ActionError as exc:
                field = str(exc.details.get("field", ""))
                form.add_error(field if field in form.fields else None, exc.message)
                status = exc.status
            else:
                return redirect("lake:linkage_run", uid=run.uid)
        else:
            status = 400
    return render(request, "lake/linkage/runs.html",
                  {"page": _runs(request), "form": form}, status=status)


def _run_for(request: HttpRequest, uid: UUID) -> LinkageRun:
    permissions.require(permissions.can_view_linkage(request.user))
    run = LinkageRun.objects.select_related("created_by").filter(uid=uid).first()
    if run is None:
        raise Http404
    return run


def bars(values: list[tuple[str, int, str]], *, log: bool) -> dict[str, Any]:
    """Bar geometry for an inline SVG: (label, count, css class) → rectangles. A logarithmic
    scale keeps the thin middle of a match-weight distribution visible beside its peaks."""
    def scale(count: int) -> float:
        return math.log10(1 + count) if log else float(count)

    top = max((scale(c) for _l, c, _k in values), default=0.0) or 1.0
    out = []
    for i, (label, count, css) in enumerate(values):
        height = round(CHART_HEIGHT * scale(count) / top, 1)
        if count and height < 1:
            height = 1.0
        out.append({"x": i * (CHART_BAR + CHART_GAP), "y": CHART_HEIGHT - height,
                    "height": height, "width": CHART_BAR, "label": label, "count": count,
                    "css": css, "text_x": i * (CHART_BAR + CHART_GAP) + CHART_BAR / 2})
    width = max(len(values) * (CHART_BAR + CHART_GAP), 1)
    return {"bars": out, "width": width, "height": CHART_HEIGHT, "label_y": CHART_HEIGHT + 14,
            "view_height": CHART_HEIGHT + 20}


def charts(report: dict[str, Any]) -> dict[str, Any]:
    cut = float(report.get("threshold_weight", 0))
    weights = [(f"{b['low']}", int(b["count"]), "match" if b["low"] >= cut else "")
               for b in report.get("histogram", [])]
    sizes = [(str(s["label"]), int(s["count"]), "") for s in report.get("cluster_sizes", [])]
    return {"weights": bars(weights, log=True), "sizes": bars(sizes, log=True)}


def _context(run: LinkageRun) -> dict[str, Any]:
    report = run.report or {}
    return {"run": run, "report": report, "live": run.status in LIVE,
            "charts": charts(report) if run.status == JobStatus.SUCCEEDED else None,
            "seconds": run.duration_ms / 1000}


@login_required
@never_cache
@require_GET
def linkage_run(request: HttpRequest, uid: UUID) -> HttpResponse:
    return render(request, "lake/linkage/run.html", _context(_run_for(request, uid)))


@login_required
@never_cache
@require_GET
def linkage_run_status(request: HttpRequest, uid: UUID) -> HttpResponse:
    """The status element alone, polled while the run works; once it has ended, HTMX is told
    to reload the page, which then shows the report."""
    run = _run_for(request, uid)
    response = render(request, "lake/linkage/_status.html", _context(run))
    if run.status not in LIVE and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


urlpatterns: list[URLPattern] = [
    path("linkage/", linkage_runs, name="linkage_runs"),
    path("linkage/<uuid:uid>/", linkage_run, name="linkage_run"),
    path("linkage/<uuid:uid>/status", linkage_run_status, name="linkage_run_status"),
]
