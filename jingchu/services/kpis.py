"""The service catalog's KPI feeds for the cockpit (the contract is jingchu.core.kpi).

These are catalog shares, not events: what the catalog says now, per implementing
organization. A catalog has no day of its own, so each figure is a snapshot emitted once, on the
last day asked for (`end`), whatever the period: the cockpit's daily rollup asks for one day and
keeps that day's snapshot; a past day cannot be recomputed (the catalog does not keep its
history of implementations). Shares over several days average the daily snapshots.

What is counted (every figure over the application-based items (依申请事项) only):
- an application-based item is one whose current version's item type is one of the six
  application-based administrative powers or a public service: 01 行政许可, 05 行政给付,
  07 行政确认, 08 行政奖励, 09 行政裁决, 10 其他行政权力 (the catalog does not split type 10
  into its application-based and ex-officio parts: all of it counts) and 20 公共服务. Penalties,
  coercion, levies and inspections (02, 03, 04, 06) are ex officio and left out;
- the unit counted is an active implementation (实施清单) of such an item by an organization
  (its row), with the item's current version; an item implemented by three organizations counts
  three times in the province's figure, once in each organization's;
- services.province_wide_share: implementations whose service area is 全省通办 / all;
- services.fully_online_share: implementations whose item is fully online (网办深度 4) / all;
- services.zero_visit_share: implementations whose item needs no on-site visit / all;
- services.no_upload_material_share: the materials (申请材料, every necessity) of the current
  versions of those implementations' items that a licence the applicant holds or a shared data
  resource supplies / all their materials; each implementation counts its item's materials.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jingchu.core.kpi import KpiRow, KpiSpec
from jingchu.services.choices import ItemType, MaterialSource, OnlineDepth, ServiceArea
from jingchu.services.models import ItemImplementation

SOURCE = "services: ItemImplementation, ItemVersion, MaterialRequirement"
PROVINCE_WIDE_TARGET = 0.8
# 依申请: the six application-based administrative powers and public services.
APPLICATION_BASED = (
    ItemType.LICENSING, ItemType.BENEFIT, ItemType.CONFIRMATION, ItemType.REWARD,
    ItemType.ADJUDICATION, ItemType.OTHER_POWER, ItemType.PUBLIC_SERVICE,
)
NO_UPLOAD = (MaterialSource.LICENSE, MaterialSource.DATA_RESOURCE)
MATERIALS = "item__current_version__materials"


def implemented() -> QuerySet[ItemImplementation]:
    """Active implementations of application-based items (with a published version)."""
    return ItemImplementation.objects.filter(
        is_active=True, item__current_version__item_type__in=APPLICATION_BASED)


def _snapshot(end: dt.date, part: Count, whole: Count) -> list[KpiRow]:
    """One row per implementing organization, on the day `end`."""
    grouped = (implemented().values("organization_id", "organization__region_id")
               .annotate(part=part, whole=whole).order_by("organization_id"))
    return [KpiRow(end, r["organization_id"], r["organization__region_id"], float(r["part"]),
                   float(r["whole"])) for r in grouped if r["whole"]]


def _share_of_implementations(end: dt.date, counted: Q) -> list[KpiRow]:
    return _snapshot(end, Count("id", filter=counted), Count("id"))


def province_wide_rows(start: dt.date, end: dt.date) -> list[KpiRow]:
    """Implementations 全省通办 / implementations of application-based items (snapshot)."""
    return _share_of_implementations(end, Q(service_area=ServiceArea.PROVINCE))


def fully_online_rows(start: dt.date, end: dt.date) -> list[KpiRow]:
    """Implementations whose item is fully online / implementations (snapshot)."""
    return _share_of_implementations(
        end, Q(item__current_version__online_depth=OnlineDepth.FULLY))


def zero_visit_rows(start: dt.date, end: dt.date) -> list[KpiRow]:
    """Implementations whose item needs no on-site visit / implementations (snapshot)."""
    return _share_of_implementations(end, Q(item__current_version__onsite_visits=0))


def no_upload_rows(start: dt.date, end: dt.date) -> list[KpiRow]:
    """Materials a licence or shared data supplies / materials, over the implemented items'
    current versions (snapshot)."""
    return _snapshot(end, Count(MATERIALS, filter=Q(**{f"{MATERIALS}__source__in": NO_UPLOAD})),
                     Count(MATERIALS))


KPIS: list[KpiSpec] = [
    KpiSpec(
        code="services.province_wide_share",
        name=_("Share of application-based items handled province-wide"),
        definition=_(
            "Active implementations of application-based items (item types 01, 05, 07, 08, "
            "09, 10 and 20) whose service area is province-wide (全省通办), divided by all "
            "active implementations of application-based items. A catalog snapshot per "
            "implementing organization, emitted on the last day asked for."),
        source=SOURCE, unit="rate", compute=province_wide_rows, target=PROVINCE_WIDE_TARGET,
        snapshot=True),
    KpiSpec(
        code="services.fully_online_share",
        name=_("Share of application-based items fully online"),
        definition=_(
            "Active implementations of application-based items whose current version is fully "
            "online (online depth 4), divided by all active implementations of "
            "application-based items. A catalog snapshot per implementing organization, "
            "emitted on the last day asked for."),
        source=SOURCE, unit="rate", compute=fully_online_rows, snapshot=True),
    KpiSpec(
        code="services.zero_visit_share",
        name=_("Share of application-based items needing no on-site visit"),
        definition=_(
            "Active implementations of application-based items whose current version requires "
            "no on-site visit, divided by all active implementations of application-based "
            "items. A catalog snapshot per implementing organization, emitted on the last day "
            "asked for."),
        source=SOURCE, unit="rate", compute=zero_visit_rows, snapshot=True),
    KpiSpec(
        code="services.no_upload_material_share",
        name=_("Share of materials that need no upload"),
        definition=_(
            "Materials listed by the current versions of actively implemented "
            "application-based items that a licence the applicant holds or a shared data "
            "resource supplies, divided by all those materials (every necessity); an item's "
            "materials count once for each organization implementing it. A catalog snapshot "
            "per implementing organization, emitted on the last day asked for."),
        source=SOURCE, unit="rate", compute=no_upload_rows, snapshot=True),
]
