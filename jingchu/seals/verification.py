"""Verifying sealed documents and plain signatures: every check, each refusal with its code.

The order of the checks is the order of the VerifyCode reasons a reader sees first: the file's
form, the document's SM3 digest, the SM2 signature, the certificate chain to the platform's
root, the seal data's maker signature, the seal's registration, then its status and validity
at the time of signing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qs

from django.utils import timezone

from jingchu.core.models import Organization
from jingchu.seals import authority, crypto, ses, x509
from jingchu.seals.choices import VerifyCode
from jingchu.seals.models import Seal, TrustRoot


@dataclass(frozen=True)
class Verification:
    """The answer: `valid`, and otherwise the first reason (`code`, `message`) it is not."""

    valid: bool
    code: str
    message: str
    seal: Seal | None = None
    organization: Organization | None = None
    signer: str = ""  # the organization named in the signer's certificate
    signed_at: dt.datetime | None = None
    es_id: str = ""
    seal_name: str = ""
    document_name: str = ""
    document_digest: str = ""  # SM3 hex, as the signature states it


def _result(code: str, **facts: object) -> Verification:
    return Verification(valid=code == VerifyCode.VALID, code=code,
                        message=str(VerifyCode(code).label), **facts)  # type: ignore[arg-type]


def trusted_roots() -> list[bytes]:
    return [bytes(der) for der in TrustRoot.objects.values_list("certificate", flat=True)]


def chains_to_root(cert: x509.Certificate, roots: list[bytes]) -> bool:
    """The certificate was issued by one of the roots. Its validity is checked with the seal's
    (a seal's validity never reaches beyond its root's: do_create_seal refuses that)."""
    return any(x509.signed_by(cert, x509.load(der)) for der in roots)


def _facts(tbs: ses.TBSSign) -> dict[str, object]:
    info = tbs["eseal"]["e_seal_info"]
    props = parse_qs(tbs["property_info"].native)
    return {
        "signed_at": tbs["time_info"].native,
        "es_id": info["es_id"].native,
        "seal_name": info["property"]["name"].native,
        "document_name": (props.get("name") or [""])[0],
        "document_digest": bytes(tbs["data_hash"].native).hex(),
    }


def _signer_org(cert: x509.Certificate) -> str:
    return str(cert.subject.native.get("organization_name", ""))


def _crypto_problem(content: bytes, sig: ses.SESSignature) -> str:
    tbs = sig["to_sign"]
    if tbs["signature_algorithm"].dotted != crypto.SM2_SM3_OID:
        return VerifyCode.UNSUPPORTED_ALGORITHM
    if bytes(tbs["data_hash"].native) != crypto.sm3(content):
        return VerifyCode.HASH_MISMATCH
    try:
        key = x509.public_key(x509.load(bytes(tbs["cert"].native)))
    except (x509.CertificateError, crypto.InvalidKey):
        return VerifyCode.MALFORMED
    if not crypto.verify(key, tbs.dump(), sig["signature"].native):
        return VerifyCode.SIGNATURE_INVALID
    return ""


def _trust_problem(tbs: ses.TBSSign) -> str:
    return _trust_of(bytes(tbs["cert"].native), tbs["eseal"].dump(), tuple(trusted_roots()))


@lru_cache(maxsize=512)
def _trust_of(signer_der: bytes, eseal_der: bytes, roots: tuple[bytes, ...]) -> str:
    """The chain and the seal maker's signature; they depend on these bytes alone, so the
    answer is kept per (certificate, seal data, roots) — two SM2 verifications saved a check."""
    if not chains_to_root(x509.load(signer_der), list(roots)):
        return VerifyCode.CERTIFICATE_UNTRUSTED
    eseal = ses.load_seal(eseal_der)
    if bytes(eseal["cert"].native) not in roots or not authority.seal_signed_by_maker(eseal):
        return VerifyCode.SEAL_UNTRUSTED
    cert_list = [bytes(c) for c in eseal["e_seal_info"]["property"]["cert_list"].native]
    if signer_der not in cert_list:
        return VerifyCode.SEAL_MISMATCH
    return ""


def _registry_problem(seal: Seal | None, signer_der: bytes, signed_at: dt.datetime,
                      expected: Seal | None) -> str:
    if seal is None:
        return VerifyCode.SEAL_UNKNOWN
    if bytes(seal.certificate) != signer_der:
        return VerifyCode.SEAL_MISMATCH
    if expected is not None and expected.pk != seal.pk:
        return VerifyCode.WRONG_SEAL
    problem = seal.problem_at(signed_at)
    if problem:
        return problem
    if not x509.valid_at(x509.load(signer_der), signed_at):
        return VerifyCode.SEAL_EXPIRED if signed_at > seal.valid_from else (
            VerifyCode.SEAL_NOT_YET_VALID)
    return ""


def verify(content: bytes, signature_der: bytes, *,
           expected_seal: Seal | None = None) -> Verification:
    """Check a sealed document (content + DER SES_Signature) from end to end."""
    try:
        sig = ses.load_signature(bytes(signature_der))
        tbs = sig["to_sign"]
        facts = _facts(tbs)
    except (ses.SESFormatError, ValueError, TypeError):
        return _result(VerifyCode.MALFORMED)
    problem = _crypto_problem(content, sig)
    if problem:
        return _result(problem, **facts)
    signed_at = facts["signed_at"]
    assert isinstance(signed_at, dt.datetime)
    signer_cert = x509.load(bytes(tbs["cert"].native))
    facts["signer"] = _signer_org(signer_cert)
    problem = _trust_problem(tbs)
    if problem:
        return _result(problem, **facts)
    seal = Seal.objects.select_related("organization").filter(es_id=facts["es_id"]).first()
    if seal is not None:
        facts |= {"seal": seal, "organization": seal.organization}
    problem = _registry_problem(seal, bytes(tbs["cert"].native), signed_at, expected_seal)
    return _result(problem or VerifyCode.VALID, **facts)


@lru_cache(maxsize=256)
def _certificate_key(cert: bytes) -> crypto.PublicKey | None:
    """The public key of a certificate (PEM or DER), parsed once per certificate."""
    try:
        return x509.public_key(x509.load(x509.from_pem_or_der(cert)))
    except (x509.CertificateError, crypto.InvalidKey, ValueError):
        return None


def verify_raw(cert: bytes, data: bytes, signature: bytes) -> bool:
    """A plain SM2-with-SM3 signature (DER r, s; default user ID) under the certificate's key.
    Checks the signature only: use `verify_seal_raw` for the chain, status and validity."""
    key = _certificate_key(bytes(cert))
    return key is not None and crypto.verify(key, bytes(data), bytes(signature))


def verify_seal_raw(seal: Seal, data: bytes, signature: bytes, *,
                    signed_at: dt.datetime | None = None) -> Verification:
    """A plain signature under the seal: SM2 signature, certificate chain, the seal's status
    and validity at `signed_at` (now when not given)."""
    when = signed_at or timezone.now()
    seal = Seal.objects.select_related("organization").get(pk=seal.pk)  # status as of now
    facts: dict[str, object] = {"seal": seal, "organization": seal.organization,
                                "es_id": seal.es_id, "seal_name": seal.name, "signed_at": when}
    cert_der = bytes(seal.certificate)
    if not verify_raw(cert_der, data, signature):
        return _result(VerifyCode.SIGNATURE_INVALID, **facts)
    cert = x509.load(cert_der)
    facts["signer"] = _signer_org(cert)
    if not chains_to_root(cert, trusted_roots()):
        return _result(VerifyCode.CERTIFICATE_UNTRUSTED, **facts)
    problem = _registry_problem(seal, cert_der, when, None)
    return _result(problem or VerifyCode.VALID, **facts)
