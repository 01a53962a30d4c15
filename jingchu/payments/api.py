"""The payments API: a case's payment orders; issue, pay and cancel them, addressed by uid."""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Router, Status
from ninja.security import django_auth

from jingchu.payments import actions, permissions, queries
from jingchu.payments.models import PaymentOrder
from jingchu.payments.schemas import CancelIn, OrderOut, PayIn

router = Router(tags=["payments"])


def order_out(order: PaymentOrder) -> OrderOut:
    return OrderOut(
        uid=str(order.uid), case_uid=str(order.case.uid), case_number=order.case.number,
        amount=order.amount, fee_basis=order.fee_basis, payment_code=order.payment_code,
        status=order.status, status_label=str(order.get_status_display()),
        payer_name=order.payer.name, issued_at=order.issued_at, paid_at=order.paid_at,
        paid_channel=order.paid_channel, receipt_number=order.receipt_number,
        cancelled_at=order.cancelled_at, cancel_reason=order.cancel_reason,
    )


def _fresh(order: PaymentOrder) -> OrderOut:
    return order_out(queries.order_by_uid(order.uid))


@router.get("/cases/{case_uid}/orders", response=list[OrderOut], auth=django_auth)
def list_orders(request: HttpRequest, case_uid: uuid.UUID) -> list[OrderOut]:
    """The payment orders of a case, newest first."""
    case = queries.case_by_uid(case_uid)
    permissions.require(permissions.can_view_case_orders(request.user, case))
    return [order_out(o) for o in queries.orders(case)]


@router.post("/cases/{case_uid}/orders", response={201: OrderOut}, auth=django_auth)
def issue_order(request: HttpRequest, case_uid: uuid.UUID) -> Status[OrderOut]:
    """Ask the applicant to pay the case's fee (staff of the handling organization)."""
    case = queries.case_by_uid(case_uid)
    permissions.require(permissions.can_issue_order(request.user, case))
    order = actions.do_issue_payment_order(request.user, case)
    return Status(201, _fresh(order))


@router.get("/orders/{order_uid}", response=OrderOut, auth=django_auth)
def get_order(request: HttpRequest, order_uid: uuid.UUID) -> OrderOut:
    """One payment order, with its receipt once paid."""
    order = queries.order_by_uid(order_uid)
    permissions.require(permissions.can_view_order(request.user, order))
    return order_out(order)


@router.post("/orders/{order_uid}/pay", response=OrderOut, auth=django_auth)
def pay_order(request: HttpRequest, order_uid: uuid.UUID, body: PayIn) -> OrderOut:
    """Pay online (the applicant) or record a counter payment with its receipt (a clerk)."""
    order = queries.order_by_uid(order_uid)
    permissions.require(permissions.can_pay_order(request.user, order)
                        or permissions.can_record_counter_payment(request.user, order))
    order = actions.do_pay_order(request.user, order, body.channel,
                                 receipt_number=body.receipt_number)
    return _fresh(order)


@router.post("/orders/{order_uid}/cancel", response=OrderOut, auth=django_auth)
def cancel_order(request: HttpRequest, order_uid: uuid.UUID, body: CancelIn) -> OrderOut:
    """Cancel an unpaid order, with the reasons (staff of the handling organization)."""
    order = queries.order_by_uid(order_uid)
    permissions.require(permissions.can_cancel_order(request.user, order))
    return _fresh(actions.do_cancel_order(request.user, order, body.reason))
