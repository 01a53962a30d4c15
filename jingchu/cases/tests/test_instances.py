"""core.instances.new makes the instance `Model(**values)` makes (here on the models the API's
submission builds: a case with seven relations, its event, its audit row)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.db import models, router
from django.db.models.signals import post_init
from django.utils import timezone

from jingchu.cases.models import Case, CaseEvent, CaseMaterial
from jingchu.cases.tests.conftest import implementation
from jingchu.cases.tests.test_api import TAX_RECORD
from jingchu.core.instances import _direct_names, new
from jingchu.core.models import AuditEvent
from jingchu.identity.models import LegalEntity, Person, Staff, User

pytestmark = pytest.mark.django_db


def _same(made: models.Model, expected: models.Model) -> None:
    state, state_expected = made.__dict__.pop("_state"), expected.__dict__.pop("_state")
    mine, theirs = dict(made.__dict__), dict(expected.__dict__)
    for key in ("uid",):  # a random default: each has its own, of the same kind
        if key in theirs:
            assert type(mine.pop(key)) is type(theirs.pop(key)) is uuid.UUID
    assert mine == theirs
    assert (state.db, state.adding) == (state_expected.db, state_expected.adding)
    assert state.fields_cache == state_expected.fields_cache


def _case_values(catalog: dict[str, Any], entity: LegalEntity | None) -> dict[str, Any]:
    impl = implementation(TAX_RECORD, "hb-sw", catalog)
    user = User.objects.select_related("person").get(username="zhangsan")
    return {"item": impl.item, "version": impl.item.current_version, "implementation": impl,
            "handling_org": impl.organization, "applicant": user.person, "on_behalf_of": entity,
            "created_by": user, "channel": "api", "form_data": {"a": 1}, "status": "submitted",
            "submitted_at": timezone.now(), "deadline": dt.date(2026, 12, 3)}


@pytest.mark.parametrize("with_entity", [False, True])
def test_a_case_is_the_one_django_makes(catalog, with_entity):
    entity = LegalEntity.objects.first() if with_entity else None
    values = _case_values(catalog, entity)
    made = new(Case, **values)
    assert made.item is values["item"] and made.on_behalf_of is entity  # no query: cached
    assert made.item_id == values["item"].pk and made.created_by_id == values["created_by"].pk
    _same(made, Case(**values))


def test_keys_may_be_given_instead_of_objects(catalog):
    values = _case_values(catalog, None)
    by_key = {f"{k}_id" if isinstance(v, models.Model) else k: getattr(v, "pk", v)
              for k, v in values.items() if k != "on_behalf_of"}
    _same(new(Case, **by_key), Case(**by_key))


def test_an_event_and_an_audit_row_are_the_ones_django_makes(catalog):
    case = new(Case, **_case_values(catalog, None))
    user = User.objects.get(username="zhangsan")
    event = {"case": case, "at": timezone.now(), "actor": user, "action": "submit",
             "from_status": "", "to_status": "submitted", "details": {}, "public": True}
    _same(new(CaseEvent, **event), CaseEvent(**event))
    row = {"actor": user, "actor_label": "zhangsan", "action": "x.y", "object_type": "cases.case",
           "object_id": "u", "object_label": "", "source_ip": None, "user_agent": "",
           "details": {}}
    _same(new(AuditEvent, **row), AuditEvent(**row))
    _same(new(AuditEvent, **(row | {"actor": None})), AuditEvent(**(row | {"actor": None})))


def test_what_django_refuses_is_refused(catalog):
    values = _case_values(catalog, None)
    with pytest.raises(TypeError, match="colour"):
        new(Case, **values, colour="red")
    with pytest.raises(ValueError, match="must be a"):
        new(Case, **(values | {"applicant": values["created_by"]}))  # a user is not a person


def test_a_model_with_a_one_to_one_takes_djangos_own_path():
    user = User(username="x")
    made = new(Staff, user=user, name="某人")
    assert made.user is user and user.staff is made  # the reverse cache the keyword path sets
    assert isinstance(new(Person, name="张三"), Person)


def test_a_case_is_filled_in_directly_and_a_file_field_takes_djangos_path():
    names = _direct_names(Case)
    assert names is not None and "item_id" in names and "uid" in names
    assert _direct_names(CaseMaterial) is None  # a file's descriptor converts what is set
    made = new(CaseMaterial, filename="a.pdf", file="cases/a.pdf")
    assert made.file.name == "cases/a.pdf"  # a FieldFile, as Django's path makes it


def test_a_receiver_of_post_init_hears_every_new_instance(catalog):
    heard: list[models.Model] = []

    def receiver(sender: Any, instance: models.Model, **kwargs: Any) -> None:
        heard.append(instance)

    post_init.connect(receiver, sender=Case)
    try:
        made = new(Case, **_case_values(catalog, None))
    finally:
        post_init.disconnect(receiver, sender=Case)
    assert heard == [made]


def test_each_instance_makes_its_own_defaults_and_shares_only_constant_ones(catalog):
    values = _case_values(catalog, None)
    del values["form_data"]
    first, second = new(Case, **values), new(Case, **values)
    assert first.uid != second.uid  # uuid4, called for each
    assert first.form_data == second.form_data == {} and first.form_data is not second.form_data
    _same(first, Case(**values))
    assert (first.number, first.paused_working_days, first.decision_reason) == (None, 0, "")
    assert new(Case, **values, uid=first.uid).uid == first.uid  # a given value: no default


def test_an_object_and_its_key_both_given_are_taken_as_django_takes_them(catalog):
    values = _case_values(catalog, None)
    other = implementation(TAX_RECORD, "hb-sw", catalog).organization
    for both in (values | {"item_id": values["item"].pk},  # the same key: the object stays
                 values | {"handling_org_id": other.pk + 1}):  # another: the key wins
        _same(new(Case, **both), Case(**both))


def test_related_objects_on_two_databases_are_refused_as_django_refuses_them(catalog):
    values = _case_values(catalog, None)
    values["item"]._state.db = "elsewhere"  # the version stays on the default database
    try:
        with pytest.raises(ValueError, match="prevents this relation"):
            Case(**values)
        with pytest.raises(ValueError, match="prevents this relation"):
            new(Case, **values)
    finally:
        values["item"]._state.db = "default"


def test_a_configured_router_is_asked(catalog):
    asked: list[str] = []

    class Router:
        def db_for_write(self, model: Any, **hints: Any) -> None:
            asked.append(model.__name__)

    values = _case_values(catalog, None)
    router.routers.append(Router())
    try:
        made = new(CaseEvent, case=new(Case, **values), at=timezone.now(), action="submit",
                   to_status="submitted")
    finally:
        router.routers.pop()
    assert "Case" in asked and "CaseEvent" in asked and made.case_id is None
