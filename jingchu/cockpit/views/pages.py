"""The cockpit's reading pages: every KPI of a region over a period (cards with the target, the
change on the period before and a 30-day sparkline), one KPI's page (definition, 环比 and 同比,
history, drill-down one level down), and the button that recomputes today's rollups.

Each view checks `permissions` first, then reads the region (404 when unknown, 403 outside the
user's scope) and the period (the page with the message and status 400 when malformed), and only
then reads figures, through `queries`, which reads the rollups alone. What the pages and the Excel
export share (the request's region and period, a change between two figures, a KPI's report) is
here; `export` builds on it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from jingchu.cockpit import actions, catalog, periods, permissions, queries, rollups
from jingchu.core.choices import RegionLevel
from jingchu.core.errors import ActionError
from jingchu.core.kpi import KpiSpec
from jingchu.core.models import Region
from jingchu.core.periods import Period

SPARK_DAYS = 30
THEMES_CACHE_SECONDS = 900  # a refresh (every 10 minutes) changes the key sooner
HISTORY_MONTHS = 12
_REGION_CODE = re.compile(r"^\d{12}$")
_PERIOD_KEY = re.compile(r"^[0-9.-]{1,30}$")
# Levels the rollups keep; a township is read through its county.
_COCKPIT_LEVELS = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY)

UNIT_LABELS = {
    "rate": gettext_lazy("Rate (%)"), "count": gettext_lazy("Count"),
    "days": gettext_lazy("Working days"), "hours": gettext_lazy("Hours"),
    "steps": gettext_lazy("Steps"), "score": gettext_lazy("Score (points)"),
}
# What Σ numerator and Σ denominator are, by unit (a count's denominator is not used).
NUMERATOR_LABELS = {
    "rate": gettext_lazy("Counted"), "count": gettext_lazy("Count"),
    "days": gettext_lazy("Total days"), "hours": gettext_lazy("Total hours"),
    "steps": gettext_lazy("Total steps"), "score": gettext_lazy("Total points"),
}
DENOMINATOR_LABELS = {"rate": gettext_lazy("Of")}
DEFAULT_DENOMINATOR = gettext_lazy("Number counted")


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# --- The request: region and period ---------------------------------------------------------

def region_from(request: HttpRequest) -> Region:
    """The region asked for, or the user's home region; 404 when the cockpit has no such
    region, 403 when it lies outside the user's scope."""
    code = request.GET.get("region", "").strip()
    if not code:
        # The home region is one of the user's scope roots: viewable by definition.
        home = permissions.home_region(request.user)
        if home is None:
            raise Http404(_("No such region."))
        return home
    found = (Region.objects.filter(code=code, level__in=_COCKPIT_LEVELS).first()
             if _REGION_CODE.match(code) else None)
    if found is None:
        raise Http404(_("No such region."))
    require(permissions.can_view_region(request.user, found))
    return found


def span_from(request: HttpRequest) -> periods.Span:
    """The period asked for: `period`, or a custom range given as `start` and `end` dates.
    Raises ActionError (field "period") on bad input."""
    raw = request.GET.get("period", "").strip()
    start, end = request.GET.get("start", "").strip(), request.GET.get("end", "").strip()
    if not raw and (start or end):
        raw = f"{start}..{end}"
    return periods.parse(raw)


def query_string(region: Region, span: periods.Span | None) -> str:
    """The query that keeps a page's region and period in its links."""
    params = {"region": region.code}
    if span is not None:
        params["period"] = span.key
    return urlencode(params)


# --- Changes between two figures -----------------------------------------------------------

@dataclass(frozen=True)
class Change:
    """A figure against an earlier one: percentage points for a rate, relative % otherwise."""

    amount: float  # pp for a rate, % for the others; signed
    points: bool  # True: percentage points
    tone: str  # "good", "bad" or "flat", by the KPI's direction

    @property
    def text(self) -> str:
        if round(self.amount, 1) == 0:
            arrow, size = "", 0.0
        else:
            arrow, size = ("▲ " if self.amount > 0 else "▼ "), abs(self.amount)
        if self.points:
            return arrow + _("%(value).1f pp") % {"value": size}
        return f"{arrow}{size:.1f}%"


