"""X.509 v3 certificates with SM2 keys, built with asn1crypto and signed with SM2-with-SM3.

The subject public key is id-ecPublicKey with the SM2 curve (1.2.156.10197.1.301) as its named
curve, and the signature algorithm is SM2-with-SM3 (1.2.156.10197.1.501) without parameters
(GM/T 0015). The signature covers the DER TBSCertificate with the default user ID, so OpenSSL 3
verifies it (`openssl verify -CAfile root.pem seal.pem`, see docs/seals.md).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from asn1crypto import keys, pem
from asn1crypto import x509 as asn1_x509
from asn1crypto.x509 import Certificate

from jingchu.seals import crypto

# asn1crypto ships without the SM2 curve; register it once, by its GM/T 0006 OID.
with contextlib.suppress(ValueError):
    keys.NamedCurve.register("sm2p256v1", crypto.SM2_CURVE_OID, 32)

CERT_TIME_SWITCH = 2050  # RFC 5280 §4.1.2.5: UTCTime up to 2049, GeneralizedTime from 2050


class CertificateError(ValueError):
    """Bytes that are not a certificate this platform can read."""


@dataclass(frozen=True)
class Subject:
    """The names in a certificate's subject: common name, organization and its credit code."""

    common_name: str
    organization: str = ""
    organization_identifier: str = ""  # 统一社会信用代码, as 2.5.4.97
    province: str = "湖北省"

    def to_name(self) -> asn1_x509.Name:
        fields: dict[str, str] = {"country_name": "CN", "state_or_province_name": self.province}
        if self.organization:
            fields["organization_name"] = self.organization
        if self.organization_identifier:
            fields["organization_identifier"] = self.organization_identifier
        fields["common_name"] = self.common_name
        return asn1_x509.Name.build(fields, use_printable=False)


@dataclass(frozen=True)
class CertificateRequest:
    subject: Subject
    public_key_der: bytes  # SubjectPublicKeyInfo DER
    not_before: dt.datetime
    not_after: dt.datetime
    is_ca: bool = False


def _time(value: dt.datetime) -> asn1_x509.Time:
    value = value.astimezone(dt.UTC).replace(microsecond=0)
    kind = "general_time" if value.year >= CERT_TIME_SWITCH else "utc_time"
    return asn1_x509.Time({kind: value})


def key_identifier(public_key_der: bytes) -> bytes:
    """Key identifier: the first 20 bytes of SM3 over the public key bits (RFC 7093 style)."""
    info = keys.PublicKeyInfo.load(public_key_der)
    return crypto.sm3(info["public_key"].contents[1:])[:20]


def _extensions(req: CertificateRequest, issuer_key_id: bytes) -> list[dict[str, Any]]:
    usage = {"key_cert_sign", "crl_sign"} if req.is_ca else {"digital_signature",
                                                             "non_repudiation"}
    constraints: dict[str, Any] = {"ca": req.is_ca}
    if req.is_ca:
        constraints["path_len_constraint"] = 0
    return [
        {"extn_id": "basic_constraints", "critical": True, "extn_value": constraints},
        {"extn_id": "key_usage", "critical": True, "extn_value": usage},
        {"extn_id": "key_identifier", "critical": False,
         "extn_value": key_identifier(req.public_key_der)},
        {"extn_id": "authority_key_identifier", "critical": False,
         "extn_value": {"key_identifier": issuer_key_id}},
    ]


def build_tbs(req: CertificateRequest, issuer: asn1_x509.Name, issuer_key_id: bytes,
              serial: int | None = None) -> asn1_x509.TbsCertificate:
    return asn1_x509.TbsCertificate({
        "version": "v3",
        "serial_number": serial or (secrets.randbits(127) | 1 << 126),
        "signature": {"algorithm": crypto.SM2_SM3_OID},
        "issuer": issuer,
        "validity": {"not_before": _time(req.not_before), "not_after": _time(req.not_after)},
        "subject": req.subject.to_name(),
        "subject_public_key_info": keys.PublicKeyInfo.load(req.public_key_der),
        "extensions": _extensions(req, issuer_key_id),
    })


def assemble(tbs: asn1_x509.TbsCertificate, signature: bytes) -> bytes:
    """The DER certificate from its TBSCertificate and the issuer's SM2 signature over it."""
    cert = Certificate({
        "tbs_certificate": tbs,
        "signature_algorithm": {"algorithm": crypto.SM2_SM3_OID},
        "signature_value": signature,
    })
    der: bytes = cert.dump()
    return der


def load(der: bytes) -> Certificate:
    try:
        cert = Certificate.load(der)
        cert["tbs_certificate"]["subject_public_key_info"].native  # noqa: B018 - parse it all
    except Exception as exc:  # asn1crypto raises ValueError/TypeError on malformed input
        raise CertificateError("not a DER certificate") from exc
    return cert


def to_pem(der: bytes) -> str:
    text: bytes = pem.armor("CERTIFICATE", der)
    return text.decode("ascii")


def from_pem_or_der(data: bytes) -> bytes:
    """DER bytes from a certificate given as PEM or DER."""
    if pem.detect(data):
        _kind, _headers, der = pem.unarmor(data)
        return bytes(der)
    return data


def public_key(cert: Certificate) -> crypto.PublicKey:
    return crypto.load_public_key(cert["tbs_certificate"]["subject_public_key_info"].dump())


def subject_key_id(cert: Certificate) -> bytes:
    value = cert.key_identifier
    return bytes(value) if value else b""


def signed_by(cert: Certificate, issuer: Certificate) -> bool:
    """The certificate names the issuer and carries the issuer's valid SM2-with-SM3 signature."""
    if cert["signature_algorithm"]["algorithm"].dotted != crypto.SM2_SM3_OID:
        return False
    if cert.issuer != issuer.subject:
        return False
    try:
        issuer_key = public_key(issuer)
    except crypto.InvalidKey:
        return False
    return crypto.verify(issuer_key, cert["tbs_certificate"].dump(),
                         cert["signature_value"].native)


def valid_at(cert: Certificate, when: dt.datetime) -> bool:
    validity = cert["tbs_certificate"]["validity"]
    start: dt.datetime = validity["not_before"].native
    end: dt.datetime = validity["not_after"].native
    return start <= when <= end


def fingerprint(der: bytes) -> str:
    """SM3 fingerprint of the DER certificate, colon-separated hex (as shown on pages)."""
    digest = crypto.sm3(der).hex().upper()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))
