"""Issue, pay and cancel: the happy paths, and every refusal writing nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from jingchu.core.errors import ActionError
from jingchu.core.models import AuditEvent, Notification
from jingchu.payments import actions, codes
from jingchu.payments.choices import OrderStatus, PaymentChannel
from jingchu.payments.gateway import GatewayResult
from jingchu.payments.models import PaymentOrder
from jingchu.payments.queries import case_paid
from jingchu.payments.tests.conftest import counts, snapshot

pytestmark = pytest.mark.django_db


class DecliningGateway:
    name = "declining"

    def charge(self, order: PaymentOrder) -> GatewayResult:
        return GatewayResult(confirmed=False, message="insufficient funds")


class BadReceiptGateway:
    name = "bad-receipt"

    def charge(self, order: PaymentOrder) -> GatewayResult:
        return GatewayResult(confirmed=True, receipt_number="no good")


def audit_actions(order: PaymentOrder) -> list[str]:
    return list(AuditEvent.objects.filter(object_id=str(order.uid)).order_by("id")
                .values_list("action", flat=True))


def test_issue_then_pay_online(world, fee_case):
    users = world["users"]
    told = Notification.objects.filter(recipient=users["zhangsan"]).count()
    order = actions.do_issue_payment_order(users["clerk_wuhan"], fee_case)
    assert order.status == OrderStatus.ISSUED and order.amount == Decimal("80.00")
    assert order.fee_basis == fee_case.version.fee_basis and "不动产" not in order.payment_code
    assert codes.is_valid(order.payment_code)
    assert order.payment_code.startswith(fee_case.handling_org.region.code[:6])
    assert order.payer == fee_case.applicant and order.issued_by == users["clerk_wuhan"]
    notes = Notification.objects.filter(recipient=users["zhangsan"]).order_by("id")
    assert notes.count() == told + 1
    note = notes.last()
    assert note is not None and note.channel == "site"
    assert fee_case.number in note.subject and order.payment_code in note.body
    assert not case_paid(fee_case)

    paid = actions.do_pay_order(users["zhangsan"], order, "online")
    assert paid.status == OrderStatus.PAID and paid.paid_channel == PaymentChannel.ONLINE
    assert paid.receipt_number == f"DM{order.payment_code}" and paid.paid_at is not None
    assert paid.gateway == "demo" and paid.paid_by == users["zhangsan"]
    assert case_paid(fee_case)
    assert audit_actions(order) == ["payments.order.issue", "payments.order.pay"]
    # Both steps are on the applicant's timeline (the case's status does not change).
    steps = list(fee_case.events.filter(public=True).values_list("action", "to_status"))
    assert steps[-2:] == [("payment_requested", fee_case.status),
                          ("payment_paid", fee_case.status)]


def test_a_reviewer_issues_and_a_clerk_records_the_counter_payment(world, fee_case):
    users = world["users"]
    order = actions.do_issue_payment_order(users["hall_reviewer"], fee_case)
    paid = actions.do_pay_order(users["clerk_wuhan"], order, PaymentChannel.COUNTER,
                                receipt_number=" hb-2026-000123 ")
    assert paid.receipt_number == "HB-2026-000123" and paid.paid_channel == "counter"
    assert paid.payer == fee_case.applicant and paid.paid_by == users["clerk_wuhan"]
    assert paid.gateway == "" and case_paid(fee_case)


def test_cancel_then_issue_again(world, fee_case):
    users = world["users"]
    first = actions.do_issue_payment_order(users["clerk_wuhan"], fee_case)
    cancelled = actions.do_cancel_order(users["hall_approver"], first, "  金额有误 ")
    assert cancelled.status == OrderStatus.CANCELLED and cancelled.cancel_reason == "金额有误"
    assert cancelled.cancelled_by == users["hall_approver"] and cancelled.cancelled_at
    assert audit_actions(first) == ["payments.order.issue", "payments.order.cancel"]
    assert not case_paid(fee_case)
    second = actions.do_issue_payment_order(users["clerk_wuhan"], fee_case)
    assert second.payment_code != first.payment_code
    before = counts()
    with pytest.raises(ActionError) as exc:
        actions.do_pay_order(users["zhangsan"], first, "online")
    assert exc.value.status == 409 and exc.value.code == "order_not_open"
    assert counts() == before and snapshot(first)[0] == OrderStatus.CANCELLED
    actions.do_pay_order(users["zhangsan"], second, "online")
    assert case_paid(fee_case)


def test_the_implementation_fee_wins_and_an_agent_of_the_enterprise_pays(
        world, charged_enterprise_case):
    users = world["users"]
    order = actions.do_issue_payment_order(users["reviewer"], charged_enterprise_case)
    assert order.amount == Decimal("30.00") and order.payer == users["wangwu"].person
    paid = actions.do_pay_order(users["lisi"], order, "online")  # lisi is the enterprise's agent
    assert paid.status == OrderStatus.PAID and paid.payer == users["lisi"].person


@pytest.mark.parametrize("who", ["zhangsan", "lisi", "reviewer_wh_amr", "clerk_yichang",
                                 "hall_steward"])
def test_only_handling_staff_issue(world, fee_case, who):
    before = counts()
    with pytest.raises(ActionError) as exc:
        actions.do_issue_payment_order(world["users"][who], fee_case)
    assert exc.value.status == 403 and exc.value.code == "permission_denied"
    assert counts() == before


def test_no_fee_is_refused(world, free_case):
    before = counts()
    with pytest.raises(ActionError) as exc:
        actions.do_issue_payment_order(world["users"]["reviewer"], free_case)
    assert (exc.value.status, exc.value.code) == (409, "no_fee")
    assert counts() == before


def test_a_case_not_accepted_is_refused(world, submitted_fee_case):
    before = counts()
    with pytest.raises(ActionError) as exc:
        actions.do_issue_payment_order(world["users"]["clerk_wuhan"], submitted_fee_case)
    assert (exc.value.status, exc.value.code) == (409, "case_not_payable")
    assert counts() == before


def test_one_open_order_and_one_payment_per_case(world, fee_case):
    users = world["users"]
    order = actions.do_issue_payment_order(users["clerk_wuhan"], fee_case)
    before = counts()
    with pytest.raises(ActionError) as exc:
        actions.do_issue_payment_order(users["hall_reviewer"], fee_case)
    assert (exc.value.status, exc.value.code) == (409, "order_open")
    assert counts() == before
    actions.do_pay_order(users["zhangsan"], order, "online")
    before = counts()
    with pytest.raises(ActionError) as exc:
        actions.do_issue_payment_order(users["hall_reviewer"], fee_case)
    assert (exc.value.status, exc.value.code) == (409, "already_paid")
    with pytest.raises(ActionError) as exc:
        actions.do_pay_order(users["zhangsan"], order, "online")
    assert (exc.value.status, exc.value.code) == (409, "order_not_open")
    with pytest.raises(ActionError) as exc:
        actions.do_cancel_order(users["clerk_wuhan"], order, "重复")
    assert (exc.value.status, exc.value.code) == (409, "order_not_open")
    assert counts() == before and snapshot(order)[0] == OrderStatus.PAID


def test_the_database_holds_one_open_order_per_case(world, fee_case):
    order = actions.do_issue_payment_order(world["users"]["clerk_wuhan"], fee_case)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentOrder.objects.create(case=fee_case, payer=order.payer, amount=order.amount,
                                    payment_code="4201002600000000000" + "0",
                                    issued_by=order.issued_by)


@pytest.mark.parametrize("receipt", ["", "12", "abc def", "x" * 40, "-ABCDEF", "收据123456"])
def test_a_bad_receipt_number_is_refused(world, fee_case, receipt):
    order = actions.do_issue_payment_order(world["users"]["clerk_wuhan"], fee_case)
    before, state = counts(), snapshot(order)
    with pytest.raises(ActionError) as exc:
        actions.do_pay_order(world["users"]["clerk_wuhan"], order, "counter",
                             receipt_number=receipt)
    assert (exc.value.status, exc.value.code) == (400, "receipt_invalid")
    assert counts() == before and snapshot(order) == state


def test_a_receipt_number_is_recorded_once(world, fee_case, charged_enterprise_case):
    clerk = world["users"]["clerk_wuhan"]
    first = actions.do_issue_payment_order(clerk, fee_case)
    actions.do_pay_order(clerk, first, "counter", receipt_number="HB2026000001")
    second = actions.do_issue_payment_order(world["users"]["reviewer"], charged_enterprise_case)
    before = counts()
    with pytest.raises(ActionError) as exc:
        actions.do_pay_order(clerk, second, "counter", receipt_number="hb2026000001")
    assert (exc.value.status, exc.value.code) == (409, "receipt_taken")
    assert counts() == before and snapshot(second)[0] == OrderStatus.ISSUED


@pytest.mark.parametrize(("who", "channel"), [
    ("lisi", "online"), ("clerk_wuhan", "online"), ("zhangsan", "counter"),
    ("clerk_yichang", "counter"), ("hall_reviewer", "counter"),
])
def test_who_may_pay(world, fee_case, who, channel):
    order = actions.do_issue_payment_order(world["users"]["clerk_wuhan"], fee_case)
    before = counts()
    with pytest.raises(ActionError) as exc:
        actions.do_pay_order(world["users"][who], order, channel, receipt_number="HB2026000002")
    assert exc.value.status == 403
    assert counts() == before and snapshot(order)[0] == OrderStatus.ISSUED


def test_an_unknown_channel_is_refused(world, fee_case):
    order = actions.do_issue_payment_order(world["users"]["clerk_wuhan"], fee_case)
    with pytest.raises(ActionError) as exc:
        actions.do_pay_order(world["users"]["zhangsan"], order, "bitcoin")
    assert (exc.value.status, exc.value.code) == (400, "channel_invalid")
    assert snapshot(order)[0] == OrderStatus.ISSUED


@pytest.mark.parametrize(("backend", "code"), [
    ("", "gateway_unavailable"),
    (f"{__name__}.DecliningGateway", "payment_declined"),
    (f"{__name__}.BadReceiptGateway", "payment_declined"),
])
def test_online_payment_needs_a_gateway_that_confirms(world, fee_case, settings, backend, code):
    order = actions.do_issue_payment_order(world["users"]["clerk_wuhan"], fee_case)
    settings.PAYMENT_GATEWAY = backend
    settings.DEMO = False
    before = counts()
    with pytest.raises(ActionError) as exc:
        actions.do_pay_order(world["users"]["zhangsan"], order, "online")
    assert (exc.value.status, exc.value.code) == (409, code)
    assert counts() == before and snapshot(order)[0] == OrderStatus.ISSUED
    assert not case_paid(fee_case)


@pytest.mark.parametrize(("who", "reason", "status"), [
    ("zhangsan", "不想付", 403), ("reviewer_wh_amr", "错开", 403), ("clerk_yichang", "错开", 403),
    ("clerk_wuhan", "  ", 400), ("clerk_wuhan", "长" * 501, 400),
])
def test_cancel_refusals(world, fee_case, who, reason, status):
    order = actions.do_issue_payment_order(world["users"]["clerk_wuhan"], fee_case)
    before = counts()
    with pytest.raises(ActionError) as exc:
        actions.do_cancel_order(world["users"][who], order, reason)
    assert exc.value.status == status
    assert counts() == before and snapshot(order)[0] == OrderStatus.ISSUED


def test_case_paid(world, fee_case, free_case):
    users = world["users"]
    assert not case_paid(fee_case) and not case_paid(free_case)
    order = actions.do_issue_payment_order(users["clerk_wuhan"], fee_case)
    assert not case_paid(fee_case)
    actions.do_cancel_order(users["clerk_wuhan"], order, "重开")
    assert not case_paid(fee_case)
    order = actions.do_issue_payment_order(users["clerk_wuhan"], fee_case)
    actions.do_pay_order(users["zhangsan"], order, "online")
    assert case_paid(fee_case) and not case_paid(free_case)
