"""The reading pages: the province summary (ranking, bar chart, month picker), a city's page
(topics, indicators, missing values and sensitivity, trend) and its PDF report."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from jingchu.bizenv import months, permissions, queries
from jingchu.bizenv.actions.reports import do_render_report
from jingchu.bizenv.models import CityResult
from jingchu.core.errors import ActionError
from jingchu.core.models import Region


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _month(request: HttpRequest) -> dt.date | None:
    raw = request.GET.get("month", "")
    if not raw:
        return None
    try:
        return months.parse_month(raw)
    except ActionError:
        return None


def _city(code: str) -> Region:
    return get_object_or_404(Region.objects.cities(), code=code)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(permissions.can_use_bizenv(user))
    evaluation = queries.evaluation_for(_month(request))
    paths = permissions.readable_city_paths(user)
    rows = queries.ranking(evaluation, paths) if evaluation else []
    return render(request, "bizenv/home.html", {
        "evaluation": evaluation, "rows": rows, "province": paths is None,
        "months": [months.label(e.month) for e in queries.evaluations()],
        "chart": {**queries.chart_data(rows), "labels": {
            "overall": _("Overall score"), "range": _("Range with missing values")}},
        "can_manage": permissions.can_manage(user),
        "default_month": months.label(months.previous_month(months.current_month())),
    })


@login_required
def city(request: HttpRequest, code: str) -> HttpResponse:
    region = _city(code)
    require(permissions.can_view_city(request.user, region))
    evaluation = queries.evaluation_for(_month(request))
    result = queries.result_for(evaluation, region) if evaluation else None
    view = queries.city_view(result) if result else None
    return render(request, "bizenv/city.html", {
        "region": region, "evaluation": evaluation, "view": view,
        "months": [months.label(e.month) for e in queries.evaluations()],
        "trend": _trend(view.trend if view else queries.trend(region)),
    })


def _trend(rows: list[dict[str, object]]) -> dict[str, object]:
    return {"months": [r["month"] for r in rows], "overall": [
        None if r["overall"] is None else round(float(str(r["overall"])), 2) for r in rows],
        "rank": [r["rank"] for r in rows],
        "labels": {"overall": _("Overall score"), "rank": _("Rank")}}


@login_required
def report(request: HttpRequest, code: str, month: str) -> HttpResponse:
    region = _city(code)
    require(permissions.can_view_city(request.user, region))
    try:
        first = months.parse_month(month)
    except ActionError:
        raise Http404 from None
    result = (CityResult.objects.select_related("region", "evaluation")
              .filter(region=region, evaluation__month=first).first())
    if result is None:
        raise Http404
    if result.report:
        with result.report.open("rb") as handle:
            pdf = handle.read()
    else:
        pdf = do_render_report(request.user, result)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="bizenv-{month}-{region.code}.pdf"')
    return response


urlpatterns: list[URLPattern] = [
    path("", home, name="home"),
    path("city/<str:code>/", city, name="city"),
    path("city/<str:code>/<str:month>.pdf", report, name="report"),
]
