"""Masking of the fields a grant returns masked (the grant's `masked_fields`), each by its
field's rule in the catalog."""

from __future__ import annotations

from typing import Any

from jingchu.core import masking as core_masking
from jingchu.sharing import hot
from jingchu.sharing.choices import MaskRule
from jingchu.sharing.gateway_rows import GrantTerms, MountedResource


def rules_of(resource: MountedResource) -> dict[str, str]:
    return hot.mask_rules_of(resource)


def apply(resource: MountedResource, grant: GrantTerms, record: dict[str, Any]) -> dict[str, Any]:
    """`record` with each of the grant's masked fields masked; a masked field without a rule of
    its own is hidden entirely, never returned in clear."""
    masked = [name for name in grant.masked_fields if name in record]
    if not masked:
        return record
    rules = rules_of(resource)
    out = dict(record)
    for name in masked:
        value = out[name]
        out[name] = core_masking.mask_value(rules.get(name) or MaskRule.FULL,
                                            "" if value is None else value)
    return out
