"""Licences as W3C Verifiable Credentials: export, the sm2-sm3-jcs-2026 proof, verification."""

from __future__ import annotations

import copy
import datetime as dt
import json
import uuid
from typing import Any

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.core.errors import ActionError
from jingchu.identity.choices import StaffRole
from jingchu.identity.models import LegalEntity, Person
from jingchu.licenses import actions, statuslist, vc
from jingchu.licenses.choices import StatusPurpose
from jingchu.licenses.models import License, LicenseType, StatusList
from jingchu.licenses.tests.conftest import make_staff
from jingchu.seals import actions as seal_actions
from jingchu.seals import service as seals
from jingchu.seals.choices import SealKind, UseKind
from jingchu.seals.models import SealUse
from jingchu.seals.tests.conftest import DIST_ID, needs_openssl, openssl

pytestmark = pytest.mark.django_db
BASE = "https://zwfw.example.cn"


def _licence(world: dict[str, Any], key: str = "DRIVING_LICENSE", org: str = "wh-gaj",
             holder: Person | LegalEntity | None = None,
             data: dict[str, Any] | None = None) -> License:
    return actions.do_issue_license(
        None, license_type=LicenseType.objects.get(key=key), issuer=world[org],
        holder=holder or Person.objects.get(user__username="zhangsan"),
        data=data if data is not None else {"license_no": "420100123456", "class": "C1"},
        system=True)


def _business(world: dict[str, Any], capital: float) -> License:
    return _licence(world, "BUSINESS_LICENSE", "wh-scjg", LegalEntity.objects.order_by("pk")[0],
                    {"entity_name": "武汉荆楚云数科技有限公司", "legal_representative": "王五",
                     "registered_capital": capital})


@pytest.fixture
def lic(licence_world: dict[str, Any]) -> License:
    return _licence(licence_world)


@pytest.fixture
def approver(licence_world: dict[str, Any]) -> Any:
    return make_staff("gaj_approver", licence_world["wh-gaj"], StaffRole.APPROVER)


@pytest.fixture
def credential(lic: License) -> dict[str, Any]:
    return vc.credential(lic, BASE)


def _verify(credential: dict[str, Any], **kwargs: Any) -> vc.VcVerification:
    return vc.verify_credential(credential, certificate_resolver=vc.local_certificate_resolver,
                                **kwargs)


# --- the credential ---------------------------------------------------------------------------


def test_an_exported_licence_verifies(lic, credential):
    result = vc.verify_local(credential)
    assert result == vc.VcVerification(True, "valid", _("The credential is valid."),
                                       ("revocation", "suspension"))
    assert _verify(credential).valid
    # What travels is JSON text: it verifies after a round trip too.
    assert vc.verify_local(json.loads(json.dumps(credential, ensure_ascii=False))).valid


def test_the_credential_follows_the_data_model(lic, credential):
    assert credential["@context"] == ["https://www.w3.org/ns/credentials/v2",
                                      vc.LICENSE_CONTEXT]
    assert credential["type"] == ["VerifiableCredential", "ElectronicLicense"]
    assert credential["id"] == f"urn:license:{lic.identifier}"
    assert credential["issuer"] == {"id": f"urn:uscc:{lic.issuer.uscc}", "name": lic.issuer.name}
    assert credential["validFrom"] == f"{lic.valid_from.isoformat()}T00:00:00+08:00"
    assert credential["validUntil"] == f"{lic.valid_until.isoformat()}T23:59:59+08:00"
    subject = credential["credentialSubject"]
    assert subject["name"] == "张三" and subject["licenseData"] == lic.data
    assert subject["licenseTypeCode"] == "11100000000000105"
    assert subject["licenseNumber"] == lic.number
    assert dt.datetime.fromisoformat(credential["proof"]["created"]).tzinfo is not None
    url = f"{BASE}/api/v1/licenses/status/{lic.issuer.uscc}"
    assert credential["credentialStatus"] == [
        {"id": f"{url}/revocation#{lic.status_index}", "type": "BitstringStatusListEntry",
         "statusPurpose": "revocation", "statusListIndex": str(lic.status_index),
         "statusListCredential": f"{url}/revocation"},
        {"id": f"{url}/suspension#{lic.status_index}", "type": "BitstringStatusListEntry",
         "statusPurpose": "suspension", "statusListIndex": str(lic.status_index),
         "statusListCredential": f"{url}/suspension"}]
    proof = credential["proof"]
    assert {k: proof[k] for k in ("type", "cryptosuite", "proofPurpose")} == {
        "type": "DataIntegrityProof", "cryptosuite": "sm2-sm3-jcs-2026",
        "proofPurpose": "assertionMethod"}
    assert proof["verificationMethod"] == f"{BASE}/seals/{lic.seal.uid}/certificate.pem"
    assert proof["proofValue"].startswith("u") and "=" not in proof["proofValue"]


