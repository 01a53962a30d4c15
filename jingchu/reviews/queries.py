"""Read-side helpers shared by the pages and the API (no writes here)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from jingchu.cases.models import Case
from jingchu.reviews import permissions
from jingchu.reviews.actions import event_reached
from jingchu.reviews.choices import AppealStatus, RectificationStatus, ServiceEvent
from jingchu.reviews.models import Appeal, Rectification, Review


def by_uid(model: Any, raw: Any, queryset: QuerySet[Any] | None = None) -> Any:
    """The object with this uid, or 404; a malformed uid is a 404 too, never a 500."""
    try:
        uid = uuid.UUID(str(raw))
    except ValueError:
        raise Http404 from None
    return get_object_or_404(queryset if queryset is not None else model.objects, uid=uid)


def rateable_events(case: Case, person: Any) -> list[tuple[str, Any]]:
    """The steps of the case this person may still rate."""
    done = set(Review.objects.filter(case=case, rater=person).values_list("event", flat=True))
    return [(value, label) for value, label in ServiceEvent.choices
            if value not in done and event_reached(case, value)]


def reviews_detailed() -> QuerySet[Review]:
    return Review.objects.select_related(
        "case", "organization", "item__current_version", "rectification", "appeal",
        "recorded_by",
    ).prefetch_related("scores")


def my_reviews(person: Any) -> QuerySet[Review]:
    return reviews_detailed().filter(rater=person)


def queue(user: Any, state: str) -> QuerySet[Rectification]:
    """Rectifications of the organizations the user handles; `active` hides closed ones."""
    orgs = permissions.org_ids(user, permissions.HANDLER_ROLES)
    qs = Rectification.objects.filter(organization_id__in=orgs).select_related(
        "organization", "review__case", "review__item__current_version", "review__appeal")
    if state == "active":
        qs = qs.exclude(status=RectificationStatus.CLOSED)
    elif state in RectificationStatus.values:
        qs = qs.filter(status=state)
    return qs.order_by("deadline", "opened_at")


def pending_appeals(user: Any) -> QuerySet[Appeal]:
    orgs = permissions.org_ids(user, permissions.DECIDER_ROLES)
    return Appeal.objects.filter(review__organization_id__in=orgs,
                                 status=AppealStatus.PENDING).select_related(
        "review__organization", "review__case", "filed_by").order_by("filed_at")
