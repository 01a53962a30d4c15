"""Where an indicator's value for a city and month comes from.

- `kpi:<code>`: the platform's own figure, times the indicator's `kpi_scale`. It is read from
  the cockpit's rollups (`jingchu.cockpit.queries`) when they cover the month (every day of it
  refreshed without error; for a snapshot KPI, at least one day); otherwise the apps' own KPI
  functions are asked (`jingchu.core.kpi`, never their tables): the spec's rows for the
  month's local days whose region is the city or below it (a Region.path prefix), added up
  with `kpi.value`. Codes are resolved when the month is evaluated; a code no app registers,
  or one whose function fails, gives no platform figure (reported, not an error).
- Imported departmental data (`ImportedValue`): used for `import` indicators, and for a `kpi:`
  indicator whose platform figure is missing that month.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from jingchu.bizenv import months
from jingchu.bizenv.choices import MissingReason, ValueSource
from jingchu.bizenv.models import ImportedValue, Indicator
from jingchu.core import kpi
from jingchu.core.models import Region
from jingchu.core.periods import Period

log = logging.getLogger(__name__)


@dataclass
class Found:
    """A value and where it came from, or why there is none."""

    value: float | None
    source: str = ValueSource.NONE
    reason: str = MissingReason.NO_VALUE


@dataclass
class PlatformFigures:
    """Platform figures of a month by (indicator code, city path), and the codes that could
    not be had (not registered, or failed)."""

    values: dict[tuple[str, str], float] = field(default_factory=dict)
    unknown: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)


def _city_of(region_paths: dict[int, str], cities: Sequence[Region]) -> dict[int, str]:
    """Each region id's city path (regions outside every city are left out)."""
    found: dict[int, str] = {}
    for region_id, path in region_paths.items():
        for city in cities:
            if path == city.path or path.startswith(city.path + "/"):
                found[region_id] = city.path
                break
    return found


def _rows_by_city(rows: Iterable[kpi.KpiRow], cities: Sequence[Region]
                  ) -> dict[str, list[kpi.KpiRow]]:
    rows = [r for r in rows if r.region_id is not None]
    paths = dict(Region.objects.filter(pk__in={r.region_id for r in rows})
                 .values_list("pk", "path"))
    city_of = _city_of(paths, cities)
    grouped: dict[str, list[kpi.KpiRow]] = defaultdict(list)
    for row in rows:
        city = city_of.get(int(row.region_id or 0))
        if city is not None:
            grouped[city].append(row)
    return grouped


def _rollups_cover(spec: kpi.KpiSpec, start: dt.date, end: dt.date) -> bool:
    """Whether the cockpit's rollups hold the KPI for the whole month (up to today)."""
    from django.utils import timezone

    from jingchu.cockpit.models import RefreshRun

    end = min(end, timezone.localdate())
    if end < start:
        return False
    done = RefreshRun.objects.filter(kpi_code=spec.code, day__gte=start, day__lte=end,
                                     error="").count()
    return done > 0 if spec.snapshot else done == (end - start).days + 1


def _from_rollups(indicator: Indicator, cities: Sequence[Region], period: Period,
                  figures: PlatformFigures) -> None:
    from jingchu.cockpit import queries

    for city in cities:
        found = queries.figure(indicator.kpi_code, city, period).value
        if found is not None:
            figures.values[(indicator.code, city.path)] = found * indicator.kpi_scale


def platform_figures(month: dt.date, indicators: Sequence[Indicator],
                     cities: Sequence[Region]) -> PlatformFigures:
    """The platform figures of every `kpi:` indicator for every city in the month."""
    figures = PlatformFigures()
    wanted = [i for i in indicators if i.kpi_code]
    if not wanted:
        return figures
    specs = kpi.registry()
    start, end = month, months.last_day(month)
    for indicator in wanted:
        spec = specs.get(indicator.kpi_code)
        if spec is None:
            figures.unknown.add(indicator.kpi_code)
            continue
        if _rollups_cover(spec, start, end):
            _from_rollups(indicator, cities, Period(start, end), figures)
            continue
        try:
            rows = list(spec.compute(start, end))
        except Exception:  # another app's figure failing must not stop the month's evaluation
            log.exception("KPI %s failed for %s", indicator.kpi_code, months.label(month))
            figures.failed.add(indicator.kpi_code)
            continue
        for city_path, city_rows in _rows_by_city(rows, cities).items():
            found = kpi.value(city_rows, spec.unit, spec.snapshot)
            if found is not None:
                figures.values[(indicator.code, city_path)] = found * indicator.kpi_scale
    return figures


def imported_values(month: dt.date) -> dict[tuple[str, str], float]:
    """Imported figures of the month by (indicator code, city path)."""
    rows = ImportedValue.objects.filter(month=month).values_list(
        "indicator__code", "region__path", "value")
    return {(code, path): value for code, path, value in rows}


def resolve(indicator: Indicator, city: Region, platform: PlatformFigures,
            imported: dict[tuple[str, str], float]) -> Found:
    """The value of one indicator for one city: the platform figure first for a `kpi:`
    indicator, else the imported one, else missing with the reason."""
    key = (indicator.code, city.path)
    if indicator.kpi_code and key in platform.values:
        return Found(platform.values[key], ValueSource.PLATFORM, MissingReason.PRESENT)
    if key in imported:
        return Found(imported[key], ValueSource.IMPORT, MissingReason.PRESENT)
    if indicator.kpi_code in platform.unknown:
        return Found(None, ValueSource.NONE, MissingReason.UNKNOWN_KPI)
    if indicator.kpi_code in platform.failed:
        return Found(None, ValueSource.NONE, MissingReason.KPI_ERROR)
    return Found(None, ValueSource.NONE, MissingReason.NO_VALUE)
