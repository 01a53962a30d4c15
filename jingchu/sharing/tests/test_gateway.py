"""The exchange gateway end to end: a department system gets a client-credentials token from
the identity provider and reads the population base; every refusal is answered with its code
and recorded; the citizen sees the read on "who read my data"."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from jingchu.conftest import redis_url
from jingchu.core.crypto import blind_index
from jingchu.core.identifiers import make_id_number
from jingchu.identity import actions as identity_actions
from jingchu.identity.choices import StaffRole
from jingchu.sharing.actions.exchange import do_disable_gateway_client, do_register_gateway_client
from jingchu.sharing.choices import (
    CallResult,
    GrantStatus,
    ListKind,
    MountKind,
    ResourceStatus,
    ShareType,
    SubjectKind,
)
from jingchu.sharing.demo_exchange import token_for
from jingchu.sharing.gateway_auth import Refusal
from jingchu.sharing.models import (
    DataResource,
    ExchangeCall,
    Grant,
    ListEntry,
    PersonRecord,
    ResourceField,
)

PASSWORD = "Gateway@2026-test"
LOOKUP = "/gateway/v1/resources/{code}/lookup"
FIELDS = [("id_number", "id_number"), ("name", "name"), ("gender", ""), ("birth_date", ""),
          ("address", "address"), ("phone", "phone"), ("education", "")]


def _staff(username: str, org: Any, role: str) -> Any:
    staff = identity_actions.do_create_staff(None, username=username, password=PASSWORD,
                                             name=username)
    identity_actions.do_assign_role(None, staff=staff, organization=org, role=role)
    return staff.user


def _person_record(number: str, name: str) -> PersonRecord:
    return PersonRecord.objects.create(
        id_number_index=blind_index(number), id_number=number, name=name, gender="male",
        birth_date=dt.date(1990, 1, 2), ethnicity="01", region_code="420102000000",
        address="湖北省武汉市江岸区沿江大道88号3栋2单元501室", phone="13912345678",
        marital_status="married", education="bachelor", updated_at=timezone.now())


def _resource(org: Any, code: str) -> DataResource:
    resource = DataResource.objects.create(
        code=code, name="人口基础信息", owner=org, share_type=ShareType.CONDITIONAL,
        legal_basis="《居民身份证法》", mount_kind=MountKind.TABLE, mount_target="population",
        key_field="id_number", subject_kind=SubjectKind.PERSON, status=ResourceStatus.PUBLISHED)
    for position, (name, mask) in enumerate(FIELDS):
        ResourceField.objects.create(resource=resource, name=name, label=name, mask=mask,
                                     position=position)
    return resource


def _token(client_id: str, secret: str) -> str:
    token = token_for(Client(), client_id, secret)
    assert token, "the token endpoint refused the client"
    return token


@pytest.fixture
def gw(demo_orgs: dict[str, Any]) -> dict[str, Any]:
    return gateway_world(demo_orgs)


def gateway_world(orgs: dict[str, Any]) -> dict[str, Any]:
    """Two citizens' records, a resource granted to 武汉市公安局 and its system with a token."""
    cache.clear()  # the rate-limit counters
    admin = _staff("gw_admin", orgs["hb-zwb"], StaffRole.ADMINISTRATOR)
    officer = _staff("gw_officer", orgs["wh-gaj"], StaffRole.REVIEWER)
    steward = _staff("gw_steward", orgs["wh-gaj"], StaffRole.DATA_STEWARD)
    number = make_id_number("420102", dt.date(1990, 1, 2), 11, True)
    citizen = identity_actions.do_register_person(
        None, name="李明", id_number=number, phone="13912345678", address="武汉市",
        username="gw_citizen", password=PASSWORD).user
    _person_record(number, "李明")
    other = make_id_number("420502", dt.date(1985, 6, 1), 22, False)
    _person_record(other, "王芳")
    resource = _resource(orgs["hb-gat"], "HB-GAT-0001")
    today = timezone.localdate()
    grant = Grant.objects.create(
        consumer=orgs["wh-gaj"], resource=resource,
        fields=["id_number", "name", "gender", "address", "phone"],
        masked_fields=["address", "phone"], valid_from=today - dt.timedelta(days=1),
        valid_until=today + dt.timedelta(days=30), rate_limit=100, purpose="户籍核验")
    client, secret = do_register_gateway_client(admin, code="WH-GAJ-HJXT", name="户籍核验系统",
                                                organization=orgs["wh-gaj"])
    token = _token(client.application.client_id, secret)
    return {"orgs": orgs, "admin": admin, "officer": officer, "steward": steward,
            "citizen": citizen, "number": number, "other": other, "resource": resource,
            "grant": grant, "client": client, "token": token}


