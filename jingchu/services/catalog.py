"""Reading the catalog: search and filters shared by the pages and the API, and a version's
content as the plain data that `actions.do_publish_item` accepts (for the edit page)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from jingchu.core.models import Region
from jingchu.services.actions import MATERIAL_FIELDS, VERSION_FIELDS
from jingchu.services.choices import ServiceArea
from jingchu.services.models import ItemImplementation, ItemVersion, ServiceItem


@dataclass(frozen=True)
class CatalogFilter:
    q: str = ""
    organization: str = ""  # an Organization uid
    region: str = ""  # a Region code
    topic: str = ""
    item_type: str = ""
    service_area: str = ""

    @classmethod
    def from_params(cls, params: Any) -> CatalogFilter:
        return cls(**{name: (params.get(name) or "").strip()[:100]
                      for name in cls.__dataclass_fields__})


def _implemented(qs: QuerySet[ServiceItem], condition: Q) -> QuerySet[ServiceItem]:
    """Items having an active implementation that meets `condition` (no duplicate rows)."""
    impls = ItemImplementation.objects.filter(condition, is_active=True).values("item_id")
    return qs.filter(pk__in=impls)


def _region_condition(code: str) -> Q | None:
    region = Region.objects.filter(code=code).first()
    if region is None:
        return None
    in_region = Q(organization__region__path=region.path) | Q(
        organization__region__path__startswith=region.path + "/"
    )
    # A province-wide item can be applied for at any hall, so it belongs to every region.
    return in_region | Q(service_area=ServiceArea.PROVINCE)


def search(f: CatalogFilter) -> QuerySet[ServiceItem]:
    qs = ServiceItem.objects.filter(current_version__isnull=False).select_related(
        "current_version"
    )
    if f.q:
        qs = qs.filter(Q(current_version__name__icontains=f.q)
                       | Q(current_version__keywords__icontains=f.q) | Q(code__startswith=f.q))
    if f.item_type:
        qs = qs.filter(current_version__item_type=f.item_type)
    if f.topic:
        qs = qs.filter(current_version__topic_index__contains=f"|{f.topic}|")
    if f.service_area:
        qs = _implemented(qs, Q(service_area=f.service_area))
    if f.organization:
        try:
            org_uid = uuid.UUID(f.organization)
        except ValueError:
            return qs.none()
        qs = _implemented(qs, Q(organization__uid=org_uid))
    if f.region:
        condition = _region_condition(f.region)
        if condition is None:
            return qs.none()
        qs = _implemented(qs, condition)
    return qs.order_by("code")


@dataclass(frozen=True)
class Row:
    """One line of the catalog list: the item, its current version, where it can be done."""

    item: ServiceItem
    version: ItemVersion
    areas: list[ServiceArea]


def rows(items: list[ServiceItem]) -> list[Row]:
    """List rows with each item's distinct service areas, widest first (one query for all)."""
    order = list(ServiceArea.values)
    pairs = ItemImplementation.objects.filter(item__in=items, is_active=True).values_list(
        "item_id", "service_area"
    )
    found: dict[int, set[str]] = {}
    for item_id, area in pairs:
        found.setdefault(item_id, set()).add(area)
    return [
        Row(item, item.current_version,
            [ServiceArea(a) for a in sorted(found.get(item.pk, set()), key=order.index)])
        for item in items if item.current_version is not None
    ]


def get_version(code: str, number: int | None = None) -> ItemVersion:
    """The item's current version, or the numbered one; 404 when there is none."""
    item = get_object_or_404(ServiceItem, code=code, current_version__isnull=False)
    qs = ItemVersion.objects.select_related("item").prefetch_related("materials")
    if number is None:
        return qs.get(current_for=item)
    return get_object_or_404(qs, item=item, number=number)


def implementations(item: ServiceItem) -> QuerySet[ItemImplementation]:
    return ItemImplementation.objects.filter(item=item, is_active=True).select_related(
        "organization", "organization__region"
    ).order_by("organization__region__code", "organization__name")


def version_content(version: ItemVersion) -> dict[str, Any]:
    """The version's fields as plain data, as `do_publish_item` takes them."""
    content = {f: getattr(version, f) for f in VERSION_FIELDS}
    content["fee"] = str(version.fee)
    return content


def version_materials(version: ItemVersion) -> list[dict[str, Any]]:
    return [{f: getattr(m, f) for f in MATERIAL_FIELDS} for m in version.materials.all()]
