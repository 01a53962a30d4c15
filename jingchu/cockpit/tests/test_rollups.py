"""Rollup refresh: every KPI's day replaced whole, regions added up the tree, snapshots only on
their own day, failures kept apart, due days, and the refresh action's permission and audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jingchu.cockpit import actions, queries, rollups
from jingchu.cockpit.models import OrgDay, RefreshRun, RegionDay
from jingchu.cockpit.tests.conftest import JIANGAN, PROVINCE, WUHAN, YICHANG, region
from jingchu.core.errors import NotPermitted
from jingchu.core.kpi import KpiRow, KpiSpec, registry
from jingchu.core.models import AuditEvent
from jingchu.core.periods import Period

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 6, 3)


def _fake(monkeypatch: Any, specs: list[KpiSpec]) -> None:
    monkeypatch.setattr(rollups.kpi, "registry", lambda: {s.code: s for s in specs})
    monkeypatch.setattr(queries.kpi, "registry", lambda: {s.code: s for s in specs})


def _spec(code: str, rows: Any, unit: str = "rate", snapshot: bool = False) -> KpiSpec:
    return KpiSpec(code=code, name=code, definition="", source="test", unit=unit,  # type: ignore[arg-type]
                   compute=rows, snapshot=snapshot)


def test_rows_are_added_up_every_level(monkeypatch: Any, demo_orgs: dict[str, Any]) -> None:
    ja, wh, yc = demo_orgs["wh-ja-scjg"], demo_orgs["wh-scjg"], demo_orgs["yc-scjg"]

    def rows(start: dt.date, end: dt.date) -> list[KpiRow]:
        return [KpiRow(DAY, ja.pk, ja.region_id, 3, 4), KpiRow(DAY, wh.pk, None, 5, 6),
                KpiRow(DAY, yc.pk, yc.region_id, 1, 2), KpiRow(DAY, None, None, 7, 8),
                KpiRow(DAY + dt.timedelta(days=1), wh.pk, None, 100, 100)]  # not the day asked

    _fake(monkeypatch, [_spec("t.rate", rows)])
    report = rollups.refresh_day(DAY)
    assert (report.kpis, report.rows, report.errors) == (1, 4, {})
    sums = {r.region.code: (r.level, r.numerator, r.denominator)
            for r in RegionDay.objects.select_related("region")}
    assert sums == {
        PROVINCE: ("province", 16.0, 20.0),  # every row, the one without a region too
        WUHAN: ("city", 8.0, 10.0),  # 江岸区's row and the city-level one (region from its org)
        JIANGAN: ("county", 3.0, 4.0),
        YICHANG: ("city", 1.0, 2.0),
    }
    assert OrgDay.objects.filter(organization=wh).get().region_path == region(WUHAN).path
    assert queries.figure("t.rate", region(WUHAN), Period(DAY, DAY)).value == pytest.approx(0.8)


def test_a_refresh_replaces_the_day(monkeypatch: Any, demo_orgs: dict[str, Any]) -> None:
    org = demo_orgs["wh-scjg"]
    answer = [KpiRow(DAY, org.pk, org.region_id, 1, 1)]
    _fake(monkeypatch, [_spec("t.count", lambda s, e: answer, unit="count")])
    rollups.refresh_day(DAY)
    answer = [KpiRow(DAY, org.pk, org.region_id, 5, 5)]
    rollups.refresh_day(DAY)
    assert OrgDay.objects.get().numerator == 5.0
    assert RegionDay.objects.get(region__code=PROVINCE).numerator == 5.0
    assert RefreshRun.objects.get().rows == 1


def test_a_failing_kpi_keeps_its_rollup_and_the_others_go_on(
        monkeypatch: Any, demo_orgs: dict[str, Any]) -> None:
    org = demo_orgs["wh-scjg"]
    state = {"fail": False}

    def flaky(start: dt.date, end: dt.date) -> list[KpiRow]:
        if state["fail"]:
            raise RuntimeError("table missing")
        return [KpiRow(DAY, org.pk, org.region_id, 2, 2)]

    _fake(monkeypatch, [_spec("t.flaky", flaky, unit="count"),
                        _spec("t.fine", lambda s, e: [KpiRow(DAY, org.pk, None, 1, 1)],
                              unit="count")])
    rollups.refresh_day(DAY)
    state["fail"] = True
    report = rollups.refresh_day(DAY)
    assert report.errors == {"t.flaky": "RuntimeError: table missing"}
    assert report.kpis == 1
    assert OrgDay.objects.get(kpi_code="t.flaky").numerator == 2.0  # the old day stays
    assert RefreshRun.objects.get(kpi_code="t.flaky").error == "RuntimeError: table missing"


def test_snapshots_are_taken_only_today(monkeypatch: Any, demo_orgs: dict[str, Any]) -> None:
    org = demo_orgs["wh-scjg"]
    today = timezone.localdate()
    _fake(monkeypatch, [_spec("t.share", lambda s, e: [KpiRow(e, org.pk, None, 1, 2)],
                              snapshot=True)])
    assert rollups.refresh_day(today - dt.timedelta(days=1)).skipped == ["t.share"]
    assert not OrgDay.objects.exists()
    rollups.refresh_day(today)
    assert OrgDay.objects.get().day == today


def test_due_days(demo_orgs: dict[str, Any]) -> None:
    now = timezone.make_aware(dt.datetime(2026, 6, 10, 9, 0))
    today = dt.date(2026, 6, 10)
    started = timezone.make_aware(dt.datetime(2026, 6, 9, 23, 0))  # before the 9th settled
    RefreshRun.objects.create(kpi_code="x", day=dt.date(2026, 6, 9), started_at=started,
                              finished_at=started)
    settled = timezone.make_aware(dt.datetime(2026, 6, 10, 3, 0))  # after the 8th settled
    RefreshRun.objects.create(kpi_code="x", day=dt.date(2026, 6, 8), started_at=settled,
                              finished_at=settled)
    due = rollups.due_days(now)
    assert due[0] == today
    assert dt.date(2026, 6, 9) in due  # refreshed before it settled
    assert dt.date(2026, 6, 8) not in due  # final
    assert dt.date(2026, 5, 10) in due and dt.date(2026, 5, 9) not in due  # 31 days back
    assert len(due) == 1 + 30


def test_every_registered_kpi_refreshes_on_demo_data(demo_world: dict[str, Any]) -> None:
    """The apps' real functions, through the real registry: no KPI fails."""
    report = rollups.refresh_day(timezone.localdate())
    assert report.errors == {}
    assert report.kpis == len(registry())


