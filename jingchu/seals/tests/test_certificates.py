"""Certificates that OpenSSL reads and accepts, signatures OpenSSL checks, and keys at rest."""

from __future__ import annotations

import base64

import pytest

from jingchu.core import crypto as core_crypto
from jingchu.seals import crypto, keystore, service, ses, x509
from jingchu.seals.keystore import DatabaseKeyStore, KeyStoreError, get_keystore
from jingchu.seals.models import SealKey
from jingchu.seals.tests.conftest import DIST_ID, needs_openssl, openssl

pytestmark = pytest.mark.django_db


def _write_chain(tmp_path, root, seal) -> None:
    (tmp_path / "root.pem").write_text(service.root_certificate_pem())
    (tmp_path / "seal.pem").write_text(service.seal_certificate_pem(seal))


@needs_openssl
def test_openssl_reads_and_accepts_the_certificates(tmp_path, world, amr_seal):
    _write_chain(tmp_path, world["root"], amr_seal)
    text = openssl("x509", "-in", "seal.pem", "-noout", "-text", "-nameopt", "utf8",
                   cwd=tmp_path).stdout
    assert "Signature Algorithm: SM2-with-SM3" in text and "ASN1 OID: SM2" in text
    assert amr_seal.organization.name in text and "CA:FALSE" in text
    assert "Digital Signature, Non Repudiation" in text
    root_text = openssl("x509", "-in", "root.pem", "-noout", "-text", cwd=tmp_path).stdout
    assert "CA:TRUE" in root_text and "Certificate Sign" in root_text
    # OpenSSL 3 verifies SM2 certificate signatures with the user ID given by -vfyopt.
    ok = openssl("verify", "-x509_strict", "-CAfile", "root.pem", "-vfyopt", DIST_ID, "seal.pem",
                 cwd=tmp_path)
    assert ok.stdout.strip() == "seal.pem: OK"
    wrong_id = openssl("verify", "-CAfile", "root.pem", "-vfyopt", "distid:1234567812345679",
                       "seal.pem", cwd=tmp_path, check=False)
    assert wrong_id.returncode != 0


@needs_openssl
def test_openssl_refuses_a_seal_of_another_root(tmp_path, world, amr_seal):
    from django.utils import timezone

    from jingchu.seals import authority

    other = authority.make_root(get_keystore(), "另一个根", None, timezone.now())
    (tmp_path / "other.pem").write_text(x509.to_pem(other.certificate))
    (tmp_path / "seal.pem").write_text(service.seal_certificate_pem(amr_seal))
    refused = openssl("verify", "-CAfile", "other.pem", "-vfyopt", DIST_ID, "seal.pem",
                      cwd=tmp_path, check=False)
    assert refused.returncode != 0


@needs_openssl
def test_openssl_checks_the_roots_self_signature(tmp_path, world):
    # `openssl verify -check_ss_sig` does not pass -vfyopt to a self-signed certificate
    # (openssl/openssl#32744), so the self-signature is checked as a plain SM2 signature.
    root = x509.load(bytes(world["root"].certificate))
    (tmp_path / "tbs.der").write_bytes(root["tbs_certificate"].dump())
    (tmp_path / "sig.der").write_bytes(root["signature_value"].native)
    (tmp_path / "root.pem").write_text(service.root_certificate_pem())
    openssl("x509", "-in", "root.pem", "-noout", "-pubkey", "-out", "pub.pem", cwd=tmp_path)
    ok = openssl("pkeyutl", "-verify", "-rawin", "-digest", "sm3", "-pubin", "-inkey", "pub.pem",
                 "-in", "tbs.der", "-sigfile", "sig.der", "-pkeyopt", DIST_ID, cwd=tmp_path)
    assert "Signature Verified Successfully" in ok.stdout


@needs_openssl
def test_openssl_checks_a_sealed_documents_signature(tmp_path, world, amr_seal):
    signature = service.sign(None, amr_seal, b"content", "c.txt")
    parsed = ses.load_signature(signature)
    (tmp_path / "tbs.der").write_bytes(parsed["to_sign"].dump())
    (tmp_path / "sig.der").write_bytes(parsed["signature"].native)
    (tmp_path / "seal.pem").write_text(service.seal_certificate_pem(amr_seal))
    openssl("x509", "-in", "seal.pem", "-noout", "-pubkey", "-out", "pub.pem", cwd=tmp_path)
    ok = openssl("pkeyutl", "-verify", "-rawin", "-digest", "sm3", "-pubin", "-inkey", "pub.pem",
                 "-in", "tbs.der", "-sigfile", "sig.der", "-pkeyopt", DIST_ID, cwd=tmp_path)
    assert "Signature Verified Successfully" in ok.stdout
    # The DER parses as ASN.1 for OpenSSL too.
    (tmp_path / "ses.der").write_bytes(signature)
    dump = openssl("asn1parse", "-inform", "DER", "-in", "ses.der", cwd=tmp_path).stdout
    assert ":ES" in dump and amr_seal.es_id in dump and ":SM2-with-SM3" in dump


