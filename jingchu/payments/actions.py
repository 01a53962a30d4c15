"""Every state change of 统一支付: issue a payment order, pay it, cancel it.

Each action is atomic, writes an AuditEvent, and refuses before it writes anything: 400 bad
input, 403 not permitted (checked first, so an outsider learns nothing of the state), 409 wrong
state or already done.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.cases.actions import do_record_external_step
from jingchu.cases.models import Case
from jingchu.core import audit
from jingchu.core.actions import do_enqueue_notification
from jingchu.core.choices import NotificationChannel
from jingchu.core.errors import ActionError, NotPermitted, clean_reason
from jingchu.payments import codes, gateway, permissions, queries
from jingchu.payments.choices import OrderStatus, PaymentChannel
from jingchu.payments.models import PaymentOrder

REASON_MAX = 500
# A non-tax receipt number (非税收入票据号): 6–32 capital letters, digits and hyphens.
RECEIPT = re.compile(r"^[A-Z0-9][A-Z0-9-]{4,30}[A-Z0-9]$")
CODE_ATTEMPTS = 5


# --- issue ----------------------------------------------------------------------------------


def _require_payable(case: Case) -> None:
    if not queries.payable_state(case):
        raise ActionError("case_not_payable",
                          _("A fee is asked for only once the case is accepted and while it "
                            "is not closed."), {"status": case.status}, status=409)
    if queries.fee_for(case) <= 0:
        raise ActionError("no_fee", _("This service is free of charge."), {}, status=409)
    if queries.case_paid(case):
        raise ActionError("already_paid", _("The fee of this case has been paid."), {},
                          status=409)
    current = queries.open_order(case)
    if current is not None:
        raise ActionError("order_open", _("The case already has a payment order to pay."),
                          {"order": str(current.uid)}, status=409)


def _new_code(case: Case) -> str:
    region = case.handling_org.region.code
    year = timezone.localdate().year
    for _attempt in range(CODE_ATTEMPTS):
        code = codes.make_code(region, year)
        if not PaymentOrder.objects.filter(payment_code=code).exists():
            return code
    raise ActionError("code_exhausted", _("No free payment code; please try again."), {},
                      status=409)


def _create(actor: Any, case: Case) -> PaymentOrder:
    try:
        # A savepoint: a concurrent issue caught by the one-open-order constraint is a 409.
        with transaction.atomic():
            return PaymentOrder.objects.create(
                case=case, payer=case.applicant, amount=queries.fee_for(case),
                fee_basis=queries.fee_basis_for(case), payment_code=_new_code(case),
                issued_by=actor)
    except IntegrityError:
        raise ActionError("order_open", _("The case already has a payment order to pay."), {},
                          status=409) from None


def _notify_issued(actor: Any, order: PaymentOrder) -> None:
    recipient = order.case.applicant.user
    if recipient is None or not recipient.is_active:
        return  # a walk-in applicant without an account is handed the notice at the counter
    values = {"number": order.case.number or "", "item": order.case.version.name,
              "amount": f"{order.amount:.2f}", "code": order.payment_code}
    subject = _("Please pay the fee of your application %(number)s") % values
    body = _("%(item)s: please pay %(amount)s yuan. Payment code: %(code)s. Pay online on the "
             "case page, or at a service-hall counter.") % values
    do_enqueue_notification(actor, recipient, NotificationChannel.SITE, subject, body)


@transaction.atomic
def do_issue_payment_order(actor: Any, case: Case) -> PaymentOrder:
    """Staff of the handling organization ask the applicant to pay the case's fee."""
    # The lock serializes two issues for the same case, so "one open order" holds.
    case = Case.objects.select_for_update(of=("self",)).select_related(
        "implementation", "version", "handling_org__region", "applicant__user").get(pk=case.pk)
    if not permissions.can_issue_order(actor, case):
        raise NotPermitted(_("Only staff of the handling organization may ask for the fee."))
    _require_payable(case)
    order = _create(actor, case)
    audit.record("payments.order.issue", actor, order, {
        "case": case.number, "amount": str(order.amount), "payment_code": order.payment_code})
    do_record_external_step(actor, case, "payment_requested", note=f"{order.amount} 元",
                            details={"order": str(order.uid)})
    _notify_issued(actor, order)
    return order


# --- pay ------------------------------------------------------------------------------------


def _locked(order: PaymentOrder) -> PaymentOrder:
    return PaymentOrder.objects.select_for_update(of=("self",)).select_related(
        "case__applicant", "case__on_behalf_of", "case__handling_org",
        "case__accepting_org").get(pk=order.pk)


