"""The figures of jingchu.supervision.stats on a small, exactly known set of inspections: item
coverage against the 80% target, per department (a joint plan counting for both departments),
publication timeliness with its four parts, outcomes, and the KPI page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from jingchu.supervision import stats
from jingchu.supervision.actions import inspections as actions
from jingchu.supervision.models import Inspection
from jingchu.supervision.tests.test_inspections_world import (
    LOCAL,
    World,
    freeze,
    make_inspection,
    make_plan,
    reload,
)
from jingchu.supervision.tests.test_inspections_world import round_world as _round_world

round_world = _round_world  # the fixture, found here by pytest
pytestmark = pytest.mark.django_db
D = dt.date
SEPTEMBER = stats.Period(D(2026, 9, 1), D(2026, 9, 30))
OCTOBER = stats.Period(D(2026, 10, 1), D(2026, 10, 31))


def record(world: World, inspection: Inspection, ended_on: dt.date, outcome: str,
           monkeypatch: pytest.MonkeyPatch) -> Inspection:
    freeze(monkeypatch, ended_on + dt.timedelta(days=1))
    extra: dict[str, Any] = {"follow_up_due": ended_on + dt.timedelta(days=30)} \
        if outcome == "rectify" else {}
    return actions.do_record_result(world["users"]["amr_leader"], reload(inspection),
                                    inspected_on=ended_on, ended_on=ended_on, outcome=outcome,
                                    findings="问题" if outcome in ("rectify", "case_filed")
                                    else "", **extra)


def publish(world: World, inspection: Inspection, day: dt.date,
            monkeypatch: pytest.MonkeyPatch, leader: str = "amr_leader") -> None:
    freeze(monkeypatch, day, hour=22)  # late in the local evening: still that day
    actions.do_publish(world["users"][leader], reload(inspection))


@pytest.fixture
def figures(round_world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    """- a (round plan, items SC-001 SC-002): ended 09-04 rectify, due 10-09, published 10-09;
    - b (round plan): ended 09-04 passed, due 10-09, published 10-12 (late);
    - c (round plan): ended 09-10 case filed, due 10-14, unpublished;
    - d (joint plan with 生态环境局, item HJ-001, drawn 09-20): ended 09-25 (a holiday)
      passed, due 10-29, unpublished.
    Scans and pages look at 2026-10-20."""
    w = round_world
    a, b, c = w["inspections"]
    joint = make_plan(w, "420100-CC-2026-0002", items=[w["items"]["emission"]],
                      partners=[w["env"]], drawn_at=dt.datetime(2026, 9, 20, 9, tzinfo=LOCAL))
    d = make_inspection(joint, w["entities"][3], 1,
                        [w["inspectors"]["amr_insp2"], w["inspectors"]["env_insp1"]])
    record(w, a, D(2026, 9, 4), "rectify", monkeypatch)
    record(w, b, D(2026, 9, 4), "passed", monkeypatch)
    record(w, c, D(2026, 9, 10), "case_filed", monkeypatch)
    record(w, d, D(2026, 9, 25), "passed", monkeypatch)
    publish(w, a, D(2026, 10, 9), monkeypatch)
    publish(w, b, D(2026, 10, 12), monkeypatch)
    freeze(monkeypatch, D(2026, 10, 20))
    return {**w, "a": a, "b": b, "c": c, "d": d, "joint": joint}


def test_item_coverage_against_the_target(figures: World) -> None:
    w = figures
    everything = stats.item_coverage(SEPTEMBER)
    assert (everything.active, everything.covered, everything.uncovered) == (4, 3, ("SC-003",))
    assert everything.rate == 0.75 and not everything.meets_target
    amr = stats.item_coverage(SEPTEMBER, w["amr"])
    assert (amr.active, amr.covered, amr.rate) == (3, 2, 0.6667)
    env = stats.item_coverage(SEPTEMBER, w["env"])
    assert (env.active, env.covered, env.meets_target) == (1, 1, True)
    assert stats.item_coverage(OCTOBER).covered == 0
    w["items"]["special"].is_active = False
    w["items"]["special"].save()
    assert stats.item_coverage(SEPTEMBER).meets_target  # 3 of 3 active items


def test_inspections_by_department(figures: World) -> None:
    w = figures
    rows = {r.organization_name: r for r in stats.inspections_by_department(SEPTEMBER)}
    amr, env = rows[w["amr"].name], rows[w["env"].name]
    assert (amr.drawn, amr.ended, amr.with_problems, amr.joint) == (1, 4, 2, 1)
    assert (env.drawn, env.ended, env.with_problems, env.joint) == (1, 1, 0, 1)
    assert (amr.awaiting_publication, amr.past_deadline) == (2, 1)  # c is past 10-14
    assert (env.awaiting_publication, env.past_deadline) == (1, 0)
    assert amr.published == 0  # published in October
    october = {r.organization_name: r for r in stats.inspections_by_department(OCTOBER)}
    assert (october[w["amr"].name].published, october[w["amr"].name].published_on_time) == (2, 1)
    assert october[w["amr"].name].on_time_rate == 0.5
    assert list(rows) == [w["amr"].name, w["env"].name]


def test_publication_timeliness(figures: World) -> None:
    w = figures
    due_in_october = stats.publication_timeliness(OCTOBER)
    assert (due_in_october.due, due_in_october.on_time, due_in_october.late,
            due_in_october.overdue, due_in_october.pending) == (4, 1, 1, 1, 1)
    assert due_in_october.rate == 0.3333  # d is not decided yet
    assert Inspection.objects.get(pk=w["d"].pk).publish_due == D(2026, 10, 29)
    later = stats.publication_timeliness(OCTOBER, today=D(2026, 10, 30))
    assert (later.overdue, later.pending, later.rate) == (2, 0, 0.25)
    november = stats.publication_timeliness(stats.Period(D(2026, 11, 1), D(2026, 11, 30)))
    assert (november.due, november.rate) == (0, None)
    env = stats.publication_timeliness(stats.Period(D(2026, 9, 1), D(2026, 11, 30)), w["env"])
    assert (env.due, env.pending) == (1, 1)


def test_outcomes(figures: World) -> None:
    rows = {r.outcome: r for r in stats.outcomes(SEPTEMBER)}
    assert [r.outcome for r in stats.outcomes(SEPTEMBER)][:2] == ["passed", "rectify"]
    assert (rows["passed"].count, rows["rectify"].count, rows["case_filed"].count) == (2, 1, 1)
    assert rows["no_activity"].count == 0 and rows["passed"].share == 0.5
    env = {r.outcome: r.count for r in stats.outcomes(SEPTEMBER, figures["env"])}
    assert env["passed"] == 1 and sum(env.values()) == 1


def test_the_period_is_checked() -> None:
    assert stats.parse_period("2026-09-01", "2026-09-30") == SEPTEMBER
    assert stats.parse_period(days=7, today=D(2026, 9, 30)).start == D(2026, 9, 24)
    for args, code in [(("2026-09-30", "2026-09-01"), "period_invalid"),
                       (("2025-01-01", "2026-09-30"), "period_too_long"),
                       (("2026-9-1", ""), "date_invalid")]:
        with pytest.raises(Exception) as refused:
            stats.parse_period(*args)
        assert getattr(refused.value, "code", None) == code


def test_the_kpi_page(figures: World) -> None:
    w = figures
    url = reverse("supervision:kpis")
    client = Client()
    client.force_login(w["users"]["amr_leader"])
    page = client.get(url, {"date_from": "2026-09-01", "date_to": "2026-09-30"})
    assert page.status_code == 200
    assert page.context["coverage_pct"] == "75.0%"
    html = page.content.decode()
    assert w["env"].name in html and "SC-003" in html
    chosen = client.get(url, {"date_from": "2026-09-01", "date_to": "2026-09-30",
                              "department": str(w["amr"].uid)})
    assert chosen.context["coverage_pct"] == "66.7%"
    assert client.get(url, {"date_from": "2026-13-01"}).status_code == 400
    inspector = Client()
    inspector.force_login(w["users"]["amr_insp1"])
    assert inspector.get(url).status_code == 403
    assert Client().get(url).status_code == 302