def test_refresh_action_permission_and_audit(people: dict[str, Any]) -> None:
    with pytest.raises(NotPermitted):
        actions.do_refresh_rollups(people["wh_leader"], [DAY])
    actions.do_refresh_rollups(people["hb_steward"], [DAY, DAY - dt.timedelta(days=1)])
    event = AuditEvent.objects.get(action="cockpit.rollups_refreshed")
    assert event.details["days"] == 2
    assert RefreshRun.objects.filter(day=DAY).count() > 0


def test_kpis_resting_on_one_query_share_it_within_a_refresh(
        demo_world: dict[str, Any]) -> None:
    """The cases' handling days, promised days and on-time rate come from one query on the
    day's completed cases when refreshed together, and the query runs again next refresh."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jingchu.core import kpi

    codes = ["cases.handling_days", "cases.promised_days", "cases.on_time_rate"]
    for _ in range(2):
        with CaptureQueriesContext(connection) as done:
            rollups.refresh_day(DAY, codes)
        reads = [q for q in done.captured_queries
                 if q["sql"].startswith("SELECT") and '"cases_case"' in q["sql"]]
        assert len(reads) == 1
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert [kpi.shared("k", compute), kpi.shared("k", compute)] == [1, 2]  # not kept outside
    with kpi.shared_work():
        assert [kpi.shared("k", compute), kpi.shared("k", compute)] == [3, 3]