def test_the_holder_is_a_pseudonym_not_the_id_number(lic, credential, licence_world):
    person = lic.holder_person
    text = json.dumps(credential, ensure_ascii=False)
    assert person.id_number not in text and person.id_number[-8:] not in text
    assert person.id_number_index not in text
    holder = uuid.UUID(credential["credentialSubject"]["id"].removeprefix("urn:uuid:"))
    assert holder.version == 8 and holder.variant == uuid.RFC_4122
    # The same for every licence of the holder, different for another person.
    other = _licence(licence_world, "ID_CARD", holder=person,
                     data={"gender": "男", "ethnicity": "汉"})
    assert vc.holder_id(other) == credential["credentialSubject"]["id"]
    lisi = _licence(licence_world, holder=Person.objects.get(user__username="lisi"))
    assert vc.holder_id(lisi) != vc.holder_id(lic)


def test_a_legal_entity_is_named_by_its_credit_code(licence_world):
    business = _business(licence_world, 500)
    credential = vc.credential(business, BASE)
    assert business.holder_entity is not None
    assert credential["credentialSubject"]["id"] == f"urn:uscc:{business.holder_entity.uscc}"
    assert "validUntil" not in credential  # valid until revoked
    assert vc.verify_local(credential).valid


def test_export_is_a_logged_seal_use_of_the_licence_seal(lic):
    before = SealUse.objects.filter(seal=lic.seal, kind=UseKind.RAW).count()
    credential = vc.credential(lic, BASE)
    use = SealUse.objects.filter(seal=lic.seal, kind=UseKind.RAW).latest("signed_at")
    assert SealUse.objects.filter(seal=lic.seal, kind=UseKind.RAW).count() == before + 1
    assert use.document_name == f"Verifiable Credential {lic.identifier}"
    assert bytes(use.signature) == vc.decode_signature(credential["proof"]["proofValue"])


def test_a_revoked_licence_is_not_exported(lic, approver):
    actions.do_change_status(approver, lic, "revoke", reason="吊销")
    before = SealUse.objects.count()
    with pytest.raises(ActionError) as refused:
        vc.credential(lic, BASE)
    assert refused.value.code == "license_revoked" and refused.value.status == 409
    assert SealUse.objects.count() == before


def test_a_licence_changed_in_the_register_is_not_exported(lic):
    License.objects.filter(pk=lic.pk).update(holder_name="李四")
    with pytest.raises(ActionError) as refused:
        vc.credential(lic, BASE)
    assert refused.value.code == "license_not_exportable"
    assert refused.value.details["reason"] == "hash_mismatch"


# --- tampering --------------------------------------------------------------------------------


