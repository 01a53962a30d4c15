"""Reads of the exchange records: "who read my data" and the call statistics."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from jingchu.identity.models import LegalEntity, Person
from jingchu.sharing.choices import CallResult, SubjectKind
from jingchu.sharing.models import ExchangeCall


def reads_of_person(person: Person) -> QuerySet[ExchangeCall]:
    """Answered calls that read this person's records, newest first. Refused calls returned
    nothing about the person and are not listed here; staff see them in the call records."""
    return (ExchangeCall.objects
            .filter(subject_kind=SubjectKind.PERSON, subject_index=person.id_number_index,
                    result=CallResult.OK)
            .select_related("consumer", "resource", "client").order_by("-at", "-id"))


def reads_of_entity(entity: LegalEntity) -> QuerySet[ExchangeCall]:
    return (ExchangeCall.objects
            .filter(subject_kind=SubjectKind.LEGAL_ENTITY, subject_index=entity.uscc.upper(),
                    result=CallResult.OK)
            .select_related("consumer", "resource", "client").order_by("-at", "-id"))


def calls_visible(orgs: set[int] | None) -> QuerySet[ExchangeCall]:
    """Call records of calls made by, or reading resources of, `orgs` (all when None)."""
    rows = ExchangeCall.objects.select_related("consumer", "resource", "client")
    if orgs is not None:
        from django.db.models import Q

        rows = rows.filter(Q(consumer_id__in=orgs) | Q(resource__owner_id__in=orgs))
    return rows.order_by("-at", "-id")


def since(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def statistics(rows: QuerySet[ExchangeCall], days: int = 30) -> dict[str, Any]:
    """Counts over the last `days`: by result, by resource, by consumer."""
    recent = rows.filter(at__gte=since(days)).order_by()
    by_result = dict(recent.values_list("result").annotate(n=Count("id")).values_list(
        "result", "n"))
    by_resource = list(recent.values("resource__code", "resource__name")
                       .annotate(n=Count("id")).order_by("-n")[:20])
    by_consumer = list(recent.values("consumer__name").annotate(n=Count("id"))
                       .order_by("-n")[:20])
    total = sum(by_result.values())
    return {"days": days, "total": total, "answered": by_result.get(CallResult.OK, 0),
            "by_result": by_result, "by_resource": by_resource, "by_consumer": by_consumer}
