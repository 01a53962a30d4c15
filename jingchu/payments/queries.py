"""Read-side helpers shared by the actions, pages, API and other apps (no writes here)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from jingchu.cases.models import Case
from jingchu.cases.workflow import FINAL
from jingchu.payments.choices import OrderStatus
from jingchu.payments.models import PaymentOrder


def case_paid(case: Case) -> bool:
    """Whether the case's fee has been paid: it has a payment order in status paid (好差评 lets
    the applicant rate the "payment" service event only then)."""
    return PaymentOrder.objects.filter(case=case, status=OrderStatus.PAID).exists()


def fee_for(case: Case) -> Decimal:
    """The fee in force for the case: the implementation's where it sets one, else the fee of
    the item version the case was submitted under."""
    impl_fee = case.implementation.fee
    fee = impl_fee if impl_fee is not None else case.version.fee
    return Decimal(fee)


def fee_basis_for(case: Case) -> str:
    return case.version.fee_basis


def payable_state(case: Case) -> bool:
    """A fee is asked for once the case is accepted, and while it is not final."""
    return case.accepted_at is not None and case.status not in FINAL


def orders(case: Case) -> QuerySet[PaymentOrder]:
    """The case's orders, newest first."""
    return PaymentOrder.objects.filter(case=case).select_related(
        "case", "payer", "issued_by").order_by("-issued_at", "-id")


def open_order(case: Case) -> PaymentOrder | None:
    return PaymentOrder.objects.filter(case=case, status=OrderStatus.ISSUED).first()


def order_by_uid(raw: Any) -> PaymentOrder:
    """The order with this uid, or 404 (a malformed uid is a 404 too, never a 500)."""
    try:
        uid = uuid.UUID(str(raw))
    except ValueError:
        raise Http404 from None
    order = PaymentOrder.objects.select_related(
        "case__implementation", "case__version", "case__handling_org", "case__accepting_org",
        "case__applicant", "case__on_behalf_of", "payer", "issued_by").filter(uid=uid).first()
    if order is None:
        raise Http404
    return order


def case_by_uid(raw: Any) -> Case:
    """The case with this uid, or 404."""
    try:
        uid = uuid.UUID(str(raw))
    except ValueError:
        raise Http404 from None
    case = Case.objects.select_related(
        "implementation", "version", "handling_org__region", "accepting_org", "applicant__user",
        "on_behalf_of").filter(uid=uid).first()
    if case is None:
        raise Http404
    return case
