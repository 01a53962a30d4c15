"""The payment gateway adapter: how an online payment is confirmed.

`JINGCHU_PAYMENT_GATEWAY` names the adapter: `demo` (the in-process gateway below, which confirms
at once) or the dotted path of a class with the `PaymentGateway` shape. Left empty, the demo
gateway is used in demo mode only; elsewhere online payment is unavailable until an operator
names a real gateway, so that a production site never takes a fee as paid without money moving.
Tests may set `settings.PAYMENT_GATEWAY`, which takes precedence over the environment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, cast

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from jingchu import config

if TYPE_CHECKING:
    from jingchu.payments.models import PaymentOrder

ALIASES = {"demo": "jingchu.payments.gateway.DemoGateway"}


@dataclass(frozen=True)
class GatewayResult:
    """The gateway's answer: confirmed with the receipt number of the non-tax receipt, or not."""

    confirmed: bool
    receipt_number: str = ""
    reference: str = ""
    message: str = ""


class PaymentGateway(Protocol):
    name: str

    def charge(self, order: PaymentOrder) -> GatewayResult:
        """Take the order's amount from the payer; answers once the payment is settled."""
        ...


class DemoGateway:
    """Confirms every payment at once, in-process; the receipt number is "DM" + the code."""

    name = "demo"

    def charge(self, order: PaymentOrder) -> GatewayResult:
        return GatewayResult(confirmed=True, receipt_number=f"DM{order.payment_code}",
                             reference=f"demo-{order.uid}")


def configured_name() -> str:
    """The adapter in force, or "" when online payment is unavailable."""
    value = getattr(settings, "PAYMENT_GATEWAY", None)
    if value is None:
        value = config.get("JINGCHU_PAYMENT_GATEWAY")
    name = str(value or "").strip()
    if not name and getattr(settings, "DEMO", False):
        return "demo"
    return name


def get_gateway() -> PaymentGateway | None:
    """The configured adapter, or None when online payment is unavailable."""
    name = configured_name()
    if not name:
        return None
    try:
        factory = import_string(ALIASES.get(name, name))
    except ImportError as exc:
        raise ImproperlyConfigured(f"JINGCHU_PAYMENT_GATEWAY: cannot import {name!r}") from exc
    return cast("PaymentGateway", factory())
