"""Named permission checks of 统一支付; every view and endpoint calls one first.

Who does what (decided here; the refusals are tested in tests/test_permissions.py and the
action, API and page tests):
- An order is issued, and cancelled, by staff of the case's handling organization who work on
  cases there: window clerks, reviewers and approvers.
- It is paid online by the applicant, or by a person acting now for the enterprise the case was
  made for (`cases.permissions.is_applicant`).
- A counter payment is recorded by a window clerk where the case was accepted or of the handling
  organization (the windows that may hand out the result).
- Whoever may view the case (`cases.permissions.can_view_case`) may view its orders.
"""

from __future__ import annotations

from typing import Any

from jingchu.cases import permissions as case_permissions
from jingchu.cases.models import Case
from jingchu.identity.choices import StaffRole
from jingchu.identity.permissions import require
from jingchu.payments.models import PaymentOrder

ISSUER_ROLES = (StaffRole.WINDOW_CLERK, StaffRole.REVIEWER, StaffRole.APPROVER)

__all__ = ["require"]


def _handling_staff(user: Any, case: Case) -> bool:
    return any(case_permissions.handles(user, case, role) for role in ISSUER_ROLES)


def can_view_case_orders(user: Any, case: Case) -> bool:
    return case_permissions.can_view_case(user, case)


def can_view_order(user: Any, order: PaymentOrder) -> bool:
    return can_view_case_orders(user, order.case)


def can_issue_order(user: Any, case: Case) -> bool:
    return _handling_staff(user, case)


def can_cancel_order(user: Any, order: PaymentOrder) -> bool:
    return _handling_staff(user, order.case)


def can_pay_order(user: Any, order: PaymentOrder) -> bool:
    """Online payment: the applicant, or someone acting now for the case's enterprise."""
    return case_permissions.is_applicant(user, order.case)


def can_record_counter_payment(user: Any, order: PaymentOrder) -> bool:
    """A window clerk where the case was accepted, or of the handling organization."""
    case = order.case
    places = {case.handling_org_id, case.accepting_org_id} - {None}
    return any(o.pk in places
               for o in case_permissions.staff_orgs(user, StaffRole.WINDOW_CLERK))
