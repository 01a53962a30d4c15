"""The supervision KPI feeds on the statistics tests' inspections (test_stats_inspections'
`figures`), against figures counted by hand and against jingchu.supervision.stats:

- a, b (round plan of 市场监管局, items SC-001 SC-002): ended 09-04, due 10-09; a published 10-09,
  b 10-12 (late); c (round plan): ended 09-10, due 10-14, unpublished;
- d (joint plan of 市场监管局 with 生态环境局, item HJ-001 of 生态环境局): ended 09-25, due 10-29,
  unpublished. Active items: SC-001..003 (市场监管局), HJ-001 (生态环境局). Today is 2026-10-20.
"""

from __future__ import annotations

import datetime as dt

import pytest

from jingchu.core.kpi import KpiRow, registry, value
from jingchu.supervision import kpis, stats
from jingchu.supervision.models import Inspection
from jingchu.supervision.tests.test_inspections_world import World
from jingchu.supervision.tests.test_stats_inspections import figures as _figures
from jingchu.supervision.tests.test_stats_inspections import round_world as _round_world

figures, round_world = _figures, _round_world  # the fixtures, found here by pytest
pytestmark = pytest.mark.django_db
D = dt.date
UTC = dt.UTC


def parts(rows: list[KpiRow]) -> dict[tuple[dt.date, int | None], tuple[float, float]]:
    return {(r.day, r.organization_id): (r.numerator, r.denominator) for r in rows}


def test_item_coverage_over_the_365_days_ending_on_each_day(figures: World) -> None:
    amr, env = figures["amr"], figures["env"]
    rows = kpis.item_coverage(D(2026, 10, 20), D(2026, 10, 20))
    # 市场监管局: SC-001 and SC-002 covered (a, b, c), SC-003 not; 生态环境局: HJ-001 (d)
    assert parts(rows) == {(D(2026, 10, 20), amr.pk): (2.0, 3.0),
                           (D(2026, 10, 20), env.pk): (1.0, 1.0)}
    assert {r.region_id for r in rows if r.organization_id == env.pk} == {env.region_id}
    assert value(rows, "rate") == 0.75  # (2 + 1) / (3 + 1), below the 0.8 target
    # 2027-09-09's window starts 2026-09-10 (c still in it); 2027-09-10's starts 09-11
    later = parts(kpis.item_coverage(D(2027, 9, 9), D(2027, 9, 10)))
    assert later == {(D(2027, 9, 9), amr.pk): (2.0, 3.0), (D(2027, 9, 9), env.pk): (1.0, 1.0),
                     (D(2027, 9, 10), amr.pk): (0.0, 3.0), (D(2027, 9, 10), env.pk): (1.0, 1.0)}
    for day in (D(2026, 10, 20), D(2027, 9, 10)):  # the same definition as the KPI page's
        page = stats.item_coverage(kpis.coverage_window(day), amr)
        assert parts(kpis.item_coverage(day, day))[(day, amr.pk)] == (page.covered, page.active)


def test_inspections_ended_per_day_and_department(figures: World) -> None:
    amr, env = figures["amr"].pk, figures["env"].pk
    rows = kpis.inspections_ended(D(2026, 9, 1), D(2026, 9, 30))
    # d, of the joint plan, counts for both departments
    assert parts(rows) == {(D(2026, 9, 4), amr): (2.0, 1.0), (D(2026, 9, 10), amr): (1.0, 1.0),
                           (D(2026, 9, 25), amr): (1.0, 1.0), (D(2026, 9, 25), env): (1.0, 1.0)}
    assert value(rows, "count") == 5
    assert kpis.inspections_ended(D(2026, 10, 1), D(2026, 10, 31)) == []


def test_publication_timeliness_on_the_deadline_day(figures: World) -> None:
    amr, env = figures["amr"].pk, figures["env"].pk
    rows = kpis.publication_timeliness(D(2026, 10, 1), D(2026, 10, 31))
    # 10-09: a on time, b late; 10-14: c overdue; 10-29: d pending on 10-20, left out
    assert parts(rows) == {(D(2026, 10, 9), amr): (1.0, 2.0), (D(2026, 10, 14), amr): (0.0, 1.0)}
    assert value(rows, "rate") == pytest.approx(1 / 3)  # as stats.publication_timeliness
    later = kpis.publication_timeliness(D(2026, 10, 1), D(2026, 10, 31), today=D(2026, 10, 30))
    assert parts(later)[(D(2026, 10, 29), env)] == (0.0, 1.0)  # d overdue, for both departments
    assert parts(later)[(D(2026, 10, 29), amr)] == (0.0, 1.0)
    assert value(later, "rate") == 0.2  # 1 / (2 + 1 + 1 + 1)


def test_publication_day_is_the_local_day(figures: World) -> None:
    amr = figures["amr"].pk
    # 2026-10-09 15:30 UTC is 23:30 local on the deadline day: on time
    Inspection.objects.filter(pk=figures["a"].pk).update(
        published_at=dt.datetime(2026, 10, 9, 15, 30, tzinfo=UTC))
    on_time = kpis.publication_timeliness(D(2026, 10, 9), D(2026, 10, 9))
    assert parts(on_time) == {(D(2026, 10, 9), amr): (1.0, 2.0)}
    # 2026-10-09 23:30 UTC is already 10-10 local: late, though the UTC date is the deadline
    Inspection.objects.filter(pk=figures["a"].pk).update(
        published_at=dt.datetime(2026, 10, 9, 23, 30, tzinfo=UTC))
    late = kpis.publication_timeliness(D(2026, 10, 9), D(2026, 10, 9))
    assert parts(late) == {(D(2026, 10, 9), amr): (0.0, 2.0)}


def test_the_specs_are_registered() -> None:
    specs = registry()
    assert [s.code for s in kpis.KPIS] == ["supervision.item_coverage",
                                           "supervision.inspections_ended",
                                           "supervision.publication_timeliness"]
    assert all(specs[s.code] is s for s in kpis.KPIS)
    assert specs["supervision.item_coverage"].target == 0.8