def _clean_channel(raw: Any) -> str:
    if raw not in PaymentChannel.values:
        raise ActionError("channel_invalid", _("Unknown payment channel."), {"field": "channel"})
    return str(raw)


def _require_pay_permission(actor: Any, order: PaymentOrder, channel: str) -> None:
    if channel == PaymentChannel.ONLINE and not permissions.can_pay_order(actor, order):
        raise NotPermitted(_("Only the applicant may pay this order online."))
    if channel == PaymentChannel.COUNTER and not permissions.can_record_counter_payment(
            actor, order):
        raise NotPermitted(_("Only a window clerk of this case may record a counter payment."))


def _require_open(order: PaymentOrder) -> None:
    if order.status != OrderStatus.ISSUED:
        raise ActionError("order_not_open",
                          _("This payment order is %(status)s.")
                          % {"status": order.get_status_display()},
                          {"status": order.status}, status=409)


def clean_receipt(raw: Any) -> str:
    text = str(raw or "").strip().upper()
    if not RECEIPT.match(text):
        raise ActionError("receipt_invalid",
                          _("The receipt number is 6 to 32 letters, digits or hyphens."),
                          {"field": "receipt_number"})
    return text


def _require_unused(receipt: str) -> None:
    if PaymentOrder.objects.filter(status=OrderStatus.PAID, receipt_number=receipt).exists():
        raise ActionError("receipt_taken", _("This receipt number is already recorded."),
                          {"field": "receipt_number"}, status=409)


def _charge_online(order: PaymentOrder) -> tuple[str, str]:
    """(receipt number, gateway name) from the configured gateway; refused if unavailable."""
    adapter = gateway.get_gateway()
    if adapter is None:
        raise ActionError("gateway_unavailable",
                          _("Online payment is not available. Please pay at a counter."), {},
                          status=409)
    result = adapter.charge(order)
    if not result.confirmed:
        raise ActionError("payment_declined", _("The payment was not completed."),
                          {"gateway": adapter.name, "reason": result.message}, status=409)
    try:
        receipt = clean_receipt(result.receipt_number)
    except ActionError:
        raise ActionError("payment_declined", _("The payment was not completed."),
                          {"gateway": adapter.name, "reason": "bad receipt number"},
                          status=409) from None
    return receipt, adapter.name


@transaction.atomic
def do_pay_order(actor: Any, order: PaymentOrder, channel: Any, *,
                 receipt_number: Any = "") -> PaymentOrder:
    """Pay online through the gateway (the applicant), or record a payment a window clerk took
    at the counter with the number of the receipt handed out."""
    order = _locked(order)
    channel = _clean_channel(channel)
    _require_pay_permission(actor, order, channel)
    _require_open(order)
    if channel == PaymentChannel.COUNTER:
        receipt, gateway_name = clean_receipt(receipt_number), ""
        _require_unused(receipt)
    else:
        receipt, gateway_name = _charge_online(order)
        _require_unused(receipt)
        order.payer = getattr(actor, "person", None) or order.payer
    order.status, order.paid_at, order.paid_channel = OrderStatus.PAID, timezone.now(), channel
    order.paid_by, order.receipt_number, order.gateway = actor, receipt, gateway_name
    order.save()
    audit.record("payments.order.pay", actor, order, {
        "case": order.case.number, "amount": str(order.amount), "channel": channel,
        "receipt_number": receipt, "gateway": gateway_name})
    do_record_external_step(actor, order.case, "payment_paid", note=f"{order.amount} 元",
                            details={"order": str(order.uid), "channel": channel})
    return order


# --- cancel ---------------------------------------------------------------------------------


def _clean_reason(raw: Any) -> str:
    return clean_reason(raw, REASON_MAX)


@transaction.atomic
def do_cancel_order(actor: Any, order: PaymentOrder, reason: Any) -> PaymentOrder:
    """Staff of the handling organization withdraw an unpaid order, with the reasons."""
    order = _locked(order)
    if not permissions.can_cancel_order(actor, order):
        raise NotPermitted(_("Only staff of the handling organization may cancel the order."))
    text = _clean_reason(reason)
    _require_open(order)
    order.status, order.cancelled_at = OrderStatus.CANCELLED, timezone.now()
    order.cancelled_by, order.cancel_reason = actor, text
    order.save()
    audit.record("payments.order.cancel", actor, order,
                 {"case": order.case.number, "reason": text})
    do_record_external_step(actor, order.case, "payment_cancelled", note=text,
                            details={"order": str(order.uid)})
    return order
