"""Sealing documents and verifying them: each way a signature fails has its own reason code,
and every use of a seal is a SealUse row and an AuditEvent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import AuditEvent
from jingchu.seals import actions, authority, crypto, service, ses, x509
from jingchu.seals.choices import SealKind, UseKind, VerifyCode
from jingchu.seals.keystore import get_keystore
from jingchu.seals.models import SealUse

pytestmark = pytest.mark.django_db

CONTENT = "营业执照 统一社会信用代码 91420102MA4K7Q2B3X".encode()


def forge(seal_data: bytes, cert: bytes, key_ref: str, content: bytes = CONTENT,
          signed_at: dt.datetime | None = None) -> bytes:
    """An SES_Signature made by hand with any seal data, certificate, key and time."""
    tbs = ses.to_sign(seal_data, signed_at or timezone.now(), crypto.sm3(content),
                      actions.property_info("forged.pdf", len(content)), cert)
    return ses.signature(tbs, get_keystore().sign(key_ref, tbs.dump()))


def test_sign_and_verify(world, amr_seal):
    approver = world["users"]["approver_amr"]
    signature = service.sign(approver, amr_seal, CONTENT, "营业执照.pdf")
    result = service.verify(CONTENT, signature)
    assert result.valid and result.code == VerifyCode.VALID
    assert result.seal == amr_seal and result.organization == world["orgs"]["wh-scjg"]
    assert result.es_id == amr_seal.es_id and result.document_name == "营业执照.pdf"
    assert result.document_digest == crypto.sm3(CONTENT).hex()
    assert result.signed_at is not None
    assert abs((timezone.now() - result.signed_at).total_seconds()) < 60
    assert result.signer == world["orgs"]["wh-scjg"].name
    parsed = ses.load_signature(signature)
    assert parsed["to_sign"]["version"].native == 4
    assert bytes(parsed["to_sign"]["cert"].native) == bytes(amr_seal.certificate)
    assert service.verify(CONTENT, signature, expected_seal=amr_seal).valid


def test_every_sign_is_a_use_and_an_audit_event(world, amr_seal):
    approver = world["users"]["approver_amr"]
    signature = service.sign(approver, amr_seal, CONTENT, "决定书.pdf")
    use = SealUse.objects.get()
    assert use.seal == amr_seal and use.actor == approver and use.kind == UseKind.DOCUMENT
    assert use.document_name == "决定书.pdf" and use.document_size == len(CONTENT)
    assert use.document_digest == crypto.sm3(CONTENT).hex()
    assert bytes(use.signature) == signature
    event = AuditEvent.objects.get(action="seals.seal.sign")
    assert event.actor == approver and event.object_id == str(amr_seal.uid)
    assert event.details["use"] == str(use.uid) and event.details["sm3"] == use.document_digest
    service.sign(None, amr_seal, b"second", "second.txt")
    assert SealUse.objects.count() == 2
    assert AuditEvent.objects.filter(action="seals.seal.sign").count() == 2
    assert SealUse.objects.order_by("signed_at", "id")[1].actor_label == "system"


def test_tampered_content_fails(world, amr_seal):
    signature = service.sign(None, amr_seal, CONTENT, "a.pdf")
    result = service.verify(CONTENT + b" ", signature)
    assert not result.valid and result.code == VerifyCode.HASH_MISMATCH
    assert result.es_id == amr_seal.es_id  # still says which seal it claims


def test_tampered_signature_fails(world, amr_seal):
    signature = service.sign(None, amr_seal, CONTENT, "a.pdf")
    parsed = ses.load_signature(signature)
    other = get_keystore().sign(amr_seal.key_ref, b"something else")
    swapped = ses.signature(parsed["to_sign"], other)
    assert service.verify(CONTENT, swapped).code == VerifyCode.SIGNATURE_INVALID
    assert service.verify(CONTENT, b"not a signature").code == VerifyCode.MALFORMED
    assert service.verify(CONTENT, signature[:-3]).code == VerifyCode.MALFORMED


def test_wrong_seal_fails(world, amr_seal, hrss_seal):
    signature = service.sign(None, amr_seal, CONTENT, "a.pdf")
    result = service.verify(CONTENT, signature, expected_seal=hrss_seal)
    assert not result.valid and result.code == VerifyCode.WRONG_SEAL
    # Another seal's key signing under this seal's data is caught by the seal's certificate list.
    forged = forge(bytes(amr_seal.seal_data), bytes(hrss_seal.certificate), hrss_seal.key_ref)
    assert service.verify(CONTENT, forged).code == VerifyCode.SEAL_MISMATCH


def test_a_certificate_from_another_root_fails(world, amr_seal):
    store, now = get_keystore(), timezone.now()
    other_root = authority.make_root(store, "伪造的根证书", None, now)
    spec = authority.SealSpec(amr_seal.organization, SealKind.LICENSE, amr_seal.name,
                              amr_seal.es_id, amr_seal.valid_from, amr_seal.valid_to)
    fake = authority.issue_seal(store, other_root.key_ref, other_root.certificate, spec, now)
    forged = forge(fake.seal_data, fake.certificate, fake.key_ref)
    assert service.verify(CONTENT, forged).code == VerifyCode.CERTIFICATE_UNTRUSTED
    # The platform root's certificate with seal data signed by another maker.
    real_cert_fake_seal = forge(fake.seal_data, bytes(amr_seal.certificate), amr_seal.key_ref)
    assert service.verify(CONTENT, real_cert_fake_seal).code == VerifyCode.SEAL_UNTRUSTED


def test_an_unregistered_seal_fails(world):
    root, now = world["root"], timezone.now()
    spec = authority.SealSpec(world["orgs"]["wh-mzj"], SealKind.LICENSE, "未登记的印章",
                              "4201000200099990", now, now + dt.timedelta(days=30))
    made = authority.issue_seal(get_keystore(), root.key_ref, bytes(root.certificate), spec, now)
    forged = forge(made.seal_data, made.certificate, made.key_ref)
    assert service.verify(CONTENT, forged).code == VerifyCode.SEAL_UNKNOWN


def test_expired_seal_fails(world, amr_seal, monkeypatch):
    after = amr_seal.valid_to + dt.timedelta(days=1)
    late = forge(bytes(amr_seal.seal_data), bytes(amr_seal.certificate), amr_seal.key_ref,
                 signed_at=after)
    result = service.verify(CONTENT, late)
    assert not result.valid and result.code == VerifyCode.SEAL_EXPIRED
    early = forge(bytes(amr_seal.seal_data), bytes(amr_seal.certificate), amr_seal.key_ref,
                  signed_at=amr_seal.valid_from - dt.timedelta(days=1))
    assert service.verify(CONTENT, early).code == VerifyCode.SEAL_NOT_YET_VALID
    # A signature made within the validity stays valid after the validity ends ...
    made_in_time = service.sign(None, amr_seal, CONTENT, "a.pdf")
    monkeypatch.setattr(timezone, "now", lambda: after)
    assert service.verify(CONTENT, made_in_time).code == VerifyCode.VALID
    # ... but the expired seal seals nothing more.
    with pytest.raises(ActionError) as err:
        service.sign(None, amr_seal, CONTENT, "a.pdf")
    assert err.value.code == VerifyCode.SEAL_EXPIRED and err.value.status == 409
    assert SealUse.objects.count() == 1


def test_revoked_seal_fails(world, amr_seal):
    signature = service.sign(None, amr_seal, CONTENT, "a.pdf")
    actions.do_revoke_seal(world["users"]["admin_amr"], amr_seal, reason="私钥泄露")
    result = service.verify(CONTENT, signature)
    assert not result.valid and result.code == VerifyCode.SEAL_REVOKED
    with pytest.raises(ActionError) as err:
        service.sign(None, amr_seal, CONTENT, "a.pdf")
    assert err.value.code == VerifyCode.SEAL_REVOKED
    assert SealUse.objects.count() == 1


def test_suspended_seal_fails_until_resumed(world, amr_seal):
    admin = world["users"]["admin_amr"]
    signature = service.sign(None, amr_seal, CONTENT, "a.pdf")
    actions.do_suspend_seal(admin, amr_seal, reason="核查")
    assert service.verify(CONTENT, signature).code == VerifyCode.SEAL_SUSPENDED
    with pytest.raises(ActionError) as err:
        service.sign(world["users"]["approver_amr"], amr_seal, CONTENT, "a.pdf")
    assert err.value.code == VerifyCode.SEAL_SUSPENDED
    actions.do_resume_seal(admin, amr_seal, reason="核查完毕")
    assert service.verify(CONTENT, signature).valid


def test_only_the_organizations_approvers_and_administrators_seal(world, amr_seal):
    users = world["users"]
    for who in ("clerk_amr", "approver_hrss", "admin_hrss", "platform"):
        with pytest.raises(NotPermitted):
            service.sign(users[who], amr_seal, CONTENT, "a.pdf")
    assert not SealUse.objects.exists()
    assert not AuditEvent.objects.filter(action="seals.seal.sign").exists()
    service.sign(users["admin_amr"], amr_seal, CONTENT, "a.pdf")
    with pytest.raises(ActionError) as err:
        service.sign(users["approver_amr"], amr_seal, CONTENT, "  ")
    assert err.value.code == "text_required"


def test_plain_signatures(world, amr_seal, hrss_seal):
    data = b'{"credentialSubject": {"id": "did:example:1"}}'
    signature = service.sign_raw(amr_seal, data, purpose="VC proof 1")
    cert_pem = service.seal_certificate_pem(amr_seal).encode()
    assert service.verify_raw(cert_pem, data, signature)
    assert service.verify_raw(bytes(amr_seal.certificate), data, signature)
    assert not service.verify_raw(cert_pem, data + b" ", signature)
    assert not service.verify_raw(bytes(hrss_seal.certificate), data, signature)
    assert not service.verify_raw(b"junk", data, signature)
    assert service.verify_seal_raw(amr_seal, data, signature).valid
    assert service.verify_seal_raw(hrss_seal, data, signature).code == (
        VerifyCode.SIGNATURE_INVALID)
    use = SealUse.objects.get()
    assert use.kind == UseKind.RAW and use.document_name == "VC proof 1"
    many = service.sign_raw_many(amr_seal, [("VC 2", b"two"), ("VC 3", b"three")])
    assert [service.verify_raw(cert_pem, d, s) for d, s in zip([b"two", b"three"], many,
                                                             strict=True)] == [True, True]
    assert SealUse.objects.filter(kind=UseKind.RAW).count() == 3
    assert AuditEvent.objects.filter(action="seals.seal.sign_raw").count() == 3
    actions.do_revoke_seal(None, amr_seal, reason="test")
    assert service.verify_seal_raw(amr_seal, data, signature).code == VerifyCode.SEAL_REVOKED
    with pytest.raises(ActionError):
        service.sign_raw(amr_seal, data)


def test_public_lookups(world, amr_seal):
    assert service.seal_for(world["orgs"]["wh-scjg"], SealKind.LICENSE) == amr_seal
    assert service.seal_for(world["orgs"]["wh-scjg"], SealKind.OFFICIAL) is None
    assert service.seal_by_es_id(amr_seal.es_id) == amr_seal
    assert service.root_certificate_pem().startswith("-----BEGIN CERTIFICATE-----")
    assert x509.from_pem_or_der(service.root_certificate_pem().encode()) == bytes(
        world["root"].certificate)
