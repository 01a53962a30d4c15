"""Pydantic shapes of the service catalog API."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ninja import Schema


class ReductionsOut(Schema):
    """四减: what the item asks now next to what the law allows."""

    code: str
    name: str
    version: int
    legal_steps: int
    steps: int
    steps_saved: int
    legal_days: int
    promised_days: int
    days_saved: int
    days_saved_ratio: float
    legal_materials: int
    materials_required: int
    materials_to_upload: int
    materials_reused: int
    materials_saved: int
    onsite_visits: int
    zero_visits: bool


class ServiceSummaryOut(Schema):
    code: str
    name: str
    version: int
    item_type: str
    competent_department: str
    applicant_kind: str
    case_kind: str
    legal_days: int
    promised_days: int
    fee: Decimal
    online_depth: int
    onsite_visits: int
    topics: list[str]
    service_areas: list[str]


class MaterialOut(Schema):
    uid: str
    name: str
    necessity: str
    condition: str
    media: str
    copies: int
    source: str
    license_type_code: str
    data_resource_code: str
    needs_upload: bool
    note: str


class ImplementationOut(Schema):
    uid: str
    code: str
    organization_uid: str
    organization_name: str
    region_code: str
    service_area: str
    promised_days: int | None
    fee: Decimal | None
    address: str
    hours: str
    phone: str


class ServiceOut(ServiceSummaryOut):
    version_uid: str
    is_current: bool
    legal_basis: str
    acceptance_conditions: str
    fee_basis: str
    result_type: str
    result_name: str
    keywords: str
    eligibility: dict[str, Any]
    form_schema: dict[str, Any]
    published_at: str
    materials: list[MaterialOut]
    implementations: list[ImplementationOut]
    reductions: ReductionsOut

