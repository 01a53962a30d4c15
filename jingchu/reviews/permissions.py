"""Named permission checks of 好差评; every view and endpoint calls one first.

Who does what (decided here; the refusals are tested in tests/test_rectification.py,
test_appeal.py, test_window.py and test_pages.py):
- An applicant rates only their own case (`cases.permissions.is_applicant`, which includes acting
  for an enterprise).
- A rectification is handled (call-back, fix or explanation) by the rated organization's
  reviewers, approvers and administrators; window clerks are left out on purpose, since a bad
  rating of a window is usually about the clerk.
- Closing a rectification is the approver's or administrator's sign-off on the fix.
- Any handler may appeal a bad rating as malicious; an approver of the organization other than
  the one who filed the appeal decides it (four eyes).
- A window device is opened by a window clerk of its organization, and rates only while that
  clerk's session holds the device's token.
- Statistics are public.
- A rating the applicant gives by phone during a call-back survey (电话回访) is recorded by an
  auditor (StaffRole.AUDITOR: the role that checks other organizations' work, independent of the
  one rated) of an organization whose region contains the rated organization's. The recorder
  must not belong to the rated organization nor have taken part in the case (回避); the action
  refuses that with 403 `conflict_of_interest` (tests/test_phone_rating.py).
- The inbound-SMS webhook is the SMS gateway's, proven by an HMAC-SHA256 of the request body
  under JINGCHU_SMS_INBOUND_SECRET (tests/test_sms_rating.py).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings

from jingchu.cases import permissions as case_permissions
from jingchu.cases.models import Case
from jingchu.core.models import Organization, Region
from jingchu.identity.choices import StaffRole
from jingchu.identity.permissions import org_ids, require
from jingchu.identity.services import staff_of
from jingchu.reviews.models import Appeal, Rectification, Review

HANDLER_ROLES = (StaffRole.REVIEWER, StaffRole.APPROVER, StaffRole.ADMINISTRATOR)
CLOSER_ROLES = (StaffRole.APPROVER, StaffRole.ADMINISTRATOR)
DECIDER_ROLES = (StaffRole.APPROVER,)
PHONE_RECORDER_ROLES = (StaffRole.AUDITOR,)

__all__ = ["org_ids", "require"]


def _person(user: Any) -> Any:
    if not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "person", None)


def can_rate_case(user: Any, case: Case) -> bool:
    return case_permissions.is_applicant(user, case)


def can_list_own_ratings(user: Any) -> bool:
    return _person(user) is not None


def can_view_stats(user: Any) -> bool:
    """Statistics are public (政务服务评价信息公开)."""
    return True


def can_use_queue(user: Any) -> bool:
    return bool(org_ids(user, HANDLER_ROLES))


def can_handle_rectification(user: Any, rectification: Rectification) -> bool:
    return rectification.organization_id in org_ids(user, HANDLER_ROLES)


def can_close_rectification(user: Any, rectification: Rectification) -> bool:
    return rectification.organization_id in org_ids(user, CLOSER_ROLES)


def can_appeal(user: Any, review: Review) -> bool:
    return review.organization_id in org_ids(user, HANDLER_ROLES)


def can_decide_any_appeal(user: Any) -> bool:
    return bool(org_ids(user, DECIDER_ROLES))


def can_decide_appeal(user: Any, appeal: Appeal) -> bool:
    if appeal.filed_by_id == getattr(user, "pk", None):
        return False
    return appeal.review.organization_id in org_ids(user, DECIDER_ROLES)


def can_open_window_device(user: Any, organization: Organization) -> bool:
    return organization.pk in org_ids(user, (StaffRole.WINDOW_CLERK,))


def can_use_window_devices(user: Any) -> bool:
    """The menu entry: window clerks of any organization."""
    return bool(org_ids(user, (StaffRole.WINDOW_CLERK,)))


def can_record_phone_ratings(user: Any) -> bool:
    """The page and the menu entry: auditors of any organization."""
    return bool(org_ids(user, PHONE_RECORDER_ROLES))


def can_record_phone_rating(user: Any, organization: Organization) -> bool:
    """An auditor whose organization's region is, or contains, the rated organization's."""
    ids = org_ids(user, PHONE_RECORDER_ROLES)
    if not ids:
        return False
    paths = Region.objects.filter(organizations__pk__in=ids).values_list("path", flat=True)
    target = organization.region.path
    return any(target == path or target.startswith(path + "/") for path in paths)


def phone_rating_conflict(user: Any, case: Case, organization: Organization) -> str:
    """Why the user may not record this rating (回避): "member" of the rated organization (in
    any role), "handled" the case (took any step on it), or "" when there is no conflict."""
    staff = staff_of(user)
    if staff is not None and staff.assignments.filter(organization=organization).exists():
        return "member"
    if case.events.filter(actor_id=getattr(user, "pk", None)).exists():
        return "handled"
    return ""


def can_invite_sms_rating(user: Any, case: Case) -> bool:
    """The platform itself (no user: the invitation sent on completion), or staff handling the
    case at its accepting or handling organization."""
    if user is None:
        return True
    orgs = org_ids(user, (*HANDLER_ROLES, StaffRole.WINDOW_CLERK))
    return bool({case.handling_org_id, case.accepting_org_id} & orgs)


def sms_gateway_configured() -> bool:
    return bool(settings.SMS_INBOUND_SECRET)


def is_sms_gateway(body: bytes, signature: str) -> bool:
    """The request comes from the SMS gateway: its signature header is the hex HMAC-SHA256 of
    the raw body under the shared secret (with or without a "sha256=" prefix)."""
    secret: str = settings.SMS_INBOUND_SECRET
    if not secret or not signature:
        return False
    given = signature.strip().removeprefix("sha256=").lower()
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(given.encode(), expected.encode())
