"""Read-only queries of data sharing: lookups by uid or code, the catalog search, the lists a
steward sees, and `on_negative_list`, the check the gateway calls on every request."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from jingchu.core.errors import NotFound
from jingchu.core.models import Organization
from jingchu.sharing import permissions
from jingchu.sharing.choices import ListKind, RequestStatus, ResourceStatus
from jingchu.sharing.models import (
    DataResource,
    ErrorReport,
    Grant,
    ListEntry,
    ShareRequest,
)

M = TypeVar("M", bound=Model)


def on_negative_list(resource: DataResource | int) -> bool:
    """True when any organization's negative list names the resource (a resource or its id):
    it is never shared."""
    return ListEntry.objects.filter(kind=ListKind.NEGATIVE, resource=resource).exists()


def _one(queryset: QuerySet[M], **lookup: Any) -> M:
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise NotFound(_("Not found."))
    return obj


def _uid(raw: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        raise NotFound(_("Not found.")) from None


def resource_by_code(code: str) -> DataResource:
    return _one(DataResource.objects.select_related("owner"), code=str(code).upper())


def organization_by_ref(ref: Any) -> Organization:
    """An organization by its uid or its credit code."""
    text = str(ref or "").strip()
    if len(text) == 18:
        return _one(Organization.objects.all(), uscc=text.upper())
    return _one(Organization.objects.all(), uid=_uid(text))


def entry_by_uid(uid: Any) -> ListEntry:
    return _one(ListEntry.objects.select_related("organization", "provider", "resource"),
                uid=_uid(uid))


def request_by_uid(uid: Any) -> ShareRequest:
    return _one(ShareRequest.objects.select_related("consumer", "resource__owner"),
                uid=_uid(uid))


def grant_by_uid(uid: Any) -> Grant:
    return _one(Grant.objects.select_related("consumer", "resource__owner", "request"),
                uid=_uid(uid))


def error_report_by_uid(uid: Any) -> ErrorReport:
    return _one(ErrorReport.objects.select_related("reporter", "resource__owner"), uid=_uid(uid))


def field_names(resource: DataResource) -> list[str]:
    return list(resource.fields.order_by("position", "id").values_list("name", flat=True))


# --- the catalog ------------------------------------------------------------------------------


def catalog(user: Any, *, text: str = "", owner: Organization | None = None,
            share_type: str = "", open_type: str = "", mounted: bool | None = None,
            status: str = "") -> QuerySet[DataResource]:
    """Resources the user may see, searched by name, code, description and field names or
    labels, and filtered."""
    qs = DataResource.objects.select_related("owner")
    if not permissions.is_province_steward(user):
        qs = qs.filter(Q(status=ResourceStatus.PUBLISHED)
                       | Q(owner_id__in=permissions.steward_org_ids(user)))
    if text.strip():
        t = text.strip()
        qs = qs.filter(Q(name__icontains=t) | Q(code__icontains=t) | Q(description__icontains=t)
                       | Q(fields__name__icontains=t) | Q(fields__label__icontains=t)).distinct()
    if owner is not None:
        qs = qs.filter(owner=owner)
    if share_type:
        qs = qs.filter(share_type=share_type)
    if open_type:
        qs = qs.filter(open_type=open_type)
    if status:
        qs = qs.filter(status=status)
    if mounted is True:
        qs = qs.exclude(mount_kind="")
    elif mounted is False:
        qs = qs.filter(mount_kind="")
    return qs.order_by("code")


def owners() -> QuerySet[Organization]:
    return Organization.objects.filter(data_resources__isnull=False).distinct().order_by("name")


# --- lists of a steward -----------------------------------------------------------------------


def list_entries(organization: Organization, kind: str = "") -> QuerySet[ListEntry]:
    qs = ListEntry.objects.filter(organization=organization).select_related(
        "provider", "resource")
    return qs.filter(kind=kind) if kind else qs


def requests_made(user: Any) -> QuerySet[ShareRequest]:
    """Requests of the organizations where the user is a steward (as consumer)."""
    return ShareRequest.objects.filter(
        consumer_id__in=permissions.steward_org_ids(user)).select_related(
        "consumer", "resource__owner")


def requests_received(user: Any) -> QuerySet[ShareRequest]:
    """Requests for the resources of the user's organizations (every one for the province)."""
    qs = ShareRequest.objects.select_related("consumer", "resource__owner")
    scope = permissions.visible_org_ids(user)
    return qs if scope is None else qs.filter(resource__owner_id__in=scope)


def overdue_requests(user: Any, today: dt.date) -> QuerySet[ShareRequest]:
    """Pending requests past their review deadline, for the owner to see first."""
    return requests_received(user).filter(
        status=RequestStatus.PENDING, review_deadline__lt=today).order_by("review_deadline")


def pending_due_by(day: dt.date) -> QuerySet[ShareRequest]:
    """Pending requests whose review is due on or before `day` (overdue ones included)."""
    return ShareRequest.objects.filter(
        status=RequestStatus.PENDING, review_deadline__isnull=False,
        review_deadline__lte=day).select_related("consumer", "resource__owner")


def grants_held(user: Any) -> QuerySet[Grant]:
    """"My grants": grants to the user's organizations."""
    return Grant.objects.filter(consumer_id__in=permissions.steward_org_ids(user)).select_related(
        "consumer", "resource__owner")


def grants_given(user: Any) -> QuerySet[Grant]:
    """Grants on the resources of the user's organizations (every one for the province)."""
    qs = Grant.objects.select_related("consumer", "resource__owner")
    scope = permissions.visible_org_ids(user)
    return qs if scope is None else qs.filter(resource__owner_id__in=scope)


def error_reports(user: Any) -> QuerySet[ErrorReport]:
    """Reports the user's organizations made or received."""
    qs = ErrorReport.objects.select_related("reporter", "resource__owner")
    scope = permissions.visible_org_ids(user)
    if scope is None:
        return qs
    return qs.filter(Q(reporter_id__in=scope) | Q(resource__owner_id__in=scope))
