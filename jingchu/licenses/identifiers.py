"""Licence identifiers (电子证照标识) after GB/T 36904-2018.

    1.2.156.3005.2.{type code}.{issuer USCC}.{serial}.{version}.{check character}

- `1.2.156.3005.2` is the OID arc of electronic licences;
- type code: the licence type's code in the national licence catalogue (digits and capital
  letters, e.g. `11100000000000001` style codes; here any 1–40 characters of [0-9A-Z]);
- issuer USCC: the issuing organization's unified social credit code (GB 32100, 18 characters,
  its own check digit verified);
- serial: the issuer's serial for this licence type, 1–40 characters of [0-9A-Z];
- version: three digits, `001` for the first issue, raised on each re-issue;
- check character: ISO/IEC 7064 MOD 37,36 (GB/T 17710) over every character before it with the
  dots left out (the dots are not in the check alphabet).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from jingchu.core.identifiers import IdentifierError, validate_uscc

ARC = "1.2.156.3005.2"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_MOD = 36
_INDEX = {char: index for index, char in enumerate(ALPHABET)}
_PART = re.compile(r"[0-9A-Z]{1,40}")
_VERSION = re.compile(r"\d{3}")


class LicenseId(NamedTuple):
    type_code: str
    issuer_uscc: str
    serial: str
    version: int


def check_character(text: str) -> str:
    """ISO/IEC 7064 MOD 37,36 (hybrid system) check character of `text` (0-9, A-Z)."""
    product = _MOD
    for char in text:
        index = _INDEX.get(char, -1)
        if index < 0:
            raise ValueError(f"not in the check alphabet: {char!r}")
        total = (product + index) % _MOD or _MOD
        product = (total * 2) % (_MOD + 1)
    return ALPHABET[(_MOD + 1 - product) % _MOD]


@lru_cache(maxsize=256)
def _prefix(type_code: str, issuer_uscc: str) -> str:
    """The checked type and issuer part (kept: an import makes thousands with the same)."""
    if not _PART.fullmatch(type_code):
        raise ValueError("the type code is 1-40 characters of 0-9 and A-Z")
    try:
        if validate_uscc(issuer_uscc) != issuer_uscc:
            raise ValueError("the issuer's unified social credit code is not in capitals")
    except IdentifierError as error:
        raise ValueError(f"the issuer's unified social credit code: {error}") from None
    return f"{ARC}.{type_code}.{issuer_uscc}"


def _body(type_code: str, issuer_uscc: str, serial: str, version: int) -> str:
    prefix = _prefix(type_code, issuer_uscc)
    if not _PART.fullmatch(serial):
        raise ValueError("the serial is 1-40 characters of 0-9 and A-Z")
    if not 1 <= version <= 999:
        raise ValueError("the version is 1 to 999")
    return f"{prefix}.{serial}.{version:03d}"


def make_license_id(type_code: str, issuer_uscc: str, serial: str, version: int = 1) -> str:
    body = _body(type_code, issuer_uscc, serial, version)
    return f"{body}.{check_character(body.replace('.', ''))}"


def parse_license_id(text: str) -> LicenseId:
    """The parts of a well-formed identifier; ValueError says what is wrong otherwise."""
    if not text.startswith(ARC + "."):
        raise ValueError(f"a licence identifier starts with {ARC}")
    parts = text[len(ARC) + 1:].split(".")
    if len(parts) != 5:
        raise ValueError("a licence identifier has type, issuer, serial, version and check")
    type_code, uscc, serial, version, check = parts
    if not _VERSION.fullmatch(version):
        raise ValueError("the version is three digits")
    body = _body(type_code, uscc, serial, int(version))
    if check != check_character(body.replace(".", "")):
        raise ValueError("the check character does not match")
    return LicenseId(type_code, uscc, serial, int(version))


def is_valid_license_id(text: str) -> bool:
    try:
        parse_license_id(text)
    except ValueError:
        return False
    return True
