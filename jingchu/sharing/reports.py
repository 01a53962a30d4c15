"""The three reports of the catalog, as plain data (the cockpit reads them too).

- Responsibility fulfilment per organization: entries listed → registered (linked to a published
  resource) → mounted (that resource is mounted), with the plan's two ratios: the registration
  rate (registered / listed, 目录注册率) and the mounting rate (mounted / registered, 资源挂接率).
- Demand matching: each demand entry is met by its explicitly linked published resource, or else
  by a published, shared resource of the expected provider whose fields cover every field wanted;
  otherwise it is unmet.
- Negative-list conflicts: a resource named on a negative list whose share type still says it is
  shared, or that has active grants or pending requests.

`scope` is a set of organization ids, or None for every organization (province level).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Q

from jingchu.core.models import Organization
from jingchu.sharing.choices import (
    GrantStatus,
    ListKind,
    RequestStatus,
    ResourceStatus,
    ShareType,
)
from jingchu.sharing.models import DataResource, ListEntry


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _scoped(entries: Any, scope: set[int] | None) -> Any:
    return entries if scope is None else entries.filter(organization_id__in=scope)


def responsibility_fulfilment(scope: set[int] | None = None) -> list[dict[str, Any]]:
    entries = _scoped(ListEntry.objects.filter(kind=ListKind.RESPONSIBILITY), scope)
    published = Q(resource__status=ResourceStatus.PUBLISHED)
    rows = entries.values("organization").annotate(
        listed=Count("id"), registered=Count("id", filter=published),
        mounted=Count("id", filter=published & ~Q(resource__mount_kind="")))
    orgs = Organization.objects.in_bulk([row["organization"] for row in rows])
    result = []
    for row in rows:
        org = orgs[row["organization"]]
        result.append({
            "organization": org.name, "organization_uid": str(org.uid),
            "listed": row["listed"], "registered": row["registered"], "mounted": row["mounted"],
            "registration_rate": _ratio(row["registered"], row["listed"]),
            "mounting_rate": _ratio(row["mounted"], row["registered"]),
        })
    return sorted(result, key=lambda r: r["organization"])


def _provider_resources(provider_ids: set[int]) -> dict[int, list[tuple[DataResource,
                                                                         set[str]]]]:
    by_owner: dict[int, list[tuple[DataResource, set[str]]]] = defaultdict(list)
    resources = DataResource.objects.filter(
        owner_id__in=provider_ids, status=ResourceStatus.PUBLISHED).exclude(
        share_type=ShareType.NOT_SHARED).exclude(
        list_entries__kind=ListKind.NEGATIVE).prefetch_related("fields").order_by("code")
    for resource in resources:
        by_owner[resource.owner_id].append((resource, {f.name for f in resource.fields.all()}))
    return by_owner


def _met_by(entry: ListEntry, candidates: dict[int, list[tuple[DataResource, set[str]]]]
            ) -> tuple[DataResource | None, str]:
    linked = entry.resource
    if linked is not None and linked.status == ResourceStatus.PUBLISHED:
        return linked, "link"
    wanted = set(entry.fields_wanted or [])
    if entry.provider_id is None or not wanted:
        return None, ""
    for resource, names in candidates.get(entry.provider_id, []):
        if wanted <= names:
            return resource, "fields"
    return None, ""


def demand_matching(scope: set[int] | None = None) -> list[dict[str, Any]]:
    entries = list(_scoped(ListEntry.objects.filter(kind=ListKind.DEMAND), scope)
                   .select_related("organization", "provider", "resource"))
    candidates = _provider_resources({e.provider_id for e in entries if e.provider_id})
    rows = []
    for entry in entries:
        resource, how = _met_by(entry, candidates)
        rows.append({
            "entry_uid": str(entry.uid), "organization": entry.organization.name,
            "name": entry.name, "fields_wanted": list(entry.fields_wanted or []),
            "provider": entry.provider.name if entry.provider else "",
            "met": resource is not None, "matched_by": how,
            "resource_code": resource.code if resource else "",
            "resource_name": resource.name if resource else "",
        })
    return rows


def negative_conflicts(scope: set[int] | None = None) -> list[dict[str, Any]]:
    entries = ListEntry.objects.filter(kind=ListKind.NEGATIVE, resource__isnull=False)
    if scope is not None:
        entries = entries.filter(Q(organization_id__in=scope) | Q(resource__owner_id__in=scope))
    entries = entries.select_related("organization", "resource").annotate(
        active_grants=Count("resource__grants", distinct=True,
                            filter=Q(resource__grants__status=GrantStatus.ACTIVE)),
        pending_requests=Count("resource__share_requests", distinct=True,
                               filter=Q(resource__share_requests__status=RequestStatus.PENDING)))
    rows = []
    for entry in entries:
        resource = entry.resource
        assert resource is not None
        shared = resource.share_type != ShareType.NOT_SHARED
        if not (shared or entry.active_grants or entry.pending_requests):
            continue
        rows.append({
            "entry_uid": str(entry.uid), "organization": entry.organization.name,
            "resource_code": resource.code, "resource_name": resource.name,
            "share_type": resource.share_type, "share_type_says_shared": shared,
            "active_grants": entry.active_grants,
            "pending_requests": entry.pending_requests,
        })
    return rows
