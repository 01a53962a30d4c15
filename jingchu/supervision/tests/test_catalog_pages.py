"""The directory pages through Django's test client: the start page, regulatory items, the
entity directory and entity page, inspectors and conflicts, sampling and credit rules — who may
open and change each, and a refused change shown on its form with nothing written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jingchu.cases.tests.conftest import PASSWORD
from jingchu.core.identifiers import make_id_number
from jingchu.identity import actions as identity_actions
from jingchu.identity.models import Staff
from jingchu.supervision.actions import catalog
from jingchu.supervision.actions import credit as credit_actions
from jingchu.supervision.models import (
    ConflictDeclaration,
    Inspector,
    RegulatoryItem,
    SamplingRule,
    SupervisedEntity,
)

pytestmark = pytest.mark.django_db
World = dict[str, Any]


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def citizen() -> Client:
    identity_actions.do_register_person(
        None, name="市民", id_number=make_id_number("420102", dt.date(1990, 1, 1), 7, male=True),
        username="citizen", password=PASSWORD)
    return signed_in("citizen")


PAGES: list[tuple[str, dict[str, Any]]] = [
    ("supervision:home", {}), ("supervision:items", {}), ("supervision:entities", {}),
    ("supervision:inspectors", {}), ("supervision:rules", {}),
    ("supervision:credit_records", {})]


def test_staff_read_the_pages_and_others_are_refused(supervision_world: World) -> None:
    person, anonymous = citizen(), Client()
    for name, kwargs in PAGES:
        url = reverse(name, kwargs=kwargs)
        assert signed_in("amr_insp1").get(url).status_code == 200, url
        assert person.get(url).status_code == 403, url
        assert anonymous.get(url).status_code == 302, url
    entity = reverse("supervision:entity", kwargs={"uid": supervision_world["entities"][0].uid})
    assert person.get(entity).status_code == 403


def test_the_start_page_counts_and_says_what_the_user_may_do(supervision_world: World) -> None:
    page = signed_in("amr_leader").get(reverse("supervision:home"))
    text = page.content.decode()
    assert page.context["counts"]["my_items"] == 3
    assert page.context["counts"]["entities"] == 40
    assert page.context["counts"]["my_inspectors"] == 6
    assert {g["grade"]: g["count"] for g in page.context["grades"]} == {
        "A": 10, "B": 20, "C": 6, "D": 4}
    assert page.context["may"]["manage_items"] and page.context["may"]["recompute"]
    assert reverse("supervision:credit_records") + "#record" in text
    clerk = signed_in("amr_clerk").get(reverse("supervision:home")).context
    assert clerk["may"] == {"manage_items": False, "manage_entities": False,
                            "record_credit": True, "recompute": False}


# --- items --------------------------------------------------------------------------------


def test_a_leader_keeps_the_items_on_the_pages(supervision_world: World) -> None:
    leader, amr = signed_in("amr_leader"), supervision_world["amr"]
    page = leader.get(reverse("supervision:items"))
    assert page.context["department"] == amr and page.context["may_manage"]
    assert [r["item"].code for r in page.context["items"]] == ["SC-001", "SC-002", "SC-003"]
    url = f"{reverse('supervision:items')}?department={amr.uid}"
    data = {"code": "SC-020", "name": "计量器具检查", "legal_basis": "《计量法》第二十三条",
            "method": "sampling", "industries": ["retail"]}
    assert leader.post(url, data).status_code == 302
    item = RegulatoryItem.objects.get(code="SC-020")
    assert item.industries == ["retail"]
    again = leader.post(url, data)
    assert again.status_code == 409 and again.context["form"].errors["code"]
    edit = reverse("supervision:item", kwargs={"code": "SC-020"})
    assert leader.post(edit, {**data, "name": "计量器具抽检", "is_key": "on"}).status_code == 302
    item.refresh_from_db()
    assert (item.name, item.is_key) == ("计量器具抽检", True)
    toggle = reverse("supervision:item_active", kwargs={"code": "SC-020"})
    assert leader.post(toggle, {"active": "0"}).status_code == 302
    assert not RegulatoryItem.objects.get(code="SC-020").is_active


def test_other_departments_read_the_items_but_do_not_change_them(
        supervision_world: World) -> None:
    amr = supervision_world["amr"]
    env = signed_in("env_leader")
    url = f"{reverse('supervision:items')}?department={amr.uid}"
    page = env.get(url)
    assert page.status_code == 200 and not page.context["may_manage"]
    assert 'id="item-form"' not in page.content.decode()
    data = {"code": "SC-021", "name": "x", "legal_basis": "y", "method": "online"}
    assert env.post(url, data).status_code == 403
    edit = reverse("supervision:item", kwargs={"code": "SC-001"})
    assert env.post(edit, {**data, "name": "改名"}).status_code == 403
    toggle = reverse("supervision:item_active", kwargs={"code": "SC-001"})
    assert signed_in("amr_clerk").post(toggle, {"active": "0"}).status_code == 403
    assert RegulatoryItem.objects.get(code="SC-001").is_active
    assert not RegulatoryItem.objects.filter(code="SC-021").exists()
    assert env.get(reverse("supervision:item", kwargs={"code": "NOPE"})).status_code == 404


# --- entities -----------------------------------------------------------------------------


def test_the_directory_searches_and_filters(supervision_world: World) -> None:
    client, url = signed_in("amr_insp1"), reverse("supervision:entities")

    def count(**query: str) -> int:
        return int(client.get(url, query).context["page"].paginator.count)

    assert count() == 40
    assert count(q="测试007") == 1
    assert count(q=supervision_world["entities"][5].uscc[:12]) > 0
    assert count(industry="food") == 10
    assert count(region="420111000000") == 20  # 洪山区
    assert count(region="420100000000") == 40  # 武汉市 and below
    assert count(grade="D") == 4
    assert count(grade="D", region="420102000000") == 2
    supervision_world["entities"][0].credit_grades.all().delete()
    assert count(grade="B") == 21  # never graded counts as B
    second = client.get(url, {"page": "2"})
    assert len(second.context["page"].object_list) == 15


def test_a_leader_registers_an_entity_and_edits_it(supervision_world: World) -> None:
    entity = supervision_world["entities"][3]
    SupervisedEntity.objects.filter(legal_entity=entity).delete()
    leader = signed_in("amr_leader")
    page = leader.get(reverse("supervision:entity", kwargs={"uid": entity.uid}))
    assert page.status_code == 200 and page.context["entry"] is None
    bad = leader.post(reverse("supervision:entities"), {"uscc": "123", "industry": "food"})
    assert bad.status_code == 400 and bad.context["form"].errors["uscc"]
    done = leader.post(reverse("supervision:entities"),
                       {"uscc": entity.uscc, "industry": "catering"})
    entry = SupervisedEntity.objects.get(legal_entity=entity)
    assert done["Location"] == reverse("supervision:entity", kwargs={"uid": entry.uid})
    edit = reverse("supervision:entity_edit", kwargs={"uid": entry.uid})
    assert leader.post(edit, {"industry": "retail"}).status_code == 302
    entry.refresh_from_db()
    assert (entry.industry, entry.is_active) == ("retail", False)
    refused = signed_in("outsider").post(edit, {"industry": "food", "is_active": "on"})
    assert refused.status_code == 403
    assert signed_in("amr_insp1").post(reverse("supervision:entities"), {
        "uscc": entity.uscc, "industry": "food"}).status_code == 403


def test_the_entity_page_explains_the_grade(supervision_world: World) -> None:
    credit_actions.do_load_credit_rules(None)
    entity = supervision_world["entities"][6]
    credit_actions.do_record_credit_event(
        None, legal_entity=entity, kind="penalty", organization=supervision_world["amr"],
        reference="武市监罚〔2026〕5号", summary="未明码标价",
        decided_on=timezone.localdate() - dt.timedelta(days=5))
    entry = SupervisedEntity.objects.get(legal_entity=entity)
    page = signed_in("amr_insp1").get(reverse("supervision:entity", kwargs={"uid": entry.uid}))
    text = page.content.decode()
    assert page.context["grade"] == "A" and page.context["current"].score == 90
    assert "武市监罚〔2026〕5号" in text and "受到行政处罚" in text
    assert len(page.context["history"]) == 2  # the fixture's grade, then the computed one
    assert 'id="licences"' in text and not page.context["licences"]
    # The legal entity's own uid leads to the same page; an unknown one is 404.
    same = signed_in("amr_insp1").get(reverse("supervision:entity", kwargs={"uid": entity.uid}))
    assert same.context["entry"] == entry
    missing = reverse("supervision:entity", kwargs={"uid": "00000000-0000-0000-0000-000000000000"})
    assert signed_in("amr_insp1").get(missing).status_code == 404


# --- inspectors ---------------------------------------------------------------------------


def test_a_leader_registers_an_inspector(supervision_world: World) -> None:
    leader, amr = signed_in("amr_leader"), supervision_world["amr"]
    page = leader.get(reverse("supervision:inspectors"))
    assert len(page.context["inspectors"]) == 6
    staff = page.context["form"].fields["staff"].queryset
    assert set(staff.values_list("user__username", flat=True)) == {"amr_leader", "amr_clerk"}
    clerk = Staff.objects.get(user__username="amr_clerk")
    url = f"{reverse('supervision:inspectors')}?department={amr.uid}"
    data = {"staff": str(clerk.uid), "certificate_number": "ZF-SC-0001",
            "qualified_until": "2031-01-01"}
    taken = leader.post(url, data)
    assert taken.status_code == 409 and taken.context["form"].errors["certificate_number"]
    done = leader.post(url, {**data, "certificate_number": "ZF-SC-0099"})
    made = Inspector.objects.get(certificate_number="ZF-SC-0099")
    assert done["Location"] == reverse("supervision:inspector", kwargs={"uid": made.uid})
    env_url = f"{reverse('supervision:inspectors')}?department={amr.uid}"
    assert signed_in("env_leader").post(env_url, data).status_code == 403
    edit = reverse("supervision:inspector_edit", kwargs={"uid": made.uid})
    assert leader.post(edit, {"certificate_number": "ZF-SC-0099",
                              "qualified_until": "2032-06-30"}).status_code == 302
    made.refresh_from_db()
    assert (made.qualified_until, made.is_active) == (dt.date(2032, 6, 30), False)
    assert signed_in("amr_insp1").post(edit, {"certificate_number": "X",
                                              "qualified_until": "2032-06-30"}).status_code == 403


def test_conflicts_on_the_inspector_page(supervision_world: World) -> None:
    inspector, entity = supervision_world["inspectors"]["amr_insp1"], supervision_world[
        "entities"][4]
    url = reverse("supervision:conflict_declare", kwargs={"uid": inspector.uid})
    own = signed_in("amr_insp1")
    assert own.get(reverse("supervision:inspector", kwargs={"uid": inspector.uid})
                   ).context["may_declare"]
    assert signed_in("amr_insp2").post(url, {"uscc": entity.uscc,
                                             "relation": "kin"}).status_code == 403
    assert own.post(url, {"uscc": entity.uscc, "relation": "kin",
                          "note": "表兄任法定代表人"}).status_code == 302
    twice = own.post(url, {"uscc": entity.uscc, "relation": "interest"})
    assert twice.status_code == 409 and twice.context["conflict_form"].errors["uscc"]
    conflict = ConflictDeclaration.objects.get()
    withdraw = reverse("supervision:conflict_withdraw", kwargs={"uid": conflict.uid})
    assert own.post(withdraw, {"reason": "不再回避"}).status_code == 403
    blank = signed_in("amr_leader").post(withdraw, {"reason": ""})
    assert blank.status_code == 400
    assert signed_in("amr_leader").post(withdraw, {"reason": "亲属已退出"}).status_code == 302
    conflict.refresh_from_db()
    assert conflict.withdrawn_at is not None


# --- rules --------------------------------------------------------------------------------


def _rules_form(**changes: str) -> dict[str, str]:
    data = {}
    for grade, factor, cap in (("A", "0.5", "5"), ("B", "1", "10"), ("C", "2", "30"),
                               ("D", "3", "")):
        data.update({f"factor_{grade}": factor, f"cap_percent_{grade}": cap,
                     f"frequency_per_year_{grade}": "1"})
    data.update(changes)
    return data


def test_a_leader_sets_the_sampling_rules(supervision_world: World) -> None:
    credit_actions.do_load_credit_rules(None)
    leader, amr = signed_in("amr_leader"), supervision_world["amr"]
    page = leader.get(reverse("supervision:rules"))
    assert page.context["may_manage"] and len(page.context["credit_rules"]) == 6
    assert "受到行政处罚" in page.content.decode()
    url = f"{reverse('supervision:rules')}?department={amr.uid}"
    assert leader.post(url, _rules_form(factor_D="4", frequency_per_year_D="2")
                       ).status_code == 302
    rule = SamplingRule.objects.get(organization=amr, grade="D")
    assert (str(rule.factor), str(rule.frequency_per_year)) == ("4.00", "2.00")
    bad = leader.post(url, _rules_form(cap_percent_B="150", factor_D="5"))
    assert bad.status_code == 400 and bad.context["form"].errors["cap_percent_B"]
    assert SamplingRule.objects.get(organization=amr, grade="D").factor == 4  # all or nothing
    assert signed_in("env_leader").post(url, _rules_form()).status_code == 403
    other = signed_in("env_leader").get(url)
    assert other.status_code == 200 and not other.context["may_manage"]


def test_catalog_action_helpers_exist_for_others() -> None:
    # The signatures other parts call (see the interface): keyword-only, as documented.
    import inspect

    for name in ("do_create_item", "do_register_entity", "do_register_inspector",
                 "do_declare_conflict", "do_set_sampling_rule"):
        params = inspect.signature(getattr(catalog, name)).parameters
        assert next(iter(params)) == "actor"
        assert all(p.kind == p.KEYWORD_ONLY for p in list(params.values())[1:])