def _headers(gw: dict[str, Any], **overrides: str) -> dict[str, str]:
    headers = {
        "HTTP_AUTHORIZATION": f"Bearer {gw['token']}", "HTTP_X_JINGCHU_CLIENT": "WH-GAJ-HJXT",
        "HTTP_X_JINGCHU_REQUEST_ID": uuid.uuid4().hex, "HTTP_X_JINGCHU_USER": "gw_officer",
        "HTTP_X_JINGCHU_PURPOSE": "户籍迁入核验",
    }
    for name, value in overrides.items():
        key = "HTTP_" + name.upper()
        if value is None:
            headers.pop(key, None)
        else:
            headers[key] = value
    return headers


def _lookup(gw: dict[str, Any], body: dict[str, Any], code: str = "HB-GAT-0001",
            **headers: Any) -> Any:
    extra: dict[str, Any] = _headers(gw, **headers)
    return Client().post(LOOKUP.format(code=code), body, content_type="application/json",
                         **extra)


@pytest.mark.django_db
def test_a_granted_lookup_returns_the_granted_fields_masked_and_is_recorded(gw: Any) -> None:
    response = _lookup(gw, {"key": gw["number"], "fields": ["name", "gender", "phone",
                                                            "address"]},
                       x_jingchu_request_id="req-0001-abc")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["record"] == {"name": "李明", "gender": "male", "phone": "139****5678",
                              "address": "湖北省武汉市****"}
    assert response["X-Jingchu-Request-Id"] == "req-0001-abc"
    call = ExchangeCall.objects.get()
    assert (call.result, call.status_code, call.request_id) == (CallResult.OK, 200,
                                                                "req-0001-abc")
    assert call.consumer == gw["orgs"]["wh-gaj"] and call.on_behalf_of == "gw_officer"
    assert call.grant == gw["grant"] and call.fields == ["name", "gender", "phone", "address"]
    assert call.subject_index == gw["citizen"].person.id_number_index
    assert call.purpose == "户籍迁入核验"


@pytest.mark.django_db
def test_without_fields_the_grant_s_fields_are_returned(gw: Any) -> None:
    response = _lookup(gw, {"key": gw["other"]})
    assert response.status_code == 200
    assert set(response.json()["record"]) == set(gw["grant"].fields)
    assert response.json()["record"]["id_number"] == gw["other"]  # granted unmasked


def _refused(gw: Any, response: Any, status: int, result: CallResult) -> ExchangeCall:
    assert response.status_code == status, response.content
    assert response.json()["code"] == result.value
    assert "record" not in response.json()
    call = ExchangeCall.objects.order_by("-id").first()
    assert call is not None and call.result == result and call.status_code == status
    return call


@pytest.mark.django_db
def test_no_grant_is_refused_and_recorded(gw: Any) -> None:
    other = _resource(gw["orgs"]["hb-gat"], "HB-GAT-0002")
    assert other.pk
    call = _refused(gw, _lookup(gw, {"key": gw["number"]}, code="HB-GAT-0002"), 403,
                    CallResult.NO_GRANT)
    assert call.grant is None and call.subject_index  # the subject still learns of the try


@pytest.mark.django_db
def test_an_expired_grant_is_refused(gw: Any) -> None:
    Grant.objects.filter(pk=gw["grant"].pk).update(
        valid_until=timezone.localdate() - dt.timedelta(days=1))
    _refused(gw, _lookup(gw, {"key": gw["number"]}), 403, CallResult.GRANT_EXPIRED)


@pytest.mark.django_db
def test_a_suspended_grant_is_refused(gw: Any) -> None:
    Grant.objects.filter(pk=gw["grant"].pk).update(status=GrantStatus.SUSPENDED)
    _refused(gw, _lookup(gw, {"key": gw["number"]}), 403, CallResult.GRANT_SUSPENDED)


