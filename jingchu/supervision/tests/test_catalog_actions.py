"""一单两库一细则 through the actions: regulatory items, the entity and inspector directories,
conflicts of interest and sampling rules — who may change them, what is refused (writing
nothing), and the audit trail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import AuditEvent
from jingchu.identity.models import Staff
from jingchu.supervision.actions import catalog
from jingchu.supervision.models import (
    ConflictDeclaration,
    Inspector,
    RegulatoryItem,
    SamplingRule,
    SupervisedEntity,
)

pytestmark = pytest.mark.django_db
World = dict[str, Any]
ITEM: dict[str, Any] = {
    "code": "sc-010", "name": "广告发布行为检查", "legal_basis": "《广告法》第四十九条",
    "method": "documents", "industries": ["retail", "food"]}


def audits(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


# --- items --------------------------------------------------------------------------------


def test_a_leader_adds_edits_and_deactivates_an_item(supervision_world: World) -> None:
    leader, amr = supervision_world["users"]["amr_leader"], supervision_world["amr"]
    item = catalog.do_create_item(leader, organization=amr, **ITEM)
    assert (item.code, item.industries, item.is_key) == ("SC-010", ["food", "retail"], False)
    assert audits("supervision.item.create") == 1
    item = catalog.do_update_item(leader, item, name="广告检查", legal_basis=item.legal_basis,
                                  method="on_site", is_key=True, industries=[])
    assert (item.name, item.method, item.is_key, item.industries) == (
        "广告检查", "on_site", True, [])
    event = AuditEvent.objects.get(action="supervision.item.update")
    assert event.details == {"changed": ["industries", "is_key", "method", "name"]}
    catalog.do_set_item_active(leader, item, active=False)
    catalog.do_set_item_active(leader, item, active=False)  # no change, no second event
    assert not RegulatoryItem.objects.get(pk=item.pk).is_active
    assert audits("supervision.item.deactivate") == 1


@pytest.mark.parametrize(("changes", "code", "field"), [
    ({"code": ""}, "code_required", "code"),
    ({"code": "SC 010"}, "code_invalid", "code"),
    ({"code": "SC-001"}, "code_exists", "code"),
    ({"name": " "}, "name_required", "name"),
    ({"legal_basis": ""}, "legal_basis_required", "legal_basis"),
    ({"method": "guessing"}, "method_invalid", "method"),
    ({"industries": ["food", "mining"]}, "industry_invalid", "industries"),
])
def test_a_bad_item_is_refused(supervision_world: World, changes: dict[str, Any], code: str,
                               field: str) -> None:
    before = RegulatoryItem.objects.count()
    with pytest.raises(ActionError) as refused:
        catalog.do_create_item(supervision_world["users"]["amr_leader"],
                               organization=supervision_world["amr"], **{**ITEM, **changes})
    assert (refused.value.code, refused.value.details.get("field")) == (code, field)
    assert RegulatoryItem.objects.count() == before
    assert audits("supervision.item.create") == 0


@pytest.mark.parametrize("who", ["amr_clerk", "env_leader", "outsider", "amr_insp1"])
def test_only_the_departments_leaders_keep_its_items(supervision_world: World,
                                                     who: str) -> None:
    actor, amr = supervision_world["users"][who], supervision_world["amr"]
    with pytest.raises(NotPermitted):
        catalog.do_create_item(actor, organization=amr, **ITEM)
    item = supervision_world["items"]["food"]
    with pytest.raises(NotPermitted):
        catalog.do_set_item_active(actor, item, active=False)
    assert RegulatoryItem.objects.get(pk=item.pk).is_active


# --- entities -----------------------------------------------------------------------------


def test_registering_and_updating_an_entity(supervision_world: World) -> None:
    leader = supervision_world["users"]["amr_leader"]
    entity = supervision_world["entities"][0]
    SupervisedEntity.objects.filter(legal_entity=entity).delete()
    entry = catalog.do_register_entity(leader, legal_entity=entity, industry="catering")
    assert (entry.industry, entry.region, entry.is_active) == ("catering", entity.region, True)
    with pytest.raises(ActionError) as refused:
        catalog.do_register_entity(leader, legal_entity=entity, industry="food")
    assert (refused.value.code, refused.value.status) == ("entity_registered", 409)
    with pytest.raises(ActionError) as refused:
        catalog.do_update_entity(leader, entry, industry="mining", is_active=True)
    assert refused.value.code == "industry_invalid"
    entry = catalog.do_update_entity(leader, entry, industry="retail", is_active=False)
    assert (entry.industry, entry.is_active) == ("retail", False)
    assert audits("supervision.entity.register") == audits("supervision.entity.update") == 1


def test_the_directory_is_kept_by_leaders_of_regulating_departments(
        supervision_world: World) -> None:
    entity = supervision_world["entities"][1]
    SupervisedEntity.objects.filter(legal_entity=entity).delete()
    # The outsider leads Yichang's market regulator, which has no regulatory items.
    for who in ("amr_clerk", "amr_insp1", "outsider"):
        with pytest.raises(NotPermitted):
            catalog.do_register_entity(supervision_world["users"][who], legal_entity=entity,
                                       industry="food")
    catalog.do_register_entity(supervision_world["users"]["env_leader"], legal_entity=entity,
                               industry="environment")


# --- inspectors and conflicts --------------------------------------------------------------


def test_registering_an_inspector(supervision_world: World) -> None:
    leader, amr = supervision_world["users"]["amr_leader"], supervision_world["amr"]
    clerk = Staff.objects.get(user__username="amr_clerk")
    until = timezone.localdate() + dt.timedelta(days=365)
    inspector = catalog.do_register_inspector(leader, staff=clerk, organization=amr,
                                              certificate_number=" ZF-SC-0100 ",
                                              qualified_until=until.isoformat())
    assert (inspector.certificate_number, inspector.qualified_until) == ("ZF-SC-0100", until)
    stranger = Staff.objects.get(user__username="outsider")
    cases: list[tuple[dict[str, Any], str]] = [
        ({"staff": clerk}, "inspector_exists"),
        ({"staff": stranger}, "staff_not_in_department"),
        ({"certificate_number": "ZF-SC-0001"}, "certificate_exists"),
        ({"certificate_number": ""}, "certificate_number_required"),
        ({"qualified_until": "2020-01-01"}, "qualification_expired"),
        ({"qualified_until": "31/12/2030"}, "qualified_until_invalid"),
    ]
    leader_staff = Staff.objects.get(user__username="amr_leader")
    for changes, code in cases:
        values = {"staff": leader_staff, "organization": amr,
                  "certificate_number": "ZF-SC-0200", "qualified_until": until, **changes}
        with pytest.raises(ActionError) as refused:
            catalog.do_register_inspector(leader, **values)
        assert refused.value.code == code
    assert Inspector.objects.count() == 10
    with pytest.raises(NotPermitted):
        catalog.do_register_inspector(supervision_world["users"]["env_leader"],
                                      staff=leader_staff, organization=amr,
                                      certificate_number="ZF-SC-0300", qualified_until=until)


def test_updating_an_inspector(supervision_world: World) -> None:
    leader = supervision_world["users"]["amr_leader"]
    inspector = supervision_world["inspectors"]["amr_insp1"]
    done = catalog.do_update_inspector(leader, inspector, certificate_number="ZF-SC-0001",
                                       qualified_until=inspector.qualified_until,
                                       is_active=False)
    assert not done.is_active
    with pytest.raises(ActionError) as refused:
        catalog.do_update_inspector(leader, inspector, certificate_number="ZF-SC-0002",
                                    qualified_until=inspector.qualified_until, is_active=True)
    assert refused.value.code == "certificate_exists"
    with pytest.raises(NotPermitted):
        catalog.do_update_inspector(supervision_world["users"]["amr_insp1"], inspector,
                                    certificate_number="ZF-SC-0001",
                                    qualified_until=inspector.qualified_until, is_active=True)


def test_declaring_and_withdrawing_a_conflict(supervision_world: World) -> None:
    users, entity = supervision_world["users"], supervision_world["entities"][7]
    inspector = supervision_world["inspectors"]["amr_insp2"]
    conflict = catalog.do_declare_conflict(users["amr_insp2"], inspector=inspector,
                                           legal_entity=entity, relation="kin",
                                           note="配偶为股东")
    with pytest.raises(ActionError) as refused:
        catalog.do_declare_conflict(users["amr_leader"], inspector=inspector,
                                    legal_entity=entity, relation="interest")
    assert (refused.value.code, refused.value.status) == ("conflict_exists", 409)
    with pytest.raises(ActionError) as refused:
        catalog.do_declare_conflict(users["amr_leader"], inspector=inspector,
                                    legal_entity=supervision_world["entities"][8],
                                    relation="enemy")
    assert refused.value.code == "relation_invalid"
    for who in ("amr_insp1", "env_leader"):  # another inspector; another department
        with pytest.raises(NotPermitted):
            catalog.do_declare_conflict(users[who], inspector=inspector,
                                        legal_entity=supervision_world["entities"][9],
                                        relation="kin")
    # The inspector may not withdraw their own declaration; a leader must, with the reason.
    with pytest.raises(NotPermitted):
        catalog.do_withdraw_conflict(users["amr_insp2"], conflict, reason="已离婚")
    with pytest.raises(ActionError) as refused:
        catalog.do_withdraw_conflict(users["amr_leader"], conflict, reason=" ")
    assert refused.value.code == "reason_required"
    catalog.do_withdraw_conflict(users["amr_leader"], conflict, reason="已离婚，关系不再存在")
    with pytest.raises(ActionError) as refused:
        catalog.do_withdraw_conflict(users["amr_leader"], conflict, reason="再次撤回")
    assert refused.value.code == "conflict_withdrawn"
    again = catalog.do_declare_conflict(users["amr_leader"], inspector=inspector,
                                        legal_entity=entity, relation="interest")
    assert ConflictDeclaration.objects.filter(withdrawn_at__isnull=True).get() == again


# --- sampling rules -----------------------------------------------------------------------


def test_setting_a_sampling_rule(supervision_world: World) -> None:
    leader, amr = supervision_world["users"]["amr_leader"], supervision_world["amr"]
    rule = catalog.do_set_sampling_rule(leader, organization=amr, grade="C", factor="2.5",
                                        cap_percent="", frequency_per_year=Decimal(2))
    assert (rule.factor, rule.cap_percent, rule.frequency_per_year) == (
        Decimal("2.50"), None, Decimal("2.00"))
    assert SamplingRule.objects.filter(organization=amr).count() == 4
    event = AuditEvent.objects.get(action="supervision.sampling_rule.set")
    assert event.details["before"] == {"factor": "2.00", "cap_percent": "30.00",
                                       "frequency_per_year": "1.00"}


@pytest.mark.parametrize(("changes", "code"), [
    ({"grade": "E"}, "grade_invalid"),
    ({"factor": "0"}, "factor_invalid"),
    ({"factor": "-1"}, "factor_invalid"),
    ({"factor": "1.234"}, "factor_invalid"),
    ({"factor": "abc"}, "factor_invalid"),
    ({"factor": ""}, "factor_required"),
    ({"cap_percent": "120"}, "cap_percent_invalid"),
    ({"frequency_per_year": "0"}, "frequency_per_year_invalid"),
])
def test_a_bad_sampling_rule_is_refused(supervision_world: World, changes: dict[str, Any],
                                        code: str) -> None:
    values = {"grade": "A", "factor": "0.5", "cap_percent": "5", **changes}
    with pytest.raises(ActionError) as refused:
        catalog.do_set_sampling_rule(supervision_world["users"]["amr_leader"],
                                     organization=supervision_world["amr"], **values)
    assert refused.value.code == code
    assert SamplingRule.objects.get(organization=supervision_world["amr"],
                                    grade="A").factor == Decimal("0.5")


def test_only_leaders_set_sampling_rules(supervision_world: World) -> None:
    with pytest.raises(NotPermitted):
        catalog.do_set_sampling_rule(supervision_world["users"]["env_leader"],
                                     organization=supervision_world["amr"], grade="A",
                                     factor="1", cap_percent=None)
