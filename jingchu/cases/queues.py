"""Read-side queries of the workbench: which cases a staff member's queues hold, filtered and
sorted. Writes nothing; the permission rules are those of `permissions`, expressed as queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.http import QueryDict

from jingchu.cases import clock, permissions
from jingchu.cases.choices import CaseStatus, SlaState
from jingchu.cases.models import Case
from jingchu.identity.choices import StaffRole
from jingchu.services.models import ItemImplementation, ServiceItem

SORTS = {
    "deadline": (F("deadline").asc(nulls_last=True), "submitted_at", "pk"),
    "submitted": (F("submitted_at").asc(nulls_last=True), "pk"),
    "-submitted": (F("submitted_at").desc(nulls_last=True), "-pk"),
}


def scope(user: Any) -> Q:
    """Every case on this user's workbench (an empty match for non-staff).

    Clerks: cases waiting for intake they may accept (全省通办 ones from anywhere), and cases
    accepted at, or handled by, their own organizations. Reviewers and approvers: the cases
    their organizations handle.
    """
    q = Q(pk__in=[])
    clerk_orgs = permissions.staff_orgs(user, StaffRole.WINDOW_CLERK)
    if clerk_orgs:
        acceptable = Q(pk__in=[])
        for org in clerk_orgs:
            acceptable |= permissions.acceptable_implementations(org)
        intake = Q(accepted_at__isnull=True, status__in=permissions.INTAKE_STATUSES,
                   implementation__in=ItemImplementation.objects.filter(acceptable))
        intake &= Q(accepting_org__isnull=True) | Q(accepting_org__in=clerk_orgs)
        q |= intake | Q(accepting_org__in=clerk_orgs) | Q(handling_org__in=clerk_orgs)
    handling = [o for role in (StaffRole.REVIEWER, StaffRole.APPROVER)
                for o in permissions.staff_orgs(user, role)]
    if handling:
        q |= Q(handling_org__in=handling)
    return q & ~Q(status=CaseStatus.DRAFT)


@dataclass(frozen=True)
class Filters:
    status: str = ""
    item: str = ""
    number: str = ""
    sla: str = ""
    mine: bool = False
    sort: str = "deadline"

    @classmethod
    def from_params(cls, params: QueryDict) -> Filters:
        """Unknown values are dropped rather than refused: a filter link never errors."""
        status = params.get("status", "")
        sla = params.get("sla", "")
        sort = params.get("sort", "deadline")
        return cls(
            status=status if status in CaseStatus.values else "",
            item=params.get("item", "").strip()[:20],
            number=params.get("q", "").strip()[:30],
            sla=sla if sla in SlaState.values else "",
            mine=params.get("mine") == "1",
            sort=sort if sort in SORTS else "deadline",
        )


def in_scope(user: Any) -> QuerySet[Case]:
    return Case.objects.filter(scope(user))


def search(user: Any, f: Filters, today: dt.date) -> QuerySet[Case]:
    cases = in_scope(user).select_related("item", "version", "applicant", "claimed_by__user",
                                          "handling_org", "accepting_org")
    if f.status:
        cases = cases.filter(status=f.status)
    if f.item:
        cases = cases.filter(item__code=f.item)
    if f.number:
        cases = cases.filter(number__icontains=f.number)
    if f.sla:
        cases = cases.filter(clock.sla_q(f.sla, today))
    if f.mine:
        cases = cases.filter(claimed_by__user=user)
    return cases.order_by(*SORTS[f.sort])


def overdue(user: Any, today: dt.date) -> QuerySet[Case]:
    return search(user, Filters(sla=SlaState.OVERDUE), today)


def status_counts(user: Any) -> dict[str, int]:
    rows = in_scope(user).values("status").annotate(n=Count("pk")).order_by()
    return {row["status"]: row["n"] for row in rows}


def items_in_scope(user: Any) -> QuerySet[ServiceItem]:
    ids = in_scope(user).values("item_id")
    return ServiceItem.objects.filter(pk__in=ids).select_related("current_version").order_by(
        "code")


def row(case: Case, today: dt.date) -> dict[str, Any]:
    """What a workbench line shows of a case."""
    state = clock.sla_state(case, today)
    left = clock.working_days_left(case, today)
    return {"case": case, "sla": state, "sla_label": SlaState(state).label,
            "days_left": left, "days_late": -left if left is not None and left < 0 else 0}
