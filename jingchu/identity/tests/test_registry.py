"""Registry actions: people, legal entities, acting-for authorizations, staff and roles."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from jingchu.core import crypto
from jingchu.core.errors import ActionError
from jingchu.core.identifiers import make_id_number
from jingchu.core.models import AuditEvent, Region
from jingchu.identity import actions, demo, permissions, services
from jingchu.identity.choices import ActingBasis, Gender, LegalEntityKind, StaffRole, UserKind
from jingchu.identity.models import ActingAuthorization, Person, StaffAssignment
from jingchu.identity.tests.registry_helpers import (
    PASSWORD,
    audited,
    counts,
    entity,
    new_id_number,
    new_uscc,
    person,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    # PBKDF2 at production strength costs ~0.3 s per user here; the hash itself is not under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _refused(code: str, func: Any, *args: Any, **kwargs: Any) -> ActionError:
    """Call an action that must refuse with `code` and prove that it wrote nothing at all."""
    before = counts()
    with pytest.raises(ActionError) as info:
        func(*args, **kwargs)
    assert info.value.code == code
    assert info.value.message
    assert counts() == before
    return info.value


@pytest.fixture
def world() -> dict[str, Any]:
    rep = person("王五", "rep")
    agent = person("李四", "agent")
    stranger = person("张三", "stranger")
    return {"rep": rep, "agent": agent, "stranger": stranger, "entity": entity(rep)}


# --- do_register_person --------------------------------------------------------------------------


def test_register_person_encrypts_and_derives() -> None:
    number = make_id_number("420106", dt.date(1995, 11, 2), 37, False)
    p = actions.do_register_person(
        None, name=" 李四 ", id_number=number.lower(), phone="13907151234",
        address="武汉市武昌区中北路99号", username="lisi", password=PASSWORD,
    )
    p.refresh_from_db()
    assert (p.name, p.id_number, p.gender) == ("李四", number, Gender.FEMALE)
    assert p.birth_date == dt.date(1995, 11, 2)
    assert p.birth_region == Region.objects.get(code="420106000000")
    assert p.id_number_index == crypto.blind_index(number)
    assert p.phone_index == crypto.blind_index("13907151234")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, phone, address FROM identity_person WHERE id = %s", [p.pk]
        )
        stored = cursor.fetchone()
    assert all(value.startswith(crypto.PREFIX) for value in stored)
    assert number not in stored[0] and "1390715" not in stored[1]
    assert p.user is not None and p.user.kind == UserKind.PERSON
    assert p.user.check_password(PASSWORD)
    assert actions.find_person(number) == p
    assert audited("identity.person.register", p) == 1


def test_register_person_without_login_and_male_from_number() -> None:
    number = make_id_number("420111", dt.date(1979, 7, 28), 5, True)
    p = actions.do_register_person(None, name="王五", id_number=number)
    assert p.user is None and p.gender == Gender.MALE


def test_duplicate_number_refused() -> None:
    number = new_id_number(male=False)
    person("甲", id_number=number)
    error = _refused("person_exists", actions.do_register_person, None, name="乙",
                     id_number=f" {number.lower()} ", username="second", password=PASSWORD)
    assert error.details == {"field": "id_number"}


@pytest.mark.parametrize(
    ("number", "code"),
    [("420106198001010011", "id_check_digit"), ("42010619800230001X", "id_birth_date"),
     ("429999198001010010", "id_region"), ("4201061980010100", "id_length")],
)
def test_bad_number_refused_with_validator_code(number: str, code: str) -> None:
    error = _refused(code, actions.do_register_person, None, name="丙", id_number=number,
                     username="bad_number", password=PASSWORD)
    assert error.details == {"field": "id_number"}


@pytest.mark.parametrize("phone", ["1387123456", "23871234567", "138712345678", "１3871234567"])
def test_bad_phone_refused(phone: str) -> None:
    _refused("phone_invalid", actions.do_register_person, None, name="丁",
             id_number=new_id_number(), phone=phone, username="bad_phone", password=PASSWORD)


@pytest.mark.parametrize("password", ["12345678", "password123", "1234567890", "badphone01"])
def test_weak_password_refused(password: str) -> None:
    _refused("weak_password", actions.do_register_person, None, name="戊",
             id_number=new_id_number(), username="badphone01", password=password)


def test_taken_username_and_empty_name_refused() -> None:
    person("己", "taken")
    _refused("username_taken", actions.do_register_person, None, name="庚",
             id_number=new_id_number(), username="taken", password=PASSWORD)
    _refused("name_required", actions.do_register_person, None, name="  ",
             id_number=new_id_number(), username="noname", password=PASSWORD)


# --- do_register_legal_entity --------------------------------------------------------------------


def test_register_legal_entity_gives_representative_standing() -> None:
    rep = person("王五", "rep")
    e = entity(rep)
    grant = ActingAuthorization.objects.get(legal_entity=e)
    assert (grant.person, grant.basis, grant.revoked_at) == (rep, ActingBasis.LEGAL_REPRESENTATIVE,
                                                             None)
    assert services.entities_for(rep) == [e]
    assert audited("identity.legal_entity.register", e) == 1


@pytest.mark.parametrize(
    ("overrides", "code"),
    [({"uscc": "91350100M000100Y44"}, "uscc_check"), ({"name": " "}, "name_required"),
     ({"kind": "spaceship"}, "kind_invalid")],
)
def test_bad_legal_entity_refused(overrides: dict[str, str], code: str) -> None:
    rep = person("王五", "rep")
    fields: dict[str, Any] = {
        "uscc": new_uscc(), "name": "测试公司", "kind": LegalEntityKind.ENTERPRISE,
        "region": Region.objects.get(code="420102000000"), "legal_representative": rep,
    }
    _refused(code, actions.do_register_legal_entity, None, **{**fields, **overrides})


def test_duplicate_credit_code_refused(world: dict[str, Any]) -> None:
    _refused("entity_exists", actions.do_register_legal_entity, None,
             uscc=world["entity"].uscc.lower(), name="又一家", kind=LegalEntityKind.ENTERPRISE,
             region=Region.objects.get(code="420102000000"), legal_representative=world["agent"])


# --- do_authorize_agent / do_revoke_authorization ------------------------------------------------


def test_representative_authorizes_agent(world: dict[str, Any]) -> None:
    until = timezone.localdate() + dt.timedelta(days=30)
    grant = actions.do_authorize_agent(
        world["rep"].user, legal_entity=world["entity"], agent=world["agent"], valid_until=until
    )
    assert (grant.basis, grant.granted_by, grant.valid_until) == (
        ActingBasis.AUTHORIZED, world["rep"], until)
    assert permissions.can_act_for(world["agent"].user, world["entity"])
    assert audited("identity.authorization.grant", grant) == 1


@pytest.mark.parametrize("who", ["agent", "stranger", "anonymous"])
def test_only_representative_may_authorize(world: dict[str, Any], who: str) -> None:
    actor = None if who == "anonymous" else world[who].user
    error = _refused("not_representative", actions.do_authorize_agent, actor,
                     legal_entity=world["entity"], agent=world["stranger"])
    assert error.status == 403


def test_authorize_refusals(world: dict[str, Any]) -> None:
    rep_user, e = world["rep"].user, world["entity"]
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    _refused("valid_until_past", actions.do_authorize_agent, rep_user, legal_entity=e,
             agent=world["agent"], valid_until=yesterday)
    _refused("already_authorized", actions.do_authorize_agent, rep_user, legal_entity=e,
             agent=world["rep"])
    actions.do_authorize_agent(rep_user, legal_entity=e, agent=world["agent"])
    _refused("already_authorized", actions.do_authorize_agent, rep_user, legal_entity=e,
             agent=world["agent"])


def test_expired_authorization_no_longer_acts_and_can_be_renewed(world: dict[str, Any]) -> None:
    rep_user, e, agent = world["rep"].user, world["entity"], world["agent"]
    today = timezone.localdate()
    grant = actions.do_authorize_agent(rep_user, legal_entity=e, agent=agent, valid_until=today)
    assert permissions.can_act_for(agent.user, e)  # valid_until is the last valid day
    ActingAuthorization.objects.filter(pk=grant.pk).update(valid_until=today - dt.timedelta(1))
    assert not permissions.can_act_for(agent.user, e)
    assert services.entities_for(agent) == []
    renewed = actions.do_authorize_agent(rep_user, legal_entity=e, agent=agent)
    grant.refresh_from_db()
    assert grant.revoked_at is not None and renewed.revoked_at is None
    assert permissions.can_act_for(agent.user, e)
    assert audited("identity.authorization.close_expired", grant) == 1


def test_revoke_authorization(world: dict[str, Any]) -> None:
    grant = actions.do_authorize_agent(world["rep"].user, legal_entity=world["entity"],
                                       agent=world["agent"])
    for who in ("agent", "stranger"):
        error = _refused("not_representative", actions.do_revoke_authorization,
                         world[who].user, grant)
        assert error.status == 403
    actions.do_revoke_authorization(world["rep"].user, grant)
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    assert not permissions.can_act_for(world["agent"].user, world["entity"])
    assert audited("identity.authorization.revoke", grant) == 1
    _refused("already_revoked", actions.do_revoke_authorization, world["rep"].user, grant)


def test_representative_standing_cannot_be_revoked(world: dict[str, Any]) -> None:
    own = ActingAuthorization.objects.get(person=world["rep"], legal_entity=world["entity"])
    _refused("cannot_revoke_representative", actions.do_revoke_authorization,
             world["rep"].user, own)


# --- do_create_staff / do_assign_role ------------------------------------------------------------


def test_create_staff_and_assign_roles(demo_orgs: dict[str, Any]) -> None:
    staff = actions.do_create_staff(None, username="clerk", password=PASSWORD, name="赵敏",
                                    employee_number="E-001")
    assert staff.user.kind == UserKind.STAFF and not staff.user.is_staff
    assert staff.user.check_password(PASSWORD)
    assert audited("identity.staff.create", staff) == 1
    org = demo_orgs["wh-smzj"]
    assignment = actions.do_assign_role(None, staff=staff, organization=org,
                                        role=StaffRole.WINDOW_CLERK)
    assert assignment.role == StaffRole.WINDOW_CLERK
    assert permissions.can_verify_in_person(staff.user)
    assert audited("identity.staff.assign_role", staff) == 1
    before = counts()  # assigning the same role again changes nothing and records nothing
    actions.do_assign_role(None, staff=staff, organization=org, role=StaffRole.WINDOW_CLERK)
    assert counts() == before
    actions.do_assign_role(None, staff=staff, organization=org, role=StaffRole.ADMINISTRATOR)
    staff.user.refresh_from_db()
    assert staff.user.is_staff
    assert audited("identity.staff.assign_role", staff) == 2


def test_staff_refusals(demo_orgs: dict[str, Any]) -> None:
    _refused("weak_password", actions.do_create_staff, None, username="s1",
             password="123456789", name="钱进")
    _refused("name_required", actions.do_create_staff, None, username="s1",
             password=PASSWORD, name="")
    staff = actions.do_create_staff(None, username="s1", password=PASSWORD, name="钱进")
    _refused("username_taken", actions.do_create_staff, None, username="s1",
             password=PASSWORD, name="孙立")
    _refused("role_invalid", actions.do_assign_role, None, staff=staff,
             organization=demo_orgs["hb-scjg"], role="emperor")
    assert not StaffAssignment.objects.filter(staff=staff).exists()


def test_audit_events_name_objects_by_uid_not_pk() -> None:
    p = person("辛", "xin")
    event = AuditEvent.objects.get(action="identity.person.register")
    assert event.object_id == str(p.uid)
    assert Person.objects.get(uid=event.object_id) == p


# --- demo personas -------------------------------------------------------------------------------


def test_demo_personas_are_idempotent(demo_orgs: dict[str, Any]) -> None:
    from jingchu.identity.demo import ENTERPRISE, load_personas

    first = load_personas(demo_orgs)
    before = counts()
    assert before["Person"] == 3 and before["LegalEntity"] == 1
    assert before["Staff"] == len(demo.STAFF)
    second = load_personas(demo_orgs)
    assert counts() == before  # nothing new: no rows, no audit events
    assert [p.username for p in first] == [p.username for p in second]
    wangwu = Person.objects.get(user__username="wangwu")
    lisi = Person.objects.get(user__username="lisi")
    enterprise = services.entities_for(wangwu)
    assert [e.uscc for e in enterprise] == [ENTERPRISE["uscc"]]
    assert services.entities_for(lisi) == enterprise
    assert lisi.user is not None and lisi.user.check_password("Jingchu@2026")


def test_core_role_names_match_the_staff_roles():
    from jingchu.core import permissions as core_permissions
    from jingchu.identity.choices import StaffRole

    assert StaffRole.AUDITOR.value == core_permissions.AUDITOR
    assert StaffRole.ADMINISTRATOR.value == core_permissions.ADMINISTRATOR