def change(current: float | None, before: float | None, spec: KpiSpec) -> Change | None:
    """None when either figure is missing, or when a relative change has no base (0)."""
    if current is None or before is None:
        return None
    if spec.unit == "rate":
        amount, points = (current - before) * 100, True
    elif before:
        amount, points = (current - before) / abs(before) * 100, False
    else:
        return None
    if round(amount, 1) == 0:
        tone = "flat"
    else:
        tone = "good" if (amount > 0) == spec.higher_is_better else "bad"
    return Change(amount, points, tone)


# --- One KPI in a region and period --------------------------------------------------------

def number(value: float) -> str:
    """A numerator or denominator as the page shows it: 1,234 or 43.5."""
    return f"{value:,.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Compared:
    """The figure of another period (the one before, or a year earlier) and the change to it."""

    label: str
    period: Period
    figure: queries.Figure
    change: Change | None
    unit: str

    @property
    def text(self) -> str:
        return catalog.fmt(self.figure.value, self.unit)


@dataclass(frozen=True)
class DrillRow:
    name: str
    region: Region | None
    organization_id: int | None
    figure: queries.Figure
    before: queries.Figure | None
    change: Change | None
    unit: str

    @property
    def text(self) -> str:
        return catalog.fmt(self.figure.value, self.unit)

    @property
    def before_text(self) -> str:
        return catalog.fmt(self.before.value if self.before else None, self.unit)

    @property
    def numerator_text(self) -> str:
        return number(self.figure.numerator)

    @property
    def denominator_text(self) -> str:
        return number(self.figure.denominator)


@dataclass(frozen=True)
class KpiReport:
    spec: KpiSpec
    region: Region
    span: periods.Span
    figure: queries.Figure
    previous: Compared
    year_ago: Compared
    rows: list[DrillRow]
    days: list[tuple[dt.date, float | None]]
    months: list[tuple[dt.date, float | None]]


def _child_key(child: queries.Child) -> tuple[str, object]:
    if child.region is not None:
        return ("region", child.region.code)
    return ("organization", child.organization_id)


def drill_rows(spec: KpiSpec, region: Region, span: periods.Span,
               before: Period) -> list[DrillRow]:
    """The level below with this period's and the period before's figures, joined by region
    code or organization; an organization seen only in the period before still shows."""
    now = queries.children(spec.code, region, span.period)
    earlier = {_child_key(c): c for c in queries.children(spec.code, region, before)}
    rows = []
    for child in now:
        old = earlier.pop(_child_key(child), None)
        rows.append(DrillRow(child.name, child.region, child.organization_id, child.figure,
                             old.figure if old else None,
                             change(child.figure.value, old.figure.value if old else None,
                                    spec), spec.unit))
    for old in earlier.values():
        rows.append(DrillRow(old.name, old.region, old.organization_id,
                             queries.Figure(spec.code, None), old.figure, None, spec.unit))
    return rows


def kpi_report(spec: KpiSpec, region: Region, span: periods.Span) -> KpiReport:
    """Everything a KPI's page and its export show."""
    before, year_ago = periods.previous(span), periods.year_ago(span)
    figure = queries.figure(spec.code, region, span.period)
    previous = queries.figure(spec.code, region, before)
    last_year = queries.figure(spec.code, region, year_ago)
    first_month = periods.recent_months(span.period.end, HISTORY_MONTHS)[0].start
    return KpiReport(
        spec=spec, region=region, span=span, figure=figure,
        previous=Compared(_("Previous period"), before, previous,
                          change(figure.value, previous.value, spec), spec.unit),
        year_ago=Compared(_("Same period last year"), year_ago, last_year,
                          change(figure.value, last_year.value, spec), spec.unit),
        rows=drill_rows(spec, region, span, before),
        days=queries.series(spec.code, region, span.period.start, span.period.end, "day"),
        months=queries.series(spec.code, region, first_month, span.period.end, "month"),
    )


def _cache_key(kind: str, region: Region, span: periods.Span, as_of: object) -> str:
    """What a cached figure depends on: the region, the period (its end moves with today), the
    rollups' state (`as_of`, changed by every refresh) and the language."""
    stamp = as_of.timestamp() if isinstance(as_of, dt.datetime) else 0
    return (f"cockpit:{kind}:{region.pk}:{span.key}:{span.period.end}:{stamp}:"
            f"{translation.get_language()}")


