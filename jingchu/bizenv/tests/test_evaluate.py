"""A month's evaluation from imported and platform figures: scores, missing values and their
sensitivity, ranking, change since last month, recomputation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jingchu.bizenv.actions.evaluate import do_evaluate
from jingchu.bizenv.models import CityResult, Evaluation, Score
from jingchu.bizenv.tests.conftest import JIANGAN, JUNE, MAY, WUHAN, YICHANG, city, put
from jingchu.core import kpi
from jingchu.core.errors import NotPermitted
from jingchu.core.models import AuditEvent, Region


def result(evaluation: Evaluation, code: str) -> CityResult:
    return evaluation.results.get(region__code=code)


def test_scores_missing_values_and_ranking(small_set: Any) -> None:
    put(MAY, {(WUHAN, "t1.i1"): 2, (WUHAN, "t1.i2"): 90,
              (YICHANG, "t1.i1"): 5, (YICHANG, "t2.i3"): 3})
    evaluation = do_evaluate(None, MAY)
    assert evaluation.results.count() == Region.objects.cities().count() == 17
    assert evaluation.unknown_kpis == ["test.unknown"]

    wh = result(evaluation, WUHAN)
    # T1 = mean(80, 80) = 80; T2 has no figure: left out, overall 80, range (80+0)/2–(80+100)/2
    assert wh.overall == pytest.approx(80.0)
    assert (wh.overall_low, wh.overall_high) == (pytest.approx(40.0), pytest.approx(90.0))
    assert wh.missing == 1
    missing = wh.scores.get(indicator__code="t2.i3")
    assert missing.value is None and missing.dtf is None
    assert missing.missing_reason == "unknown_kpi"
    assert wh.topics.get(topic__code="t2").score is None

    yc = result(evaluation, YICHANG)
    # T1: i1 = 50, i2 missing → 50 (range 25–75); T2: i3 = 3 imported → 50; overall 50
    t1 = yc.topics.get(topic__code="t1")
    assert (t1.score, t1.low, t1.high) == (50.0, 25.0, 75.0)
    assert yc.scores.get(indicator__code="t2.i3").source == "import"
    assert yc.overall == pytest.approx(50.0)
    assert (yc.overall_low, yc.overall_high) == (pytest.approx(37.5), pytest.approx(62.5))
    assert (wh.rank, yc.rank) == (1, 2)
    empty = result(evaluation, "420600000000")
    assert empty.overall is None and empty.rank is None and empty.missing == 3
    assert (empty.overall_low, empty.overall_high) == (0.0, 100.0)


def test_change_since_last_month_and_recompute(small_set: Any) -> None:
    put(MAY, {(WUHAN, "t1.i1"): 2, (WUHAN, "t1.i2"): 90, (YICHANG, "t1.i1"): 5,
              (YICHANG, "t2.i3"): 3})
    do_evaluate(None, MAY)
    put(JUNE, {(WUHAN, "t1.i1"): 2, (WUHAN, "t1.i2"): 90, (YICHANG, "t1.i1"): 0,
               (YICHANG, "t1.i2"): 100, (YICHANG, "t2.i3"): 1})
    june = do_evaluate(None, JUNE)
    yc, wh = result(june, YICHANG), result(june, WUHAN)
    assert (yc.rank, wh.rank) == (1, 2)
    assert yc.change == pytest.approx(50.0) and yc.rank_change == 1
    assert wh.change == pytest.approx(0.0) and wh.rank_change == -1
    scores = Score.objects.count()
    again = do_evaluate(None, JUNE)  # idempotent: the month's scores are replaced
    assert Evaluation.objects.filter(month=JUNE).count() == 1
    assert Score.objects.count() == scores
    assert result(again, YICHANG).overall == pytest.approx(100.0)
    assert AuditEvent.objects.filter(action="bizenv.evaluated").count() == 3


def test_platform_figure_for_the_city_and_below(small_set: Any,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    small_set["i2"].source = "kpi:test.rate"
    small_set["i2"].kpi_scale = 100
    small_set["i2"].save()
    wuhan_district, yichang = city(JIANGAN), city(YICHANG)
    asked: list[tuple[dt.date, dt.date]] = []

    def compute(start: dt.date, end: dt.date) -> list[kpi.KpiRow]:
        asked.append((start, end))
        return [kpi.KpiRow(start, None, wuhan_district.pk, 45, 50),  # a district of Wuhan
                kpi.KpiRow(start, None, city(WUHAN).pk, 27, 30),
                kpi.KpiRow(end, None, yichang.pk, 3, 5),
                kpi.KpiRow(end, None, None, 100, 100)]  # no region: no city's figure

    spec = kpi.KpiSpec(code="test.rate", name="rate", definition="", source="test",
                       unit="rate", compute=compute)
    monkeypatch.setattr(kpi, "registry", lambda: {"test.rate": spec})
    put(MAY, {(YICHANG, "t1.i2"): 99})  # the platform figure comes first
    evaluation = do_evaluate(None, MAY)
    assert asked == [(MAY, dt.date(2026, 5, 31))]
    wh = result(evaluation, WUHAN).scores.get(indicator__code="t1.i2")
    assert wh.source == "platform" and wh.value == pytest.approx(90.0)  # 72 / 80
    assert wh.dtf == pytest.approx(80.0)
    yc = result(evaluation, YICHANG).scores.get(indicator__code="t1.i2")
    assert yc.value == pytest.approx(60.0) and yc.source == "platform"
    assert evaluation.unknown_kpis == ["test.unknown"]


def test_city_leader_may_not_compute(small_set: Any, people: dict[str, Any]) -> None:
    with pytest.raises(NotPermitted):
        do_evaluate(people["wh_leader"], MAY)
    assert not Evaluation.objects.exists()
    assert do_evaluate(people["manager"], MAY).computed_by == people["manager"]


def test_command_and_monthly_task(small_set: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command
    from django.utils import timezone

    from jingchu.bizenv import tasks

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 6, 3))
    rendered: list[str] = []
    monkeypatch.setattr("jingchu.bizenv.actions.reports.do_render_report",
                        lambda actor, result: rendered.append(result.region.code))
    assert tasks.evaluate_previous_month() == "2026-05: computed"
    assert len(rendered) == 17
    assert tasks.evaluate_previous_month() == "2026-05: up to date"
    put(MAY, {(WUHAN, "t1.i1"): 1})  # figures imported after the computation
    assert tasks.evaluate_previous_month() == "2026-05: computed"
    assert len(rendered) == 34

    out = StringIO()
    call_command("bizenv", "evaluate", "--month", "2026-05", "--no-pdf", stdout=out)
    assert "2026-05: 17 cities, 1 ranked" in out.getvalue()
    assert len(rendered) == 34
    with pytest.raises(CommandError):
        call_command("bizenv", "evaluate", "--month", "2026-13")


def test_platform_figure_from_the_cockpit_rollups(small_set: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Once the cockpit's rollups hold every day of the month, they are read instead of the
    app's function (which is not asked); a month they do not cover still asks the app."""
    from django.utils import timezone

    from jingchu.cockpit import rollups

    small_set["i2"].source = "kpi:test.rate"
    small_set["i2"].kpi_scale = 100
    small_set["i2"].save()
    asked: list[dt.date] = []

    def compute(start: dt.date, end: dt.date) -> list[kpi.KpiRow]:
        asked.append(start)
        return [kpi.KpiRow(start, None, city(WUHAN).pk, 1, 2)]

    spec = kpi.KpiSpec(code="test.rate", name="rate", definition="", source="test",
                       unit="rate", compute=compute)
    monkeypatch.setattr(kpi, "registry", lambda: {"test.rate": spec})
    for offset in range(31):  # May, from the rollups: Wuhan 7/10 on the 1st, 1/2 the 2nd
        day = MAY + dt.timedelta(days=offset)
        rows = {0: [kpi.KpiRow(day, None, city(JIANGAN).pk, 7, 10)],
                1: [kpi.KpiRow(day, None, city(WUHAN).pk, 1, 2)]}.get(offset, [])
        rollups._store("test.rate", day, rows, rollups._Regions(), timezone.now())
    wh = result(do_evaluate(None, MAY), WUHAN).scores.get(indicator__code="t1.i2")
    assert asked == [] and wh.source == "platform"
    assert wh.value == pytest.approx(100 * 8 / 12)
    rollups._store("test.rate", JUNE, [], rollups._Regions(), timezone.now())  # 1 day of 30
    wh = result(do_evaluate(None, JUNE), WUHAN).scores.get(indicator__code="t1.i2")
    assert asked == [JUNE] and wh.value == pytest.approx(50.0)
