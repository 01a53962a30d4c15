"""The non-tax payment code (非税收入缴款码) printed on a payment order.

Twenty digits: the 6-digit administrative division code of the handling organization's region,
the 2-digit year of issue, 11 random digits, and one check digit computed over the first 19 by
ISO/IEC 7064 MOD 11,10 (GB/T 17710, the hybrid system, whose check character is always a digit).
The random part keeps one code from being guessed from another; uniqueness is the database's.
"""

from __future__ import annotations

import re
import secrets

CODE_LENGTH = 20
RANDOM_DIGITS = 11
_CODE = re.compile(r"^[0-9]{20}$")


def check_digit(body: str) -> str:
    """ISO/IEC 7064 MOD 11,10 check digit of a string of digits."""
    product = 10
    for char in body:
        total = (int(char) + product) % 10 or 10
        product = (total * 2) % 11
    return str((11 - product) % 10)


def is_valid(code: str) -> bool:
    """Twenty digits whose last is the check digit of the first nineteen."""
    return bool(_CODE.match(code)) and check_digit(code[:-1]) == code[-1]


def make_code(region_code: str, year: int) -> str:
    """A fresh code for an order issued in `year` by an organization in `region_code`."""
    prefix = f"{region_code[:6]:0<6}"[:6] + f"{year % 100:02d}"
    if not prefix.isdigit():
        raise ValueError(f"region code must be digits: {region_code!r}")
    serial = "".join(secrets.choice("0123456789") for _ in range(RANDOM_DIGITS))
    body = prefix + serial
    return body + check_digit(body)
