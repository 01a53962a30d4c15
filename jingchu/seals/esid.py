"""The seal code (esID, 电子印章标识) of GB/T 38540: 16 characters, unique on the platform.

    RRRRRR KK SSSSSSS C
    │      │  │       └ check character, ISO 7064 MOD 11-2 over the 15 digits (0–9 or X),
    │      │  │         the same scheme as the citizen ID number (GB 11643)
    │      │  └ serial number of the seal within the region, from 0000001
    │      └ kind code (choices.KIND_CODES: 01 official, 02 licence-issuing, 03 contract,
    │        04 finance, 05 business)
    └ GB/T 2260 code of the organization's region (6 digits)

GB/T 38540 leaves the esID's format to the seal administration; this one is the platform's own
(it is not the public-security 印章编码 of GA 241) and says where and what the seal is.
"""

from __future__ import annotations

import re

from jingchu.seals.choices import KIND_CODES

_SHAPE = re.compile(r"[0-9]{15}[0-9X]")
SERIAL_DIGITS = 7
_CHECK = "10X98765432"


def check_char(digits: str) -> str:
    n = len(digits)
    total = sum(int(d) * pow(2, n - i, 11) for i, d in enumerate(digits))
    return _CHECK[total % 11]


def make(region_code: str, kind: str, serial: int) -> str:
    body = f"{region_code[:6]}{KIND_CODES[kind]}{serial:0{SERIAL_DIGITS}d}"
    return body + check_char(body)


def is_valid(es_id: str) -> bool:
    return bool(_SHAPE.fullmatch(es_id)) and check_char(es_id[:15]) == es_id[15]


def region_prefix(region_code: str) -> str:
    return region_code[:6]


def serial_of(es_id: str) -> int:
    return int(es_id[8:15])
