"""The root of trust at work: make the root's certificate, issue a seal's certificate, and sign
the seal's GB/T 38540 data as its maker. Pure functions over the key store; the actions save."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from jingchu.core.models import Organization
from jingchu.seals import crypto, image, ses, x509
from jingchu.seals.choices import KIND_CAPTIONS
from jingchu.seals.keystore import KeyStore

ROOT_NAME = "湖北省数字政府电子印章根证书"
ROOT_YEARS = 20


@dataclass(frozen=True)
class RootMaterial:
    key_ref: str
    certificate: bytes
    valid_from: dt.datetime
    valid_to: dt.datetime


@dataclass(frozen=True)
class SealMaterial:
    key_ref: str
    certificate: bytes
    seal_data: bytes  # SES_Seal DER
    image_svg: str


def _year_later(start: dt.datetime, years: int) -> dt.datetime:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def make_root(store: KeyStore, name: str, organization: Organization | None,
              now: dt.datetime, years: int = ROOT_YEARS) -> RootMaterial:
    handle = store.generate(f"root: {name}")
    start = now.replace(microsecond=0)
    end = _year_later(start, years)
    subject = x509.Subject(name, organization.name if organization else "",
                           organization.uscc if organization else "")
    req = x509.CertificateRequest(subject, handle.public_key_der, start, end, is_ca=True)
    tbs = x509.build_tbs(req, subject.to_name(), x509.key_identifier(handle.public_key_der))
    cert = x509.assemble(tbs, store.sign(handle.ref, tbs.dump()))
    return RootMaterial(handle.ref, cert, start, end)


@dataclass(frozen=True)
class SealSpec:
    organization: Organization
    kind: str
    name: str
    es_id: str
    valid_from: dt.datetime
    valid_to: dt.datetime


def issue_seal(store: KeyStore, root_key_ref: str, root_cert: bytes, spec: SealSpec,
               now: dt.datetime) -> SealMaterial:
    """A new key pair for the seal, its certificate from the root, and its signed seal data."""
    handle = store.generate(f"seal {spec.es_id}: {spec.name}")
    root = x509.load(root_cert)
    subject = x509.Subject(spec.name, spec.organization.name, spec.organization.uscc)
    req = x509.CertificateRequest(subject, handle.public_key_der, spec.valid_from, spec.valid_to)
    tbs = x509.build_tbs(req, root.subject, x509.subject_key_id(root))
    cert = x509.assemble(tbs, store.sign(root_key_ref, tbs.dump()))
    caption = KIND_CAPTIONS[spec.kind]
    svg = image.seal_svg(spec.organization.name, caption, spec.es_id)
    mm = image.diameter_mm(caption)
    info = ses.seal_info(ses.SealInfo(
        es_id=spec.es_id, name=spec.name, certificate=cert, created=now,
        valid_start=spec.valid_from, valid_end=spec.valid_to, picture_svg=svg.encode(),
        width_mm=mm, height_mm=mm))
    signed_value = store.sign(root_key_ref, ses.seal_to_be_signed(info, root_cert))
    return SealMaterial(handle.ref, cert, ses.seal(info, root_cert, signed_value), svg)


def seal_signed_by_maker(seal: ses.SESSeal) -> bool:
    """The SES_Seal's signed value verifies with the maker certificate it carries."""
    if seal["signature_alg_id"].dotted != crypto.SM2_SM3_OID:
        return False
    maker_cert = bytes(seal["cert"].native)
    try:
        maker_key = x509.public_key(x509.load(maker_cert))
    except (x509.CertificateError, crypto.InvalidKey):
        return False
    tbs = ses.seal_to_be_signed(seal["e_seal_info"], maker_cert)
    return crypto.verify(maker_key, tbs, seal["signed_value"].native)
