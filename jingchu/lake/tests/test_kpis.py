"""The lake's quality KPI feeds: mean scores by dimension and overall per owner and local day
of finishing, on one real audit and a few recorded runs whose scores are set by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from jingchu.core.kpi import KpiRow, registry, value
from jingchu.lake import kpis
from jingchu.lake.actions import quality as actions
from jingchu.lake.choices import JobStatus
from jingchu.lake.models import AuditRun, Dataset

pytestmark = pytest.mark.django_db
LOCAL = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC
D = dt.date
MARCH_1, MARCH_2 = D(2026, 3, 1), D(2026, 3, 2)


def run(dataset: Dataset, finished_at: dt.datetime, scores: dict[str, float], score: float,
        status: str = JobStatus.SUCCEEDED) -> None:
    AuditRun.objects.create(dataset=dataset, status=status, scores=scores,
                            score=Decimal(f"{score:.2f}"), started_at=finished_at,
                            finished_at=finished_at)


def parts(rows: list[KpiRow]) -> dict[tuple[dt.date, int | None], tuple[float, float]]:
    return {(r.day, r.organization_id): (r.numerator, r.denominator) for r in rows}


@pytest.fixture
def audited(lake_world: dict[str, Any], put_dataset: Any,
            monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """- a real audit of 省公安厅's dataset (one not-null rule, one name of two missing:
      completeness 50, overall 50), finished at 2026-03-01 23:30 UTC = 03-02 07:30 local;
    - recorded runs: 省公安厅 03-02 10:00 (completeness 100, conformity 80; overall 90),
      03-01 23:00 local (completeness 70; overall 70), a failed run on 03-02 (left out);
      省人社厅 03-02 12:00 (accuracy 60; overall 60); 省公安厅 03-03 00:30 (after the days)."""
    orgs, users = lake_world["orgs"], lake_world["users"]
    gat = put_dataset(orgs["hb-gat"], "hb-gat/kpi-sample", [{"name": "张三"}, {"name": None}])
    rst = put_dataset(orgs["hb-rst"], "hb-rst/kpi-sample", [{"name": "李四"}])
    actions.do_set_rules(users["gat"], gat,
                         "rules:\n  - name_present: {check: not_null, column: name}\n")
    moment = dt.datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    real = actions.do_run_audit(users["gat"], gat)
    assert (real.status, real.scores, real.score) == (JobStatus.SUCCEEDED,
                                                      {"completeness": 50.0}, Decimal("50.00"))
    run(gat, dt.datetime(2026, 3, 2, 10, tzinfo=LOCAL), {"completeness": 100.0,
                                                         "conformity": 80.0}, 90.0)
    run(gat, dt.datetime(2026, 3, 1, 23, tzinfo=LOCAL), {"completeness": 70.0}, 70.0)
    run(gat, dt.datetime(2026, 3, 2, 11, tzinfo=LOCAL), {"completeness": 0.0}, 0.0,
        JobStatus.FAILED)
    run(rst, dt.datetime(2026, 3, 2, 12, tzinfo=LOCAL), {"accuracy": 60.0}, 60.0)
    run(gat, dt.datetime(2026, 3, 3, 0, 30, tzinfo=LOCAL), {"completeness": 10.0}, 10.0)
    return {"gat": orgs["hb-gat"], "rst": orgs["hb-rst"]}


def test_scores_by_dimension_per_owner_and_local_day(audited: dict[str, Any]) -> None:
    gat, rst = audited["gat"].pk, audited["rst"].pk
    completeness = kpis.quality_scores(MARCH_1, MARCH_2, "completeness")
    # 03-01: the 23:00 run (70); 03-02: the real audit at 23:30 UTC (50) and the 10:00 run (100)
    assert parts(completeness) == {(MARCH_1, gat): (70.0, 1.0), (MARCH_2, gat): (150.0, 2.0)}
    assert value(completeness, "score") == pytest.approx(220 / 3)  # (70 + 50 + 100) / 3
    assert parts(kpis.quality_scores(MARCH_1, MARCH_2, "conformity")) == {
        (MARCH_2, gat): (80.0, 1.0)}  # only the run that had a conformity rule
    accuracy = kpis.quality_scores(MARCH_1, MARCH_2, "accuracy")
    assert parts(accuracy) == {(MARCH_2, rst): (60.0, 1.0)}
    assert {r.region_id for r in accuracy} == {audited["rst"].region_id}
    assert kpis.quality_scores(MARCH_1, MARCH_2, "timeliness") == []


def test_overall_score(audited: dict[str, Any]) -> None:
    gat, rst = audited["gat"].pk, audited["rst"].pk
    overall = kpis.quality_scores(MARCH_1, MARCH_2, kpis.OVERALL)
    assert parts(overall) == {(MARCH_1, gat): (70.0, 1.0), (MARCH_2, gat): (140.0, 2.0),
                              (MARCH_2, rst): (60.0, 1.0)}
    assert value(overall, "score") == 67.5  # (70 + 50 + 90 + 60) / 4
    assert value(kpis.quality_scores(MARCH_2, MARCH_2, kpis.OVERALL), "score") == \
        pytest.approx(200 / 3)  # (50 + 90 + 60) / 3


def test_the_specs_are_registered() -> None:
    specs = registry()
    codes = [spec.code for spec in kpis.KPIS]
    assert codes == ["lake.quality_conformity", "lake.quality_accuracy",
                     "lake.quality_consistency", "lake.quality_completeness",
                     "lake.quality_timeliness", "lake.quality_overall"]
    assert all(specs[code].unit == "score" for code in codes)
    with translation.override("en"):  # the dimension's label, translated when shown
        assert "Mean Completeness (完整性) score" in str(
            specs["lake.quality_completeness"].definition)
