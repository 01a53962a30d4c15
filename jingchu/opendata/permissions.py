"""Named permission checks of the open-data portal; every page and endpoint calls one first.

Who does what (decided here; the refusals are tested in tests/test_workflow.py and
tests/test_pages.py):
- The portal is public: anyone, signed in or not, reads published datasets, downloads them,
  queries them and reads the catalog (DCAT, the CKAN API). Open data exists to be used without
  an account; the checks are still called everywhere, so that closing the portal (an
  intranet-only deployment) is a change here alone.
- A draft is made, edited and submitted for review by a data steward (数据管理员) of the
  organization that owns the lake dataset and publishes it.
- A submitted dataset is approved (published) or returned with reasons by a province-level data
  steward (the data stewards of the body running the platform and its administrators, see
  jingchu.identity.permissions.is_province_steward) who did not submit it: nobody approves
  their own submission.
- A published dataset is withdrawn, with a reason, by its owner's steward or a province-level
  steward; its owner's steward refreshes it to the lake dataset's newer version and reopens a
  withdrawn one as a draft.
- Drafts, submissions and withdrawn datasets are seen by their owner's stewards and the
  province level only.
"""

from __future__ import annotations

from typing import Any

from jingchu.core.models import Organization
from jingchu.identity.permissions import (
    is_any_steward,
    is_province_steward,
    is_steward_of,
    require,
    signed_in,
    steward_org_ids,
)
from jingchu.opendata.choices import OpenStatus
from jingchu.opendata.models import OpenDataset

__all__ = ["is_province_steward", "require", "steward_org_ids"]


# --- the public portal ------------------------------------------------------------------------


def can_view_portal(user: Any) -> bool:
    """Everyone, signed in or not: open data is for the public (see the module's note)."""
    del user
    return True


def can_view_open_dataset(user: Any, dataset: OpenDataset) -> bool:
    """A published dataset: everyone; any other state: those who may manage it."""
    if dataset.status == OpenStatus.PUBLISHED:
        return can_view_portal(user)
    return can_manage_open_dataset(user, dataset)


def can_download(user: Any, dataset: OpenDataset) -> bool:
    """Downloads, records and charts: published datasets only, for everyone."""
    return dataset.status == OpenStatus.PUBLISHED and can_view_portal(user)


def can_read_catalog_api(user: Any) -> bool:
    """The CKAN action API and the DCAT catalog: public, like the portal."""
    return can_view_portal(user)


# --- the workflow -----------------------------------------------------------------------------


def can_create_open_dataset(user: Any, owner: Organization) -> bool:
    return is_steward_of(user, owner.pk)


def can_create_any(user: Any) -> bool:
    """The "new open dataset" button: a data steward somewhere."""
    return bool(steward_org_ids(user))


def can_manage_open_dataset(user: Any, dataset: OpenDataset) -> bool:
    """See it in any state, with its workflow history."""
    return is_steward_of(user, dataset.owner_id) or is_province_steward(user)


def can_edit_open_dataset(user: Any, dataset: OpenDataset) -> bool:
    return is_steward_of(user, dataset.owner_id)


def can_submit_open_dataset(user: Any, dataset: OpenDataset) -> bool:
    return can_edit_open_dataset(user, dataset)


def can_review_open_dataset(user: Any, dataset: OpenDataset) -> bool:
    """Approve or return: province level, and never the submitter (no self-approval)."""
    return (signed_in(user) and is_province_steward(user)
            and dataset.submitted_by_id != user.pk)


def can_withdraw_open_dataset(user: Any, dataset: OpenDataset) -> bool:
    return is_steward_of(user, dataset.owner_id) or is_province_steward(user)


def can_refresh_open_dataset(user: Any, dataset: OpenDataset) -> bool:
    return is_steward_of(user, dataset.owner_id)


def can_reopen_open_dataset(user: Any, dataset: OpenDataset) -> bool:
    return is_steward_of(user, dataset.owner_id)


def can_view_manage_page(user: Any) -> bool:
    """"My open datasets": data stewards and the province level."""
    return is_any_steward(user)


def can_view_review_queue(user: Any) -> bool:
    return is_province_steward(user)
