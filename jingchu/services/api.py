"""The service catalog API: GovStack Registration's "list services and their forms", plus the
四减 figures for export. Read-only and public, like the catalog pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import LimitOffsetPagination, paginate

from jingchu.services import catalog, permissions, reductions
from jingchu.services.choices import MaterialSource
from jingchu.services.models import ItemVersion, ServiceItem
from jingchu.services.schemas import (
    ImplementationOut,
    MaterialOut,
    ReductionsOut,
    ServiceOut,
    ServiceSummaryOut,
)

router = Router(tags=["services"])


def _check(request: HttpRequest) -> None:
    if not permissions.can_view_catalog(request.user):
        raise PermissionDenied


def _summary(row: catalog.Row) -> dict[str, Any]:
    v = row.version
    return {
        "code": row.item.code, "name": v.name, "version": v.number, "item_type": v.item_type,
        "competent_department": v.competent_department, "applicant_kind": v.applicant_kind,
        "case_kind": v.case_kind, "legal_days": v.legal_days, "promised_days": v.promised_days,
        "fee": v.fee, "online_depth": v.online_depth, "onsite_visits": v.onsite_visits,
        "topics": list(v.topics), "service_areas": [str(a.value) for a in row.areas],
    }


def _reductions(version: ItemVersion) -> ReductionsOut:
    figures = reductions.compute(version).as_dict()
    return ReductionsOut(code=version.item.code, name=version.name, version=version.number,
                         **figures)


def _materials(version: ItemVersion) -> list[MaterialOut]:
    return [MaterialOut(
        uid=str(m.uid), name=m.name, necessity=m.necessity, condition=m.condition, media=m.media,
        copies=m.copies, source=m.source, license_type_code=m.license_type_code,
        data_resource_code=m.data_resource_code, note=m.note,
        needs_upload=m.source == MaterialSource.UPLOAD,
    ) for m in version.materials.all()]


def _service(version: ItemVersion) -> ServiceOut:
    item = version.item
    impls = list(catalog.implementations(item))
    row = catalog.rows([item])[0] if item.current_version_id else None
    summary = _summary(catalog.Row(item, version, row.areas if row else []))
    return ServiceOut(
        **summary, version_uid=str(version.uid), is_current=version.pk == item.current_version_id,
        legal_basis=version.legal_basis, acceptance_conditions=version.acceptance_conditions,
        fee_basis=version.fee_basis, result_type=version.result_type,
        result_name=version.result_name, keywords=version.keywords,
        eligibility=version.eligibility, form_schema=version.form_schema,
        published_at=version.published_at.isoformat(), materials=_materials(version),
        implementations=[ImplementationOut(
            uid=str(i.uid), code=i.code, organization_uid=str(i.organization.uid),
            organization_name=i.organization.name, region_code=i.organization.region.code,
            service_area=i.service_area, promised_days=i.promised_days, fee=i.fee,
            address=i.address, hours=i.hours, phone=i.phone,
        ) for i in impls],
        reductions=_reductions(version),
    )


@router.get("/", response=list[ServiceSummaryOut])
@paginate(LimitOffsetPagination)
def list_services(
    request: HttpRequest, q: str = "", organization: str = "", region: str = "",
    topic: str = "", item_type: str = "", service_area: str = "",
) -> list[dict[str, Any]]:
    """Search the catalog: `q` (name, keyword or code prefix), `organization` (uid), `region`
    (code; includes province-wide items), `topic`, `item_type`, `service_area`."""
    _check(request)
    params = {"q": q, "organization": organization, "region": region, "topic": topic,
              "item_type": item_type, "service_area": service_area}
    items = list(catalog.search(catalog.CatalogFilter.from_params(params)))
    return [_summary(row) for row in catalog.rows(items)]


@router.get("/reductions", response=list[ReductionsOut])
@paginate(LimitOffsetPagination)
def list_reductions(request: HttpRequest) -> list[ReductionsOut]:
    """四减 figures of every item's current version, by code, for export."""
    _check(request)
    versions = ItemVersion.objects.filter(
        pk__in=ServiceItem.objects.values("current_version_id")
    ).select_related("item").prefetch_related("materials").order_by("item__code")
    return [_reductions(v) for v in versions]


@router.get("/{code}", response=ServiceOut)
def get_service(request: HttpRequest, code: str) -> ServiceOut:
    """One item's current version with materials, implementations, form schema and 四减."""
    _check(request)
    return _service(catalog.get_version(code))


@router.get("/{code}/versions/{number}", response=ServiceOut)
def get_service_version(request: HttpRequest, code: str, number: int) -> ServiceOut:
    """A given version, as a case submitted under it sees the item."""
    _check(request)
    return _service(catalog.get_version(code, number))


@router.get("/{code}/reductions", response=ReductionsOut)
def get_reductions(request: HttpRequest, code: str) -> ReductionsOut:
    _check(request)
    return _reductions(catalog.get_version(code))
