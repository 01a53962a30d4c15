"""Masking of personal data for pages, logs and API answers (脱敏).

Rules: an ID number keeps its first 6 and last 4 characters (region and check digit tell nothing
about the person); a mobile number keeps its first 3 and last 4; an address keeps its first
6 characters (down to district level, roughly) and hides the rest.
"""

from __future__ import annotations

MASK = "*"


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    if len(value) <= 10:
        return MASK * len(value)
    return value[:6] + MASK * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    digits = value.strip()
    if len(digits) == 11 and digits.isdigit():
        return digits[:3] + MASK * 4 + digits[-4:]
    if len(digits) <= 4:
        return MASK * len(digits)
    return MASK * (len(digits) - 4) + digits[-4:]


def mask_address(value: str | None) -> str:
    if not value:
        return ""
    keep = min(6, max(0, len(value) - 2))
    return value[:keep] + MASK * 4


def mask_name(value: str | None) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: keeps the first character only.

    A one-character name is masked whole: showing its first character would show all of it.
    """
    name = (value or "").strip()
    if len(name) <= 1:
        return MASK * len(name)
    return name[0] + MASK * (len(name) - 1)


def mask_full(value: str | None) -> str:
    """Hidden entirely: four marks whatever the length, so the length tells nothing either."""
    return MASK * 4 if value else ""


_BY_RULE = {
    "id_number": mask_id_number,
    "phone": mask_phone,
    "address": mask_address,
    "name": mask_name,
    "full": mask_full,
}


def mask_value(rule: str, value: object) -> object:
    """`value` masked by a `core.choices.MaskRule` value; no rule ("") returns it unchanged, an
    unknown rule hides it entirely (never shown in clear by mistake)."""
    if not rule or value is None:
        return value
    return _BY_RULE.get(rule, mask_full)(str(value))
