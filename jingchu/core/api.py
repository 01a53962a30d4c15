"""Read-only reference data: regions and organizations."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.pagination import LimitOffsetPagination, paginate

from jingchu.core import permissions
from jingchu.core.models import Organization, Region
from jingchu.core.schemas import OrganizationOut, RegionOut

router = Router(tags=["core"])


def _region_out(region: Region) -> RegionOut:
    return RegionOut(
        code=region.code,
        name=region.name,
        level=region.level,
        parent_code=region.parent.code if region.parent else None,
        is_statistical=region.is_statistical,
    )


@router.get("/regions", response=list[RegionOut])
@paginate(LimitOffsetPagination)
def list_regions(
    request: HttpRequest, parent: str | None = None, level: str | None = None
) -> list[RegionOut]:
    if not permissions.can_view_regions(request.user):
        raise PermissionDenied
    qs = Region.objects.select_related("parent")
    if parent:
        qs = qs.filter(parent__code=parent)
    if level:
        qs = qs.filter(level=level)
    return [_region_out(r) for r in qs]


@router.get("/regions/{code}", response=RegionOut)
def get_region(request: HttpRequest, code: str) -> RegionOut:
    if not permissions.can_view_regions(request.user):
        raise PermissionDenied
    return _region_out(get_object_or_404(Region.objects.select_related("parent"), code=code))


@router.get("/organizations", response=list[OrganizationOut])
@paginate(LimitOffsetPagination)
def list_organizations(
    request: HttpRequest, region: str | None = None, q: str | None = None
) -> list[OrganizationOut]:
    if not permissions.can_view_organizations(request.user):
        raise PermissionDenied
    qs = Organization.objects.filter(is_active=True).select_related("region", "parent")
    if region:
        qs = qs.filter(region__path__contains=region)
    if q:
        qs = qs.filter(name__icontains=q)
    return [
        OrganizationOut(
            uid=str(o.uid), name=o.name, uscc=o.uscc, kind=o.kind, region_code=o.region.code,
            parent_uid=str(o.parent.uid) if o.parent else None,
        )
        for o in qs
    ]
