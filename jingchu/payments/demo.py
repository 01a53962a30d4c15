"""Demo payment for `jingchu demo`: the first demo case with a fee that has been accepted gets
its payment order, issued by the handling organization's staff and paid online by the applicant
(through the demo gateway). Idempotent: skipped once any payment order exists.

The demo case itself is the cases app's (its demo loads first); none of the cases it makes has
a fee today, so this loader writes nothing until one does.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from jingchu.cases.models import Case
from jingchu.identity.models import User
from jingchu.payments import actions, gateway, permissions, queries
from jingchu.payments.choices import PaymentChannel
from jingchu.payments.models import PaymentOrder


def _issuer(case: Case) -> User | None:
    return User.objects.filter(
        is_active=True, staff__assignments__organization=case.handling_org,
        staff__assignments__role__in=permissions.ISSUER_ROLES).order_by("username").first()


def _fee_case() -> Case | None:
    candidates = Case.objects.filter(accepted_at__isnull=False).select_related(
        "implementation", "version", "handling_org", "applicant__user").order_by("created_at")
    return next((c for c in candidates
                 if queries.payable_state(c) and queries.fee_for(c) > 0), None)


@transaction.atomic
def pay_one_demo_case() -> PaymentOrder | None:
    """Issue and pay the order of the first accepted demo case with a fee; None if there is
    none, or payments were made already, or online payment is unavailable."""
    if PaymentOrder.objects.exists() or gateway.get_gateway() is None:
        return None
    case = _fee_case()
    issuer = _issuer(case) if case is not None else None
    payer = case.applicant.user if case is not None else None
    if case is None or issuer is None or payer is None:
        return None
    order = actions.do_issue_payment_order(issuer, case)
    return actions.do_pay_order(payer, order, PaymentChannel.ONLINE)


def load_demo(ctx: Any) -> None:
    """The payments app's part of `jingchu demo`."""
    order = pay_one_demo_case()
    if order is not None:
        ctx.report.append(f"Payments: case {order.case.number} paid ({order.receipt_number})")
