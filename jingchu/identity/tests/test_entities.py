"""Acting for legal entities: the acting-as page, the session choice and the agents page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jingchu.core.masking import mask_id_number
from jingchu.core.models import AuditEvent
from jingchu.identity import actions
from jingchu.identity.models import ActingAuthorization
from jingchu.identity.services import SESSION_ACTING_KEY
from jingchu.identity.tests.registry_helpers import (
    PASSWORD,
    counts,
    entity,
    new_id_number,
    person,
)

pytestmark = pytest.mark.django_db
ACTING_AS = reverse("identity:acting_as")
SWITCH = "identity.acting_for.switch"


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    # PBKDF2 at production strength costs ~0.3 s per user here; the hash itself is not under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world() -> dict[str, Any]:
    rep = person("王五", "rep")
    agent = person("李四", "agent")
    stranger = person("张三", "stranger")
    own = entity(rep, "武汉荆楚云数科技有限公司")
    other = entity(stranger, "黄石另一家有限公司")
    grant = actions.do_authorize_agent(rep.user, legal_entity=own, agent=agent)
    return {"rep": rep, "agent": agent, "stranger": stranger, "entity": own, "other": other,
            "grant": grant}


def _client(p: Any) -> Client:
    client = Client()
    client.force_login(p.user)
    return client


def _agents_url(e: Any) -> str:
    return reverse("identity:entity_agents", kwargs={"uid": e.uid})


def _acting(client: Client) -> Any:
    response = client.get(ACTING_AS)
    assert response.status_code == 200
    return response.context["acting"]


# --- the acting-as page and the session choice ---------------------------------------------------


def test_page_lists_only_my_enterprises(world: dict[str, Any]) -> None:
    response = _client(world["agent"]).get(ACTING_AS)
    assert response.status_code == 200
    assert [g.legal_entity for g in response.context["grants"]] == [world["entity"]]
    assert world["entity"].name in response.content.decode()
    assert world["other"].name not in response.content.decode()
    assert response.context["acting"] is None


def test_agent_switches_to_enterprise_and_back(world: dict[str, Any]) -> None:
    client = _client(world["agent"])
    response = client.post(ACTING_AS, {"entity": str(world["entity"].uid)})
    assert response.status_code == 302
    assert client.session[SESSION_ACTING_KEY] == str(world["entity"].uid)
    assert _acting(client) == world["entity"]
    event = AuditEvent.objects.get(action=SWITCH)
    assert event.actor == world["agent"].user
    assert event.details == {"entity": world["entity"].uscc}
    assert client.post(ACTING_AS, {"entity": ""}).status_code == 302
    assert SESSION_ACTING_KEY not in client.session
    assert _acting(client) is None
    assert AuditEvent.objects.filter(action=SWITCH).count() == 2


def test_representative_may_act_for_own_enterprise(world: dict[str, Any]) -> None:
    client = _client(world["rep"])
    assert client.post(ACTING_AS, {"entity": str(world["entity"].uid)}).status_code == 302
    assert _acting(client) == world["entity"]


def test_posting_another_enterprise_is_refused_and_changes_nothing(world: dict[str, Any]) -> None:
    client = _client(world["agent"])
    client.post(ACTING_AS, {"entity": str(world["entity"].uid)})
    before = counts()
    response = client.post(ACTING_AS, {"entity": str(world["other"].uid)})
    assert response.status_code == 403
    assert client.session[SESSION_ACTING_KEY] == str(world["entity"].uid)
    assert counts() == before
    outsider = _client(person("陈七", "outsider"))
    assert outsider.post(ACTING_AS, {"entity": str(world["entity"].uid)}).status_code == 403
    assert SESSION_ACTING_KEY not in outsider.session


@pytest.mark.parametrize("value", ["not-a-uid", "00000000-0000-4000-8000-000000000000"])
def test_unknown_enterprise_is_not_found(world: dict[str, Any], value: str) -> None:
    client = _client(world["agent"])
    assert client.post(ACTING_AS, {"entity": value}).status_code == 404
    assert SESSION_ACTING_KEY not in client.session


def test_revocation_stops_acting_at_once(world: dict[str, Any]) -> None:
    client = _client(world["agent"])
    client.post(ACTING_AS, {"entity": str(world["entity"].uid)})
    assert _acting(client) == world["entity"]
    actions.do_revoke_authorization(world["rep"].user, world["grant"])
    assert _acting(client) is None
    # Authorized again, the agent acts as themselves until they choose the enterprise again.
    actions.do_authorize_agent(world["rep"].user, legal_entity=world["entity"],
                               agent=world["agent"])
    assert _acting(client) is None
    assert SESSION_ACTING_KEY not in client.session


def test_expired_authorization_stops_acting(world: dict[str, Any]) -> None:
    client = _client(world["agent"])
    client.post(ACTING_AS, {"entity": str(world["entity"].uid)})
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    ActingAuthorization.objects.filter(pk=world["grant"].pk).update(valid_until=yesterday)
    assert _acting(client) is None
    assert client.post(ACTING_AS, {"entity": str(world["entity"].uid)}).status_code == 403


def test_acting_as_refuses_anonymous_and_staff(world: dict[str, Any]) -> None:
    response = Client().get(ACTING_AS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:login"))
    staff = actions.do_create_staff(None, username="clerk", password=PASSWORD, name="赵敏")
    client = Client()
    client.force_login(staff.user)
    assert client.get(ACTING_AS).status_code == 403


# --- the agents page -----------------------------------------------------------------------------


def test_agents_page_shows_masked_numbers(world: dict[str, Any]) -> None:
    response = _client(world["rep"]).get(_agents_url(world["entity"]))
    assert response.status_code == 200
    page = response.content.decode()
    for p in (world["rep"], world["agent"]):
        assert p.name in page
        assert mask_id_number(p.id_number) in page
        assert p.id_number not in page
    assert {a["name"] for a in response.context["agents"]} == {"李四", "王五"}


@pytest.mark.parametrize("who", ["agent", "stranger"])
def test_agents_page_refuses_everyone_but_the_representative(
    world: dict[str, Any], who: str
) -> None:
    client = _client(world[who])
    url = _agents_url(world["entity"])
    assert client.get(url).status_code == 403
    before = counts()
    response = client.post(url, {"id_number": world["stranger"].id_number})
    assert response.status_code == 403
    revoke = reverse("identity:entity_agent_revoke",
                     kwargs={"uid": world["entity"].uid, "grant_uid": world["grant"].uid})
    assert client.post(revoke).status_code == 403
    assert counts() == before


def test_agents_page_redirects_anonymous_to_login(world: dict[str, Any]) -> None:
    response = Client().get(_agents_url(world["entity"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:login"))
    assert Client().post(_agents_url(world["entity"]), {"id_number": "x"}).status_code == 302


def test_representative_authorizes_by_id_number(world: dict[str, Any]) -> None:
    client = _client(world["rep"])
    newcomer = person("周八", "newcomer")
    until = timezone.localdate() + dt.timedelta(days=10)
    response = client.post(_agents_url(world["entity"]), {
        "id_number": f" {newcomer.id_number.lower()} ", "valid_until": until.isoformat(),
    })
    assert response.status_code == 302
    grant = ActingAuthorization.objects.get(person=newcomer, legal_entity=world["entity"])
    assert grant.valid_until == until
    assert AuditEvent.objects.filter(action="identity.authorization.grant",
                                     object_id=str(grant.uid)).exists()
    acting = _client(newcomer)
    assert acting.post(ACTING_AS, {"entity": str(world["entity"].uid)}).status_code == 302


@pytest.mark.parametrize("case", ["unregistered", "invalid", "already", "past"])
def test_authorize_refusals_are_shown_on_the_form(world: dict[str, Any], case: str) -> None:
    data = {
        "unregistered": {"id_number": new_id_number()},
        "invalid": {"id_number": "420106198001010011"},
        "already": {"id_number": world["agent"].id_number},
        "past": {"id_number": world["stranger"].id_number, "valid_until": "2020-01-01"},
    }[case]
    before = counts()
    response = _client(world["rep"]).post(_agents_url(world["entity"]), data)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert counts() == before


def test_representative_revokes_through_the_page(world: dict[str, Any]) -> None:
    client = _client(world["rep"])
    url = reverse("identity:entity_agent_revoke",
                  kwargs={"uid": world["entity"].uid, "grant_uid": world["grant"].uid})
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    world["grant"].refresh_from_db()
    assert world["grant"].revoked_at is not None
    response = client.get(_agents_url(world["entity"]))
    assert [a["name"] for a in response.context["agents"]] == [world["rep"].name]
    assert [m.level_tag for m in response.context["messages"]] == ["success"]


def test_revoke_through_another_entity_is_not_found(world: dict[str, Any]) -> None:
    mine = entity(world["rep"], "第二家公司")
    url = reverse("identity:entity_agent_revoke",
                  kwargs={"uid": mine.uid, "grant_uid": world["grant"].uid})
    assert _client(world["rep"]).post(url).status_code == 404
    world["grant"].refresh_from_db()
    assert world["grant"].revoked_at is None


def test_garbled_session_value_acts_as_nobody(world: dict[str, Any]) -> None:
    client = _client(world["agent"])
    session = client.session
    session[SESSION_ACTING_KEY] = "garbage"
    session.save()
    assert _acting(client) is None
    assert SESSION_ACTING_KEY not in client.session