@needs_openssl
def test_a_plain_signature_verifies_with_openssl(tmp_path, world, amr_seal):
    data = b'{"proof": "jingchu"}'
    (tmp_path / "data").write_bytes(data)
    (tmp_path / "sig").write_bytes(service.sign_raw(amr_seal, data))
    (tmp_path / "seal.pem").write_text(service.seal_certificate_pem(amr_seal))
    openssl("x509", "-in", "seal.pem", "-noout", "-pubkey", "-out", "pub.pem", cwd=tmp_path)
    ok = openssl("dgst", "-sm3", "-verify", "pub.pem", "-signature", "sig", "-sigopt", DIST_ID,
                 "data", cwd=tmp_path)
    assert "Verified OK" in ok.stdout


def test_private_keys_at_rest_are_not_the_plaintext(world, amr_seal):
    row = SealKey.objects.get(uid=amr_seal.key_ref.removeprefix("db:"))
    assert row.private_key_sealed.startswith(core_crypto.PREFIX)
    plain_b64 = core_crypto.decrypt(row.private_key_sealed, keystore.master_key_hex())
    der = base64.b64decode(plain_b64)
    key = crypto.load_private_key(der)
    scalar = key.private_numbers().private_value.to_bytes(32, "big")
    sealed_raw = base64.b64decode(row.private_key_sealed.removeprefix(core_crypto.PREFIX))
    for secret in (der, scalar, plain_b64.encode(), scalar.hex().encode()):
        assert secret not in sealed_raw and secret not in row.private_key_sealed.encode()
    assert crypto.public_key_der(key.public_key()) == bytes(row.public_key)
    # The seal key is encrypted under its own master key, not the personal-data key.
    assert keystore.master_key_hex() != keystore.settings.SM4_KEY_HEX
    with pytest.raises(core_crypto.DecryptionError):
        core_crypto.decrypt(row.private_key_sealed, keystore.settings.SM4_KEY_HEX)


def test_a_wrong_master_key_or_a_swapped_row_cannot_sign(world, amr_seal, hrss_seal,
                                                          monkeypatch):
    fresh = DatabaseKeyStore()
    assert crypto.verify(crypto.load_public_key(fresh.public_key(amr_seal.key_ref)), b"x",
                         fresh.sign(amr_seal.key_ref, b"x"))
    monkeypatch.setenv("JINGCHU_SEAL_MASTER_KEY", "ff" * 16)
    with pytest.raises(KeyStoreError):
        DatabaseKeyStore().sign(amr_seal.key_ref, b"x")
    monkeypatch.delenv("JINGCHU_SEAL_MASTER_KEY")
    a = SealKey.objects.get(uid=amr_seal.key_ref.removeprefix("db:"))
    b = SealKey.objects.get(uid=hrss_seal.key_ref.removeprefix("db:"))
    SealKey.objects.filter(pk=a.pk).update(private_key_sealed=b.private_key_sealed)
    with pytest.raises(KeyStoreError):
        DatabaseKeyStore().sign(amr_seal.key_ref, b"x")
    with pytest.raises(KeyStoreError):
        DatabaseKeyStore().sign("db:00000000-0000-0000-0000-000000000000", b"x")
    with pytest.raises(KeyStoreError):
        DatabaseKeyStore().sign("pkcs11:token=hsm", b"x")


def test_the_configured_master_key_is_used(world, monkeypatch):
    monkeypatch.setenv("JINGCHU_SEAL_MASTER_KEY", "0f" * 16)
    assert keystore.master_key_hex() == "0f" * 16
    store = DatabaseKeyStore()
    handle = store.generate("test key")
    row = SealKey.objects.get(uid=handle.ref.removeprefix("db:"))
    assert core_crypto.decrypt(row.private_key_sealed, "0f" * 16)
    monkeypatch.delenv("JINGCHU_SEAL_MASTER_KEY")
    with pytest.raises(KeyStoreError):
        DatabaseKeyStore().sign(handle.ref, b"x")