def cached_report(spec: KpiSpec, region: Region, span: periods.Span,
                  as_of: object) -> KpiReport:
    """kpi_report, kept per KPI, region, period and language until the rollups are next
    refreshed (the same for every reader allowed to see the region)."""
    key = _cache_key(f"report:{spec.code}", region, span, as_of)
    report: KpiReport | None = cache.get(key)
    if report is None:
        report = kpi_report(spec, region, span)
        cache.set(key, report, THEMES_CACHE_SECONDS)
    return report


# --- Page furniture --------------------------------------------------------------------------

def breadcrumb(user: Any, region: Region) -> list[tuple[Region, bool]]:
    """The region's ancestors from the province down and itself, each with whether it is a
    link (the user may view it). Scopes are whole subtrees, so once an ancestor is viewable every
    one below it is: the check runs top-down and stops at the first viewable one."""
    codes = region.path.split("/")
    chain = sorted(Region.objects.filter(code__in=codes[:-1]), key=lambda r: len(r.path))
    out, viewable = [], False
    for ancestor in chain:
        viewable = viewable or permissions.can_view_region(user, ancestor)
        out.append((ancestor, viewable))
    out.append((region, False))
    return out


def period_choices(span: periods.Span | None) -> list[dict[str, object]]:
    """The quick periods: this month, last month, this year."""
    today = timezone.localdate()
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    keys = [(f"{today:%Y-%m}", _("This month")), (f"{last_month:%Y-%m}", _("Last month")),
            (f"{today:%Y}", _("This year"))]
    current = span.key if span else ""
    return [{"key": key, "label": label, "active": key == current} for key, label in keys]


def _frame(request: HttpRequest, region: Region, span: periods.Span | None,
           base_url: str) -> dict[str, object]:
    """What every cockpit page shows around its figures."""
    return {
        "region": region, "span": span, "query": query_string(region, span),
        "base_url": base_url, "crumbs": breadcrumb(request.user, region),
        "choices": period_choices(span), "as_of": rollups.last_refreshed(),
        "range_start": span.period.start if span else None,
        "range_end": span.period.end if span else None,
    }


# --- Home --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Card:
    spec: KpiSpec
    value: str
    target: str | None
    met: bool | None
    change: Change | None


def _card(spec: KpiSpec, now: queries.Figure, before: queries.Figure) -> Card:
    target = None if spec.target is None else catalog.fmt(spec.target, spec.unit)
    return Card(spec, catalog.fmt(now.value, spec.unit), target,
                catalog.meets(now.value, spec), change(now.value, before.value, spec))


def _spark(spec: KpiSpec, points: list[tuple[dt.date, float | None]]) -> dict[str, object]:
    return {"x": [d.isoformat() for d, _v in points],
            "y": [catalog.plain(v, spec.unit) for _d, v in points],
            "suffix": "%" if spec.unit == "rate" else ""}


def _themes(region: Region, span: periods.Span) -> tuple[list[dict[str, object]],
                                                          dict[str, object]]:
    """The cards by theme and their sparklines; one figures() read per period."""
    groups = catalog.themes()
    codes = [spec.code for _theme, specs in groups for spec in specs]
    now = queries.figures(codes, region, span.period)
    before = queries.figures(codes, region, periods.previous(span))
    cards = [{"theme": theme, "cards": [_card(s, now[s.code], before[s.code]) for s in specs]}
             for theme, specs in groups]
    end = span.period.end
    points = queries.series_many(codes, region, end - dt.timedelta(days=SPARK_DAYS - 1), end)
    sparks: dict[str, object] = {spec.code: _spark(spec, points[spec.code])
                                 for _theme, specs in groups for spec in specs}
    return cards, sparks