@pytest.mark.django_db
def test_fields_outside_the_grant_are_refused_and_named(gw: Any) -> None:
    response = _lookup(gw, {"key": gw["number"], "fields": ["name", "education"]})
    call = _refused(gw, response, 403, CallResult.FIELDS_NOT_GRANTED)
    assert response.json()["details"]["fields"] == ["education"]
    assert call.fields == ["name", "education"]


@pytest.mark.django_db
def test_a_negative_list_resource_is_refused_even_with_a_grant(gw: Any) -> None:
    ListEntry.objects.create(organization=gw["orgs"]["hb-gat"], kind=ListKind.NEGATIVE,
                             name="人口基础信息", legal_basis="某法", resource=gw["resource"])
    _refused(gw, _lookup(gw, {"key": gw["number"]}), 403, CallResult.NEGATIVE_LIST)


@pytest.mark.django_db
def test_the_rate_limit_is_enforced_per_grant(gw: Any) -> None:
    Grant.objects.filter(pk=gw["grant"].pk).update(rate_limit=2)
    assert _lookup(gw, {"key": gw["number"]}).status_code == 200
    assert _lookup(gw, {"key": gw["number"]}).status_code == 200
    _refused(gw, _lookup(gw, {"key": gw["number"]}), 429, CallResult.RATE_LIMITED)


@pytest.mark.django_db
@pytest.mark.skipif(not redis_url(), reason="needs JINGCHU_TEST_REDIS_URL")
def test_the_rate_limit_holds_across_workers_sharing_redis(gw: Any, settings: Any,
                                                           monkeypatch: Any) -> None:
    """Two web workers, each with its own cache client on the same Redis (the deployment's
    settings.CACHES), count against one limit."""
    from django.core.cache import caches

    from jingchu.sharing import grants_check

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": redis_url(), "KEY_PREFIX": uuid.uuid4().hex}}
    Grant.objects.filter(pk=gw["grant"].pk).update(rate_limit=3)
    grant = Grant.objects.get(pk=gw["grant"].pk)
    first, second = caches.create_connection("default"), caches.create_connection("default")
    monkeypatch.setattr(grants_check, "cache", first)
    grants_check.take_rate(grant)
    grants_check.take_rate(grant)
    monkeypatch.setattr(grants_check, "cache", second)
    grants_check.take_rate(grant)
    with pytest.raises(Refusal) as refused:
        grants_check.take_rate(grant)
    assert refused.value.status == 429
    # Each window's counter expires (made with its TTL by the window's first call).
    pattern = first.make_and_validate_key(f"sharing:rate:{grant.pk}:*")
    client: Any = first._cache.get_client(pattern)  # type: ignore[attr-defined]
    ttls = [client.ttl(key) for key in client.scan_iter(match=pattern)]
    assert ttls and all(0 < ttl <= 2 * grants_check.RATE_WINDOW_SECONDS for ttl in ttls)


@pytest.mark.django_db
def test_an_unknown_record_and_a_malformed_key(gw: Any) -> None:
    unknown = make_id_number("420102", dt.date(2001, 3, 4), 99, True)
    _refused(gw, _lookup(gw, {"key": unknown}), 404, CallResult.NOT_FOUND)
    _refused(gw, _lookup(gw, {"key": "42010219900102001X"[:-1] + "0"}), 400,
             CallResult.BAD_REQUEST)


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "status", "result"), [
    ({"authorization": None}, 401, CallResult.UNAUTHENTICATED),
    ({"authorization": "Bearer not-a-token"}, 401, CallResult.UNAUTHENTICATED),
    ({"x_jingchu_client": "SOMEONE-ELSE"}, 401, CallResult.UNAUTHENTICATED),
    ({"x_jingchu_request_id": None}, 400, CallResult.BAD_REQUEST),
    ({"x_jingchu_user": None}, 400, CallResult.BAD_REQUEST),
    ({"x_jingchu_user": "gw_admin"}, 400, CallResult.BAD_REQUEST),  # not of the caller's org
    ({"x_jingchu_purpose": None}, 400, CallResult.BAD_REQUEST),
])
def test_identification_is_required_and_failures_are_recorded(
        gw: Any, overrides: dict[str, Any], status: int, result: CallResult) -> None:
    _refused(gw, _lookup(gw, {"key": gw["number"]}, **overrides), status, result)


