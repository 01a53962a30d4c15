"""Refreshing the cockpit's rollups from the apps' KPI functions, one local day at a time.

A refresh asks each KPI's function (`KpiSpec.compute(day, day)`, which reads only its own app)
for the day's rows and replaces that KPI's day in `OrgDay` and `RegionDay` in one transaction,
so a page never sees half a day. A KPI whose function fails keeps its previous rollup and the
error is kept on its `RefreshRun`; the other KPIs go on.

Days are refreshed incrementally (`refresh_recent`, on Celery beat): today on every run, and each
of the last `RECENT_DAYS` days that was never refreshed or was last refreshed before it ended
(plus a margin for late writes). A snapshot KPI (`KpiSpec.snapshot`, e.g. a catalog share) is
recorded only on the day it is taken: its app cannot rebuild a past day, so a past day's
snapshot is kept as it was taken.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from jingchu.cockpit.models import OrgDay, RefreshRun, RegionDay
from jingchu.core import kpi
from jingchu.core.choices import RegionLevel
from jingchu.core.models import Organization, Region
from jingchu.core.periods import day_start

log = logging.getLogger(__name__)

RECENT_DAYS = 31
# A day is final once refreshed this long after it ended (late writes: replies, publications).
SETTLE = dt.timedelta(hours=2)
ROLLUP_LEVELS = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY)


@dataclass
class RefreshReport:
    day: dt.date
    kpis: int = 0
    rows: int = 0
    seconds: float = 0.0
    skipped: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


class _Regions:
    """Where a row's region lies: its province-, city- and county-level ancestors (itself
    included), read once per refresh."""

    def __init__(self) -> None:
        levels = Region.objects.filter(level__in=ROLLUP_LEVELS).values_list(
            "pk", "path", "level")
        self.by_path = {path: (pk, level) for pk, path, level in levels}
        self.province = next((pk for pk, level in self.by_path.values()
                              if level == RegionLevel.PROVINCE), None)
        self.paths: dict[int, str] = {}
        self.org_region: dict[int, int] = {}

    def load(self, rows: list[kpi.KpiRow]) -> None:
        orgs = {r.organization_id for r in rows if r.region_id is None and r.organization_id}
        orgs -= set(self.org_region)
        if orgs:
            self.org_region.update(Organization.objects.filter(pk__in=orgs)
                                   .values_list("pk", "region_id"))
        wanted = {self.region_of(r) for r in rows} - {None} - set(self.paths)
        if wanted:
            self.paths.update(Region.objects.filter(pk__in=wanted).values_list("pk", "path"))

    def region_of(self, row: kpi.KpiRow) -> int | None:
        if row.region_id is not None:
            return row.region_id
        return self.org_region.get(row.organization_id or 0)

    def ancestors(self, region_id: int | None) -> list[tuple[int, str]]:
        """(region, level) of the rollup regions a row counts in."""
        path = self.paths.get(region_id or 0)
        if path is None:
            return [(self.province, RegionLevel.PROVINCE)] if self.province else []
        parts = path.split("/")
        found = []
        for i in range(1, len(parts) + 1):
            hit = self.by_path.get("/".join(parts[:i]))
            if hit is not None:
                found.append(hit)
        return found


def _region_rows(code: str, day: dt.date, rows: list[kpi.KpiRow],
                 regions: _Regions) -> list[RegionDay]:
    sums: dict[tuple[int, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for row in rows:
        for key in regions.ancestors(regions.region_of(row)):
            sums[key][0] += row.numerator
            sums[key][1] += row.denominator
    return [RegionDay(kpi_code=code, day=day, region_id=region, level=level,
                      numerator=num, denominator=den)
            for (region, level), (num, den) in sums.items()]


def _org_rows(code: str, day: dt.date, rows: list[kpi.KpiRow],
              regions: _Regions) -> list[OrgDay]:
    out = []
    for row in rows:
        region = regions.region_of(row)
        out.append(OrgDay(kpi_code=code, day=day, organization_id=row.organization_id,
                          region_id=region, region_path=regions.paths.get(region or 0, ""),
                          numerator=row.numerator, denominator=row.denominator))
    return out


def _store(code: str, day: dt.date, rows: list[kpi.KpiRow], regions: _Regions,
           started: dt.datetime) -> None:
    regions.load(rows)
    with transaction.atomic():
        OrgDay.objects.filter(kpi_code=code, day=day).delete()
        RegionDay.objects.filter(kpi_code=code, day=day).delete()
        OrgDay.objects.bulk_create(_org_rows(code, day, rows, regions), batch_size=2000)
        RegionDay.objects.bulk_create(_region_rows(code, day, rows, regions), batch_size=2000)
        RefreshRun.objects.update_or_create(
            kpi_code=code, day=day,
            defaults={"started_at": started, "finished_at": timezone.now(), "rows": len(rows),
                      "error": ""})


def _failed(code: str, day: dt.date, started: dt.datetime, error: str) -> None:
    RefreshRun.objects.update_or_create(
        kpi_code=code, day=day,
        defaults={"started_at": started, "finished_at": timezone.now(), "error": error})


def refresh_day(day: dt.date, codes: Iterable[str] | None = None) -> RefreshReport:
    """Recompute one local day's rollups of every KPI (or of `codes`)."""
    clock = time.perf_counter()
    report = RefreshReport(day)
    specs = kpi.registry()
    wanted = list(specs) if codes is None else [c for c in codes if c in specs]
    regions = _Regions()
    today = timezone.localdate()
    with kpi.shared_work():
        for code in wanted:
            _refresh_one(specs[code], day, today, regions, report)
    report.seconds = time.perf_counter() - clock
    return report


def _refresh_one(spec: kpi.KpiSpec, day: dt.date, today: dt.date, regions: _Regions,
                 report: RefreshReport) -> None:
    code = spec.code
    if spec.snapshot and day != today:
        report.skipped.append(code)
        return
    started = timezone.now()
    try:
        rows = [r for r in spec.compute(day, day) if r.day == day]
    except Exception as exc:  # one app's failing figure must not stop the others
        log.exception("KPI %s failed for %s", code, day)
        report.errors[code] = f"{type(exc).__name__}: {exc}"[:500]
        _failed(code, day, started, report.errors[code])
        return
    _store(code, day, rows, regions, started)
    report.kpis += 1
    report.rows += len(rows)


def due_days(now: dt.datetime | None = None) -> list[dt.date]:
    """Today, and each recent day never refreshed or not refreshed since it settled."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    first = today - dt.timedelta(days=RECENT_DAYS)
    last_run: dict[dt.date, dt.datetime] = {}
    for day, started in (RefreshRun.objects.filter(day__gte=first, day__lt=today)
                         .values_list("day", "started_at")):
        if day not in last_run or started < last_run[day]:
            last_run[day] = started  # the oldest KPI's refresh decides
    due = [today]
    for offset in range(1, RECENT_DAYS + 1):
        day = today - dt.timedelta(days=offset)
        settled = day_start(day + dt.timedelta(days=1)) + SETTLE
        if day not in last_run or (last_run[day] < settled <= now):
            due.append(day)
    return due


def refresh_recent(now: dt.datetime | None = None) -> list[RefreshReport]:
    """The beat task's work: refresh every due day, today first."""
    return [refresh_day(day) for day in due_days(now)]


def last_refreshed() -> dt.datetime | None:
    """When the rollups were last written (for the pages' "as of")."""
    run = RefreshRun.objects.order_by("-finished_at").only("finished_at").first()
    return run.finished_at if run else None
