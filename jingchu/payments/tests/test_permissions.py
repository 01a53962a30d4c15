"""The named permission checks, alone."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from jingchu.payments import actions, permissions

pytestmark = pytest.mark.django_db

ISSUERS = {"clerk_wuhan", "hall_reviewer", "hall_approver"}
EVERYONE = ["zhangsan", "lisi", "wangwu", "clerk_wuhan", "clerk_yichang", "reviewer_wh_amr",
            "hall_reviewer", "hall_approver", "hall_steward"]


@pytest.mark.parametrize("who", EVERYONE)
def test_each_check_on_the_fee_case(world, fee_case, who):
    user = world["users"][who]
    order = actions.do_issue_payment_order(world["users"]["clerk_wuhan"], fee_case)
    assert permissions.can_issue_order(user, fee_case) == (who in ISSUERS)
    assert permissions.can_cancel_order(user, order) == (who in ISSUERS)
    assert permissions.can_pay_order(user, order) == (who == "zhangsan")
    assert permissions.can_record_counter_payment(user, order) == (who == "clerk_wuhan")
    viewers = ISSUERS | {"zhangsan"}
    assert permissions.can_view_order(user, order) == (who in viewers)
    assert permissions.can_view_case_orders(user, fee_case) == (who in viewers)


def test_the_enterprise_case(world, charged_enterprise_case):
    """Handled by 武汉市市场监管局, accepted at 武汉市民之家; made for the demo enterprise."""
    users = world["users"]
    order = actions.do_issue_payment_order(users["reviewer"], charged_enterprise_case)
    assert permissions.can_pay_order(users["wangwu"], order)
    assert permissions.can_pay_order(users["lisi"], order)  # the enterprise's agent
    assert not permissions.can_pay_order(users["zhangsan"], order)
    # The accepting counter records a payment but does not issue or cancel.
    assert permissions.can_record_counter_payment(users["clerk_wuhan"], order)
    assert not permissions.can_issue_order(users["clerk_wuhan"], charged_enterprise_case)
    assert not permissions.can_cancel_order(users["clerk_wuhan"], order)
    assert permissions.can_issue_order(users["approver"], charged_enterprise_case)
    assert not permissions.can_record_counter_payment(users["reviewer"], order)


def test_anonymous_may_do_nothing(world, fee_case):
    order = actions.do_issue_payment_order(world["users"]["clerk_wuhan"], fee_case)
    anonymous = AnonymousUser()
    assert not permissions.can_view_case_orders(anonymous, fee_case)
    assert not permissions.can_issue_order(anonymous, fee_case)
    assert not permissions.can_pay_order(anonymous, order)
    assert not permissions.can_record_counter_payment(anonymous, order)
    assert not permissions.can_cancel_order(anonymous, order)
