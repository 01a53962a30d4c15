"""The demo loader pays the first accepted case with a fee, once."""

from __future__ import annotations

import pytest

from jingchu.core.demo import DemoContext
from jingchu.payments.choices import OrderStatus
from jingchu.payments.demo import load_demo, pay_one_demo_case
from jingchu.payments.models import PaymentOrder
from jingchu.payments.queries import case_paid
from jingchu.payments.tests.conftest import counts

pytestmark = pytest.mark.django_db


def test_nothing_to_pay_writes_nothing(world, free_case):
    before = counts()
    assert pay_one_demo_case() is None
    assert counts() == before


def test_the_fee_case_is_paid_once(world, fee_case):
    ctx = DemoContext(orgs=world["orgs"])
    load_demo(ctx)
    order = PaymentOrder.objects.get()
    assert order.status == OrderStatus.PAID and order.case == fee_case and case_paid(fee_case)
    assert order.issued_by == world["users"]["clerk_wuhan"]
    assert ctx.report == [f"Payments: case {fee_case.number} paid ({order.receipt_number})"]
    before = counts()
    load_demo(DemoContext(orgs=world["orgs"]))
    assert counts() == before
