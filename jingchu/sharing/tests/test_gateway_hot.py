"""The gateway's two statements per call (hot.py) and its own server process
(settings_gateway): what the context statement reads, that the read and the call record are
written together, that PostgreSQL prepares the statements, and that the gateway process serves
nothing but the gateway."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client, override_settings
from django.utils import timezone

from jingchu import settings_gateway
from jingchu.core.identifiers import make_id_number
from jingchu.sharing import hot, mounts
from jingchu.sharing.choices import CallResult, GrantStatus, ListKind
from jingchu.sharing.models import ExchangeCall, Grant, ListEntry
from jingchu.sharing.tests.test_gateway import LOOKUP, _headers, _lookup, gateway_world

needs_postgresql = pytest.mark.skipif(connection.vendor != "postgresql",
                                      reason="PostgreSQL's data-modifying CTEs and prepared "
                                             "statements")


@pytest.fixture
def gw(demo_orgs: dict[str, Any]) -> dict[str, Any]:
    return gateway_world(demo_orgs)


def _checksum(gw: dict[str, Any]) -> str:
    return hashlib.sha256(gw["token"].encode()).hexdigest()


@pytest.mark.django_db
def test_the_context_reads_caller_resource_and_grants_latest_ending_first(gw: Any) -> None:
    today = timezone.localdate()
    older = Grant.objects.create(
        consumer=gw["orgs"]["wh-gaj"], resource=gw["resource"], fields=["name"],
        masked_fields=[], valid_from=today - dt.timedelta(days=60),
        valid_until=today - dt.timedelta(days=10), rate_limit=5, status=GrantStatus.REVOKED)
    ListEntry.objects.create(organization=gw["orgs"]["hb-gat"], kind=ListKind.NEGATIVE,
                             name="人口基础信息", legal_basis="某法", resource=gw["resource"])
    found = hot.context(_checksum(gw), "gw_officer", "HB-GAT-0001")
    assert found is not None
    caller, resource = found.caller, found.resource
    assert (caller.pk, caller.code, caller.organization_id) == (
        gw["client"].pk, "WH-GAJ-HJXT", gw["orgs"]["wh-gaj"].pk)
    assert caller.organization_active and caller.staff_name == "gw_officer"
    assert resource is not None and resource.pk == gw["resource"].pk
    assert (resource.mount_kind, resource.mount_target) == ("table", "population")
    assert resource.negative_listed
    assert hot.mask_rules_of(resource)["phone"] == "phone"
    assert [g.pk for g in found.grants] == [gw["grant"].pk, older.pk]
    first = found.grants[0]
    assert first.fields == ["id_number", "name", "gender", "address", "phone"]
    assert first.masked_fields == ["address", "phone"] and first.rate_limit == 100
    assert first.valid_until == today + dt.timedelta(days=30)
    assert found.grants[1].status == GrantStatus.REVOKED


@pytest.mark.django_db
def test_the_context_without_the_resource_or_the_staff_or_the_token(gw: Any) -> None:
    found = hot.context(_checksum(gw), "gw_admin", "NO-SUCH-CODE")
    assert found is not None
    assert found.resource is None and found.grants == []
    assert found.caller.staff_name is None  # gw_admin is not staff of the caller's organization
    assert hot.context("0" * 64, "gw_officer", "HB-GAT-0001") is None


@pytest.mark.django_db
def test_a_lookup_of_an_unknown_record_is_recorded_once(gw: Any) -> None:
    unknown = make_id_number("420102", dt.date(2001, 3, 4), 99, True)
    response = _lookup(gw, {"key": unknown})
    assert response.status_code == 404
    call = ExchangeCall.objects.get()
    assert (call.result, call.status_code) == (CallResult.NOT_FOUND, 404)
    assert call.grant == gw["grant"] and call.subject_index


def _values(gw: Any, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "request_id": "hot-test-0001", "at": timezone.now(), "client_id": gw["client"].pk,
        "consumer_id": gw["orgs"]["wh-gaj"].pk, "on_behalf_of": "gw_officer",
        "purpose": "核验", "case_number": "", "resource_id": gw["resource"].pk,
        "grant_id": gw["grant"].pk, "subject_kind": "person", "subject_index": "x" * 64,
        "fields": ["name"], "result": "ok", "status_code": 200, "source_ip": "10.1.2.3",
        "duration_us": 12}
    return values | overrides


@needs_postgresql
@pytest.mark.django_db
def test_the_read_and_its_record_are_one_statement(gw: Any) -> None:
    outcomes = (("ok", 200), ("not_found", 404))
    read = mounts.prepare("population", gw["number"], ["name", "phone"])
    row = hot.read_and_record(read.sql, read.param, _values(gw), outcomes)
    assert row is not None and mounts.finish(read, row) == {"name": "李明",
                                                            "phone": "13912345678"}
    missing = mounts.prepare("population", make_id_number("420102", dt.date(2001, 3, 4), 9,
                                                          True), ["name"])
    assert hot.read_and_record(missing.sql, missing.param, _values(gw), outcomes) is None
    calls = list(ExchangeCall.objects.order_by("id").values_list("result", "status_code",
                                                                  "source_ip"))
    assert calls == [("ok", 200, "10.1.2.3"), ("not_found", 404, "10.1.2.3")]
    with pytest.raises(IntegrityError), transaction.atomic():  # duration_us >= 0 is checked
        hot.read_and_record(read.sql, read.param, _values(gw, duration_us=-1), outcomes)
    assert ExchangeCall.objects.count() == 2


@needs_postgresql
@pytest.mark.django_db
def test_postgresql_prepares_the_gateway_statements(gw: Any) -> None:
    assert _lookup(gw, {"key": gw["number"]}).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [str(row[0]) for row in cursor.fetchall()]
    assert any("sharing_grant" in s and "oauth2_provider_accesstoken" in s for s in prepared)
    assert any("sharing_personrecord" in s and "sharing_exchangecall" in s for s in prepared)


@pytest.mark.django_db
def test_the_gateway_process_serves_only_the_gateway(gw: Any) -> None:
    with override_settings(MIDDLEWARE=settings_gateway.MIDDLEWARE,
                           ROOT_URLCONF=settings_gateway.ROOT_URLCONF):
        client = Client(REMOTE_ADDR="10.9.8.7")
        headers: dict[str, Any] = _headers(gw)
        response = client.post(LOOKUP.format(code="HB-GAT-0001"), {"key": gw["number"]},
                               content_type="application/json", **headers)
        assert response.status_code == 200, response.content
        assert response.json()["record"]["phone"] == "139****5678"
        assert ExchangeCall.objects.get().source_ip == "10.9.8.7"
        assert client.get("/healthz").status_code == 200
        for path in ("/", "/admin/", "/account/login/", "/api/v1/cases/"):
            answer = client.get(path)
            assert answer.status_code == 404, path
            assert answer.json()["code"] == "not_found"
    assert settings_gateway.INSTALLED_APPS  # the rest are the platform's settings
    assert "django.contrib.sessions.middleware.SessionMiddleware" not in (
        settings_gateway.MIDDLEWARE)


@pytest.mark.django_db
def test_the_benchmark_s_http_anchor_is_routed_only_in_benchmark_mode(gw: Any) -> None:
    from django.test import RequestFactory

    from jingchu.sharing import gateway_bench

    assert Client().post("/gateway/v1/bench/point", {"key": gw["number"], "fields": ["name"]},
                         content_type="application/json").status_code == 404
    request = RequestFactory().post("/gateway/v1/bench/point",
                                    {"key": gw["number"], "fields": ["name", "phone"]},
                                    content_type="application/json")
    answer = gateway_bench.point_select(request)
    assert answer.status_code == 200
    assert b"found" in answer.content and ExchangeCall.objects.count() == 0
