"""Plans and their draws through the actions (jingchu.supervision.actions.plans): making a plan
and its refusals, the inputs built from the database (scope, grades, eligible inspectors,
exclusions), the commitment and the reveal in the ledger, the witness of the draw (required,
normalized, refused when malformed with nothing written; none for a draw committed as v1), the
inspections drawn, joint plans, cancelling, and refusals to people outside the lead
department."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import Notification, Region
from jingchu.ledger.models import Entry
from jingchu.supervision import drawing, inputs
from jingchu.supervision.actions import plans
from jingchu.supervision.choices import ConflictRelation, PlanStatus
from jingchu.supervision.models import (
    ConflictDeclaration,
    Draw,
    Inspection,
    InspectionInspector,
    InspectionPlan,
    Inspector,
)
from jingchu.supervision.tests.conftest import ENTITY_COUNT

pytestmark = pytest.mark.django_db
World = dict[str, Any]
WITNESS = "见证码 2026-10-20 第3号"


def entry_at(index: int | None) -> Entry:
    assert index is not None
    return Entry.objects.get(index=index)


def make_plan(world: World, actor: str = "amr_leader", **changes: Any) -> InspectionPlan:
    today = timezone.localdate()
    fields: dict[str, Any] = {
        "organization": world["amr"], "name": "2026年食品经营双随机抽查",
        "items": [world["items"]["food"]], "regions": [world["wuhan"]], "industries": [],
        "ratio_percent": Decimal("10"), "starts_on": today + dt.timedelta(days=1),
        "ends_on": today + dt.timedelta(days=60)}
    fields.update(changes)
    return plans.do_create_plan(world["users"][actor], **fields)


def drawn_plan(world: World, **changes: Any) -> InspectionPlan:
    plan = make_plan(world, **changes)
    leader = world["users"]["amr_leader"]
    plans.do_commit_draw(leader, plan)
    plans.do_run_draw(leader, plan, witness=WITNESS)
    plan.refresh_from_db()
    return plan


def test_a_plan_gets_a_number_and_its_scope(supervision_world: World) -> None:
    first = make_plan(supervision_world)
    second = make_plan(supervision_world, regions=[supervision_world["jiangan"]],
                       industries=["food", "catering"])
    year = timezone.localdate().year
    assert first.number == f"420100-CC-{year}-0001"
    assert second.number == f"420100-CC-{year}-0002"
    assert first.status == PlanStatus.DRAFT and first.ratio_percent == Decimal("10")
    assert inputs.scope(first).count() == ENTITY_COUNT
    # 江岸 holds the even entities; food and catering are industries 0 and 1 of 4
    assert inputs.scope(second).count() == ENTITY_COUNT // 4


@pytest.mark.parametrize(("changes", "code"), [
    ({"ratio_percent": Decimal("0")}, "ratio_invalid"),
    ({"ratio_percent": Decimal("100.5")}, "ratio_invalid"),
    ({"ratio_percent": "7.125"}, "ratio_invalid"),
    ({"inspectors_per_entity": 1}, "inspectors_per_entity_invalid"),
    ({"items": []}, "items_required"),
    ({"regions": []}, "regions_required"),
    ({"industries": ["mining"]}, "industries_invalid"),
    ({"name": "  "}, "name_required"),
])
def test_bad_plans_are_refused(supervision_world: World, changes: dict[str, Any],
                               code: str) -> None:
    with pytest.raises(ActionError) as caught:
        make_plan(supervision_world, **changes)
    assert caught.value.code == code
    assert not InspectionPlan.objects.exists()


def test_departments_regions_and_period_are_checked(supervision_world: World) -> None:
    world, today = supervision_world, timezone.localdate()
    yichang = Region.objects.get(code="420500000000")
    cases: list[tuple[dict[str, Any], str]] = [
        ({"regions": [yichang]}, "regions_invalid"),
        ({"items": [world["items"]["emission"]]}, "items_invalid"),  # no partner
        ({"partners": [world["env"]]}, "items_invalid"),  # partner without an item
        ({"partners": [world["amr"]]}, "partners_invalid"),
        ({"ends_on": today - dt.timedelta(days=1), "starts_on": today - dt.timedelta(days=9)},
         "period_invalid"),
        ({"starts_on": today + dt.timedelta(days=9), "ends_on": today + dt.timedelta(days=2)},
         "period_invalid"),
    ]
    for changes, code in cases:
        with pytest.raises(ActionError) as caught:
            make_plan(world, **changes)
        assert caught.value.code == code, changes
    with pytest.raises(NotPermitted):
        make_plan(world, actor="outsider")
    with pytest.raises(NotPermitted):  # a clerk does not plan
        make_plan(world, actor="amr_clerk")


def test_commit_freezes_inputs_and_appends_their_hashes(supervision_world: World) -> None:
    plan = make_plan(supervision_world)
    draw = plans.do_commit_draw(supervision_world["users"]["amr_leader"], plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.COMMITTED
    frozen = json.loads(draw.inputs)
    assert drawing.canonical(frozen).decode() == draw.inputs
    assert draw.inputs_hash == drawing.sm3_hex(draw.inputs.encode())
    assert draw.seed_hash == drawing.sm3_hex(bytes.fromhex(draw.secret_seed)) and not draw.seed
    assert len(frozen["entities"]) == ENTITY_COUNT and len(frozen["inspectors"]) == 6
    assert Counter(e["grade"] for e in frozen["entities"]) == {"A": 10, "B": 20, "C": 6, "D": 4}
    assert frozen["plan"]["lead_department"] == supervision_world["amr"].uscc
    assert frozen["rules"][0] == {"grade": "A", "factor": "0.50", "cap_percent": "5.00"}
    entry = entry_at(draw.commit_entry)
    payload = json.loads(entry.payload)
    assert entry.kind == "supervision.draw.committed"
    assert (payload["inputs_sm3"], payload["seed_sm3"], payload["plan"]) == (
        draw.inputs_hash, draw.seed_hash, plan.number)
    assert draw.secret_seed not in entry.payload
    for text in (entry.payload, draw.inputs):  # public: codes only, no names
        assert "武汉测试" not in text and "代表" not in text and "amr_insp" not in text
    with pytest.raises(ActionError) as caught:
        plans.do_commit_draw(supervision_world["users"]["amr_leader"], plan)
    assert caught.value.status == 409


def test_the_draw_creates_inspections_by_grade_and_tells_inspectors(
        supervision_world: World) -> None:
    plan = drawn_plan(supervision_world)
    draw = Draw.objects.get(plan=plan)
    result = json.loads(draw.result)
    assert plan.status == PlanStatus.DRAWN and draw.secret_seed == ""
    assert draw.algorithm == "jingchu-draw-v2" and draw.witness == WITNESS
    assert draw.result_hash == drawing.sm3_hex(draw.result.encode())
    assert result == drawing.run(json.loads(draw.inputs), bytes.fromhex(draw.seed), WITNESS)
    assert result["witness"] == WITNESS
    # A 10 × 5% → 1, B 20 × 10% → 2, C 6 × 20% → 2, D 4 × 30% → 2
    made = list(plan.inspections.order_by("number"))
    assert Counter(i.grade for i in made) == {"A": 1, "B": 2, "C": 2, "D": 2}
    assert [i.number for i in made] == [f"{plan.number}-{n:04d}" for n in range(1, 8)]
    for inspection, row in zip(made, result["inspections"], strict=True):
        assert inspection.legal_entity.uscc == row["uscc"]
        team = list(InspectionInspector.objects.filter(inspection=inspection)
                    .order_by("position").values_list("inspector__certificate_number",
                                                      flat=True))
        assert team == row["inspectors"]
    entry = entry_at(draw.reveal_entry)
    payload = json.loads(entry.payload)
    assert entry.kind == "supervision.draw.revealed"
    assert (payload["seed"], payload["result_sm3"], payload["commit_entry"]) == (
        draw.seed, draw.result_hash, draw.commit_entry)
    assert payload["witness"] == WITNESS and payload["algorithm"] == "jingchu-draw-v2"
    drawn_users = set(InspectionInspector.objects.filter(inspection__plan=plan)
                      .values_list("inspector__staff__user", flat=True))
    told = Notification.objects.filter(subject__contains=plan.number)
    assert set(told.values_list("recipient", flat=True)) == drawn_users
    with pytest.raises(ActionError) as caught:
        plans.do_run_draw(supervision_world["users"]["amr_leader"], plan, witness=WITNESS)
    assert caught.value.code == "wrong_state"


def test_conflicts_and_recent_inspections_are_excluded(supervision_world: World) -> None:
    world = supervision_world
    insp = world["inspectors"]
    # entities of 洪山 (odd indexes): the earlier plan, in 江岸, does not draw them
    conflicted, visited, old, withdrawn = world["entities"][1:8:2]
    ConflictDeclaration.objects.create(inspector=insp["amr_insp1"], legal_entity=conflicted,
                                       relation=ConflictRelation.KIN)
    ConflictDeclaration.objects.create(inspector=insp["amr_insp2"], legal_entity=withdrawn,
                                       relation=ConflictRelation.OTHER,
                                       withdrawn_at=timezone.now())
    earlier = drawn_plan(world, regions=[world["jiangan"]])  # any plan: its inspections count
    today = timezone.localdate()
    recent = Inspection.objects.create(number="X-1", plan=earlier, legal_entity=visited,
                                       grade="B", inspected_on=today - dt.timedelta(days=700))
    ancient = Inspection.objects.create(number="X-2", plan=earlier, legal_entity=old,
                                        grade="B", inspected_on=today - dt.timedelta(days=800))
    InspectionInspector.objects.create(inspection=recent, inspector=insp["amr_insp3"],
                                       position=1)
    InspectionInspector.objects.create(inspection=ancient, inspector=insp["amr_insp4"],
                                       position=1)
    built = inputs.build(make_plan(world), as_of=today)
    exclude = {e["uscc"]: set(e["exclude"]) for e in built["entities"]}
    assert "ZF-SC-0001" in exclude[conflicted.uscc]
    assert "ZF-SC-0003" in exclude[visited.uscc]
    assert "ZF-SC-0004" not in exclude[old.uscc]
    assert "ZF-SC-0002" not in exclude[withdrawn.uscc]
    drawn_in_earlier = {i.legal_entity.uscc: set(i.inspectors.values_list(
        "certificate_number", flat=True))
        for i in earlier.inspections.exclude(number__startswith="X-")}
    for uscc, team in drawn_in_earlier.items():
        assert team <= exclude[uscc]


def test_only_qualified_active_inspectors_take_part(supervision_world: World) -> None:
    insp = supervision_world["inspectors"]
    plan = make_plan(supervision_world)
    Inspector.objects.filter(pk=insp["amr_insp5"].pk).update(is_active=False)
    Inspector.objects.filter(pk=insp["amr_insp6"].pk).update(
        qualified_until=plan.ends_on - dt.timedelta(days=1))
    certificates = [i.certificate_number for i in inputs.eligible_inspectors(plan)]
    assert certificates == ["ZF-SC-0001", "ZF-SC-0002", "ZF-SC-0003", "ZF-SC-0004"]


def test_joint_plan_sends_both_departments_once_per_entity(supervision_world: World) -> None:
    world = supervision_world
    env_insp1 = world["inspectors"]["env_insp1"]
    # the same person also holds a certificate of the lead department: takes part once, as it
    Inspector.objects.create(staff=env_insp1.staff, organization=world["amr"],
                             certificate_number="ZF-SC-0099",
                             qualified_until=dt.date(2030, 12, 31))
    plan = drawn_plan(world, partners=[world["env"]], ratio_percent=Decimal("30"),
                      items=[world["items"]["food"], world["items"]["emission"]])
    frozen = json.loads(plan.draw.inputs)
    certificates = [i["certificate"] for i in frozen["inspectors"]]
    assert "ZF-SC-0099" in certificates and "ZF-HJ-0001" not in certificates
    assert frozen["plan"]["partner_departments"] == [world["env"].uscc]
    made = list(plan.inspections.all())
    assert made and len({i.legal_entity_id for i in made}) == len(made)
    for inspection in made:
        orgs = list(inspection.inspectors.values_list("organization", flat=True))
        assert sorted(orgs) == sorted([world["amr"].pk, world["env"].pk])


def test_commit_is_refused_when_an_entity_lacks_inspectors(supervision_world: World) -> None:
    world = supervision_world
    stuck = world["entities"][7]
    for n in (1, 2, 3):
        ConflictDeclaration.objects.create(inspector=world["inspectors"][f"env_insp{n}"],
                                           legal_entity=stuck,
                                           relation=ConflictRelation.EMPLOYMENT)
    plan = make_plan(world, partners=[world["env"]],
                     items=[world["items"]["food"], world["items"]["emission"]])
    before = Entry.objects.count()
    with pytest.raises(ActionError) as caught:
        plans.do_commit_draw(world["users"]["amr_leader"], plan)
    assert caught.value.code == "too_few_inspectors"
    assert stuck.uscc in caught.value.message and stuck.name in caught.value.message
    assert caught.value.details["entities"][0]["uscc"] == stuck.uscc
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and not Draw.objects.exists()
    assert Entry.objects.count() == before


def test_commit_is_refused_for_an_empty_scope(supervision_world: World) -> None:
    plan = make_plan(supervision_world, industries=["education"])
    with pytest.raises(ActionError) as caught:
        plans.do_commit_draw(supervision_world["users"]["amr_leader"], plan)
    assert caught.value.code == "scope_empty"


def test_cancel_before_the_draw_reveals_a_committed_seed(supervision_world: World) -> None:
    world = supervision_world
    leader = world["users"]["amr_leader"]
    draft = make_plan(world)
    with pytest.raises(ActionError):
        plans.do_cancel_plan(leader, draft, reason=" ")
    assert plans.do_cancel_plan(leader, draft, reason="重复计划").status == PlanStatus.CANCELLED
    committed = make_plan(world)
    draw = plans.do_commit_draw(leader, committed)
    secret = draw.secret_seed
    plans.do_cancel_plan(leader, committed, reason="范围有误")
    draw.refresh_from_db()
    assert draw.seed == secret and draw.secret_seed == ""
    entry = entry_at(draw.reveal_entry)
    assert entry.kind == "supervision.draw.cancelled"
    assert json.loads(entry.payload)["seed"] == secret
    assert "范围有误" not in entry.payload
    done = drawn_plan(world)
    with pytest.raises(ActionError) as caught:
        plans.do_cancel_plan(leader, done, reason="太晚")
    assert caught.value.code == "wrong_state"


def test_only_the_lead_departments_leaders_commit_run_and_cancel(
        supervision_world: World) -> None:
    world = supervision_world
    plan = make_plan(world, partners=[world["env"]],
                     items=[world["items"]["food"], world["items"]["emission"]])
    for name in ("outsider", "env_leader", "amr_clerk", "amr_insp1"):
        user = world["users"][name]
        with pytest.raises(NotPermitted):
            plans.do_commit_draw(user, plan)
        with pytest.raises(NotPermitted):
            plans.do_cancel_plan(user, plan, reason="不需要")
    plans.do_commit_draw(world["users"]["amr_leader"], plan)
    with pytest.raises(NotPermitted):
        plans.do_run_draw(world["users"]["env_leader"], plan, witness=WITNESS)


def test_the_draw_is_refused_when_drawn_codes_left_the_directory(
        supervision_world: World) -> None:
    leader = supervision_world["users"]["amr_leader"]
    plan = make_plan(supervision_world)
    plans.do_commit_draw(leader, plan)
    for inspector in Inspector.objects.filter(organization=supervision_world["amr"]):
        inspector.certificate_number = f"NEW-{inspector.certificate_number}"
        inspector.save()
    with pytest.raises(ActionError) as caught:
        plans.do_run_draw(leader, plan, witness=WITNESS)
    assert caught.value.code == "draw_inputs_changed"
    assert all(code.startswith("ZF-SC-") for code in caught.value.details["codes"])
    plan.refresh_from_db()
    assert plan.status == PlanStatus.COMMITTED and not plan.inspections.exists()
    assert Draw.objects.get(plan=plan).secret_seed


@pytest.mark.parametrize(("witness", "code"), [
    (None, "witness_required"), ("", "witness_required"), (" \u3000 ", "witness_required"),
    ("第3号" * 22, "witness_invalid"), ("3\x07", "witness_invalid"),
    ("3\u200b", "witness_invalid"),
])
def test_the_draw_needs_a_well_formed_witness(supervision_world: World, witness: Any,
                                              code: str) -> None:
    leader = supervision_world["users"]["amr_leader"]
    plan = make_plan(supervision_world)
    plans.do_commit_draw(leader, plan)
    before = Entry.objects.count()
    with pytest.raises(ActionError) as caught:
        plans.do_run_draw(leader, plan, witness=witness)
    assert (caught.value.code, caught.value.status) == (code, 400)
    assert caught.value.details["field"] == "witness"
    plan.refresh_from_db()
    draw = Draw.objects.get(plan=plan)
    assert plan.status == PlanStatus.COMMITTED and not plan.inspections.exists()
    assert draw.secret_seed and not draw.seed and not draw.witness and not draw.result
    assert Entry.objects.count() == before


def test_the_witness_is_normalized_before_the_draw(supervision_world: World) -> None:
    leader = supervision_world["users"]["amr_leader"]
    plan = make_plan(supervision_world)
    plans.do_commit_draw(leader, plan)
    # full-width digits and spaces, runs of spaces, spaces at the ends: one plain form
    draw = plans.do_run_draw(leader, plan, witness="  见证码\u3000２０２６-10-20   第3号 ")
    assert draw.witness == WITNESS
    assert json.loads(draw.result)["witness"] == WITNESS


def test_a_draw_committed_as_v1_is_drawn_as_v1(supervision_world: World,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A draw committed before v2 existed (still in a database) keeps its algorithm: drawn
    without a witness (one given is ignored), its result what v1 gives."""
    leader = supervision_world["users"]["amr_leader"]
    plan = make_plan(supervision_world)
    with monkeypatch.context() as patched:
        patched.setattr(drawing, "ALGORITHM", drawing.ALGORITHM_V1)
        plans.do_commit_draw(leader, plan)
    draw = plans.do_run_draw(leader, plan, witness="")
    assert draw.algorithm == "jingchu-draw-v1" and draw.witness == ""
    result = json.loads(draw.result)
    assert result == drawing.run(json.loads(draw.inputs), bytes.fromhex(draw.seed))
    assert "witness" not in result and "witness" not in entry_at(draw.reveal_entry).payload
    assert inputs.bundle(draw)["witness"] is None
