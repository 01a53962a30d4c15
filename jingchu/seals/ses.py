"""Seal and signature data after GB/T 38540 (安全电子签章密码技术规范), in asn1crypto, DER-encoded.

docs/seals.md gives the ASN.1 and says where this layout follows the standard and where not.
In short: SES_Seal and SES_SealInfo follow GB/T 38540-2020 (version 4); TBS_Sign keeps the signer's
certificate and the signature algorithm inside the signed part, as GM/T 0031-2014 did, so that the
signature also covers the certificate it is to be checked with.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from asn1crypto import core

from jingchu.seals import crypto

HEADER_ID = "ES"
VERSION = 4
VENDOR_ID = "JINGCHU"
SEAL_TYPE_ORGANIZATION = 1  # 1 机构印章, 2 个人印章
CERT_LIST_CERTS = 1  # certListType 1: the list holds certificates (2 would hold their digests)


class SESHeader(core.Sequence):
    _fields = [
        ("id", core.IA5String),
        ("version", core.Integer),
        ("vid", core.IA5String),
    ]


class CertInfoList(core.SequenceOf):
    _child_spec = core.OctetString


class SESESPropertyInfo(core.Sequence):
    _fields = [
        ("type", core.Integer),
        ("name", core.UTF8String),
        ("cert_list_type", core.Integer),
        ("cert_list", CertInfoList),
        ("create_date", core.GeneralizedTime),
        ("valid_start", core.GeneralizedTime),
        ("valid_end", core.GeneralizedTime),
    ]


class SESESPictureInfo(core.Sequence):
    _fields = [
        ("type", core.IA5String),
        ("data", core.OctetString),
        ("width", core.Integer),  # millimetres
        ("height", core.Integer),
    ]


class ExtData(core.Sequence):
    _fields = [
        ("extn_id", core.ObjectIdentifier),
        ("critical", core.Boolean, {"default": False}),
        ("extn_value", core.OctetString),
    ]


class ExtensionDatas(core.SequenceOf):
    _child_spec = ExtData


class SESSealInfo(core.Sequence):
    _fields = [
        ("header", SESHeader),
        ("es_id", core.IA5String),
        ("property", SESESPropertyInfo),
        ("picture", SESESPictureInfo),
        ("ext_datas", ExtensionDatas, {"optional": True}),
    ]


class SESSealSigned(core.Sequence):
    """What the seal maker signs: the seal information, its certificate and the algorithm."""

    _fields = [
        ("e_seal_info", SESSealInfo),
        ("cert", core.OctetString),
        ("signature_alg_id", core.ObjectIdentifier),
    ]


class SESSeal(core.Sequence):
    _fields = [
        ("e_seal_info", SESSealInfo),
        ("cert", core.OctetString),  # the seal maker's (root's) certificate, DER
        ("signature_alg_id", core.ObjectIdentifier),
        ("signed_value", core.OctetBitString),
    ]


class TBSSign(core.Sequence):
    _fields = [
        ("version", core.Integer),
        ("eseal", SESSeal),
        ("time_info", core.GeneralizedTime),
        ("data_hash", core.OctetBitString),  # SM3 of the signed content
        ("property_info", core.IA5String),
        ("cert", core.OctetString),  # the signer's (seal's) certificate, DER
        ("signature_algorithm", core.ObjectIdentifier),
    ]


class SESSignature(core.Sequence):
    _fields = [
        ("to_sign", TBSSign),
        ("signature", core.OctetBitString),  # SM2 signature (DER r, s) of DER(toSign)
    ]


class SESFormatError(ValueError):
    """Bytes that are not a well-formed SES structure of this platform."""


@dataclass(frozen=True)
class SealInfo:
    es_id: str
    name: str
    certificate: bytes  # the seal's certificate DER (certList)
    created: dt.datetime
    valid_start: dt.datetime
    valid_end: dt.datetime
    picture_svg: bytes
    width_mm: int
    height_mm: int


def _gtime(value: dt.datetime) -> core.GeneralizedTime:
    return core.GeneralizedTime(value.astimezone(dt.UTC).replace(microsecond=0))


def seal_info(info: SealInfo) -> SESSealInfo:
    return SESSealInfo({
        "header": {"id": HEADER_ID, "version": VERSION, "vid": VENDOR_ID},
        "es_id": info.es_id,
        "property": {
            "type": SEAL_TYPE_ORGANIZATION,
            "name": info.name,
            "cert_list_type": CERT_LIST_CERTS,
            "cert_list": [info.certificate],
            "create_date": _gtime(info.created),
            "valid_start": _gtime(info.valid_start),
            "valid_end": _gtime(info.valid_end),
        },
        "picture": {"type": "SVG", "data": info.picture_svg, "width": info.width_mm,
                    "height": info.height_mm},
    })


def seal_to_be_signed(info: SESSealInfo, maker_cert: bytes) -> bytes:
    """The bytes the seal maker signs (DER of SESSealSigned)."""
    signed = SESSealSigned({"e_seal_info": info, "cert": maker_cert,
                            "signature_alg_id": crypto.SM2_SM3_OID})
    der: bytes = signed.dump()
    return der


def seal(info: SESSealInfo, maker_cert: bytes, signed_value: bytes) -> bytes:
    value = SESSeal({"e_seal_info": info, "cert": maker_cert,
                     "signature_alg_id": crypto.SM2_SM3_OID, "signed_value": signed_value})
    der: bytes = value.dump()
    return der


def to_sign(seal_der: bytes, signed_at: dt.datetime, digest: bytes, property_info: str,
            signer_cert: bytes) -> TBSSign:
    return TBSSign({
        "version": VERSION,
        "eseal": SESSeal.load(seal_der),
        "time_info": _gtime(signed_at),
        "data_hash": digest,
        "property_info": property_info,
        "cert": signer_cert,
        "signature_algorithm": crypto.SM2_SM3_OID,
    })


def signature(tbs: TBSSign, value: bytes) -> bytes:
    der: bytes = SESSignature({"to_sign": tbs, "signature": value}).dump()
    return der


def load_signature(der: bytes) -> SESSignature:
    """Parse and fully decode an SES_Signature; anything else raises SESFormatError."""
    try:
        parsed = SESSignature.load(der, strict=True)
        parsed.native  # noqa: B018 - decode every field now, not later in the checks
    except Exception as exc:  # asn1crypto raises ValueError, TypeError, OverflowError ...
        raise SESFormatError("not a DER SES_Signature") from exc
    return parsed


def load_seal(der: bytes) -> SESSeal:
    try:
        parsed = SESSeal.load(der, strict=True)
        parsed.native  # noqa: B018
    except Exception as exc:
        raise SESFormatError("not a DER SES_Seal") from exc
    return parsed
