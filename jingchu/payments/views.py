"""The payment pages: the block on the case pages, the order (notice and receipt), and the POST
forms behind its buttons. A case or order the user may not view answers 404, so that its
existence is not revealed; a step the user may not take answers 403."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from jingchu.cases.models import Case
from jingchu.core.errors import ActionError
from jingchu.payments import actions, gateway, permissions, queries
from jingchu.payments.choices import OrderStatus, PaymentChannel
from jingchu.payments.models import PaymentOrder

BACK = {"detail": "cases:detail", "workbench": "cases:workbench_case"}


def _order_row(user: Any, order: PaymentOrder) -> dict[str, Any]:
    is_open = order.status == OrderStatus.ISSUED
    return {
        "order": order,
        "may_pay": is_open and permissions.can_pay_order(user, order),
        "may_record": is_open and permissions.can_record_counter_payment(user, order),
        "may_cancel": is_open and permissions.can_cancel_order(user, order),
    }


def _issuable(case: Case) -> bool:
    return (queries.payable_state(case) and queries.fee_for(case) > 0
            and queries.open_order(case) is None and not queries.case_paid(case))


def block_context(user: Any, case: Case) -> dict[str, Any]:
    """What the payment block on a case page shows this user; `show` is False when nothing."""
    if not permissions.can_view_case_orders(user, case):
        return {"show": False}
    fee = queries.fee_for(case)
    orders = list(queries.orders(case))
    for order in orders:
        order.case = case  # the permission checks read the case already loaded
    if fee <= 0 and not orders:
        return {"show": False}
    return {
        "show": True, "case": case, "fee": fee, "fee_basis": queries.fee_basis_for(case),
        "rows": [_order_row(user, o) for o in orders],
        "may_issue": permissions.can_issue_order(user, case) and _issuable(case),
        "online": bool(gateway.configured_name()),
    }


def _case_or_404(user: Any, uid: uuid.UUID) -> Case:
    case = queries.case_by_uid(uid)
    if not permissions.can_view_case_orders(user, case):
        raise Http404
    return case


def _order_or_404(user: Any, uid: uuid.UUID) -> PaymentOrder:
    order = queries.order_by_uid(uid)
    if not permissions.can_view_order(user, order):
        raise Http404
    return order


def _back(request: HttpRequest, case: Case) -> HttpResponse:
    target = BACK.get(request.POST.get("back", ""), BACK["detail"])
    return redirect(target, uid=case.uid)


def _run(request: HttpRequest, case: Case, done: str, step: Any, *args: Any,
         **kwargs: Any) -> HttpResponse:
    """Take the step; its refusal is shown on the page the form came from."""
    try:
        step(request.user, *args, **kwargs)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return _back(request, case)


@login_required
@never_cache
def order_page(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """The payment notice (缴款通知书) of an order, and its receipt once paid."""
    order = _order_or_404(request.user, uid)
    return render(request, "payments/order.html", {
        "order": order, "case": order.case, **_order_row(request.user, order),
        "online": bool(gateway.configured_name())})


@login_required
@require_POST
def issue(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    case = _case_or_404(request.user, uid)
    permissions.require(permissions.can_issue_order(request.user, case))
    return _run(request, case, _("The payment order is issued; the applicant is told."),
                actions.do_issue_payment_order, case)


@login_required
@require_POST
def pay(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    order = _order_or_404(request.user, uid)
    permissions.require(permissions.can_pay_order(request.user, order))
    return _run(request, order.case, _("Paid. Thank you."), actions.do_pay_order, order,
                PaymentChannel.ONLINE)


@login_required
@require_POST
def record_counter(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    order = _order_or_404(request.user, uid)
    permissions.require(permissions.can_record_counter_payment(request.user, order))
    return _run(request, order.case, _("The counter payment is recorded."),
                actions.do_pay_order, order, PaymentChannel.COUNTER,
                receipt_number=request.POST.get("receipt_number", ""))


@login_required
@require_POST
def cancel(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    order = _order_or_404(request.user, uid)
    permissions.require(permissions.can_cancel_order(request.user, order))
    return _run(request, order.case, _("The payment order is cancelled."),
                actions.do_cancel_order, order, request.POST.get("reason", ""))


urlpatterns: list[URLPattern] = [
    path("cases/<uuid:uid>/issue/", issue, name="issue"),
    path("orders/<uuid:uid>/", order_page, name="order"),
    path("orders/<uuid:uid>/pay/", pay, name="pay"),
    path("orders/<uuid:uid>/counter/", record_counter, name="record_counter"),
    path("orders/<uuid:uid>/cancel/", cancel, name="cancel"),
]
