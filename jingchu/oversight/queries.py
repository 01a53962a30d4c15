"""What the oversight pages and the API list: a user's assignments and issued tasks, pending
decisions, and the progress board (by status, level and organization, overdue first)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When

from jingchu.core.choices import RegionLevel
from jingchu.core.models import Region
from jingchu.oversight import permissions
from jingchu.oversight.choices import (
    LIVE_TASK,
    OPEN_ASSIGNMENT,
    AssignmentStatus,
    BoardLevel,
    ExtensionStatus,
    TaskStatus,
)
from jingchu.oversight.models import Assignment, DeadlineExtension, OversightTask

ASSIGNMENT_RELATED = ("task__issuer__region", "organization__region", "parent__organization")


def overdue_q(day: dt.date, prefix: str = "") -> Q:
    """An assignment still open, of a live task, past its deadline on `day`."""
    return Q(**{f"{prefix}status__in": OPEN_ASSIGNMENT,
                f"{prefix}task__status__in": LIVE_TASK, f"{prefix}deadline__lt": day})


def with_overdue(rows: QuerySet[Assignment], day: dt.date) -> QuerySet[Assignment]:
    return rows.annotate(is_overdue=Case(When(overdue_q(day), then=Value(True)),
                                         default=Value(False), output_field=BooleanField()))


def search(rows: QuerySet[Any], text: str, prefix: str = "") -> QuerySet[Any]:
    text = text.strip()
    if not text:
        return rows
    return rows.filter(Q(**{f"{prefix}number__icontains": text})
                       | Q(**{f"{prefix}title__icontains": text}))


# --- the home page ---------------------------------------------------------------------------


def my_assignments(user: Any, day: dt.date, status: str = "", text: str = ""
                   ) -> QuerySet[Assignment]:
    """Assignments of the user's organizations: those still to act on unless a status is
    chosen; overdue first, then by deadline."""
    rows = Assignment.objects.filter(organization_id__in=permissions.staff_org_ids(user))
    if status:
        rows = rows.filter(status=status)
    else:
        rows = rows.filter(status__in=OPEN_ASSIGNMENT, task__status__in=LIVE_TASK)
    rows = search(rows, text, "task__")
    return (with_overdue(rows, day).select_related(*ASSIGNMENT_RELATED)
            .order_by("-is_overdue", "deadline", "pk"))


def issued_by_mine(user: Any, status: str = "", text: str = "") -> QuerySet[OversightTask]:
    tasks = OversightTask.objects.filter(issuer_id__in=permissions.staff_org_ids(user))
    if status:
        tasks = tasks.filter(status=status)
    return search(tasks, text).select_related("issuer").order_by("-created_at", "-pk")


def extensions_to_decide(user: Any) -> QuerySet[DeadlineExtension]:
    mine = permissions.leader_org_ids(user)
    found = DeadlineExtension.objects.filter(status=ExtensionStatus.PENDING,
                                             assignment__task__status__in=LIVE_TASK)
    if not permissions.is_superuser(user):
        found = found.filter(
            Q(assignment__parent__isnull=True, assignment__task__issuer_id__in=mine)
            | Q(assignment__parent__organization_id__in=mine))
    return found.select_related("assignment__task", "assignment__organization").order_by(
        "requested_at", "pk")


def tasks_to_review(user: Any) -> QuerySet[OversightTask]:
    found = OversightTask.objects.filter(status=TaskStatus.REVIEW)
    if not permissions.is_superuser(user):
        found = found.filter(issuer_id__in=permissions.leader_org_ids(user))
    return found.select_related("issuer").order_by("deadline", "pk")


# --- the board -------------------------------------------------------------------------------


def level_of(region: Region) -> str:
    """The level of government of a region: a city directly administered by the province counts
    as a city, a village as its township."""
    if region.directly_administered or region.level == RegionLevel.CITY:
        return BoardLevel.CITY
    if region.level == RegionLevel.PROVINCE:
        return BoardLevel.PROVINCE
    if region.level == RegionLevel.COUNTY:
        return BoardLevel.COUNTY
    return BoardLevel.TOWNSHIP


def level_q(level: str, prefix: str = "organization__region__") -> Q:
    city = Q(**{f"{prefix}directly_administered": True}) | Q(**{f"{prefix}level":
                                                                 RegionLevel.CITY})
    if level == BoardLevel.CITY:
        return city
    if level == BoardLevel.TOWNSHIP:
        return Q(**{f"{prefix}level__in": [RegionLevel.TOWNSHIP, RegionLevel.VILLAGE]})
    return Q(**{f"{prefix}level": level}) & ~city


def board_assignments(user: Any) -> QuerySet[Assignment]:
    """Every live (not withdrawn) assignment of the tasks on the user's board."""
    return (Assignment.objects.filter(task__in=permissions.board_tasks(user))
            .exclude(status=AssignmentStatus.WITHDRAWN))


def board_rows(user: Any, day: dt.date, *, status: str = "", level: str = "",
               organization: uuid.UUID | None = None, overdue: bool = False,
               text: str = "") -> QuerySet[Assignment]:
    """The board's table: one row per assignment, overdue first, then by deadline."""
    rows = board_assignments(user)
    if status:
        rows = rows.filter(task__status=status)
    if level:
        rows = rows.filter(level_q(level))
    if organization is not None:
        rows = rows.filter(organization__uid=organization)
    if overdue:
        rows = rows.filter(overdue_q(day))
    rows = search(rows, text, "task__")
    return (with_overdue(rows, day).select_related(*ASSIGNMENT_RELATED)
            .order_by("-is_overdue", "deadline", "task__number", "pk"))


def board_counts(user: Any, day: dt.date, top: int = 15) -> dict[str, Any]:
    """Counts for the board's head: tasks by status; assignments by level and by organization
    (total, open, overdue), the organizations with most overdue first."""
    tasks = permissions.board_tasks(user)
    by_status = {row["status"]: row["n"] for row in
                 tasks.values("status").annotate(n=Count("pk")).order_by()}
    rows = board_assignments(user)
    counted = {"total": Count("pk"), "open": Count("pk", filter=Q(status__in=OPEN_ASSIGNMENT)),
               "overdue": Count("pk", filter=overdue_q(day))}
    levels = {level: {"total": 0, "open": 0, "overdue": 0} for level in BoardLevel.values}
    for row in (rows.values("organization__region__level",
                            "organization__region__directly_administered")
                .annotate(**counted).order_by()):
        region = Region(level=row["organization__region__level"],
                        directly_administered=row["organization__region__directly_administered"])
        for key in ("total", "open", "overdue"):
            levels[level_of(region)][key] += row[key]
    organizations = list(rows.values("organization__uid", "organization__name")
                         .annotate(**counted)
                         .order_by("-overdue", "-open", "organization__name")[:top])
    return {
        "by_status": [(value, label, by_status.get(value, 0))
                      for value, label in TaskStatus.choices],
        "by_level": [(value, label, levels[value]) for value, label in BoardLevel.choices],
        "by_organization": organizations,
        "tasks": sum(by_status.values()),
    }
