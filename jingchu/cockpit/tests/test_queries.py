"""Figures read from the rollups, computed by hand: sums over periods, snapshots, series,
drill-down at every level, the map and top lists; scope and periods."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jingchu.cockpit import periods, permissions, queries
from jingchu.cockpit.tests.conftest import (
    HONGSHAN,
    JIANGAN,
    PROVINCE,
    WUHAN,
    XIANGYANG,
    YICHANG,
    Store,
    region,
)
from jingchu.core.errors import ActionError
from jingchu.core.periods import Period

pytestmark = pytest.mark.django_db
D1, D2, D3 = dt.date(2026, 6, 1), dt.date(2026, 6, 2), dt.date(2026, 6, 3)
JUNE = Period(dt.date(2026, 6, 1), dt.date(2026, 6, 30))


def test_a_rate_over_days_is_sum_over_sum(rollup: Store) -> None:
    rollup("cases.on_time_rate", D1, [("wh-scjg", 8, 10), ("yc-scjg", 1, 2)])
    rollup("cases.on_time_rate", D2, [("wh-ja-scjg", 0, 4)])
    found = queries.figures(["cases.on_time_rate", "cases.submitted"], region(PROVINCE), JUNE)
    assert found["cases.on_time_rate"].value == pytest.approx(9 / 16)
    assert found["cases.submitted"].value is None  # never refreshed: no figure, not zero
    assert queries.figure("cases.on_time_rate", region(WUHAN), JUNE).value == pytest.approx(
        8 / 14)
    assert queries.figure("cases.on_time_rate", region(WUHAN), Period(D2, D2)).value == 0.0


def test_a_snapshot_over_a_period_is_its_latest_day(rollup: Store) -> None:
    rollup("services.province_wide_share", D1, [("wh-scjg", 1, 10)])
    rollup("services.province_wide_share", D3, [("wh-scjg", 6, 10), ("yc-scjg", 2, 10)])
    rollup("services.province_wide_share", D2, [("wh-scjg", 9, 10)])
    assert queries.figure("services.province_wide_share", region(PROVINCE),
                          JUNE).value == pytest.approx(8 / 20)
    cities = {c.region.code: c.figure.value for c in queries.children(
        "services.province_wide_share", region(PROVINCE), Period(D1, D2)) if c.region}
    assert cities[WUHAN] == pytest.approx(0.9)
    assert cities[YICHANG] is None


def test_series_by_day_and_month(rollup: Store) -> None:
    rollup("cases.submitted", D1, [("wh-scjg", 3, 3)])
    rollup("cases.submitted", D3, [("wh-scjg", 4, 4)])
    rollup("cases.submitted", dt.date(2026, 5, 31), [("wh-scjg", 2, 2)])
    # D2 was refreshed and had nothing: a zero for a count; 4 June never refreshed: no value.
    from jingchu.cockpit import rollups
    rollups._store("cases.submitted", D2, [], rollups._Regions(), timezone.now())
    daily = queries.series("cases.submitted", region(WUHAN), D1, dt.date(2026, 6, 4))
    assert daily == [(D1, 3.0), (D2, 0.0), (D3, 7.0 - 3.0), (dt.date(2026, 6, 4), None)]
    monthly = queries.series("cases.submitted", region(PROVINCE), dt.date(2026, 5, 1),
                             dt.date(2026, 6, 30), grain="month")
    assert monthly == [(dt.date(2026, 5, 1), 2.0), (dt.date(2026, 6, 1), 7.0)]


def test_drill_down_province_city_county(rollup: Store) -> None:
    rollup("hotline.on_time_rate", D1, [("wh-scjg", 1, 2), ("wh-ja-scjg", 3, 3),
                                        ("hs-cgj", 0, 1), ("yc-scjg", 1, 1)])
    at_province = queries.children("hotline.on_time_rate", region(PROVINCE), JUNE)
    assert len(at_province) == 17 and all(c.region for c in at_province)
    by_code = {c.region.code: c.figure for c in at_province if c.region}
    assert by_code[WUHAN].value == pytest.approx(4 / 6)
    assert (by_code[WUHAN].numerator, by_code[WUHAN].denominator) == (4.0, 6.0)
    assert by_code[XIANGYANG].value is None
    at_wuhan = queries.children("hotline.on_time_rate", region(WUHAN), JUNE)
    counties = {c.region.code: c.figure.value for c in at_wuhan if c.region}
    assert counties[JIANGAN] == 1.0 and counties[HONGSHAN] == 0.0
    assert len(counties) == 13  # Wuhan's 13 districts
    orgs = [(c.name, c.figure.value) for c in at_wuhan if c.organization_id]
    assert orgs == [("武汉市市场监督管理局", 0.5)]  # the city-level organization itself
    at_jiangan = queries.children("hotline.on_time_rate", region(JIANGAN), JUNE)
    assert [(c.name, c.figure.value) for c in at_jiangan] == [("武汉市江岸区市场监督管理局", 1.0)]


def test_map_and_top_organizations(rollup: Store) -> None:
    rollup("reviews.good_rate", D1, [("wh-scjg", 9, 10), ("wh-ja-scjg", 5, 10),
                                     ("yc-scjg", 2, 2), ("hs-cgj", 10, 10)])
    values = queries.map_values("reviews.good_rate", JUNE)
    assert len(values) == 17
    assert values[WUHAN] == pytest.approx(24 / 30) and values[YICHANG] == 1.0
    top = queries.top_organizations("reviews.good_rate", region(PROVINCE), JUNE, count=2)
    assert [c.name for c in top] == ["武汉市洪山区城市管理执法局", "武汉市市场监督管理局"]
    # 宜昌 has 2/2 = 100% but too few ratings to rank.


def test_scope(people: dict[str, Any]) -> None:
    assert permissions.scope_roots(people["hb_leader"]) is None
    assert [r.code for r in permissions.scope_roots(people["wh_leader"]) or []] == [WUHAN]
    assert [r.code for r in permissions.scope_roots(people["ja_auditor"]) or []] == [JIANGAN]
    assert permissions.scope_roots(people["wh_clerk"]) == []
    assert permissions.scope_roots(people["citizen"]) == []
    assert permissions.can_view_region(people["wh_leader"], region(JIANGAN))
    assert not permissions.can_view_region(people["wh_leader"], region(YICHANG))
    assert not permissions.can_view_region(people["xy_leader"], region(WUHAN))
    assert not permissions.can_view_region(people["ja_auditor"], region(WUHAN))
    assert permissions.home_region(people["xy_leader"]).code == XIANGYANG  # type: ignore[union-attr]
    assert permissions.home_region(people["hb_leader"]).code == PROVINCE  # type: ignore[union-attr]
    assert not permissions.can_use_cockpit(people["wh_clerk"])
    assert permissions.can_refresh(people["hb_steward"])
    assert not permissions.can_refresh(people["hb_leader"])  # an approver reads, not runs
    assert not permissions.can_refresh(people["wh_leader"])


TODAY = dt.date(2026, 6, 20)


@pytest.mark.parametrize(("raw", "start", "end", "before"), [
    ("", "2026-06-01", "2026-06-20", ("2026-05-01", "2026-05-20")),
    ("2026-05", "2026-05-01", "2026-05-31", ("2026-04-01", "2026-04-30")),
    ("2026-03", "2026-03-01", "2026-03-31", ("2026-02-01", "2026-02-28")),
    ("2026", "2026-01-01", "2026-06-20", ("2025-01-01", "2025-06-20")),
    ("2026-06-01..2026-06-10", "2026-06-01", "2026-06-10", ("2026-05-22", "2026-05-31")),
])
def test_periods(raw: str, start: str, end: str, before: tuple[str, str]) -> None:
    span = periods.parse(raw, TODAY)
    assert (span.period.start.isoformat(), span.period.end.isoformat()) == (start, end)
    prev = periods.previous(span)
    assert (prev.start.isoformat(), prev.end.isoformat()) == before
    ago = periods.year_ago(span)
    assert ago.start.year == span.period.start.year - 1


@pytest.mark.parametrize("raw", ["2026-13", "june", "2026-06-10..2026-06-01", "2027-01",
                                 "2025-01-01..2026-06-01"])
def test_bad_periods_are_refused(raw: str) -> None:
    with pytest.raises(ActionError) as refused:
        periods.parse(raw, TODAY)
    assert refused.value.details == {"field": "period"}


def test_recent_months() -> None:
    found = periods.recent_months(dt.date(2026, 2, 10), 3)
    assert [(p.start.isoformat(), p.end.isoformat()) for p in found] == [
        ("2025-12-01", "2025-12-31"), ("2026-01-01", "2026-01-31"), ("2026-02-01", "2026-02-10")]