def _themes_html(region: Region, span: periods.Span, frame: dict[str, object]) -> str:
    """The cards' fragment, cached per region, period, language and rollup state: every reader
    of a region sees the same figures until the next refresh changes `as_of`, so a page view
    reads the rollups once per refresh and process, not once per view."""
    key = _cache_key("themes", region, span, frame["as_of"])
    html = cache.get(key)
    if html is None:
        groups, sparks = _themes(region, span)
        html = render_to_string("cockpit/_themes.html", {
            "groups": groups, "sparks": sparks, "query": frame["query"]})
        cache.set(key, html, THEMES_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered above by the template engine, escaped there


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(permissions.can_use_cockpit(user))
    region = region_from(request)
    context: dict[str, object] = {"can_refresh": permissions.can_refresh(user),
                                  "subregions": queries.subregions(region)}
    try:
        span = span_from(request)
    except ActionError as exc:
        context.update(_frame(request, region, None, reverse("cockpit:home")))
        return render(request, "cockpit/home.html", {**context, "error": exc.message},
                      status=400)
    context.update(_frame(request, region, span, reverse("cockpit:home")))
    context["themes_html"] = _themes_html(region, span, context)
    return render(request, "cockpit/home.html", context)


def _home_url(data: QueryDict) -> str:
    """Back to the page the button was on (its region and period, when well formed)."""
    params = {}
    region, period = data.get("region", ""), data.get("period", "")
    if _REGION_CODE.match(region):
        params["region"] = region
    if _PERIOD_KEY.match(period):
        params["period"] = period
    url = reverse("cockpit:home")
    return f"{url}?{urlencode(params)}" if params else url


@login_required
@require_POST
def refresh(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(permissions.can_refresh(user))
    try:
        reports = actions.do_refresh_rollups(user, [timezone.localdate()])
    except ActionError as exc:
        messages.error(request, exc.message)
        return redirect(_home_url(request.POST))
    messages.success(request, _("Today's figures were recomputed: %(kpis)d indicators, "
                                "%(rows)d rows.") % {"kpis": sum(r.kpis for r in reports),
                                                     "rows": sum(r.rows for r in reports)})
    failed = sorted({code for r in reports for code in r.errors})
    if failed:
        messages.warning(request, _("These indicators failed and keep their previous "
                                    "figures: %(codes)s") % {"codes": ", ".join(failed)})
    return redirect(_home_url(request.POST))


# --- A KPI's page ------------------------------------------------------------------------------

def _series_data(points: list[tuple[dt.date, float | None]], unit: str,
                 month: bool = False) -> dict[str, object]:
    return {"x": [d.strftime("%Y-%m" if month else "%Y-%m-%d") for d, _v in points],
            "y": [catalog.plain(v, unit) for _d, v in points]}


def _charts(report: KpiReport) -> dict[str, object]:
    unit = report.spec.unit
    return {
        "suffix": "%" if unit == "rate" else "",
        "months": _series_data(report.months, unit, month=True),
        "days": _series_data(report.days, unit),
        "children": {"names": [r.name for r in report.rows],
                     "values": [catalog.plain(r.figure.value, unit) for r in report.rows]},
        "labels": {"value": str(report.spec.name), "before": _("Previous period")},
        "before": [catalog.plain(r.before.value if r.before else None, unit)
                   for r in report.rows],
    }


def unit_labels(spec: KpiSpec) -> dict[str, object]:
    """How the page and the export name the unit and the two additive parts."""
    return {"unit": UNIT_LABELS.get(spec.unit, spec.unit),
            "numerator": NUMERATOR_LABELS.get(spec.unit, _("Numerator")),
            "denominator": (None if spec.unit == "count"
                            else DENOMINATOR_LABELS.get(spec.unit, DEFAULT_DENOMINATOR))}


@login_required
@require_GET
def kpi_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    require(permissions.can_use_cockpit(user))
    spec = catalog.spec_or_404(code)
    region = region_from(request)
    base_url = reverse("cockpit:kpi", args=[spec.code])
    context: dict[str, object] = {"spec": spec, **unit_labels(spec),
                                  "target": (None if spec.target is None
                                             else catalog.fmt(spec.target, spec.unit))}
    try:
        span = span_from(request)
    except ActionError as exc:
        context.update(_frame(request, region, None, base_url))
        return render(request, "cockpit/kpi.html", {**context, "error": exc.message},
                      status=400)
    context.update(_frame(request, region, span, base_url))
    report = cached_report(spec, region, span, context["as_of"])
    context.update({"report": report, "value": catalog.fmt(report.figure.value, spec.unit),
                    "met": catalog.meets(report.figure.value, spec),
                    "compared": [report.previous, report.year_ago], "charts": _charts(report)})
    return render(request, "cockpit/kpi.html", context)
