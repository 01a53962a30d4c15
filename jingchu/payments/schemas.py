"""Pydantic shapes of the payments API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field


class OrderOut(Schema):
    uid: str
    case_uid: str
    case_number: str | None
    amount: Decimal = Field(description="yuan")
    fee_basis: str
    payment_code: str = Field(description="非税收入缴款码: 20 digits with a check digit")
    status: str = Field(description="issued, paid or cancelled")
    status_label: str
    payer_name: str
    issued_at: dt.datetime
    paid_at: dt.datetime | None
    paid_channel: str = Field(description="online, counter, or empty while unpaid")
    receipt_number: str
    cancelled_at: dt.datetime | None
    cancel_reason: str


class PayIn(Schema):
    channel: str = Field(default="online", description="online (the applicant, through the "
                         "payment gateway) or counter (a window clerk records the receipt)")
    receipt_number: str = Field(default="", description="the receipt number, for counter only")


class CancelIn(Schema):
    reason: str