def _set(document: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    *parents, last = path.split(".")
    target = changed
    for name in parents:
        target = target[name]
    target[last] = value
    return changed


@pytest.mark.parametrize(("path", "value"), [
    ("credentialSubject.name", "李四"),
    ("credentialSubject.licenseNumber", "000000000000"),
    ("credentialSubject.licenseData.class", "A1"),
    ("credentialSubject.id", "urn:uuid:00000000-0000-8000-8000-000000000000"),
    ("issuer.name", "另一个机关"),
    ("validFrom", "2000-01-01T00:00:00+08:00"),
    ("validUntil", "2099-12-31T23:59:59+08:00"),
    ("id", "urn:license:other"),
    ("credentialStatus", []),
    ("proof.created", "2020-01-01T00:00:00Z"),
])
def test_any_change_breaks_the_signature(credential, path, value):
    result = vc.verify_local(_set(credential, path, value))
    assert (result.valid, result.code) == (False, "signature_invalid")


def test_removing_valid_until_breaks_the_signature(credential):
    changed = {k: v for k, v in credential.items() if k != "validUntil"}
    assert vc.verify_local(changed).code == "signature_invalid"


def test_a_signature_by_another_key_is_refused(lic, credential, licence_world):
    other = seals.seal_for(licence_world["wh-scjg"], SealKind.LICENSE)
    assert other is not None
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    # Another seal's signature, claiming the licence seal's certificate.
    forged = vc.add_proof(unsigned, other, credential["proof"]["verificationMethod"],
                          purpose="test")
    assert vc.verify_local(forged).code == "signature_invalid"
    # Another organization's seal, honestly naming its own certificate.
    honest = vc.add_proof(unsigned, other, vc.verification_method(other, BASE), purpose="test")
    assert vc.verify_local(honest).code == "issuer_mismatch"


def test_a_certificate_outside_the_root_is_untrusted(credential, monkeypatch):
    monkeypatch.setattr(vc, "trusted_roots", lambda: [])
    assert vc.verify_local(credential).code == "certificate_untrusted"


def test_an_unknown_verification_method_is_refused(credential):
    assert _verify(_set(credential, "proof.verificationMethod", f"{BASE}/seals/"
                        f"{uuid.uuid4()}/certificate.pem")).code == "unknown_verification_method"
    assert vc.verify_credential(credential, certificate_resolver=lambda m: None).code == (
        "unknown_verification_method")
    assert vc.verify_credential(credential, certificate_resolver=lambda m: b"junk").code == (
        "unknown_verification_method")


def test_a_revoked_seal_no_longer_vouches(lic, credential):
    seal_actions.do_revoke_seal(None, lic.seal, reason="印章遗失")
    result = vc.verify_local(credential)
    assert (result.code, result.message) == ("seal_revoked", _("The seal has been revoked."))


@pytest.mark.parametrize(("change", "code"), [
    (lambda c: "not a credential", "malformed"),
    (lambda c: {k: v for k, v in c.items() if k != "proof"}, "unsupported_proof"),
    (lambda c: _set(c, "proof.cryptosuite", "ecdsa-jcs-2019"), "unsupported_proof"),
    (lambda c: _set(c, "proof.proofPurpose", "authentication"), "unsupported_proof"),
    (lambda c: _set(c, "proof.proofValue", "z3yZ"), "malformed"),
    (lambda c: _set(c, "proof.proofValue", "u***"), "malformed"),
    (lambda c: _set(c, "proof.created", "yesterday"), "malformed"),
    (lambda c: _set(c, "validFrom", "2026-01-01"), "malformed"),
    (lambda c: _set(c, "@context", ["https://www.w3.org/ns/credentials/v2"]), "malformed"),
    (lambda c: _set(c, "type", ["VerifiableCredential"]), "malformed"),
    (lambda c: _set(c, "issuer", "urn:uscc:x"), "malformed"),
    (lambda c: _set(c, "credentialSubject.licenseData", {"x": 1e-9}), "malformed"),
])
def test_malformed_credentials_are_refused_with_a_reason(credential, change, code):
    assert vc.verify_local(change(credential)).code == code


# --- status and dates -------------------------------------------------------------------------


def _lists(lic: License) -> dict[str, str]:
    """The issuer's lists as a verifier downloads them (encodedList text)."""
    found = {}
    for purpose in (StatusPurpose.REVOCATION, StatusPurpose.SUSPENSION):
        row = StatusList.objects.filter(issuer=lic.issuer, purpose=purpose).first()
        bits = bytes(row.bits) if row else bytes(statuslist.new_bits())
        found[vc.status_list_url(BASE, lic.issuer, purpose)] = statuslist.encode(bits)
    return found


def test_revocation_shows_in_the_status_list(lic, credential, approver):
    assert _verify(credential, status_lists=_lists(lic)).valid
    actions.do_change_status(approver, lic, "revoke", reason="以欺骗手段取得")
    # The signature still holds; the issuer's list says revoked.
    assert _verify(credential).valid
    result = _verify(credential, status_lists=_lists(lic))
    assert (result.valid, result.code, result.status_checked) == (
        False, "revoked", ("revocation", "suspension"))
    assert vc.verify_local(credential).code == "revoked"


def test_suspension_shows_and_clears(lic, credential, approver):
    actions.do_change_status(approver, lic, "suspend", reason="核查中")
    assert _verify(credential, status_lists=_lists(lic)).code == "suspended"
    lic.refresh_from_db()
    actions.do_change_status(approver, lic, "reinstate", reason="核查完毕")
    assert _verify(credential, status_lists=_lists(lic)).valid


def test_a_status_list_as_a_credential_or_bits_is_read(lic, credential, approver):
    actions.do_change_status(approver, lic, "revoke", reason="吊销")
    lists = _lists(lic)
    as_credentials = {url: {"credentialSubject": {"encodedList": text}}
                      for url, text in lists.items()}
    assert _verify(credential, status_lists=as_credentials).code == "revoked"
    as_bits = {url: statuslist.decode(text) for url, text in lists.items()}
    assert _verify(credential, status_lists=as_bits).code == "revoked"
    broken = dict.fromkeys(lists, "u!!!")
    assert _verify(credential, status_lists=broken).code == "status_unavailable"


def test_validity_dates(lic, credential):
    start = dt.datetime.combine(lic.valid_from, dt.time.min,
                                tzinfo=timezone.get_default_timezone())
    end = dt.datetime.combine(lic.valid_until, dt.time(23, 59, 59),
                              tzinfo=timezone.get_default_timezone())
    assert vc.verify_local(credential, now=start).valid
    assert vc.verify_local(credential, now=end).valid
    assert vc.verify_local(credential, now=start - dt.timedelta(seconds=1)).code == (
        "not_yet_valid")
    assert vc.verify_local(credential, now=end + dt.timedelta(seconds=1)).code == "expired"


# --- numbers and JCS --------------------------------------------------------------------------


def test_a_fractional_registered_capital_round_trips(licence_world):
    credential = vc.credential(_business(licence_world, 1234.5), BASE)
    text = json.dumps(credential, ensure_ascii=False)
    assert '"registered_capital": 1234.5' in text
    assert b'"registered_capital":1234.5' in vc.jcs(credential)
    assert vc.verify_local(json.loads(text)).valid


def test_an_integral_float_signs_as_an_integer(licence_world):
    credential = vc.credential(_business(licence_world, 500.0), BASE)
    signed = vc.jcs(credential["credentialSubject"])
    assert b'"registered_capital":500}' in signed and b"500.0" not in signed
    reparsed = json.loads(json.dumps(credential).replace("500.0", "500"))
    assert vc.verify_local(reparsed).valid


def test_data_a_credential_cannot_carry_is_refused(licence_world):
    lic = _business(licence_world, 1.0)
    License.objects.filter(pk=lic.pk).update(data={**lic.data, "registered_capital": 1e-9})
    # The stored seal signature no longer matches the data: refused before canonicalizing.
    with pytest.raises(ActionError):
        vc.credential(lic, BASE)


def test_jcs_matches_rfc_8785():
    # RFC 8785 §3.2.2 (the numbers this module accepts) and Appendix B samples.
    value = {"numbers": [333333333.33333329, 4.50, 2e-3, 1e2, -0.0],
             "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"/",
             "literals": [None, True, False]}
    assert vc.jcs(value) == (
        '{"literals":[null,true,false],"numbers":[333333333.3333333,4.5,0.002,100,0],'
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}').encode()
    for number, text in [(0.0001, "0.0001"), (123456789012.5, "123456789012.5"),
                         (2 ** 53 - 1, "9007199254740991"), (-(2 ** 53 - 1), "-9007199254740991"),
                         (1e15, "1000000000000000"), (0.1, "0.1")]:
        assert vc.jcs(number) == text.encode()
    assert vc.jcs({"\u00f6": 1, "\u0080": 2, "1": 3, "\r": 4}) == (
        '{"\\r":4,"1":3,"\u0080":2,"\u00f6":1}'.encode())


@pytest.mark.parametrize("value", [
    1e-5, 5e-324, 2 ** 53, 1e21, -1e30, float("nan"), float("inf"), dt.date(2026, 1, 1),
    {1: "a"}, "\ud800", {"\U0001F600": 1, "\ufb33": 2},
])
def test_jcs_refuses_what_python_would_write_differently(value):
    with pytest.raises(vc.NotCanonical):
        vc.jcs(value)


# --- OpenSSL as the oracle --------------------------------------------------------------------


@needs_openssl
def test_the_proof_verifies_with_openssl(tmp_path, lic, credential):
    """Recompute hashData from the credential's JSON with plain json + `openssl dgst -sm3`,
    then check the SM2 signature with `openssl pkeyutl` and the seal's public key."""
    received = json.loads(json.dumps(credential, ensure_ascii=False))
    proof = received.pop("proof")
    signature = vc.decode_signature(proof.pop("proofValue"))
    proof["@context"] = received["@context"]

    def canonical(value: Any) -> bytes:
        return json.dumps(value, sort_keys=True, ensure_ascii=False,
                          separators=(",", ":")).encode()

    (tmp_path / "config.json").write_bytes(canonical(proof))
    (tmp_path / "document.json").write_bytes(canonical(received))
    hashes = b"".join(
        openssl_bytes(tmp_path, "dgst", "-sm3", "-binary", name)
        for name in ("config.json", "document.json"))
    assert len(hashes) == 64 and hashes == vc.hash_data(credential, credential["proof"])
    (tmp_path / "hashdata.bin").write_bytes(hashes)
    (tmp_path / "sig.der").write_bytes(signature)
    (tmp_path / "seal.pem").write_text(seals.seal_certificate_pem(lic.seal))
    openssl("x509", "-in", "seal.pem", "-noout", "-pubkey", "-out", "pub.pem", cwd=tmp_path)
    verify = ("pkeyutl", "-verify", "-rawin", "-digest", "sm3", "-pubin", "-inkey", "pub.pem",
              "-sigfile", "sig.der", "-pkeyopt", DIST_ID)
    ok = openssl(*verify, "-in", "hashdata.bin", cwd=tmp_path)
    assert "Signature Verified Successfully" in ok.stdout
    (tmp_path / "tampered.bin").write_bytes(hashes[:-1] + bytes([hashes[-1] ^ 1]))
    refused = openssl(*verify, "-in", "tampered.bin", cwd=tmp_path, check=False)
    assert refused.returncode != 0


def openssl_bytes(cwd: Any, *args: str) -> bytes:
    import subprocess

    from jingchu.seals.tests.conftest import OPENSSL

    assert OPENSSL is not None
    return subprocess.run([OPENSSL, *args], cwd=cwd, capture_output=True, check=True,
                          timeout=60).stdout
