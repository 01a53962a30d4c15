"""Verifying a licence as a third party would, and publishing what such a verifier needs.

`verify_license(lic)` checks, in this order, and answers with the first failure:

1. signature — the issuer's seal signature (DER SES_Signature) over the licence's canonical
   content (`content.signed_bytes`) verifies: SM3 digest, SM2 signature, certificate chain to
   the platform's root (code `signature`);
2. issuer — the signer is the seal recorded on the licence, and that seal belongs to the
   licence's issuing organization (code `issuer`);
3. seal — the seal itself is in force: not revoked, suspended or out of validity (code `seal`);
4. status — the licence is neither revoked nor suspended, in the register or in the issuer's
   published W3C Bitstring Status Lists, read back from their encoded form (`revoked`,
   `suspended`); the published bits are what a verifier without access to the register sees;
5. dates — today lies within the validity period (`not_yet_valid`, `expired`).

The published status lists (`status_list_credential`) are W3C BitstringStatusListCredentials,
signed with the issuer's licence seal when it can sign, with the same `sm2-sm3-jcs-2026` Data
Integrity proof as an exported licence (`jingchu.licenses.vc`, docs/licenses-vc.md: the proof
options and the credential are both hashed and signed). A seal that cannot sign (suspended,
revoked, out of validity) leaves the list unsigned rather than unpublished: verifiers still
learn of revocations.

Absolute URLs (the PDF's QR code, the credential's ids) start from `settings.PUBLIC_URL` when it
is set (e.g. "https://zwfw.hubei.gov.cn"), else from the request, else from
`DEFAULT_PUBLIC_URL`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingchu.core.errors import ActionError
from jingchu.core.masking import mask_name
from jingchu.core.models import Organization
from jingchu.licenses import content, statuslist, vc
from jingchu.licenses.choices import LicenseStatus, StatusPurpose
from jingchu.licenses.models import License, LicenseIssuer, StatusList
from jingchu.seals import service as seals
from jingchu.seals.choices import SealKind, VerifyCode
from jingchu.seals.models import Seal

DEFAULT_PUBLIC_URL = "http://localhost:8000"
CRYPTOSUITE = "sm2-sm3-jcs-2026"
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
STATUS_LIST_CACHE_SECONDS = 24 * 3600


class LicenseCheck(models.TextChoices):
    """The outcome of verifying a licence; each refusal has its own code (the API's `code`)."""

    VALID = "valid", _("The licence is valid.")
    SIGNATURE = "signature", _(
        "The licence data does not match its seal signature: it was changed after issue or "
        "the signature is damaged.")
    ISSUER = "issuer", _("The licence was not sealed with its issuer's seal.")
    SEAL = "seal", _("The issuer's seal does not vouch for the licence.")
    REVOKED = "revoked", _("The licence has been revoked.")
    SUSPENDED = "suspended", _("The licence is suspended.")
    NOT_YET_VALID = "not_yet_valid", _("The licence is not valid yet.")
    EXPIRED = "expired", _("The licence has expired.")


# Seal verification codes by the licence check they fail.
_SIGNER_CODES = {VerifyCode.SEAL_MISMATCH, VerifyCode.SEAL_UNKNOWN, VerifyCode.WRONG_SEAL}
_SEAL_CODES = {VerifyCode.SEAL_REVOKED, VerifyCode.SEAL_SUSPENDED, VerifyCode.SEAL_EXPIRED,
               VerifyCode.SEAL_NOT_YET_VALID}


@dataclass(frozen=True)
class Check:
    """One check: `name` (signature, issuer, seal, status, dates), whether it passed, and the
    licence code and message of its outcome."""

    name: str
    passed: bool
    code: str
    message: str


@dataclass(frozen=True)
class PublishedStatus:
    """What the issuer's published status lists say of the licence."""

    revoked: bool
    suspended: bool


@dataclass(frozen=True)
class LicenseVerification:
    """`valid`, else the first failing check's `code` and `message`; every check in `checks`."""

    valid: bool
    code: str
    message: str
    checks: list[Check] = field(default_factory=list)
    published: PublishedStatus | None = None
    seal_result: seals.Verification | None = None


def _check(name: str, code: str, detail: str = "") -> Check:
    message = str(LicenseCheck(code).label)
    if detail:
        message = f"{message} {detail}"
    return Check(name=name, passed=code == LicenseCheck.VALID, code=code, message=message)


def _signature_checks(lic: License, result: seals.Verification) -> list[Check]:
    code = result.code
    crypto_ok = code == VerifyCode.VALID or code in _SIGNER_CODES | _SEAL_CODES
    checks = [_check("signature", LicenseCheck.VALID if crypto_ok else LicenseCheck.SIGNATURE,
                     "" if crypto_ok else result.message)]
    if not crypto_ok:
        return checks
    signer_ok = (code not in _SIGNER_CODES and result.seal is not None
                 and result.seal.pk == lic.seal_id
                 and result.seal.organization_id == lic.issuer_id)
    checks.append(_check("issuer", LicenseCheck.VALID if signer_ok else LicenseCheck.ISSUER,
                         "" if signer_ok or code == VerifyCode.VALID else result.message))
    if signer_ok:
        seal_ok = code not in _SEAL_CODES
        checks.append(_check("seal", LicenseCheck.VALID if seal_ok else LicenseCheck.SEAL,
                             "" if seal_ok else result.message))
    return checks


def _status_check(lic: License, published: PublishedStatus) -> Check:
    if lic.status == LicenseStatus.REVOKED or published.revoked:
        return _check("status", LicenseCheck.REVOKED, lic.status_reason)
    if lic.status == LicenseStatus.SUSPENDED or published.suspended:
        return _check("status", LicenseCheck.SUSPENDED, lic.status_reason)
    return _check("status", LicenseCheck.VALID)


def _dates_check(lic: License, today: dt.date) -> Check:
    if today < lic.valid_from:
        return _check("dates", LicenseCheck.NOT_YET_VALID)
    if lic.valid_until is not None and today > lic.valid_until:
        return _check("dates", LicenseCheck.EXPIRED)
    return _check("dates", LicenseCheck.VALID)


def verify_license(lic: License, *, today: dt.date | None = None) -> LicenseVerification:
    """Every check of the licence, as a verifier computes it (see the module's docstring)."""
    lic = (License.objects.select_related("license_type", "issuer", "seal", "holder_person",
                                          "holder_entity").get(pk=lic.pk))
    result = seals.verify(content.signed_bytes(lic), bytes(lic.signature),
                          expected_seal=lic.seal)
    published = published_status(lic)
    checks = _signature_checks(lic, result)
    checks += [_status_check(lic, published),
               _dates_check(lic, today or timezone.localdate())]
    failed = next((c for c in checks if not c.passed), None)
    if failed is None:
        return LicenseVerification(valid=True, code=LicenseCheck.VALID,
                                   message=str(LicenseCheck.VALID.label), checks=checks,
                                   published=published, seal_result=result)
    return LicenseVerification(valid=False, code=failed.code, message=failed.message,
                               checks=checks, published=published, seal_result=result)


# --- the published status lists -----------------------------------------------------------


def _rows(issuer: Organization) -> dict[str, StatusList]:
    return {row.purpose: row for row in StatusList.objects.filter(issuer=issuer)}


def _list_bits(rows: dict[str, StatusList], purpose: str) -> bytes:
    """The list as published: every list of an issuer as long as its longest (the suspension
    list grows only when a bit is set, the revocation list with every issue)."""
    size = max([len(bytes(r.bits)) for r in rows.values()] + [statuslist.MIN_ENTRIES // 8])
    row = rows.get(purpose)
    bits = bytes(row.bits) if row is not None else b""
    return bits + bytes(size - len(bits))


def encoded_list(issuer: Organization, purpose: str) -> str:
    return statuslist.encode(_list_bits(_rows(issuer), purpose))


def published_status(lic: License) -> PublishedStatus:
    """The licence's bits, decoded from the encoded lists a verifier downloads."""
    rows = _rows(lic.issuer)

    def bit(purpose: str) -> bool:
        decoded = statuslist.decode(statuslist.encode(_list_bits(rows, purpose)))
        try:
            return statuslist.get_bit(decoded, lic.status_index)
        except IndexError:
            return False

    return PublishedStatus(revoked=bit(StatusPurpose.REVOCATION),
                           suspended=bit(StatusPurpose.SUSPENSION))


def public_url(request: HttpRequest | None = None) -> str:
    """The site's absolute root URL, without the final slash (see the module's docstring)."""
    configured = str(getattr(settings, "PUBLIC_URL", "") or "")
    if configured:
        return configured.rstrip("/")
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return DEFAULT_PUBLIC_URL


def verification_url(lic: License, request: HttpRequest | None = None) -> str:
    """The public verification page of the licence (the PDF's QR code): no query string."""
    return public_url(request) + reverse("licenses:verify",
                                         kwargs={"identifier": lic.identifier})


def status_list_url(issuer: Organization, purpose: str, request: HttpRequest | None = None) -> str:
    return f"{public_url(request)}/api/v1/licenses/status/{issuer.uscc}/{purpose}"


def _list_seal(issuer: Organization) -> Seal | None:
    bound = (LicenseIssuer.objects.filter(organization=issuer).select_related("seal")
             .order_by("pk"))
    for binding in bound:
        if binding.seal.problem_at(timezone.now()) == "":
            return binding.seal
    return seals.seal_for(issuer, SealKind.LICENSE)


def _unsigned_credential(issuer: Organization, purpose: str, bits: bytes, url: str,
                         updated_at: dt.datetime) -> dict[str, Any]:
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": {"id": f"urn:uscc:{issuer.uscc}", "name": issuer.name},
        "validFrom": updated_at.replace(microsecond=0).isoformat(),
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList",
                              "statusPurpose": purpose,
                              "encodedList": statuslist.encode(bits)},
    }


def _signed(seal: Seal, credential: dict[str, Any], request: HttpRequest | None,
            ) -> dict[str, Any]:
    """The list with the same `sm2-sm3-jcs-2026` proof as an exported licence (jingchu.licenses
    .vc: the proof options are signed too)."""
    method = public_url(request) + reverse("seals:certificate", kwargs={"uid": seal.uid})
    return vc.add_proof(credential, seal, method,
                        purpose=f"status list {credential['id']}")


def status_list_credential(issuer: Organization, purpose: str,
                           request: HttpRequest | None = None) -> dict[str, Any]:
    """The issuer's published list for `purpose`, signed with its licence seal when that seal
    can sign. Signing logs a seal use, so a signed list is kept (cache) until its bits, URL or
    seal change: a page view does not sign again."""
    rows = _rows(issuer)
    bits = _list_bits(rows, purpose)
    row = rows.get(purpose)
    updated_at = row.updated_at if row is not None else timezone.now()
    url = status_list_url(issuer, purpose, request)
    credential = _unsigned_credential(issuer, purpose, bits, url, updated_at)
    seal = _list_seal(issuer)
    if seal is None:
        return credential
    key = "licenses:statuslist:" + hashlib.sha256(
        b"|".join([bits, url.encode(), str(seal.uid).encode(),
                   updated_at.isoformat().encode()])).hexdigest()
    signed: dict[str, Any] | None = cache.get(key)
    if signed is None:
        try:
            signed = _signed(seal, credential, request)
        except ActionError:  # the seal cannot sign now: publish the list unsigned
            return credential
        cache.set(key, signed, STATUS_LIST_CACHE_SECONDS)
    return signed


def verify_status_list_credential(credential: dict[str, Any], seal: Seal) -> bool:
    """The credential's proof is the seal's `sm2-sm3-jcs-2026` signature (jingchu.licenses.vc)."""
    return vc.proof_signature_ok(credential, bytes(seal.certificate))


# --- the minimum data a verifier is shown ------------------------------------------------------


def public_facts(lic: License) -> dict[str, Any]:
    """What the public verification page and API show: no holder code, the name masked."""
    return {
        "identifier": lic.identifier,
        "type_name": lic.license_type.name,
        "type_code": lic.license_type.type_code,
        "issuer_name": lic.issuer.name,
        "issuer_uscc": lic.issuer.uscc,
        "holder_name_masked": mask_name(lic.holder_name),
        "status": lic.status,
        "status_label": str(LicenseStatus(lic.status).label),
        "issued_on": lic.issued_on,
        "valid_from": lic.valid_from,
        "valid_until": lic.valid_until,
    }

