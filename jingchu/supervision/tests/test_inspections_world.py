"""A drawn round for the inspection, publication and statistics tests, made with the ORM so
these tests do not depend on the draw (tests/test_draw*.py and test_plans*.py cover it).

`round_world` adds to `supervision_world`:
- plan 420100-CC-2026-0001 of 武汉市市场监督管理局, drawn, items SC-001 and SC-002, inspections
  from 2026-01-05 to 2026-12-18;
- its inspections -0001 (entity 0; amr_insp1, amr_insp2), -0002 (entity 1; amr_insp3,
  amr_insp4) and -0003 (entity 2; amr_insp1, amr_insp5), all assigned.
Other modules import the fixture and the helpers from here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from jingchu.supervision.choices import PlanStatus
from jingchu.supervision.models import (
    Draw,
    Inspection,
    InspectionInspector,
    InspectionPlan,
    Inspector,
    RegulatoryItem,
)

LOCAL = ZoneInfo("Asia/Shanghai")
World = dict[str, Any]
PLAN_NUMBER = "420100-CC-2026-0001"
DRAWN_AT = dt.datetime(2026, 1, 4, 9, 0, tzinfo=LOCAL)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LOCAL)


def freeze(monkeypatch: pytest.MonkeyPatch, day: dt.date, hour: int = 10) -> None:
    """Every clock reading (timezone.now, and so localdate and auto_now) answers this moment."""
    moment = at(day, hour)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def make_plan(world: World, number: str, *, items: Iterable[RegulatoryItem],
              organization: Any = None, partners: Iterable[Any] = (),
              starts_on: dt.date = dt.date(2026, 1, 5), ends_on: dt.date = dt.date(2026, 12, 18),
              drawn_at: dt.datetime = DRAWN_AT) -> InspectionPlan:
    plan = InspectionPlan.objects.create(
        number=number, name=f"测试抽查计划 {number[-4:]}",
        organization=organization or world["amr"], ratio_percent=5, starts_on=starts_on,
        ends_on=ends_on, status=PlanStatus.DRAWN)
    plan.items.set(list(items))
    plan.regions.set([world["wuhan"]])
    plan.partners.set(list(partners))
    Draw.objects.create(plan=plan, algorithm="test", inputs="{}", inputs_hash="0" * 64,
                        seed_hash="0" * 64, committed_at=drawn_at, drawn_at=drawn_at)
    return plan


def make_inspection(plan: InspectionPlan, entity: Any, n: int,
                    inspectors: Iterable[Inspector], grade: str = "B") -> Inspection:
    inspection = Inspection.objects.create(number=f"{plan.number}-{n:04d}", plan=plan,
                                           legal_entity=entity, grade=grade)
    for position, inspector in enumerate(inspectors):
        InspectionInspector.objects.create(inspection=inspection, inspector=inspector,
                                           position=position)
    return inspection


@pytest.fixture
def round_world(supervision_world: World) -> World:
    w = supervision_world
    insp, entities = w["inspectors"], w["entities"]
    plan = make_plan(w, PLAN_NUMBER, items=[w["items"]["food"], w["items"]["publicity"]])
    made = [
        make_inspection(plan, entities[0], 1, [insp["amr_insp1"], insp["amr_insp2"]], "A"),
        make_inspection(plan, entities[1], 2, [insp["amr_insp3"], insp["amr_insp4"]], "A"),
        make_inspection(plan, entities[2], 3, [insp["amr_insp1"], insp["amr_insp5"]], "A"),
    ]
    return {**w, "plan": plan, "inspections": made}


def reload(inspection: Inspection) -> Inspection:
    return Inspection.objects.select_related("plan", "legal_entity").get(pk=inspection.pk)


@pytest.mark.django_db
def test_the_round_is_drawn_with_two_inspectors_each(round_world: World) -> None:
    plan = round_world["plan"]
    assert plan.status == "drawn" and plan.inspections.count() == 3
    assert all(i.inspectors.count() == 2 for i in round_world["inspections"])
