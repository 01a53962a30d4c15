"""Reading the directories and credit for the pages and the API (no writes here)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from jingchu.core.errors import ActionError, NotFound
from jingchu.core.identifiers import IdentifierError, validate_uscc
from jingchu.core.models import Organization, Region
from jingchu.identity.models import LegalEntity
from jingchu.identity.permissions import org_ids
from jingchu.supervision import credit
from jingchu.supervision.models import (
    CreditGrade,
    CreditRecord,
    Inspection,
    Inspector,
    RegulatoryItem,
    SupervisedEntity,
)

HISTORY_LIMIT = 20
RECENT_LIMIT = 50


def parse_uid(raw: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw).strip())
    except ValueError:
        return None


def organization(raw: Any, field: str = "organization") -> Organization:
    """An active organization by uid; refused (naming `field`) when unknown."""
    uid = parse_uid(raw)
    found = Organization.objects.filter(uid=uid, is_active=True).first() if uid else None
    if found is None:
        raise ActionError(f"{field}_invalid", _("No such organization."), {"field": field})
    return found


def legal_entity(raw: Any, field: str = "uscc") -> LegalEntity:
    """The registered legal entity with this unified social credit code."""
    try:
        code = validate_uscc(str(raw or ""))
    except IdentifierError as exc:
        raise ActionError(exc.code, exc.message, {"field": field}) from None
    found = LegalEntity.objects.filter(uscc=code).first()
    if found is None:
        raise ActionError("legal_entity_unknown",
                          _("No registered legal entity has this credit code."),
                          {"field": field})
    return found


# --- departments ----------------------------------------------------------------------------


def my_departments(user: Any) -> QuerySet[Organization]:
    """The organizations the user works in (every active one for a superuser)."""
    orgs = Organization.objects.filter(is_active=True)
    if getattr(user, "is_superuser", False):
        return orgs.filter(Q(regulatory_items__isnull=False) | Q(inspectors__isnull=False)
                           | Q(pk__in=org_ids(user))).distinct()
    return orgs.filter(pk__in=org_ids(user))


def department_choice(user: Any, raw: Any) -> Organization | None:
    """The department a page is about: the one asked for (any active one: the lists are
    readable by every staff member), else the user's first."""
    uid = parse_uid(raw) if raw else None
    if uid is not None:
        found = Organization.objects.filter(uid=uid, is_active=True).first()
        if found is not None:
            return found
    return my_departments(user).order_by("region__code", "name").first()


def departments_to_choose(user: Any) -> QuerySet[Organization]:
    """The departments a list page offers: those with regulatory items or inspectors, and the
    user's own."""
    ids = (set(RegulatoryItem.objects.values_list("organization_id", flat=True))
           | set(Inspector.objects.values_list("organization_id", flat=True))
           | set(my_departments(user).values_list("pk", flat=True)))
    return Organization.objects.filter(pk__in=ids, is_active=True).order_by("region__code",
                                                                            "name")


# --- entities -------------------------------------------------------------------------------


def with_grades(entities: QuerySet[SupervisedEntity]) -> QuerySet[SupervisedEntity]:
    current = CreditGrade.objects.filter(legal_entity=OuterRef("legal_entity"), is_current=True)
    return entities.annotate(current_grade=Subquery(current.values("grade")[:1]),
                             current_score=Subquery(current.values("score")[:1]))


def entity_directory(*, q: str = "", industry: str = "", region: Region | None = None,
                     grade: str = "", active_only: bool = True) -> QuerySet[SupervisedEntity]:
    """The directory filtered: `q` a part of the name or the start of the credit code, the
    industry, the region (and below), the current grade (B includes entities never graded)."""
    found = SupervisedEntity.objects.select_related("legal_entity", "region")
    if active_only:
        found = found.filter(is_active=True)
    text = q.strip()
    if text:
        found = found.filter(Q(legal_entity__name__icontains=text)
                             | Q(legal_entity__uscc__startswith=text.upper()))
    if industry:
        found = found.filter(industry=industry)
    if region is not None:
        found = found.filter(Q(region=region) | Q(region__path__startswith=region.path + "/"))
    found = with_grades(found)
    if grade:
        wanted = Q(current_grade=grade)
        if grade == credit.DEFAULT_GRADE:
            wanted |= Q(current_grade__isnull=True)
        found = found.filter(wanted)
    return found.order_by("legal_entity__name", "pk")


def entity_page_subject(raw: Any) -> tuple[LegalEntity, SupervisedEntity | None]:
    """The legal entity a page is about, by the uid of its directory entry or its own uid."""
    uid = parse_uid(raw)
    if uid is not None:
        entry = SupervisedEntity.objects.select_related("legal_entity", "region").filter(
            uid=uid).first()
        if entry is not None:
            return entry.legal_entity, entry
        found = LegalEntity.objects.select_related("region").filter(uid=uid).first()
        if found is not None:
            return found, SupervisedEntity.objects.filter(legal_entity=found).first()
    raise NotFound(_("No such entity."))


def grade_history(entity: LegalEntity) -> list[CreditGrade]:
    return list(CreditGrade.objects.filter(legal_entity=entity)
                .order_by("-computed_at", "-pk")[:HISTORY_LIMIT])


def inspections_of(entity: LegalEntity) -> list[Inspection]:
    return list(Inspection.objects.filter(legal_entity=entity).select_related("plan")
                .order_by("-number")[:RECENT_LIMIT])


def records_of(entity: LegalEntity) -> list[CreditRecord]:
    return list(CreditRecord.objects.filter(legal_entity=entity)
                .select_related("organization", "legal_entity")[:RECENT_LIMIT])


# --- items and inspectors -------------------------------------------------------------------


def items_of(department: Organization | None, *, active_only: bool = False,
             ) -> QuerySet[RegulatoryItem]:
    found = RegulatoryItem.objects.select_related("organization")
    if department is not None:
        found = found.filter(organization=department)
    return found.filter(is_active=True) if active_only else found


def inspectors_of(department: Organization | None) -> QuerySet[Inspector]:
    found = Inspector.objects.select_related("staff", "organization")
    if department is not None:
        found = found.filter(organization=department)
    return found.order_by("-is_active", "certificate_number")


def regions_for_filter() -> QuerySet[Region]:
    """Hubei's cities and county-level divisions."""
    return Region.objects.filter(level__in=["province", "city", "county"],
                                 is_statistical=False).order_by("code")
