"""Pydantic shapes of the seals API."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field


class SealCreateIn(Schema):
    organization_uid: str
    kind: str = Field(description="official, license, contract, finance or business")
    name: str = Field("", description="defaults to the organization's name and the kind")
    valid_from: dt.date | None = Field(None, description="first day; defaults to today")
    valid_to: dt.date | None = Field(None, description="last day; defaults to five years on")


class ReasonIn(Schema):
    reason: str


class SealOut(Schema):
    uid: str
    es_id: str
    name: str
    kind: str
    kind_label: str
    status: str
    status_reason: str
    organization_uid: str
    organization_name: str
    valid_from: str
    valid_to: str
    certificate_sm3: str


class SealDetailOut(SealOut):
    certificate_pem: str
    image_svg: str
    uses: int


class UseOut(Schema):
    uid: str
    kind: str
    document_name: str
    document_digest: str
    document_size: int
    actor: str
    signed_at: str


class SignedOut(Schema):
    use_uid: str
    document_name: str
    document_digest: str = Field(description="SM3 of the document, hex")
    signed_at: str
    signature: str = Field(description="the DER SES_Signature, base64")


class RootOut(Schema):
    name: str
    certificate_pem: str
    certificate_sm3: str
    valid_from: str
    valid_to: str


class VerificationOut(Schema):
    valid: bool
    code: str = Field(description="valid, or the first reason the signature is not valid")
    message: str
    es_id: str
    seal_uid: str | None
    seal_name: str
    seal_status: str | None
    organization_uid: str | None
    organization_name: str
    signed_at: str | None
    document_name: str
    document_digest: str
