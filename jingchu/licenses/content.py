"""What a licence's signature covers: its canonical content, as bytes.

The content is the JSON object below, serialized the JSON Canonicalization Scheme way (RFC 8785:
keys sorted, no spaces, UTF-8; the values here are strings, integers, booleans and null, for
which JCS and `json.dumps(sort_keys=True, ensure_ascii=False, separators=(",", ":"))` agree as
long as keys are ASCII, which they are):

    {"identifier", "type": {"code", "name"}, "issuer": {"uscc", "name"},
     "holder": {"kind", "code_type", "code", "name"}, "number", "data",
     "issued_on", "valid_from", "valid_until", "version"}

The holder's code is the full ID number or credit code: the signature binds the licence to its
holder; pages and the API show it masked.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from jingchu.licenses.choices import HOLDER_CODE_TYPES, HolderKind
from jingchu.licenses.models import License


def canonical(value: Any) -> bytes:
    """RFC 8785 serialization of JSON made of strings, integers, booleans, null, lists and
    objects with ASCII keys."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def holder_code(lic: License) -> str:
    if lic.holder_kind == HolderKind.PERSON:
        assert lic.holder_person is not None
        return str(lic.holder_person.id_number)
    assert lic.holder_entity is not None
    return lic.holder_entity.uscc


def document(lic: License) -> dict[str, Any]:
    kind = HolderKind(lic.holder_kind)
    return {
        "identifier": lic.identifier,
        "type": {"code": lic.license_type.type_code, "name": lic.license_type.name},
        "issuer": {"uscc": lic.issuer.uscc, "name": lic.issuer.name},
        "holder": {"kind": kind.value, "code_type": HOLDER_CODE_TYPES[kind],
                   "code": holder_code(lic), "name": lic.holder_name},
        "number": lic.number, "data": lic.data, "issued_on": _day(lic.issued_on),
        "valid_from": _day(lic.valid_from), "valid_until": _day(lic.valid_until),
        "version": lic.version,
    }


def signed_bytes(lic: License) -> bytes:
    return canonical(document(lic))
