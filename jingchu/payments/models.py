"""Payment orders (统一支付) for the fees of cases. Only `jingchu.payments.actions` writes them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingchu.cases.models import Case
from jingchu.identity.models import Person
from jingchu.payments.choices import OrderStatus, PaymentChannel


class PaymentOrder(models.Model):
    """A payment order (缴款通知) for the fee of one case, issued by the handling organization.

    The amount is the fee in force for the case (the implementation's fee where it sets one, else
    the item version's), copied with the version's fee basis when the order is issued, so that a
    later change of the catalog never changes what this payer was asked for.

    `payment_code` is the non-tax payment code (非税收入缴款码), 20 digits:
    ``RRRRRR YY NNNNNNNNNNN C`` — the 6-digit administrative division code of the handling
    organization's region, the 2-digit year of issue, 11 random digits, and a check digit over the
    first 19 by ISO/IEC 7064 MOD 11,10 (GB/T 17710); see `jingchu.payments.codes`.

    Life: issued → paid (online through the payment gateway, or at a counter with the receipt
    number of the non-tax receipt, 非税收入票据) or issued → cancelled (with a reason). At most
    one order of a case is open (issued) and at most one is paid; receipt numbers are unique
    among paid orders.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="payment_orders")
    payer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="payment_orders")
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    fee_basis = models.TextField(_("fee basis"), blank=True)
    payment_code = models.CharField(_("payment code"), max_length=20, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=OrderStatus.choices,
                              default=OrderStatus.ISSUED, db_index=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    paid_channel = models.CharField(_("paid through"), max_length=10, blank=True,
                                    choices=PaymentChannel.choices)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    gateway = models.CharField(_("payment gateway"), max_length=40, blank=True)
    receipt_number = models.CharField(_("receipt number"), max_length=32, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("payment order")
        verbose_name_plural = _("payment orders")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_amount_positive"),
            models.UniqueConstraint(fields=["case"], condition=Q(status=OrderStatus.ISSUED),
                                    name="payments_one_open_order_per_case"),
            models.UniqueConstraint(fields=["case"], condition=Q(status=OrderStatus.PAID),
                                    name="payments_one_paid_order_per_case"),
            models.UniqueConstraint(fields=["receipt_number"],
                                    condition=Q(status=OrderStatus.PAID),
                                    name="payments_unique_receipt_when_paid"),
            models.CheckConstraint(
                condition=~Q(status=OrderStatus.PAID) | (
                    ~Q(receipt_number="") & Q(paid_at__isnull=False) & ~Q(paid_channel="")),
                name="payments_paid_has_receipt"),
        ]

    def __str__(self) -> str:
        return self.payment_code
