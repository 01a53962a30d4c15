"""Named permission checks of the data lake; every view and endpoint calls one first.

Who does what (the refusals are tested in tests/test_permissions.py):
- Any staff member may browse the lake's datasets, their versions, audit runs and a masked
  preview; citizens and the public may not (open data is the opendata app's business).
- A dataset is registered by a data steward (数据管理员) of the owning organization or a
  province-level steward (jingchu.identity.permissions); the same people load new versions,
  edit its quality rules and start audits.
- A rectification is closed by a data steward of the organization it was opened to.
- Record linkage joins several departments' personal data, so only province-level stewards see
  or start linkage runs.
"""

from __future__ import annotations

from typing import Any

from jingchu.identity.permissions import (
    is_province_steward,
    is_steward_of,
    org_ids,
    require,
    signed_in,
    steward_org_ids,
)
from jingchu.lake.models import Dataset, QualityRectification

__all__ = ["require", "steward_org_ids"]


def can_browse_lake(user: Any) -> bool:
    return signed_in(user) and (bool(org_ids(user)) or bool(getattr(user, "is_superuser", False)))


def can_view_dataset(user: Any, dataset: Dataset) -> bool:
    return can_browse_lake(user)


def can_register_dataset(user: Any, owner_id: int | None) -> bool:
    return is_province_steward(user) or is_steward_of(user, owner_id)


def can_manage_dataset(user: Any, dataset: Dataset) -> bool:
    """Load versions, edit the rules, retire: the owner's stewards or the province level."""
    return is_province_steward(user) or is_steward_of(user, dataset.owner_id)


def can_load_dataset(user: Any, dataset: Dataset) -> bool:
    return can_manage_dataset(user, dataset)


def can_edit_rules(user: Any, dataset: Dataset) -> bool:
    return can_manage_dataset(user, dataset)


def can_run_audit(user: Any, dataset: Dataset) -> bool:
    return can_manage_dataset(user, dataset)


def can_resolve_rectification(user: Any, rectification: QualityRectification) -> bool:
    return is_province_steward(user) or is_steward_of(user, rectification.organization_id)


def can_view_linkage(user: Any) -> bool:
    return is_province_steward(user)


def can_run_linkage(user: Any) -> bool:
    return is_province_steward(user)
