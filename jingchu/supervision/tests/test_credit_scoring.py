"""Credit grades from the declared rules (data/credit_rules.json), on hand-computed examples:
each source alone (penalties, abnormal listings, 12345 complaints, inspection results) with
their windows and limits, all together, the floor at 0; a new grade only when grade, score or
explanation changed; loading the rules; current_grades for entities never graded.

The shipped rules: penalty −10 each, at most −40, 365 days; abnormal listing −20 while listed;
12345 complaint or report −2 each, at most −10, 180 days; inspection rectify −5 (at most −15),
case filed −15 (at most −30), not reachable −10 (at most −20), 730 days. Bands A ≥ 90,
B ≥ 75, C ≥ 60, D below.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from jingchu.core.errors import ActionError, NotPermitted
from jingchu.hotline.models import Centre, Ticket
from jingchu.supervision import credit
from jingchu.supervision.actions import credit as credit_actions
from jingchu.supervision.models import (
    CreditBand,
    CreditGrade,
    CreditRecord,
    CreditRule,
    Inspection,
    InspectionPlan,
    SupervisedEntity,
)

pytestmark = pytest.mark.django_db
World = dict[str, Any]
TODAY = dt.date(2026, 6, 30)


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


# --- making the events (rows made directly: these tests are about the scoring) -------------


def record(world: World, entity: Any, kind: str, reference: str, days_ago: int,
           ended_days_ago: int | None = None) -> CreditRecord:
    return CreditRecord.objects.create(
        legal_entity=entity, kind=kind, organization=world["amr"], reference=reference,
        summary="测试", decided_on=ago(days_ago),
        ended_on=ago(ended_days_ago) if ended_days_ago is not None else None)


def ticket(world: World, entity: Any, number: str, days_ago: int, kind: str = "complaint",
           **fields: Any) -> Ticket:
    centre = Centre.objects.filter(organization=world["orgs"]["wh-12345"]).first()
    if centre is None:
        centre = Centre.objects.create(organization=world["orgs"]["wh-12345"],
                                       region=world["wuhan"], name="武汉12345")
    moment = timezone.make_aware(dt.datetime.combine(ago(days_ago), dt.time(10)))
    return Ticket.objects.create(number=number, centre=centre, channel="phone", kind=kind,
                                 title="投诉", content="投诉内容", reported_entity=entity,
                                 created_at=moment, **fields)


def plan(world: World, number: str) -> InspectionPlan:
    """A plan of its own for each inspection (an entity is drawn once per plan)."""
    return InspectionPlan.objects.create(
        number=f"P-{number}", name="测试抽查", organization=world["amr"],
        ratio_percent=Decimal(5), starts_on=ago(900), ends_on=TODAY, status="drawn")


def inspection(world: World, entity: Any, number: str, outcome: str, ended_days_ago: int,
               status: str = "recorded") -> Inspection:
    return Inspection.objects.create(number=number, plan=plan(world, number),
                                     legal_entity=entity,
                                     grade="B", status=status, outcome=outcome,
                                     ended_on=ago(ended_days_ago))


def compute(*entities: Any) -> int:
    return credit_actions.do_compute_grades(None, entities=list(entities), today=TODAY)


def current(entity: Any) -> CreditGrade:
    return CreditGrade.objects.get(legal_entity=entity, is_current=True)


def rows(grade: CreditGrade) -> dict[str, dict[str, Any]]:
    return {row["rule"]: row for row in grade.explanation}


@pytest.fixture
def world(supervision_world: World) -> World:
    credit_actions.do_load_credit_rules(None)
    return supervision_world


# --- each source ---------------------------------------------------------------------------


def test_penalties_in_the_window_count_ten_each_at_most_forty(world: World) -> None:
    entity = world["entities"][0]
    for n, days in enumerate((0, 100, 364)):
        record(world, entity, "penalty", f"罚-{n}", days)
    record(world, entity, "penalty", "罚-old", 365)  # one day before the 365-day window
    record(world, entity, "penalty", "罚-repaired", 30, ended_days_ago=1)  # 信用修复
    assert compute(entity) == 1
    grade = current(entity)
    assert (grade.score, grade.grade) == (70, "C")  # 100 − 3 × 10
    assert grade.explanation == [{
        "rule": "penalty", "name": "受到行政处罚", "source": "penalty", "events": 3,
        "per_event": 10, "max_points": 40, "points": 30,
        "evidence": ["罚-0", "罚-1", "罚-2"]}]
    for n in (3, 4):
        record(world, entity, "penalty", f"罚-{n}", 10 + n)
    compute(entity)
    grade = current(entity)
    assert (grade.score, grade.grade, rows(grade)["penalty"]["events"]) == (60, "C", 5)
    assert rows(grade)["penalty"]["points"] == 40  # 5 × 10 capped at 40


def test_an_abnormal_listing_counts_while_it_lasts(world: World) -> None:
    entity = world["entities"][1]
    record(world, entity, "abnormal", "异-open", 800)  # old, but still listed
    record(world, entity, "abnormal", "异-removed", 100, ended_days_ago=1)
    record(world, entity, "abnormal", "异-until-tomorrow", 50, ended_days_ago=-1)
    compute(entity)
    grade = current(entity)
    assert (grade.score, grade.grade) == (80, "B")  # 2 listings, −20 at most
    assert rows(grade)["abnormal"]["evidence"] == ["异-until-tomorrow", "异-open"]
    assert rows(grade)["abnormal"]["events"] == 2


def test_complaints_to_12345_count_two_each_at_most_ten(world: World) -> None:
    entity = world["entities"][2]
    for n in range(6):
        ticket(world, entity, f"T-{n}", 10 * n + 1)
    ticket(world, entity, "T-report", 179, kind="report")
    ticket(world, entity, "T-consult", 5, kind="consult")  # not a complaint
    ticket(world, entity, "T-old", 180)  # outside the 180-day window
    first = Ticket.objects.get(number="T-0")
    ticket(world, entity, "T-dup", 3, status="merged", merged_into=first)
    compute(entity)
    grade = current(entity)
    assert (grade.score, grade.grade) == (90, "A")  # 7 × 2 = 14, capped at 10; A from 90
    hotline = rows(grade)["hotline"]
    assert (hotline["events"], hotline["points"]) == (7, 10)
    assert "T-consult" not in hotline["evidence"] and "T-dup" not in hotline["evidence"]
    assert hotline["evidence"][0] == "T-0" and hotline["evidence"][-1] == "T-report"


def test_inspection_results_count_by_outcome(world: World) -> None:
    entity = world["entities"][3]
    inspection(world, entity, "I-1", "rectify", 100)
    inspection(world, entity, "I-2", "case_filed", 729, status="published")
    inspection(world, entity, "I-3", "not_reachable", 10, status="assigned")  # no result yet
    inspection(world, entity, "I-4", "passed", 10)
    inspection(world, entity, "I-5", "rectify", 730)  # outside the 730-day window
    compute(entity)
    grade = current(entity)
    assert (grade.score, grade.grade) == (80, "B")  # 100 − 5 − 15
    assert {r: (v["events"], v["points"], v["evidence"]) for r, v in rows(grade).items()} == {
        "inspection-rectify": (1, 5, ["I-1"]), "inspection-case": (1, 15, ["I-2"])}


def test_all_sources_together_and_the_floor_at_zero(world: World) -> None:
    entity = world["entities"][4]
    for n in range(5):
        record(world, entity, "penalty", f"罚-{n}", n + 1)  # −40
    record(world, entity, "abnormal", "异-1", 30)  # −20
    for n in range(3):
        ticket(world, entity, f"T-{n}", n + 1)  # −6
    inspection(world, entity, "I-1", "case_filed", 20)  # −15
    compute(entity)
    grade = current(entity)
    assert (grade.score, grade.grade) == (19, "D")  # 100 − 40 − 20 − 6 − 15
    assert [r["rule"] for r in grade.explanation] == [
        "abnormal", "hotline", "inspection-case", "penalty"]
    for n in range(3, 6):
        ticket(world, entity, f"T-{n}", n + 1)  # hotline now −10
    for n, outcome in enumerate(["case_filed", "not_reachable", "not_reachable", "rectify",
                                 "rectify", "rectify"]):
        inspection(world, entity, f"I-x{n}", outcome, 40 + n)
    compute(entity)
    assert (current(entity).score, current(entity).grade) == (0, "D")  # 135 deducted


# --- when a grade is written --------------------------------------------------------------


def test_a_new_grade_only_when_grade_score_or_explanation_changed(world: World) -> None:
    entity = world["entities"][5]  # graded A (95) by the fixture, with no explanation
    assert compute(entity) == 1  # 100, A: the score changed
    assert CreditGrade.objects.filter(legal_entity=entity).count() == 2
    assert compute(entity) == 0 and compute(entity) == 0
    assert CreditGrade.objects.filter(legal_entity=entity).count() == 2
    record(world, entity, "penalty", "罚-1", 10)
    assert compute(entity) == 1
    history = list(CreditGrade.objects.filter(legal_entity=entity))
    assert [(g.grade, g.score, g.is_current) for g in history] == [
        ("A", 90, True), ("A", 100, False), ("A", 95, False)]
    # Same grade and score from other evidence: the explanation changed, so a new grade.
    CreditRecord.objects.filter(reference="罚-1").update(ended_on=ago(0))
    record(world, entity, "penalty", "罚-2", 5)
    assert compute(entity) == 1
    assert rows(current(entity))["penalty"]["evidence"] == ["罚-2"]
    assert CreditGrade.objects.filter(legal_entity=entity).count() == 4


def test_every_active_supervised_entity_by_default(world: World) -> None:
    entities = world["entities"]
    SupervisedEntity.objects.filter(legal_entity=entities[0]).update(is_active=False)
    changed = credit_actions.do_compute_grades(None, today=TODAY)
    # Everyone without events goes to 100/A; all but the A-graded at 95 already differ.
    assert changed == len(entities) - 1
    assert CreditGrade.objects.get(legal_entity=entities[0], is_current=True).score == 95
    assert credit_actions.do_compute_grades(None, today=TODAY) == 0


def test_nothing_is_computed_before_the_rules_are_loaded(supervision_world: World) -> None:
    entity = supervision_world["entities"][0]
    assert CreditRule.objects.count() == 0
    assert credit_actions.do_compute_grades(None, entities=[entity]) == 0
    assert current(entity).score == 95


def test_who_may_recompute(world: World) -> None:
    users, entity = world["users"], world["entities"][0]
    with pytest.raises(NotPermitted):
        credit_actions.do_compute_grades(users["amr_clerk"], entities=[entity])
    with pytest.raises(NotPermitted):
        credit_actions.do_compute_grades(users["amr_insp1"], entities=[entity])
    assert credit_actions.do_compute_grades(users["amr_leader"], entities=[entity]) == 1


# --- reading grades -----------------------------------------------------------------------


def test_current_grades_default_to_b(world: World) -> None:
    graded, ungraded = world["entities"][36], world["entities"][0]
    CreditGrade.objects.filter(legal_entity=ungraded).delete()
    assert credit.current_grades([graded.pk, ungraded.pk]) == {graded.pk: "D",
                                                               ungraded.pk: "B"}
    assert credit.current_grades([]) == {}


def test_evaluation_without_writing(world: World) -> None:
    entity = world["entities"][0]
    record(world, entity, "penalty", "罚-1", 3)
    result = credit.evaluate_entities([entity.pk], today=TODAY)[entity.pk]
    assert (result.score, result.grade) == (90, "A")
    assert current(entity).score == 95  # unchanged: nothing written


# --- loading the rules --------------------------------------------------------------------


def test_loading_the_rules_is_idempotent_and_restores_them(world: World) -> None:
    assert CreditRule.objects.count() == 6
    assert list(CreditBand.objects.values_list("grade", "min_score")) == [
        ("A", 90), ("B", 75), ("C", 60), ("D", 0)]
    CreditRule.objects.filter(code="penalty").update(points=50, is_active=False)
    assert credit_actions.do_load_credit_rules(None) == 6
    rule = CreditRule.objects.get(code="penalty")
    assert (rule.points, rule.max_points, rule.window_days, rule.is_active) == (10, 40, 365, True)
    assert CreditRule.objects.count() == 6


def _write(tmp_path: Any, spec: dict[str, Any]) -> Any:
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    return path


BANDS = [{"grade": "A", "min_score": 90}, {"grade": "B", "min_score": 75},
         {"grade": "C", "min_score": 60}, {"grade": "D", "min_score": 0}]
RULE = {"code": "x", "name": "X", "source": "penalty", "points": 5, "window_days": 30}


@pytest.mark.parametrize(("rules", "bands", "code"), [
    ([{**RULE, "source": "gossip"}], BANDS, "source_invalid"),
    ([{**RULE, "points": 0}], BANDS, "rule_invalid"),
    ([{**RULE, "max_points": 3}], BANDS, "rule_invalid"),
    ([{**RULE, "source": "inspection"}], BANDS, "rule_invalid"),
    ([{**RULE, "source": "inspection", "outcomes": ["fined"]}], BANDS, "rule_invalid"),
    ([{**RULE, "source": "hotline", "kinds": ["consult"]}], BANDS, "rule_invalid"),
    ([{**RULE, "name": ""}], BANDS, "name_required"),
    ([RULE], BANDS[:3], "bands_invalid"),
    ([RULE], [*BANDS[:3], {"grade": "D", "min_score": 10}], "bands_invalid"),
    ([RULE], [{"grade": "A", "min_score": 70}, *BANDS[1:]], "bands_invalid"),
])
def test_a_bad_rules_file_is_refused_whole(db: Any, tmp_path: Any,
                                           rules: list[Any], bands: list[Any],
                                           code: str) -> None:
    path = _write(tmp_path, {"rules": [{**RULE, "code": "ok"}, *rules], "bands": bands})
    with pytest.raises(ActionError) as refused:
        credit_actions.do_load_credit_rules(None, path)
    assert refused.value.code == code
    assert CreditRule.objects.count() == 0


def test_an_unreadable_rules_file_is_refused(db: Any, tmp_path: Any) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ActionError) as refused:
        credit_actions.do_load_credit_rules(None, path)
    assert refused.value.code == "rules_unreadable"


def test_only_a_platform_administrator_loads_the_rules(supervision_world: World) -> None:
    with pytest.raises(NotPermitted):
        credit_actions.do_load_credit_rules(supervision_world["users"]["amr_leader"])
    assert CreditRule.objects.count() == 0
