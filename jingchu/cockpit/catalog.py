"""How the cockpit presents the KPIs: the themes it groups them under, and their formatting.

The KPIs themselves (definition, source, unit, target) are the apps' (jingchu.core.kpi); a code
no theme lists still shows, under "Other".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from jingchu.core import kpi


@dataclass(frozen=True)
class Theme:
    key: str
    label: object
    codes: tuple[str, ...]


THEMES: list[Theme] = [
    Theme("services", gettext_lazy("One-stop services"), (
        "services.province_wide_share", "services.fully_online_share",
        "services.zero_visit_share", "services.no_upload_material_share", "cases.submitted",
        "cases.on_time_rate", "cases.handling_days", "cases.promised_days",
        "cases.startup_handling_days", "cases.startup_steps")),
    Theme("reviews", gettext_lazy("Service ratings"), (
        "reviews.good_rate", "reviews.rectification_on_time_rate")),
    Theme("hotline", gettext_lazy("12345 hotline"), (
        "hotline.received", "hotline.on_time_rate", "hotline.satisfaction_rate")),
    Theme("supervision", pgettext_lazy("cockpit theme", "Supervision"), (
        "supervision.item_coverage", "supervision.inspections_ended",
        "supervision.publication_timeliness")),
    Theme("sharing", gettext_lazy("Data sharing"), (
        "sharing.registration_rate", "sharing.mounting_rate", "sharing.demand_met_rate",
        "sharing.calls", "sharing.calls_refused")),
    Theme("quality", gettext_lazy("Data quality"), (
        "lake.quality_overall", "lake.quality_conformity", "lake.quality_accuracy",
        "lake.quality_consistency", "lake.quality_completeness", "lake.quality_timeliness")),
    Theme("licenses", gettext_lazy("E-licences"), ("licenses.issued", "licenses.uses")),
]

# The live counters of the big screen: today's events.
COUNTERS = ("cases.submitted", "hotline.received", "sharing.calls", "licenses.issued",
            "licenses.uses")


def themes() -> list[tuple[Theme, list[kpi.KpiSpec]]]:
    """Every theme with its registered specs, and "Other" for codes no theme lists."""
    specs = kpi.registry()
    listed = {c for t in THEMES for c in t.codes}
    out = [(t, [specs[c] for c in t.codes if c in specs]) for t in THEMES]
    rest = [s for c, s in sorted(specs.items()) if c not in listed]
    if rest:
        out.append((Theme("other", gettext_lazy("Other"), tuple(s.code for s in rest)), rest))
    return [(t, found) for t, found in out if found]


def spec_or_404(code: str) -> kpi.KpiSpec:
    found = kpi.registry().get(code)
    if found is None:
        raise Http404(_("No such indicator."))
    return found


def fmt(value: float | None, unit: str) -> str:
    """A figure as a page shows it: 83.2%, 4.3 days, 1,234; a dash when there is none."""
    if value is None:
        return "—"
    if unit == "rate":
        return f"{value * 100:.1f}%"
    if unit == "count":
        return f"{value:,.0f}"
    suffix = {"days": _("days"), "hours": _("hours"), "steps": _("steps"),
              "score": _("points")}.get(unit, "")
    return f"{value:,.1f} {suffix}".strip()


def plain(value: float | None, unit: str) -> float | None:
    """A figure for charts and exports: a rate in percent, others as they are, 2 decimals."""
    if value is None:
        return None
    return round(value * 100 if unit == "rate" else value, 2)


def meets(value: float | None, spec: kpi.KpiSpec) -> bool | None:
    """Whether a figure meets the plan's target (None: no target or no figure)."""
    if value is None or spec.target is None:
        return None
    return value >= spec.target if spec.higher_is_better else value <= spec.target
