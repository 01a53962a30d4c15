"""The command centre's big screen (大屏): a standalone dark page with the map of Hubei coloured by
a KPI over the current month, today's live counters, the best and worst organizations, the cities
ranked (province readers), and the KPI's last 30 days.

Everything the page shows comes from `screen_payload`, embedded in the page for the first paint
and served again by `screen_data` (data.json) for the page's polling and its KPI rotation, which
happen in the browser (static/cockpit/screen.js). Figures are read from the rollups only.

What a reader is sent is cut to what they may see: the map carries only the cities in their scope
(a city's leader gets their own city, never another's figure), and the cities' ranking only goes
to province readers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.cockpit import catalog, periods, permissions, queries, rollups
from jingchu.cockpit.rollups import ROLLUP_LEVELS
from jingchu.core import kpi
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import Region
from jingchu.core.periods import Period

# The KPIs the map turns through (rates and averages: a count over a month says more about a
# city's size than its service).
SCREEN_KPIS = (
    "cases.on_time_rate", "reviews.good_rate", "hotline.on_time_rate",
    "hotline.satisfaction_rate", "services.province_wide_share", "services.fully_online_share",
    "supervision.item_coverage", "sharing.registration_rate", "cases.handling_days",
)
TOP_COUNT = 5
TREND_DAYS = 30
ROTATE_SECONDS = 15
POLL_SECONDS = 30
GEOJSON = "cockpit/hubei-cities.geojson"


# Who reads which region ------------------------------------------------------------------------

def require_cockpit(user: Any) -> None:
    if not permissions.can_use_cockpit(user):
        raise NotPermitted(_("You may not read the cockpit."))


def region_for(user: Any, code: str) -> Region:
    """The region asked for (the user's home region when none is), once the user may read it.
    Raises ActionError (unknown code, 400) or NotPermitted (403)."""
    code = (code or "").strip()
    if not code:
        found = permissions.home_region(user)
        if found is None:
            raise NotPermitted(_("You may not read the cockpit."))
        return found
    found = Region.objects.filter(code=code, level__in=ROLLUP_LEVELS).first()
    if found is None:
        raise ActionError("region_invalid",
                          _("Unknown region: give the code of the province, a city or a county."),
                          {"field": "region"})
    if not permissions.can_view_region(user, found):
        raise NotPermitted(_("You may not read this region's figures."))
    return found


def spec_for(code: str) -> kpi.KpiSpec:
    """A registered KPI by code, or the first of the screen's that is registered."""
    specs = kpi.registry()
    if not code:
        first = next((c for c in SCREEN_KPIS if c in specs), None) or next(iter(specs), None)
        if first is None:
            raise ActionError("kpi_invalid", _("No indicator is registered."), {"field": "kpi"})
        return specs[first]
    if code not in specs:
        raise ActionError("kpi_invalid", _("Unknown indicator: %(code)s.") % {"code": code[:60]},
                          {"field": "kpi"})
    return specs[code]


def viewable_cities(user: Any) -> list[Region] | None:
    """The city-level divisions the user may read whole; None for every one (the province).
    Reads the user's scope once rather than asking `can_view_region` for each of 17 cities."""
    roots = permissions.scope_roots(user)
    if roots is None:
        return None
    return [c for c in Region.objects.cities().order_by("code")
            if any(c.path == r.path or c.path.startswith(r.path + "/") for r in roots)]


def map_values(user: Any, code: str, period: Period) -> dict[str, float | None]:
    """The KPI of each city the user may read, by division code (never another's figure: a
    city's leader gets one value, and the others are not even computed)."""
    cities = viewable_cities(user)
    if cities is None:
        return queries.map_values(code, period)
    return {c.code: queries.figure(code, c, period).value for c in cities}


# The payload ------------------------------------------------------------------------------------

def _number(value: float | None, spec: kpi.KpiSpec) -> dict[str, Any]:
    return {"value": catalog.plain(value, spec.unit), "text": catalog.fmt(value, spec.unit)}


def _kpi(spec: kpi.KpiSpec) -> dict[str, Any]:
    return {"code": spec.code, "name": str(spec.name), "unit": spec.unit,
            "definition": str(spec.definition), "higher_is_better": spec.higher_is_better,
            "target": catalog.plain(spec.target, spec.unit),
            "target_text": catalog.fmt(spec.target, spec.unit) if spec.target is not None else ""}


def _counters(region: Region, today: dt.date) -> list[dict[str, Any]]:
    specs = kpi.registry()
    found = queries.figures(catalog.COUNTERS, region, Period(today, today))
    return [{"code": code, "name": str(specs[code].name), **_number(f.value, specs[code])}
            for code, f in found.items()]


def _child(child: queries.Child, spec: kpi.KpiSpec) -> dict[str, Any]:
    return {"name": child.name, "denominator": child.figure.denominator,
            **_number(child.figure.value, spec)}


def _top(spec: kpi.KpiSpec, region: Region, period: Period) -> dict[str, list[dict[str, Any]]]:
    """The best and the worst organizations (worst first), disjoint when fewer than ten count."""
    ranked = queries.top_organizations(spec.code, region, period, count=10**6)
    best = ranked[:TOP_COUNT]
    worst = ranked[max(TOP_COUNT, len(ranked) - TOP_COUNT):][::-1]
    return {"best": [_child(c, spec) for c in best], "worst": [_child(c, spec) for c in worst]}


def _ranked_cities(values: dict[str, float | None], names: dict[str, str],
                   spec: kpi.KpiSpec) -> list[dict[str, Any]]:
    """Cities best first; those without a figure last, unranked."""
    known = sorted(((v, c) for c, v in values.items() if v is not None),
                   key=lambda vc: vc[0], reverse=spec.higher_is_better)
    out = [{"rank": i, "code": c, "name": names.get(c, c), **_number(v, spec)}
           for i, (v, c) in enumerate(known, start=1)]
    out += [{"rank": None, "code": c, "name": names.get(c, c), **_number(None, spec)}
            for c, v in sorted(values.items()) if v is None]
    return out


def _as_of() -> dict[str, str]:
    when = rollups.last_refreshed()
    if when is None:
        return {"iso": "", "text": ""}
    local = timezone.localtime(when)
    return {"iso": local.isoformat(), "text": local.strftime("%Y-%m-%d %H:%M")}


def screen_payload(user: Any, region: Region, spec: kpi.KpiSpec) -> dict[str, Any]:
    """What the screen shows for a region and a KPI (the caller has checked the permissions)."""
    today = timezone.localdate()
    month = periods.parse("", today).period
    values = map_values(user, spec.code, month)
    names = dict(Region.objects.filter(code__in=values).values_list("code", "name"))
    trend = queries.series(spec.code, region, today - dt.timedelta(days=TREND_DAYS - 1), today)
    figure = queries.figure(spec.code, region, month)
    return {
        "region": {"code": region.code, "name": region.name, "level": region.level},
        "kpi": _kpi(spec),
        "period": {"start": month.start.isoformat(), "end": month.end.isoformat()},
        "figure": {**_number(figure.value, spec), "meets": catalog.meets(figure.value, spec)},
        "map": [{"code": c, "name": names.get(c, c), **_number(v, spec)}
                for c, v in sorted(values.items())],
        "counters": _counters(region, today),
        "top": _top(spec, region, month),
        "cities": (_ranked_cities(values, names, spec)
                   if permissions.can_view_province(user) else None),
        "trend": [{"day": d.isoformat(), "value": catalog.plain(v, spec.unit)} for d, v in trend],
        "as_of": _as_of(),
    }


def rotation(spec: kpi.KpiSpec) -> list[dict[str, str]]:
    """The KPIs the map turns through, the chosen one included."""
    specs = kpi.registry()
    codes = [c for c in SCREEN_KPIS if c in specs]
    if spec.code not in codes:
        codes.insert(0, spec.code)
    return [{"code": c, "name": str(specs[c].name)} for c in codes]


# The views --------------------------------------------------------------------------------------

def _error(exc: ActionError) -> JsonResponse:
    return JsonResponse(exc.as_dict(), status=exc.status)


@login_required
def screen(request: HttpRequest) -> HttpResponse:
    """The big screen (/cockpit/screen/?region=&kpi=)."""
    if not permissions.can_use_cockpit(request.user):
        raise PermissionDenied
    try:
        region = region_for(request.user, request.GET.get("region", ""))
        spec = spec_for(request.GET.get("kpi", ""))
    except NotPermitted:
        raise PermissionDenied from None
    except ActionError as exc:
        raise Http404(exc.message) from None
    config = {
        "data_url": reverse("cockpit:screen_data"), "geojson_url": static(GEOJSON),
        "region": region.code, "kpi": spec.code, "kpis": rotation(spec),
        "rotate_seconds": ROTATE_SECONDS, "poll_seconds": POLL_SECONDS,
        "time_zone": settings.TIME_ZONE,
        "labels": {"pause": _("Pause rotation"), "resume": _("Resume rotation"),
                   "no_data": _("No data"), "target": _("Target"),
                   "not_in_scope": _("Not in your scope"),
                   "all_above": _("Every ranked organization is listed above.")},
    }
    return render(request, "cockpit/screen.html", {
        "region": region, "spec": spec, "config": config,
        "data": screen_payload(request.user, region, spec),
        "province": permissions.can_view_province(request.user),
    })


def screen_data(request: HttpRequest) -> JsonResponse:
    """The screen's figures as JSON (/cockpit/screen/data.json?region=&kpi=): 401 signed out,
    403 outside the cockpit or the region, 400 for an unknown region or KPI."""
    user = request.user
    if not user.is_authenticated:
        return JsonResponse({"code": "not_authenticated", "message": _(
            "Authentication is required."), "details": {}}, status=401)
    try:
        require_cockpit(user)
        region = region_for(user, request.GET.get("region", ""))
        spec = spec_for(request.GET.get("kpi", ""))
    except ActionError as exc:
        return _error(exc)
    response = JsonResponse(screen_payload(user, region, spec))
    response["Cache-Control"] = "no-store"
    return response
