"""Verifying licences: signature, issuer, seal, status (register and published list), dates;
the public page, the public API and the published W3C Bitstring Status Lists."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from jingchu.core.identifiers import make_uscc
from jingchu.licenses import actions, content, statuslist, verification
from jingchu.licenses.choices import LicenseStatus
from jingchu.licenses.identifiers import make_license_id
from jingchu.licenses.models import License
from jingchu.licenses.verification import LicenseCheck
from jingchu.seals import actions as seal_actions
from jingchu.seals.models import Seal, SealUse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _codes(result: verification.LicenseVerification) -> dict[str, str]:
    return {check.name: check.code for check in result.checks}


def _revoke(world, lic: License, name: str = "revoke", reason: str = "证件遗失") -> License:
    return actions.do_change_status(world["users"]["gaj_approver"], lic, name, reason=reason)


def _list_bit(client, lic: License, purpose: str) -> bool:
    url = f"/api/v1/licenses/status/{lic.issuer.uscc}/{purpose}"
    credential = client.get(url).json()
    bits = statuslist.decode(credential["credentialSubject"]["encodedList"])
    return statuslist.get_bit(bits, lic.status_index)


def test_a_valid_licence_passes_every_check(wallet_world):
    result = verification.verify_license(wallet_world["licences"]["driving"])
    assert result.valid and result.code == LicenseCheck.VALID
    assert _codes(result) == {"signature": "valid", "issuer": "valid", "seal": "valid",
                              "status": "valid", "dates": "valid"}
    assert result.published == verification.PublishedStatus(revoked=False, suspended=False)


@pytest.mark.parametrize("change", [
    {"data": {"license_no": "420100999999", "class": "C1"}},
    {"holder_name": "张四"},
    {"number": "X1"},
])
def test_data_changed_in_the_database_breaks_the_signature(wallet_world, change):
    lic = wallet_world["licences"]["driving"]
    License.objects.filter(pk=lic.pk).update(**change)
    result = verification.verify_license(lic)
    assert not result.valid and result.code == LicenseCheck.SIGNATURE
    assert result.checks[0].name == "signature" and not result.checks[0].passed
    assert result.seal_result is not None and result.seal_result.code == "hash_mismatch"


def test_a_damaged_signature_is_a_signature_failure(wallet_world):
    lic = wallet_world["licences"]["driving"]
    License.objects.filter(pk=lic.pk).update(signature=b"\x30\x03\x02\x01\x01")
    assert verification.verify_license(lic).code == LicenseCheck.SIGNATURE


def test_a_licence_pointing_at_another_seal_fails_the_issuer_check(wallet_world):
    lic = wallet_world["licences"]["driving"]
    other = Seal.objects.exclude(pk=lic.seal_id).exclude(organization=lic.issuer).first()
    License.objects.filter(pk=lic.pk).update(seal=other)
    result = verification.verify_license(lic)
    assert result.code == LicenseCheck.ISSUER
    assert _codes(result)["signature"] == "valid"


def test_a_revoked_seal_no_longer_vouches_for_the_licence(wallet_world):
    lic = wallet_world["licences"]["driving"]
    seal_actions.do_revoke_seal(None, lic.seal, reason="印章遗失")
    with translation.override("en"):
        result = verification.verify_license(lic)
    assert result.code == LicenseCheck.SEAL and "revoked" in result.message


def test_revoked_in_the_register_and_in_the_published_list(client, wallet_world):
    lic = wallet_world["licences"]["driving"]
    assert not _list_bit(client, lic, "revocation")
    _revoke(wallet_world, lic)
    result = verification.verify_license(lic)
    assert result.code == LicenseCheck.REVOKED and "证件遗失" in result.message
    assert result.published is not None and result.published.revoked
    assert _list_bit(client, lic, "revocation") and not _list_bit(client, lic, "suspension")
    # The other licences of the issuer stay valid, in the list too.
    other = wallet_world["licences"]["id_lisi"]
    assert verification.verify_license(other).valid and not _list_bit(client, other,
                                                                       "revocation")


def test_the_published_bit_counts_even_if_the_register_says_valid(wallet_world):
    lic = wallet_world["licences"]["driving"]
    _revoke(wallet_world, lic)
    License.objects.filter(pk=lic.pk).update(status=LicenseStatus.VALID, status_reason="")
    result = verification.verify_license(lic)
    assert result.code == LicenseCheck.REVOKED  # what a third party computes from the list


def test_suspended_and_reinstated(client, wallet_world):
    lic = wallet_world["licences"]["driving"]
    _revoke(wallet_world, lic, "suspend", "核查中")
    result = verification.verify_license(lic)
    assert result.code == LicenseCheck.SUSPENDED
    assert result.published is not None and result.published.suspended
    assert _list_bit(client, lic, "suspension") and not _list_bit(client, lic, "revocation")
    _revoke(wallet_world, lic, "reinstate", "核查完毕")
    assert verification.verify_license(lic).valid
    assert not _list_bit(client, lic, "suspension")


def test_dates(wallet_world):
    lic = wallet_world["licences"]["driving"]
    assert lic.valid_until is not None
    after = verification.verify_license(lic, today=lic.valid_until + dt.timedelta(days=1))
    assert after.code == LicenseCheck.EXPIRED
    assert verification.verify_license(lic, today=lic.valid_until).valid
    before = verification.verify_license(lic, today=lic.valid_from - dt.timedelta(days=1))
    assert before.code == LicenseCheck.NOT_YET_VALID
    business = wallet_world["licences"]["business"]  # valid until revoked
    assert verification.verify_license(business, today=dt.date(2099, 1, 1)).valid


# --- the public page and API --------------------------------------------------------------


def _unknown_identifier(lic: License) -> str:
    return make_license_id(lic.license_type.type_code, lic.issuer.uscc, "999999", 1)


def test_the_public_page_shows_the_minimum(client, wallet_world):
    lic = wallet_world["licences"]["driving"]
    url = reverse("licenses:verify", kwargs={"identifier": lic.identifier})
    assert url == f"/licences/verify/{lic.identifier}/"
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and 'id="verify-result" data-code="valid"' in html
    assert "张*" in html and "张三" not in html
    assert content.holder_code(lic) not in html and "420100123456" not in html  # no data
    assert "机动车驾驶证" in html and lic.issuer.name in html
    _revoke(wallet_world, lic)
    html = client.get(url).content.decode()
    assert 'id="verify-result" data-code="revoked"' in html


def test_the_public_page_refuses_bad_and_unknown_identifiers(client, wallet_world):
    lic = wallet_world["licences"]["driving"]
    bad = client.get(reverse("licenses:verify",
                             kwargs={"identifier": lic.identifier[:-1] + "Z"}))
    assert bad.status_code == 400
    unknown = client.get(reverse("licenses:verify",
                                 kwargs={"identifier": _unknown_identifier(lic)}))
    assert unknown.status_code == 404 and 'id="verify-error"' in unknown.content.decode()


def test_the_public_api(client, wallet_world):
    lic = wallet_world["licences"]["business"]
    body = client.get(f"/api/v1/licenses/verify/{lic.identifier}").json()
    assert body["verification"]["valid"] and body["verification"]["code"] == "valid"
    assert body["license"]["holder_name_masked"] == "武" + "*" * (len(lic.holder_name) - 1)
    assert body["license"]["type_name"] == "营业执照" and body["license"]["valid_until"] is None
    assert set(body["license"]) == {
        "identifier", "type_name", "type_code", "issuer_name", "issuer_uscc",
        "holder_name_masked", "status", "status_label", "issued_on", "valid_from",
        "valid_until"}
    License.objects.filter(pk=lic.pk).update(data={**lic.data, "registered_capital": 5000})
    body = client.get(f"/api/v1/licenses/verify/{lic.identifier}").json()
    assert body["verification"]["code"] == "signature"
    assert body["verification"]["checks"][0]["name"] == "signature"


def test_the_public_api_errors(client, wallet_world):
    lic = wallet_world["licences"]["business"]
    bad = client.get("/api/v1/licenses/verify/1.2.3")
    assert bad.status_code == 400 and bad.json()["code"] == "bad_identifier"
    unknown = client.get(f"/api/v1/licenses/verify/{_unknown_identifier(lic)}")
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
    assert set(unknown.json()) == {"code", "message", "details"}


def test_the_status_list_credential_is_signed_by_the_issuers_seal(client, wallet_world):
    lic = wallet_world["licences"]["driving"]
    url = f"/api/v1/licenses/status/{lic.issuer.uscc}/revocation"
    credential = client.get(url).json()
    assert credential["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert credential["id"] == "http://testserver" + url
    subject = credential["credentialSubject"]
    assert subject["type"] == "BitstringStatusList" and subject["statusPurpose"] == "revocation"
    assert len(statuslist.decode(subject["encodedList"])) * 8 >= statuslist.MIN_ENTRIES
    proof = credential["proof"]
    assert proof["type"] == "DataIntegrityProof" and proof["cryptosuite"] == "sm2-sm3-jcs-2026"
    assert proof["verificationMethod"] == "http://testserver" + reverse(
        "seals:certificate", kwargs={"uid": lic.seal.uid})
    assert client.get(proof["verificationMethod"]).status_code == 200  # public PEM
    assert verification.verify_status_list_credential(credential, lic.seal)
    forged = copy.deepcopy(credential)
    bits = bytearray(statuslist.decode(subject["encodedList"]))
    bits[0] ^= 0x80
    forged["credentialSubject"]["encodedList"] = statuslist.encode(bytes(bits))
    assert not verification.verify_status_list_credential(forged, lic.seal)


def test_the_status_list_is_signed_once_per_version(client, wallet_world):
    lic = wallet_world["licences"]["driving"]
    url = f"/api/v1/licenses/status/{lic.issuer.uscc}/revocation"
    before = SealUse.objects.count()
    first, second = client.get(url).json(), client.get(url).json()
    assert first == second and SealUse.objects.count() == before + 1
    _revoke(wallet_world, lic)
    third = client.get(url).json()
    assert third["proof"] != first["proof"] and SealUse.objects.count() == before + 2


def test_a_list_whose_seal_cannot_sign_is_published_unsigned(client, wallet_world):
    lic = wallet_world["licences"]["driving"]
    seal_actions.do_suspend_seal(None, lic.seal, reason="检修")
    credential = client.get(f"/api/v1/licenses/status/{lic.issuer.uscc}/revocation").json()
    assert "proof" not in credential and "encodedList" in credential["credentialSubject"]


def test_status_list_errors(client, wallet_world):
    uscc = wallet_world["licences"]["driving"].issuer.uscc
    assert client.get(f"/api/v1/licenses/status/{uscc}/other").status_code == 400
    assert client.get("/api/v1/licenses/status/123/revocation").status_code == 400
    nobody = make_uscc("1", "1", "420100", "99990001")
    response = client.get(f"/api/v1/licenses/status/{nobody}/revocation")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    no_issuer = wallet_world["orgs"]["hb-zwb"].uscc  # an organization issuing no licences
    assert client.get(f"/api/v1/licenses/status/{no_issuer}/revocation").status_code == 404