@pytest.mark.django_db
def test_a_case_number_may_stand_for_the_purpose(gw: Any) -> None:
    response = _lookup(gw, {"key": gw["number"]}, x_jingchu_purpose=None,
                       x_jingchu_case="HB20261129000001")
    assert response.status_code == 200
    assert ExchangeCall.objects.get().case_number == "HB20261129000001"


@pytest.mark.django_db
def test_a_disabled_client_is_refused(gw: Any) -> None:
    do_disable_gateway_client(gw["admin"], gw["client"].uid)
    _refused(gw, _lookup(gw, {"key": gw["number"]}), 401, CallResult.UNAUTHENTICATED)


@pytest.mark.django_db
def test_the_citizen_sees_who_read_their_data(gw: Any) -> None:
    assert _lookup(gw, {"key": gw["number"], "fields": ["name"]}).status_code == 200
    assert _lookup(gw, {"key": gw["other"], "fields": ["name"]}).status_code == 200
    browser = Client()
    browser.force_login(gw["citizen"])
    page = browser.get("/exchange/my-data/")
    assert page.status_code == 200
    assert page.content.decode().count("武汉市公安局") == 1  # the read of their record only
    assert "户籍迁入核验" in page.content.decode()
    reads = browser.get("/api/v1/exchange/my-reads").json()
    assert reads["count"] == 1
    assert reads["items"][0]["organization"] == "武汉市公安局"
    assert reads["items"][0]["fields"] == ["name"]


@pytest.mark.django_db
def test_call_records_are_for_stewards_and_clients_for_administrators(gw: Any) -> None:
    _lookup(gw, {"key": gw["number"]})
    _lookup(gw, {"key": gw["number"], "fields": ["education"]})
    steward, citizen, admin = Client(), Client(), Client()
    steward.force_login(gw["steward"])
    citizen.force_login(gw["citizen"])
    admin.force_login(gw["admin"])
    stats = steward.get("/api/v1/exchange/statistics").json()
    assert stats["total"] == 2 and stats["answered"] == 1
    assert steward.get("/exchange/calls/").status_code == 200
    for url in ("/exchange/calls/", "/api/v1/exchange/calls", "/exchange/clients/",
                "/api/v1/exchange/clients"):
        assert citizen.get(url).status_code == 403, url
    assert steward.get("/exchange/clients/").status_code == 403
    assert admin.get("/api/v1/exchange/clients").json()[0]["code"] == "WH-GAJ-HJXT"


@pytest.mark.django_db
def test_the_grants_listing_names_what_the_system_may_read(gw: Any) -> None:
    response = Client().get("/gateway/v1/grants",
                            HTTP_AUTHORIZATION=f"Bearer {gw['token']}")
    assert response.status_code == 200
    assert response.json()["grants"][0]["resource"] == "HB-GAT-0001"
    assert Client().get("/gateway/v1/grants").status_code == 401


@pytest.mark.django_db
@pytest.mark.skipif(not redis_url(), reason="needs JINGCHU_TEST_REDIS_URL")
def test_the_rate_is_counted_in_one_redis_command_through_the_default_cache(
        gw: Any, settings: Any, monkeypatch: Any) -> None:
    """The gateway counts through `django.core.cache.cache` (a proxy of the thread's cache):
    on Redis the count is one script, never Django's exists-then-incr."""
    from django.core.cache.backends.redis import RedisCache

    from jingchu.sharing import grants_check

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": redis_url(), "KEY_PREFIX": uuid.uuid4().hex}}

    def refused(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("Django's RedisCache.incr was used")

    monkeypatch.setattr(RedisCache, "incr", refused)
    monkeypatch.setattr(RedisCache, "add", refused)
    grant = Grant.objects.get(pk=gw["grant"].pk)
    grant.rate_limit = 2
    grants_check.take_rate(grant)
    grants_check.take_rate(grant)
    with pytest.raises(Refusal):
        grants_check.take_rate(grant)
