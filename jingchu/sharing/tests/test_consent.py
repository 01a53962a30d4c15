"""Consent-scoped reuse in an application: the form pre-filled from the population base and a
material confirmed from shared data, only after the applicant consents; each read recorded
and shown on "who read my data"; batches of calls sealed in the ledger."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from jingchu.cases import actions as case_actions
from jingchu.cases.choices import Channel
from jingchu.cases.models import CaseMaterial
from jingchu.cases.tests.conftest import catalog, implementation  # noqa: F401 - fixtures
from jingchu.core.crypto import blind_index
from jingchu.core.identifiers import make_id_number
from jingchu.identity import actions as identity_actions
from jingchu.services.models import MaterialRequirement
from jingchu.sharing import sealing
from jingchu.sharing.actions.exchange import do_seal_calls
from jingchu.sharing.choices import CallResult, MountKind, ResourceStatus, ShareType, SubjectKind
from jingchu.sharing.models import (
    Consent,
    DataResource,
    ExchangeCall,
    Grant,
    PersonRecord,
    ResourceField,
)

PASSWORD = "Consent@2026-test"
RESIDENCE_PERMIT = "000105001000"  # 居住证申领, at 武汉市公安局; form prefilled from HB-GA-HJ-001
ID_CARD = "000105003000"  # 居民身份证换领: material 居民户口簿 from HB-GA-HJ-001


@pytest.fixture
def world(catalog: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    cache.clear()
    orgs = catalog
    number = make_id_number("420102", dt.date(1992, 5, 17), 31, False)
    user = identity_actions.do_register_person(
        None, name="赵敏", id_number=number, phone="13700001111", address="武汉市",
        username="consent_citizen", password=PASSWORD).user
    PersonRecord.objects.create(
        id_number_index=blind_index(number), id_number=number, name="赵敏", gender="female",
        birth_date=dt.date(1992, 5, 17), ethnicity="01", region_code="420102000000",
        address="湖北省武汉市江岸区胜利街1号", phone="13700001111", marital_status="single",
        education="master", updated_at=timezone.now())
    resource = DataResource.objects.create(
        code="HB-GA-HJ-001", name="人口基础信息", owner=orgs["hb-gat"],
        share_type=ShareType.CONDITIONAL, legal_basis="《居民身份证法》",
        mount_kind=MountKind.TABLE, mount_target="population", key_field="id_number",
        subject_kind=SubjectKind.PERSON, status=ResourceStatus.PUBLISHED)
    for position, name in enumerate(["id_number", "name", "gender", "address"]):
        ResourceField.objects.create(resource=resource, name=name, label=name,
                                     position=position)
    today = timezone.localdate()
    grant = Grant.objects.create(consumer=orgs["wh-gaj"], resource=resource,
                                 fields=["id_number", "name", "gender"],
                                 valid_from=today, valid_until=today + dt.timedelta(days=90))
    return {"orgs": orgs, "user": user, "number": number, "resource": resource,
            "grant": grant}


def _draft(world: dict[str, Any], code: str) -> Any:
    impl = implementation(code, "wh-gaj", world["orgs"])
    user = world["user"]
    return case_actions.do_create_draft(user, implementation=impl, applicant=user.person,
                                        channel=Channel.ONLINE)


def _browser(user: Any) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.mark.django_db
def test_the_form_is_offered_for_prefill_and_nothing_is_read_before_consent(world: Any) -> None:
    case = _draft(world, RESIDENCE_PERMIT)
    page = _browser(world["user"]).get(f"/cases/{case.uid}/edit/")
    assert page.status_code == 200
    assert 'data-resource="HB-GA-HJ-001"' in page.content.decode()
    assert ExchangeCall.objects.count() == 0 and Consent.objects.count() == 0
    refused = _browser(world["user"]).post(f"/cases/{case.uid}/prefill/",
                                           {"resource": "HB-GA-HJ-001"})
    assert refused.status_code == 302  # back to the form, with the message to tick the box
    assert ExchangeCall.objects.count() == 0 and Consent.objects.count() == 0


@pytest.mark.django_db
def test_consent_fills_the_form_records_the_read_and_shows_it_to_the_citizen(world: Any) -> None:
    case = _draft(world, RESIDENCE_PERMIT)
    browser = _browser(world["user"])
    response = browser.post(f"/cases/{case.uid}/prefill/",
                            {"resource": "HB-GA-HJ-001", "consent": "yes"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.form_data["applicant_name"] == "赵敏"
    assert case.form_data["id_number"] == world["number"]
    call = ExchangeCall.objects.get()
    assert (call.result, call.consumer, call.grant) == (CallResult.OK, world["orgs"]["wh-gaj"],
                                                        world["grant"])
    assert call.subject_index == world["user"].person.id_number_index
    consent = Consent.objects.get()
    assert consent.call == call and consent.case_uid == case.uid
    assert sorted(consent.fields) == ["id_number", "name"]
    assert "武汉市公安局" in browser.get("/exchange/my-data/").content.decode()


@pytest.mark.django_db
def test_without_a_grant_the_offer_says_why_and_consent_reads_nothing(world: Any) -> None:
    Grant.objects.all().delete()
    case = _draft(world, RESIDENCE_PERMIT)
    browser = _browser(world["user"])
    page = browser.get(f"/cases/{case.uid}/edit/").content.decode()
    assert "consent" not in page.split('data-resource="HB-GA-HJ-001"')[1].split("</form>")[0]
    browser.post(f"/cases/{case.uid}/prefill/", {"resource": "HB-GA-HJ-001", "consent": "yes"})
    case.refresh_from_db()
    assert "applicant_name" not in (case.form_data or {})
    assert ExchangeCall.objects.count() == 0 and Consent.objects.count() == 0


@pytest.mark.django_db
def test_only_the_applicant_may_consent(world: Any) -> None:
    case = _draft(world, RESIDENCE_PERMIT)
    other = identity_actions.do_register_person(
        None, name="钱多", id_number=make_id_number("420102", dt.date(1980, 1, 1), 41, True),
        username="consent_other", password=PASSWORD).user
    response = _browser(other).post(f"/cases/{case.uid}/prefill/",
                                    {"resource": "HB-GA-HJ-001", "consent": "yes"})
    assert response.status_code == 404
    assert Consent.objects.count() == 0


@pytest.mark.django_db
def test_a_material_is_confirmed_from_shared_data_with_consent(world: Any) -> None:
    case = _draft(world, ID_CARD)
    requirement = MaterialRequirement.objects.get(version=case.version,
                                                  data_resource_code="HB-GA-HJ-001")
    browser = _browser(world["user"])
    page = browser.get(f"/cases/{case.uid}/edit/").content.decode()
    assert 'value="HB-GA-HJ-001"' in page  # offered, nothing read yet
    assert ExchangeCall.objects.count() == 0
    browser.post(f"/cases/{case.uid}/materials/held/",
                 {"requirement": str(requirement.uid), "reference": "HB-GA-HJ-001"})
    material = CaseMaterial.objects.get(case=case, requirement=requirement)
    assert material.reference == "HB-GA-HJ-001" and not material.file
    call = ExchangeCall.objects.get()
    assert call.fields == ["id_number"]
    from jingchu.cases import material_sources

    described = material_sources.describe(material)
    assert described is not None and call.request_id in described.detail


@pytest.mark.django_db
def test_calls_are_sealed_in_the_ledger_and_tampering_is_detected(world: Any) -> None:
    for code in (RESIDENCE_PERMIT, RESIDENCE_PERMIT):
        case = _draft(world, code)
        _browser(world["user"]).post(f"/cases/{case.uid}/prefill/",
                                     {"resource": "HB-GA-HJ-001", "consent": "yes"})
    assert ExchangeCall.objects.count() == 2
    index = do_seal_calls()
    assert index is not None and do_seal_calls() is None  # nothing left to seal
    assert set(ExchangeCall.objects.values_list("ledger_index", flat=True)) == {index}
    assert sealing.verify_batch(index)
    first = ExchangeCall.objects.order_by("id").values_list("pk", flat=True)[0]
    ExchangeCall.objects.filter(pk=first).update(purpose="altered")
    assert not sealing.verify_batch(index)


@pytest.mark.django_db
def test_prefill_from_a_resource_mounted_as_an_upstream_api(world: Any, settings: Any) -> None:
    from jingchu.sharing.tests import test_upstream

    server = test_upstream.HTTPServer(("127.0.0.1", 0), test_upstream.Owner)
    thread = test_upstream.threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host = f"127.0.0.1:{server.server_address[1]}"
        settings.GATEWAY_UPSTREAM_HOSTS = [host]
        DataResource.objects.filter(pk=world["resource"].pk).update(
            mount_kind=MountKind.API, mount_target=f"http://{host}/lookup")
        test_upstream.RECORDS[world["number"]] = {"name": "赵敏（上游）",
                                                  "id_number": world["number"]}
        case = _draft(world, RESIDENCE_PERMIT)
        _browser(world["user"]).post(f"/cases/{case.uid}/prefill/",
                                     {"resource": "HB-GA-HJ-001", "consent": "yes"})
    finally:
        server.shutdown()
        server.server_close()
    case.refresh_from_db()
    assert case.form_data["applicant_name"] == "赵敏（上游）"
    call = ExchangeCall.objects.get()
    assert call.subject_index == world["user"].person.id_number_index
