"""Pydantic shapes of the licences API."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Schema
from pydantic import Field


class CheckOut(Schema):
    name: str = Field(description="signature, issuer, seal, status or dates")
    passed: bool
    code: str
    message: str


class VerificationOut(Schema):
    valid: bool
    code: str = Field(description="valid, signature, issuer, seal, revoked, suspended, "
                                  "not_yet_valid or expired")
    message: str
    checks: list[CheckOut]
    published_revoked: bool = Field(description="the bit in the issuer's published "
                                                "revocation list")
    published_suspended: bool = Field(description="the bit in the issuer's published "
                                                  "suspension list")


class PublicLicenseOut(Schema):
    """The minimum a verifier is shown: no holder code, the holder's name masked."""

    identifier: str
    type_name: str
    type_code: str
    issuer_name: str
    issuer_uscc: str
    holder_name_masked: str
    status: str
    status_label: str
    issued_on: dt.date
    valid_from: dt.date
    valid_until: dt.date | None


class PublicVerificationOut(Schema):
    license: PublicLicenseOut
    verification: VerificationOut


class LicenseOut(Schema):
    identifier: str
    type_key: str
    type_name: str
    type_code: str
    issuer_name: str
    issuer_uscc: str
    holder_kind: str
    holder_name: str
    holder_code_masked: str
    number: str
    issued_on: dt.date
    valid_from: dt.date
    valid_until: dt.date | None
    status: str
    status_label: str
    status_reason: str


class DataFieldOut(Schema):
    name: str
    label: str = Field(description="the field's title in the type's JSON Schema")
    value: str = Field(description="the value as shown (enum values by their labels)")


class LicenseDetailOut(LicenseOut):
    data: dict[str, object]
    fields: list[DataFieldOut]
    verification: VerificationOut
    verify_url: str
    pdf_url: str


class LicensePageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[LicenseOut]


class ShareIn(Schema):
    organization_uid: uuid.UUID
    reason: str = Field(max_length=500, description="申请事由: why the organization may use it")
    until: dt.date = Field(description="the last day of the share (at most a year from today)")


class ShareOut(Schema):
    uid: str
    organization_uid: str
    organization_name: str
    reason: str
    valid_until: dt.date
    created_at: dt.datetime
    withdrawn_at: dt.datetime | None


class UseOut(Schema):
    uid: str
    kind: str
    kind_label: str
    organization_name: str | None
    reason: str
    case_number: str | None
    at: dt.datetime


class ReasonIn(Schema):
    reason: str = Field(max_length=500)


class VcCheckOut(Schema):
    valid: bool
    code: str
    message: str
    status_checked: list[str]
