"""Licences as W3C Verifiable Credentials (Data Model 2.0) with an SM2 Data Integrity proof.

    credential(lic, base_url, *, requested_by=None) -> dict   export; signs under the licence's seal
    verify_credential(vc, *, certificate_resolver, status_lists=None, now=None) -> VcVerification
    verify_local(vc, *, now=None) -> VcVerification   with this platform's certificates and lists
    add_proof(document, seal, verification_method, *, purpose) / proof_signature_ok(document, cert)
    jcs(value) -> bytes   RFC 8785 bytes, refusing values where Python and RFC 8785 would differ

The proof is the project's `sm2-sm3-jcs-2026` cryptosuite, modelled on W3C `ecdsa-jcs-2019`:
hashData = SM3(JCS(proofConfig)) || SM3(JCS(credential without proof)), where proofConfig is
the proof without `proofValue` plus the credential's `@context`; the seal signs hashData (64
bytes) with SM2/SM3 and user ID 1234567812345678 — SM2 itself hashes SM3(Z || hashData);
proofValue = "u" + base64url(DER signature), no padding. docs/licenses-vc.md has the details.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import math
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jingchu.core.crypto import hmac_sm3, sm3
from jingchu.core.errors import ActionError
from jingchu.core.models import Organization
from jingchu.licenses import content, statuslist
from jingchu.licenses.choices import HolderKind, LicenseStatus, StatusPurpose
from jingchu.licenses.models import License, StatusList
from jingchu.seals import service as seals
from jingchu.seals import x509
from jingchu.seals.choices import VerifyCode
from jingchu.seals.models import Seal
from jingchu.seals.verification import chains_to_root, trusted_roots

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VOCAB = "urn:jingchu:licenses:"
# The project's terms, inline: a verifier never fetches a context (docs/licenses-vc.md).
LICENSE_CONTEXT: dict[str, Any] = {
    "@protected": True,
    "ElectronicLicense": VOCAB + "ElectronicLicense",
    "holderKind": VOCAB + "holderKind",
    "licenseIdentifier": VOCAB + "licenseIdentifier",
    "licenseTypeCode": VOCAB + "licenseTypeCode",
    "licenseTypeName": VOCAB + "licenseTypeName",
    "licenseNumber": VOCAB + "licenseNumber",
    "licenseIssuedOn": {"@id": VOCAB + "licenseIssuedOn",
                        "@type": "http://www.w3.org/2001/XMLSchema#date"},
    "licenseData": {"@id": VOCAB + "licenseData", "@type": "@json"},
}
CONTEXT: list[Any] = [VC_V2, LICENSE_CONTEXT]
CREDENTIAL_TYPES = ["VerifiableCredential", "ElectronicLicense"]
PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "sm2-sm3-jcs-2026"
PROOF_PURPOSE = "assertionMethod"
STATUS_ENTRY_TYPE = "BitstringStatusListEntry"
MEDIA_TYPE = "application/vc"  # VC Data Model 2.0 §6.3, for the export endpoint's answer
MULTIBASE_BASE64URL = "u"
MAX_SAFE_INTEGER = 2 ** 53 - 1  # I-JSON: integers beyond this lose precision elsewhere
# Non-integral numbers print the same in Python and in ECMAScript (RFC 8785 §3.2.2.3) when
# both use fixed notation: from 1e-4 on (Python switches to exponents below).
SMALLEST_FRACTION = 1e-4
HOLDER_LABEL = b"jingchu:vc-holder:"
URN_USCC = "urn:uscc:"
STATUS_PATH = re.compile(r"/api/v1/licenses/status/(?P<uscc>[0-9A-Z]{18})/"
                         r"(?P<purpose>revocation|suspension)/?$")

CertificateResolver = Callable[[str], bytes | None]


# --- JCS (RFC 8785) ---------------------------------------------------------------------------


class NotCanonical(ValueError):
    """A value whose RFC 8785 form this module does not produce (see `jcs`)."""


def _text(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise NotCanonical("a string holds a lone surrogate") from exc
    return value


def _number(value: int | float) -> int | float:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise NotCanonical("NaN and infinities are not JSON")
        if value.is_integer():
            value = int(value)  # 500.0 is the JSON number 500, as ECMAScript prints it
        elif abs(value) < SMALLEST_FRACTION:
            raise NotCanonical(f"{value!r}: fractions below {SMALLEST_FRACTION} are refused")
        else:
            return value
    if abs(value) > MAX_SAFE_INTEGER:
        raise NotCanonical(f"{value}: integers beyond ±(2**53 - 1) are refused")
    return value


def _object(value: Mapping[Any, Any]) -> dict[str, Any]:
    keys = list(value)
    if not all(isinstance(k, str) for k in keys):
        raise NotCanonical("object keys must be strings")
    if sorted(keys) != sorted(keys, key=lambda k: k.encode("utf-16-be")):
        # RFC 8785 sorts by UTF-16 code units, Python by code points: they differ only for
        # keys mixing characters beyond U+FFFF with U+E000..U+FFFF.
        raise NotCanonical("object keys whose UTF-16 order differs from code-point order")
    return {_text(k): normal(v) for k, v in value.items()}


def normal(value: Any) -> Any:
    """The value with integral floats as integers, or NotCanonical for what `jcs` refuses."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, int | float):
        return _number(value)
    if isinstance(value, list | tuple):
        return [normal(v) for v in value]
    if isinstance(value, Mapping):
        return _object(value)
    raise NotCanonical(f"{type(value).__name__} is not a JSON value")


