"""Named permission checks of data sharing; every view and endpoint calls one first.

Who does what (decided here; the refusals are tested in tests/test_permissions.py):
- The catalog is browsed by any staff member; a draft or retired resource only by those who
  may manage it.
- A resource is registered, edited, published, retired, mounted and unmounted by the data
  stewards (数据管理员) of its owning organization, or by a province-level steward.
- An organization's three lists are kept by its data stewards; any data steward may read them
  (the demand list is how providers learn what others need).
- A share request is made by a data steward of the consumer organization, withdrawn by one,
  reviewed (approved, partly approved, refused) by a data steward of the owner.
- A grant is suspended, resumed or revoked by the owner's data steward or a province-level
  steward; the consumer's and the owner's stewards see it.
- A data error is reported by a steward of a consumer holding a grant on the resource, and
  answered by the owner's steward.
- Province-level stewards see every organization's requests, grants and reports: the platform's
  administrators, and the data stewards of the body running the platform — an organization
  where an administrator works (the 省政务办) and its units in the same region (the 省大数据
  中心). This follows the data rather than naming organizations in code.
"""

from __future__ import annotations

from typing import Any

from jingchu.core.models import Organization
from jingchu.identity.permissions import (
    is_any_steward,
    is_platform_admin,
    is_province_steward,
    is_steward_of,
    org_ids,
    platform_org_ids,
    require,
    signed_in,
    steward_org_ids,
)
from jingchu.sharing.choices import GrantStatus, ResourceStatus, ShareType
from jingchu.sharing.models import DataResource, ErrorReport, Grant, ListEntry, ShareRequest

__all__ = [
    "is_any_steward", "is_platform_admin", "is_province_steward", "is_steward_of",
    "platform_org_ids", "require", "steward_org_ids",
]

def visible_org_ids(user: Any) -> set[int] | None:
    """None for a province-level steward (every organization), else their own."""
    return None if is_province_steward(user) else steward_org_ids(user)


# --- catalog ----------------------------------------------------------------------------------


def can_browse_catalog(user: Any) -> bool:
    return signed_in(user) and (bool(org_ids(user)) or is_platform_admin(user))


def can_register_resource(user: Any, owner: Organization) -> bool:
    return is_steward_of(user, owner.pk) or is_province_steward(user)


def can_register_any(user: Any) -> bool:
    """The "register a resource" button: a steward somewhere."""
    return is_any_steward(user)


def can_manage_resource(user: Any, resource: DataResource) -> bool:
    return is_steward_of(user, resource.owner_id) or is_province_steward(user)


# One named check per action; they share the rule "the owner's stewards or the province".


def can_update_resource(user: Any, resource: DataResource) -> bool:
    return can_manage_resource(user, resource)


def can_publish_resource(user: Any, resource: DataResource) -> bool:
    return can_manage_resource(user, resource)


def can_retire_resource(user: Any, resource: DataResource) -> bool:
    return can_manage_resource(user, resource)


def can_mount_resource(user: Any, resource: DataResource) -> bool:
    """Mount and unmount."""
    return can_manage_resource(user, resource)


def can_view_resource(user: Any, resource: DataResource) -> bool:
    if resource.status == ResourceStatus.PUBLISHED:
        return can_browse_catalog(user)
    return can_manage_resource(user, resource)


# --- the three lists --------------------------------------------------------------------------


def can_view_lists(user: Any, organization: Organization) -> bool:
    return is_any_steward(user)


def can_manage_lists(user: Any, organization: Organization) -> bool:
    return is_steward_of(user, organization.pk) or is_province_steward(user)


def can_manage_list_entry(user: Any, entry: ListEntry) -> bool:
    return can_manage_lists(user, entry.organization)


def can_create_list_entry(user: Any, organization: Organization) -> bool:
    return can_manage_lists(user, organization)


def can_update_list_entry(user: Any, entry: ListEntry) -> bool:
    return can_manage_list_entry(user, entry)


def can_delete_list_entry(user: Any, entry: ListEntry) -> bool:
    return can_manage_list_entry(user, entry)


# --- share requests ---------------------------------------------------------------------------


def can_request_for(user: Any, consumer: Organization) -> bool:
    return is_steward_of(user, consumer.pk)


def can_request_any(user: Any) -> bool:
    return bool(steward_org_ids(user))


def can_view_request(user: Any, request: ShareRequest) -> bool:
    return (is_steward_of(user, request.consumer_id)
            or is_steward_of(user, request.resource.owner_id) or is_province_steward(user))


def can_review_request(user: Any, request: ShareRequest) -> bool:
    return is_steward_of(user, request.resource.owner_id)


def can_withdraw_request(user: Any, request: ShareRequest) -> bool:
    return is_steward_of(user, request.consumer_id)


def can_list_requests(user: Any) -> bool:
    return is_any_steward(user)


# --- grants -----------------------------------------------------------------------------------


def can_create_grant(user: Any, request: ShareRequest) -> bool:
    """The owner's steward grants on approval; the consumer's own steward triggers the grant
    of an unconditional resource (approved at once, nobody reviews it)."""
    if can_review_request(user, request):
        return True
    return (request.resource.share_type == ShareType.UNCONDITIONAL
            and can_withdraw_request(user, request))


def can_view_grant(user: Any, grant: Grant) -> bool:
    return (is_steward_of(user, grant.consumer_id) or is_steward_of(user, grant.resource.owner_id)
            or is_province_steward(user))


def can_change_grant(user: Any, grant: Grant) -> bool:
    return is_steward_of(user, grant.resource.owner_id) or is_province_steward(user)


def can_suspend_grant(user: Any, grant: Grant) -> bool:
    return can_change_grant(user, grant)


def can_resume_grant(user: Any, grant: Grant) -> bool:
    return can_change_grant(user, grant)


def can_revoke_grant(user: Any, grant: Grant) -> bool:
    return can_change_grant(user, grant)


def can_list_grants(user: Any) -> bool:
    return is_any_steward(user)


# --- error reports (数据纠错) ------------------------------------------------------------------


def can_report_error(user: Any, reporter: Organization, resource: DataResource) -> bool:
    return is_steward_of(user, reporter.pk) and Grant.objects.filter(
        consumer=reporter, resource=resource,
        status__in=[GrantStatus.ACTIVE, GrantStatus.SUSPENDED]).exists()


def can_view_error_report(user: Any, report: ErrorReport) -> bool:
    return (is_steward_of(user, report.reporter_id) or is_steward_of(user, report.resource.owner_id)
            or is_province_steward(user))


def can_answer_error(user: Any, report: ErrorReport) -> bool:
    return is_steward_of(user, report.resource.owner_id)


def can_list_error_reports(user: Any) -> bool:
    return is_any_steward(user)


# --- reports ----------------------------------------------------------------------------------


def can_view_reports(user: Any) -> bool:
    return is_any_steward(user)


# --- the exchange gateway's records (defined in permissions_exchange; named here for the menu)

from jingchu.sharing.permissions_exchange import (  # noqa: E402
    can_manage_gateway_clients,
    can_view_calls,
    can_view_own_reads,
)

__all__ += ["can_manage_gateway_clients", "can_view_calls", "can_view_own_reads"]
