"""The statistics page of the hotline (统计分析) and its CSV export of department figures.

The centre's staff see their centre's region, a department's handlers their own organization,
platform superusers the province (jingchu.hotline.stats.scope_for)."""

from __future__ import annotations

import csv
from dataclasses import asdict
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from jingchu.core.errors import ActionError
from jingchu.core.models import Organization
from jingchu.hotline import permissions, stats

PERIOD_CHOICES = (7, 30, 90, 365)


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def _request_scope(request: HttpRequest) -> tuple[stats.Period, stats.Scope, dict[str, Any]]:
    """The period and scope asked for; raises PermissionDenied or ActionError."""
    if not permissions.can_view_stats(request.user):
        raise PermissionDenied
    params = {k: request.GET.get(k, "") for k in ("date_from", "date_to", "days", "level",
                                                  "organization")}
    scope = stats.scope_for(request.user, params["organization"])
    if scope is None:
        raise PermissionDenied
    try:
        days = int(params["days"] or 30)
    except ValueError:
        days = 0
    period = stats.parse_period(params["date_from"], params["date_to"], days)
    params["days"] = str(days)
    if params["level"] not in ("city", "county"):
        params["level"] = stats.default_level(scope)
    return period, scope, params


def _chart_data(period: stats.Period, scope: stats.Scope, level: str) -> dict[str, Any]:
    return {
        "labels": {"tickets": _("Tickets"), "on_time": _("On-time rate"),
                   "satisfaction": _("Satisfaction rate")},
        "days": [{"day": d.day.isoformat(), "count": d.count}
                 for d in stats.volumes_by_day(period, scope)],
        "kinds": [asdict(r) for r in stats.volumes_by_kind(period, scope)],
        "categories": [asdict(r) for r in stats.volumes_by_category(period, scope)][:15],
        "regions": [asdict(r) for r in stats.volumes_by_region(
            period, scope, "city" if level == "city" else "county")],
    }


def _departments(period: stats.Period, scope: stats.Scope) -> list[dict[str, Any]]:
    return [{**asdict(r), "on_time_pct": _pct(r.on_time_rate),
             "satisfaction_pct": _pct(r.satisfaction_rate)}
            for r in stats.departments(period, scope)]


def _organizations(user: Any) -> list[Organization]:
    """The organizations a handler may switch between (none for the centre's staff)."""
    if permissions.can_use_operator_desk(user):
        return []
    return list(Organization.objects.filter(pk__in=permissions.handler_org_ids(user))
                .order_by("name"))


@login_required
def stats_page(request: HttpRequest) -> HttpResponse:
    try:
        period, scope, params = _request_scope(request)
    except ActionError as exc:
        return render(request, "hotline/stats.html", {
            "error": exc.message, "params": request.GET, "choices": PERIOD_CHOICES},
            status=400)
    summary = stats.summary(period, scope)
    chart = _chart_data(period, scope, params["level"])
    return render(request, "hotline/stats.html", {
        "period": period, "scope": scope, "params": params, "choices": PERIOD_CHOICES,
        "summary": summary, "on_time_pct": _pct(summary.on_time_rate),
        "satisfaction_pct": _pct(summary.satisfaction_rate),
        "chart": chart, "departments": _departments(period, scope),
        "keywords": stats.rising_keywords(scope, days=7, today=period.end),
        "hotspots": stats.hotspots(scope), "organizations": _organizations(request.user),
    })


CSV_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("organization_name", _lazy("Organization")), ("replied", _lazy("Replied")),
    ("replied_on_time", _lazy("Replied on time")), ("on_time_pct", _lazy("On-time rate")),
    ("rated", _lazy("Rated")), ("satisfied", _lazy("Satisfied")),
    ("satisfaction_pct", _lazy("Satisfaction rate")),
    ("average_hours", _lazy("Average handling hours")),
    ("overdue_open", _lazy("Overdue open tickets")), ("returns", _lazy("Returns")),
)


@login_required
def stats_csv(request: HttpRequest) -> HttpResponse:
    """The department figures of the page as CSV (UTF-8 with BOM, for spreadsheet programs)."""
    try:
        period, scope, _params = _request_scope(request)
    except ActionError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"hotline-departments-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([str(label) for _key, label in CSV_COLUMNS])
    for row in _departments(period, scope):
        writer.writerow(["" if row[key] is None else row[key] for key, _label in CSV_COLUMNS])
    return response


urlpatterns: list[URLPattern] = [
    path("stats/", stats_page, name="stats"),
    path("stats/departments.csv", stats_csv, name="stats_csv"),
]