def jcs(value: Any) -> bytes:
    """RFC 8785 bytes of JSON made of objects, arrays, strings, booleans, null, integers within
    ±(2**53 - 1) and non-integral numbers of magnitude at least 1e-4: for these
    `content.canonical` writes exactly what RFC 8785 prescribes."""
    return content.canonical(normal(value))


# --- the proof (sm2-sm3-jcs-2026) -------------------------------------------------------------


def _without(mapping: Mapping[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if k != key}


def proof_config(document: Mapping[str, Any], proof: Mapping[str, Any]) -> dict[str, Any]:
    """The proof options that are signed: the proof without its value, with the document's
    @context (as ecdsa-jcs-2019 does, so the context cannot be swapped)."""
    config = _without(proof, "proofValue")
    config["@context"] = document.get("@context")
    return config


def hash_data(document: Mapping[str, Any], proof: Mapping[str, Any]) -> bytes:
    """SM3(JCS(proof config)) || SM3(JCS(document without proof)): the 64 bytes signed."""
    return sm3(jcs(proof_config(document, proof))) + sm3(jcs(_without(document, "proof")))


def encode_signature(der: bytes) -> str:
    return MULTIBASE_BASE64URL + base64.urlsafe_b64encode(der).rstrip(b"=").decode("ascii")


def decode_signature(value: Any) -> bytes | None:
    """The DER signature of a proofValue, or None when it is not multibase base64url."""
    if not isinstance(value, str) or not value.startswith(MULTIBASE_BASE64URL):
        return None
    text = value[1:]
    if not re.fullmatch(r"[A-Za-z0-9_-]+", text):
        return None
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None


def _timestamp(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def add_proof(document: Mapping[str, Any], seal: Seal, verification_method: str, *,
              purpose: str, actor: Any = None) -> dict[str, Any]:
    """The document with a `sm2-sm3-jcs-2026` proof by the seal (a logged seal use).
    Raises NotCanonical for values `jcs` refuses, ActionError when the seal cannot sign."""
    proof: dict[str, Any] = {
        "type": PROOF_TYPE, "cryptosuite": CRYPTOSUITE, "created": _timestamp(timezone.now()),
        "verificationMethod": verification_method, "proofPurpose": PROOF_PURPOSE,
    }
    unsecured = _without(document, "proof")
    signature = seals.sign_raw(seal, hash_data(unsecured, proof), actor=actor,
                               purpose=purpose[:250])
    return {**unsecured, "proof": {**proof, "proofValue": encode_signature(signature)}}


def proof_signature_ok(document: Mapping[str, Any], certificate: bytes) -> bool:
    """The document's proof is a valid `sm2-sm3-jcs-2026` signature under the certificate's key
    (signature only: `verify_credential` also checks the chain, issuer, seal and dates)."""
    proof = document.get("proof")
    if not isinstance(proof, Mapping) or proof.get("cryptosuite") != CRYPTOSUITE:
        return False
    signature = decode_signature(proof.get("proofValue"))
    if signature is None:
        return False
    try:
        data = hash_data(document, proof)
    except NotCanonical:
        return False
    return seals.verify_raw(certificate, data, signature)


# --- export -----------------------------------------------------------------------------------


def _uuid8(digest: bytes) -> uuid.UUID:
    """An RFC 9562 version 8 (custom) UUID made of the first 16 bytes of a digest."""
    value = int.from_bytes(digest[:16], "big")
    value = (value & ~(0xF << 76)) | (8 << 76)
    value = (value & ~(0x3 << 62)) | (0x2 << 62)
    return uuid.UUID(int=value)


def holder_id(lic: License) -> str:
    """The subject's id: a legal entity's public credit code; for a person a pseudonym, the
    keyed HMAC-SM3 of their ID number's blind index as a UUID — the same for all their
    licences, and not reversible to the ID number without the platform's key."""
    if lic.holder_kind == HolderKind.LEGAL_ENTITY:
        assert lic.holder_entity is not None
        return URN_USCC + lic.holder_entity.uscc
    assert lic.holder_person is not None
    key = str(settings.BLIND_INDEX_KEY).encode()
    digest = hmac_sm3(key, HOLDER_LABEL + lic.holder_person.id_number_index.encode())
    return f"urn:uuid:{_uuid8(digest)}"


def _local(day: dt.date, time: dt.time) -> str:
    return dt.datetime.combine(day, time, tzinfo=ZoneInfo(settings.TIME_ZONE)).isoformat()


def status_list_url(base_url: str, issuer: Organization, purpose: str) -> str:
    return f"{base_url.rstrip('/')}/api/v1/licenses/status/{issuer.uscc}/{purpose}"


def status_entries(lic: License, base_url: str) -> list[dict[str, Any]]:
    entries = []
    for purpose in (StatusPurpose.REVOCATION, StatusPurpose.SUSPENSION):
        url = status_list_url(base_url, lic.issuer, purpose)
        entries.append({"id": f"{url}#{lic.status_index}", "type": STATUS_ENTRY_TYPE,
                        "statusPurpose": str(purpose), "statusListIndex": str(lic.status_index),
                        "statusListCredential": url})
    return entries


def _subject(lic: License) -> dict[str, Any]:
    return {
        "id": holder_id(lic), "name": lic.holder_name, "holderKind": str(lic.holder_kind),
        "licenseIdentifier": lic.identifier, "licenseTypeCode": lic.license_type.type_code,
        "licenseTypeName": lic.license_type.name, "licenseNumber": lic.number,
        "licenseIssuedOn": lic.issued_on.isoformat(), "licenseData": lic.data,
    }


def unsigned_credential(lic: License, base_url: str) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": CONTEXT, "id": f"urn:license:{lic.identifier}", "type": CREDENTIAL_TYPES,
        "issuer": {"id": URN_USCC + lic.issuer.uscc, "name": lic.issuer.name},
        "validFrom": _local(lic.valid_from, dt.time.min),
    }
    if lic.valid_until is not None:  # the licence's last day, inclusive
        document["validUntil"] = _local(lic.valid_until, dt.time(23, 59, 59))
    document["credentialSubject"] = _subject(lic)
    document["credentialStatus"] = status_entries(lic, base_url)
    return document


def verification_method(seal: Seal, base_url: str) -> str:
    """The public URL of the seal's certificate (PEM)."""
    return base_url.rstrip("/") + reverse("seals:certificate", kwargs={"uid": seal.uid})


def _require_sealed(lic: License) -> None:
    """Sign nothing the register holds in a state its own seal signature does not vouch for."""
    result = seals.verify(content.signed_bytes(lic), bytes(lic.signature), expected_seal=lic.seal)
    if not result.valid:
        raise ActionError("license_not_exportable",
                          _("The licence cannot be exported: %(reason)s")
                          % {"reason": result.message}, {"reason": result.code}, status=409)


def credential(lic: License, base_url: str, *, requested_by: Any = None) -> dict[str, Any]:
    """The licence as a signed Verifiable Credential. The platform signs on the issuer's behalf
    with the licence's seal (a SealUse naming `requested_by`); the caller has checked that the
    requester may see the licence. Refuses a revoked licence and one whose stored seal
    signature does not verify (409), and data `jcs` cannot canonicalize (400)."""
    lic = License.objects.select_related("license_type", "issuer", "seal", "holder_person",
                                         "holder_entity").get(pk=lic.pk)
    if lic.status == LicenseStatus.REVOKED:
        raise ActionError("license_revoked", _("A revoked licence cannot be exported."),
                          status=409)
    _require_sealed(lic)
    document = unsigned_credential(lic, base_url)
    who = requested_by.get_username() if getattr(requested_by, "is_authenticated", False) else ""
    purpose = f"Verifiable Credential {lic.identifier}" + (f" for {who}" if who else "")
    try:
        return add_proof(document, lic.seal, verification_method(lic.seal, base_url),
                         purpose=purpose)
    except NotCanonical as exc:
        raise ActionError("license_data_not_exportable",
                          _("The licence data holds a value a credential cannot carry."),
                          {"detail": str(exc)}) from exc


# --- verification -----------------------------------------------------------------------------


class VcCode(models.TextChoices):
    """Why a credential is not valid (seal problems use the seals app's codes)."""

    VALID = "valid", gettext_lazy("The credential is valid.")
    MALFORMED = "malformed", gettext_lazy(
        "This is not a licence credential of this platform, or it is damaged.")
    UNSUPPORTED_PROOF = "unsupported_proof", gettext_lazy(
        "The credential's proof is not an SM2 proof of this platform (sm2-sm3-jcs-2026).")
    UNKNOWN_VERIFICATION_METHOD = "unknown_verification_method", gettext_lazy(
        "The certificate of the seal that signed the credential cannot be found.")
    SIGNATURE_INVALID = "signature_invalid", gettext_lazy(
        "The signature does not match the credential: it was changed after signing, or signed "
        "with another key.")
    CERTIFICATE_UNTRUSTED = "certificate_untrusted", gettext_lazy(
        "The seal's certificate was not issued by this platform's root certificate.")
    CERTIFICATE_EXPIRED = "certificate_expired", gettext_lazy(
        "The credential was signed outside the validity of the seal's certificate.")
    ISSUER_MISMATCH = "issuer_mismatch", gettext_lazy(
        "The seal's certificate belongs to another organization than the credential's issuer.")
    REVOKED = "revoked", gettext_lazy("The licence has been revoked.")
    SUSPENDED = "suspended", gettext_lazy("The licence is suspended.")
    STATUS_UNAVAILABLE = "status_unavailable", gettext_lazy(
        "The status list given for the credential cannot be read.")
    NOT_YET_VALID = "not_yet_valid", gettext_lazy("The licence is not valid yet.")
    EXPIRED = "expired", gettext_lazy("The licence has expired.")


@dataclass(frozen=True)
class VcVerification:
    """`valid`, else the first reason (`code`, `message`) it is not; `status_checked` names the
    status purposes checked against a list."""

    valid: bool
    code: str
    message: str
    status_checked: tuple[str, ...] = ()


def _answer(code: str, checked: tuple[str, ...] = ()) -> VcVerification:
    label = VcCode(code).label if code in VcCode.values else VerifyCode(code).label
    return VcVerification(valid=code == VcCode.VALID, code=code, message=str(label),
                          status_checked=checked)


def _datetime(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or "T" not in value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


@dataclass(frozen=True)
class _Parsed:
    proof: Mapping[str, Any]
    signature: bytes
    created: dt.datetime
    issuer_uscc: str
    valid_from: dt.datetime
    valid_until: dt.datetime | None


def _shape_ok(vc: Mapping[str, Any]) -> bool:
    types, issuer = vc.get("type"), vc.get("issuer")
    return (vc.get("@context") == CONTEXT and isinstance(types, list)
            and all(t in types for t in CREDENTIAL_TYPES)
            and isinstance(issuer, Mapping) and isinstance(issuer.get("id"), str)
            and issuer["id"].startswith(URN_USCC)
            and isinstance(vc.get("credentialSubject"), Mapping)
            and isinstance(vc.get("credentialStatus", []), list))


def _proof_ok(proof: Mapping[str, Any]) -> bool:
    return (proof.get("type") == PROOF_TYPE and proof.get("cryptosuite") == CRYPTOSUITE
            and proof.get("proofPurpose") == PROOF_PURPOSE
            and isinstance(proof.get("verificationMethod"), str)
            and proof.get("@context", CONTEXT) == CONTEXT)


def _parse(vc: Any) -> _Parsed | str:
    if not isinstance(vc, Mapping) or not _shape_ok(vc):
        return VcCode.MALFORMED
    proof = vc.get("proof")
    if not isinstance(proof, Mapping) or not _proof_ok(proof):
        return VcCode.UNSUPPORTED_PROOF
    signature, created = decode_signature(proof.get("proofValue")), _datetime(proof.get("created"))
    valid_from, valid_until = _datetime(vc.get("validFrom")), _datetime(vc.get("validUntil"))
    if (signature is None or created is None or valid_from is None
            or ("validUntil" in vc and valid_until is None)):
        return VcCode.MALFORMED
    return _Parsed(proof=proof, signature=signature, created=created,
                   issuer_uscc=vc["issuer"]["id"].removeprefix(URN_USCC),
                   valid_from=valid_from, valid_until=valid_until)


def _certificate(parsed: _Parsed, resolver: CertificateResolver) -> x509.Certificate | None:
    try:
        found = resolver(str(parsed.proof["verificationMethod"]))
        return x509.load(x509.from_pem_or_der(bytes(found))) if found else None
    except (x509.CertificateError, ValueError):
        return None


def _signature_problem(vc: Mapping[str, Any], parsed: _Parsed, cert: x509.Certificate) -> str:
    try:
        data = hash_data(vc, parsed.proof)
    except NotCanonical:
        return VcCode.MALFORMED
    if not seals.verify_raw(cert.dump(), data, parsed.signature):
        return VcCode.SIGNATURE_INVALID
    return ""


def _trust_problem(parsed: _Parsed, cert: x509.Certificate) -> str:
    if not chains_to_root(cert, trusted_roots()):
        return VcCode.CERTIFICATE_UNTRUSTED
    if not x509.valid_at(cert, parsed.created):
        return VcCode.CERTIFICATE_EXPIRED
    if cert.subject.native.get("organization_identifier") != parsed.issuer_uscc:
        return VcCode.ISSUER_MISMATCH
    seal = Seal.objects.filter(certificate=cert.dump()).first()
    if seal is None:
        return VerifyCode.SEAL_UNKNOWN
    return seal.problem_at(parsed.created)


def _bits(listed: Any) -> bytes | None:
    """Decoded status bits from raw bits, an encodedList, or a BitstringStatusListCredential."""
    if isinstance(listed, Mapping):
        subject = listed.get("credentialSubject")
        listed = subject.get("encodedList") if isinstance(subject, Mapping) else None
    if isinstance(listed, bytes | bytearray | memoryview):
        return bytes(listed)
    if isinstance(listed, str):
        try:
            return statuslist.decode(listed)
        except (ValueError, OSError, EOFError):
            return None
    return None


def _entry_bit(entry: Any, status_lists: Mapping[str, Any]) -> tuple[str, bool] | str | None:
    """(purpose, bit) of one entry; a VcCode when it cannot be read; None when no list given."""
    if not isinstance(entry, Mapping) or entry.get("type") != STATUS_ENTRY_TYPE:
        return VcCode.MALFORMED
    url, purpose = entry.get("statusListCredential"), entry.get("statusPurpose")
    if not isinstance(url, str) or url not in status_lists:
        return None
    index = entry.get("statusListIndex")
    bits = _bits(status_lists[url])
    if not isinstance(index, str) or not index.isdigit() or bits is None:
        return VcCode.STATUS_UNAVAILABLE
    try:
        return str(purpose), statuslist.get_bit(bits, int(index))
    except IndexError:
        return VcCode.STATUS_UNAVAILABLE


def _status(vc: Mapping[str, Any], status_lists: Mapping[str, Any]) -> tuple[str, tuple[str, ...]]:
    read = [_entry_bit(e, status_lists) for e in vc.get("credentialStatus", [])]
    problem = next((r for r in read if isinstance(r, str)), "")
    bits = dict(r for r in read if isinstance(r, tuple))
    checked = tuple(sorted(bits))
    if problem:
        return problem, checked
    if bits.get(StatusPurpose.REVOCATION):
        return VcCode.REVOKED, checked
    if bits.get(StatusPurpose.SUSPENSION):
        return VcCode.SUSPENDED, checked
    return "", checked


def _dates_problem(parsed: _Parsed, now: dt.datetime) -> str:
    if now < parsed.valid_from:
        return VcCode.NOT_YET_VALID
    if parsed.valid_until is not None and now > parsed.valid_until:
        return VcCode.EXPIRED
    return ""


def verify_credential(vc: Any, *, certificate_resolver: CertificateResolver,
                      status_lists: Mapping[str, Any] | None = None,
                      now: dt.datetime | None = None) -> VcVerification:
    """Check a licence credential: its form, the proof's SM2 signature under the certificate the
    resolver gives for its verificationMethod, that certificate's chain to the platform's root
    and validity when signed, that it belongs to the issuer, the seal's state, then — for each
    credentialStatus entry whose list URL is a key of `status_lists` (raw bits, an
    encodedList, or the list credential, already fetched) — revocation and suspension, and
    last the validity dates at `now`. Nothing is fetched."""
    parsed = _parse(vc)
    if isinstance(parsed, str):
        return _answer(parsed)
    cert = _certificate(parsed, certificate_resolver)
    if cert is None:
        return _answer(VcCode.UNKNOWN_VERIFICATION_METHOD)
    problem = _signature_problem(vc, parsed, cert) or _trust_problem(parsed, cert)
    if problem:
        return _answer(problem)
    problem, checked = _status(vc, status_lists or {})
    problem = problem or _dates_problem(parsed, now or timezone.now())
    return _answer(problem or VcCode.VALID, checked)


def local_certificate_resolver(method: str) -> bytes | None:
    """The DER certificate of a seal of this platform named by its certificate URL (any host:
    the chain to the root is what makes it trusted)."""
    path = urlsplit(method).path
    if not path.startswith("/"):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.view_name != "seals:certificate":
        return None
    seal = Seal.objects.filter(uid=match.kwargs["uid"]).only("certificate").first()
    return bytes(seal.certificate) if seal else None


def local_status_lists(vc: Any) -> dict[str, bytes]:
    """This platform's current status bits for each list a credential names."""
    found: dict[str, bytes] = {}
    entries = vc.get("credentialStatus", []) if isinstance(vc, Mapping) else []
    for entry in entries if isinstance(entries, list) else []:
        url = entry.get("statusListCredential") if isinstance(entry, Mapping) else None
        match = STATUS_PATH.search(url) if isinstance(url, str) else None
        if match is None:
            continue
        row = StatusList.objects.filter(issuer__uscc=match["uscc"],
                                        purpose=match["purpose"]).first()
        found[str(url)] = bytes(row.bits) if row else bytes(statuslist.new_bits())
    return found


def verify_local(vc: Any, *, now: dt.datetime | None = None) -> VcVerification:
    """`verify_credential` with this platform's seal certificates and its current status lists
    (what a verification endpoint of the platform answers)."""
    return verify_credential(vc, certificate_resolver=local_certificate_resolver,
                             status_lists=local_status_lists(vc), now=now)
