"""Validators and generators for citizen ID numbers (GB 11643) and credit codes (GB 32100).

Both return the normalised value or raise IdentifierError with a message that says exactly what is
wrong, so a clerk can correct the number rather than guess. They live in core because both
organizations (core) and people and legal entities (identity) are keyed by these numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from functools import lru_cache

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _


class IdentifierError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# GB/T 2260 province-level codes (first two digits).
PROVINCE_CODES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82",
})
# Central-level registration authorities (e.g. the State Council's offices) use 100000 in the
# credit code's region part; it is not a province, so ID numbers never carry it.
NATIONAL_REGION = "100000"
# Residence permits of Hong Kong, Macao and Taiwan residents (港澳台居民居住证) follow GB 11643
# with these address codes.
RESIDENCE_PERMIT_CODES = frozenset({"810000", "820000", "830000"})
HUBEI = "42"
# Hubei codes retired by boundary changes that still appear in ID numbers issued before them
# (a number keeps its address code for life, also when a 15-digit number was upgraded to 18).
# Known to be incomplete: add a code here when a real resident's number is refused.
HUBEI_RETIRED_CODES = frozenset({
    "429001",  # 随州市 (county-level, until 2000)
    "422101", "422102", "422103", "422121", "422122",  # 黄冈地区 (until 1995)
    "420121", "420122", "420123", "420124",  # 汉阳县, 武昌县, 黄陂县, 新洲县 (now districts)
    "420521",  # 宜昌县 (夷陵区 since 2001)
    "420621",  # 襄阳县 (襄阳区, now 襄州区, since 2001)
    "420821",  # 京山县 (京山市 since 2018)
    "421023",  # 监利县 (监利市 since 2020)
})

# ASCII only: str.isdigit() also accepts full-width and superscript digits, which int() then
# either silently converts (storing a number no other system will match) or refuses with a crash.
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# Registration authority (登记管理部门) → organization type codes it may issue.
USCC_AUTHORITIES: dict[str, frozenset[str]] = {
    "1": frozenset("1239"),  # 机构编制
    "2": frozenset("19"),  # 外交
    "3": frozenset("123459"),  # 司法行政 (5: 仲裁委员会)
    "4": frozenset("19"),  # 文化
    "5": frozenset("1239"),  # 民政
    "6": frozenset("129"),  # 旅游
    "7": frozenset("129"),  # 宗教
    "8": frozenset("19"),  # 工会
    "9": frozenset("123"),  # 市场监管 (工商)
    "A": frozenset("19"),  # 中央军委改革和编制办公室
    "N": frozenset("1239"),  # 农业
    "Y": frozenset("1"),  # 其他
}


@lru_cache(maxsize=1)
def hubei_codes() -> frozenset[str]:
    """Six-digit codes of Hubei's province, cities and counties, from the shipped region data."""
    path = settings.DATA_DIR / "regions" / "hubei.csv"
    with path.open(encoding="utf-8") as fh:
        return frozenset(
            row["code"][:6] for row in csv.DictReader(fh) if row["level"] != "township"
        ) | HUBEI_RETIRED_CODES


def region_known(code6: str) -> bool:
    """Whether an ID number's address code is known: exactly for Hubei, by province elsewhere."""
    if code6 in RESIDENCE_PERMIT_CODES:
        return True
    if code6[:2] not in PROVINCE_CODES:
        return False
    if code6[:2] == HUBEI:
        return code6 in hubei_codes()
    return True


def id_check_char(body17: str) -> str:
    return _ID_CHECK[sum(int(c) * w for c, w in zip(body17, _ID_WEIGHTS, strict=True)) % 11]


def validate_id_number(value: str, today: dt.date | None = None) -> str:
    """Check a 18-character citizen ID number: format, region, birth date and check digit."""
    number = (value or "").strip().upper()
    if len(number) != 18:
        raise IdentifierError("id_length", _("A citizen ID number has 18 characters."))
    if not _ID_SHAPE.fullmatch(number):
        raise IdentifierError(
            "id_format", _("Only digits are allowed, with X possible as the last character.")
        )
    if not region_known(number[:6]):
        raise IdentifierError("id_region", _("The region code %s is not known.") % number[:6])
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdentifierError(
            "id_birth_date", _("The birth date %s is not a real date.") % number[6:14]
        ) from None
    # "Today" is China's date: a child born this morning in Wuhan is not in the future at 07:00.
    if birth.year < 1900 or birth > (today or timezone.localdate()):
        raise IdentifierError(
            "id_birth_date", _("The birth date %s is out of range.") % number[6:14]
        )
    expected = id_check_char(number[:17])
    if number[17] != expected:
        raise IdentifierError(
            "id_check_digit", _("The check digit is wrong; this number has a typing error.")
        )
    return number


def id_birth_date(number: str) -> dt.date:
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def id_is_male(number: str) -> bool:
    return int(number[16]) % 2 == 1


def make_id_number(region6: str, birth: dt.date, sequence: int, male: bool) -> str:
    """Build a valid number; `sequence` (0–499) and the sex give the 3-digit order code."""
    order = (sequence % 500) * 2 + (1 if male else 0)  # odd for men, even for women
    body = f"{region6}{birth:%Y%m%d}{order:03d}"
    return body + id_check_char(body)


def _char_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def org_code_check_char(body8: str) -> str:
    """GB 11714 organization code check character over its 8-character body."""
    remainder = 11 - sum(_char_value(c) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def uscc_check_char(body17: str) -> str:
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(body17, _USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> str:
    """Check an 18-character unified social credit code (统一社会信用代码)."""
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise IdentifierError("uscc_length", _("A unified social credit code has 18 characters."))
    bad = sorted({c for c in code if c not in USCC_CHARSET})
    if bad:
        raise IdentifierError(
            "uscc_charset",
            _("The characters %s are not used in credit codes (I, O, Z, S, V never appear).")
            % "".join(bad),
        )
    kinds = USCC_AUTHORITIES.get(code[0])
    if kinds is None or code[1] not in kinds:
        raise IdentifierError(
            "uscc_authority",
            _("%s is not a known registration authority and organization type.") % code[:2],
        )
    region = code[2:8]
    if not region.isdigit() or (region != NATIONAL_REGION and region[:2] not in PROVINCE_CODES):
        raise IdentifierError("uscc_region", _("The region code %s is not known.") % code[2:8])
    if org_code_check_char(code[8:16]) != code[16]:
        raise IdentifierError(
            "uscc_org_check", _("The organization code check character is wrong.")
        )
    if uscc_check_char(code[:17]) != code[17]:
        raise IdentifierError("uscc_check", _("The check character is wrong; a typing error."))
    return code


def make_uscc(authority: str, kind: str, region6: str, org_body8: str) -> str:
    body = authority + kind + region6 + org_body8 + org_code_check_char(org_body8)
    return body + uscc_check_char(body)
