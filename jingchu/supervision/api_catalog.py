"""The directories and credit under /api/v1/supervision/: regulatory items (by code), supervised
entities (by unified social credit code), inspectors (by certificate number) and their
conflicts, sampling rules, credit records, the declared credit rules, and recomputing grades.
Thin wrappers of jingchu.supervision.actions; every endpoint names its permission first (403
for outsiders), bad input is 4xx in the API's error shape."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.security import django_auth

from jingchu.core.errors import ActionError, NotFound, NotPermitted
from jingchu.core.models import Organization, Region
from jingchu.identity.models import Staff
from jingchu.licenses.holders import licences_in_force
from jingchu.supervision import credit, permissions
from jingchu.supervision import queries_catalog as queries
from jingchu.supervision.actions import catalog
from jingchu.supervision.actions import credit as credit_actions
from jingchu.supervision.choices import CreditRecordKind, Grade, Industry
from jingchu.supervision.models import (
    ConflictDeclaration,
    CreditBand,
    CreditGrade,
    CreditRecord,
    CreditRule,
    Inspector,
    RegulatoryItem,
    SamplingRule,
    SupervisedEntity,
)
from jingchu.supervision.schemas_catalog import (
    ComputeIn,
    ComputeOut,
    ConflictIn,
    ConflictOut,
    CreditBandOut,
    CreditRecordIn,
    CreditRecordOut,
    CreditRuleOut,
    CreditRulesOut,
    EndRecordIn,
    EntityDetailOut,
    EntityIn,
    EntityOut,
    EntityPage,
    EntityUpdateIn,
    GradeOut,
    InspectionBriefOut,
    InspectorIn,
    InspectorOut,
    InspectorUpdateIn,
    ItemIn,
    ItemOut,
    ItemUpdateIn,
    LicenceOut,
    SamplingRuleIn,
    SamplingRuleOut,
    SupervisionOrgOut,
    SupervisionRegionOut,
    WithdrawIn,
)

router = Router(tags=["supervision"])
PAGE_SIZE = 50


def require(allowed: bool) -> None:
    if not allowed:
        raise NotPermitted(_("You may not do this."))


def _org(org: Organization) -> SupervisionOrgOut:
    return SupervisionOrgOut(uid=str(org.uid), name=org.name)


# --- regulatory items ---------------------------------------------------------------------


def item_out(item: RegulatoryItem) -> ItemOut:
    return ItemOut(code=item.code, organization=_org(item.organization), name=item.name,
                   legal_basis=item.legal_basis, method=item.method, is_key=item.is_key,
                   industries=list(item.industries), is_active=item.is_active)


def _item(code: str) -> RegulatoryItem:
    found = RegulatoryItem.objects.select_related("organization").filter(code=code).first()
    if found is None:
        raise NotFound(_("No such regulatory item."), {"code": code})
    return found


@router.get("/items", response=list[ItemOut], auth=django_auth)
def list_items(request: HttpRequest, organization: str = "",
               active: bool = False) -> list[ItemOut]:
    """The regulatory items (of one department by uid; only active ones with active=true)."""
    require(permissions.can_view_directory(request.user))
    department = queries.organization(organization) if organization else None
    return [item_out(i) for i in queries.items_of(department, active_only=active)]


@router.post("/items", response={201: ItemOut}, auth=django_auth)
def create_item(request: HttpRequest, body: ItemIn) -> Status[ItemOut]:
    """Add an item to a department's list (its leaders)."""
    department = queries.organization(body.organization)
    require(permissions.can_manage_items(request.user, department))
    item = catalog.do_create_item(
        request.user, organization=department, code=body.code, name=body.name,
        legal_basis=body.legal_basis, method=body.method, is_key=body.is_key,
        industries=body.industries)
    return Status(201, item_out(item))


@router.put("/items/{code}", response=ItemOut, auth=django_auth)
def update_item(request: HttpRequest, code: str, body: ItemUpdateIn) -> ItemOut:
    """Change an item, or deactivate it (is_active=false) (the department's leaders)."""
    item = _item(code)
    require(permissions.can_manage_items(request.user, item.organization))
    item = catalog.do_update_item(request.user, item, name=body.name,
                                  legal_basis=body.legal_basis, method=body.method,
                                  is_key=body.is_key, industries=body.industries)
    return item_out(catalog.do_set_item_active(request.user, item, active=body.is_active))


# --- entities -----------------------------------------------------------------------------


def _grade_out(g: CreditGrade) -> GradeOut:
    return GradeOut(grade=g.grade, score=g.score, computed_at=g.computed_at,
                    explanation=list(g.explanation))


def entity_out(e: SupervisedEntity, grade: str | None = None,
               score: int | None = None) -> EntityOut:
    current = grade or getattr(e, "current_grade", None) or credit.DEFAULT_GRADE
    return EntityOut(uscc=e.legal_entity.uscc, name=e.legal_entity.name, industry=e.industry,
                     region=SupervisionRegionOut(code=e.region.code, name=e.region.name),
                     is_active=e.is_active, grade=str(current),
                     score=score if score is not None else getattr(e, "current_score", None))


def record_out(r: CreditRecord) -> CreditRecordOut:
    return CreditRecordOut(uid=str(r.uid), uscc=r.legal_entity.uscc,
                           entity_name=r.legal_entity.name, kind=r.kind,
                           organization=_org(r.organization), reference=r.reference,
                           summary=r.summary, decided_on=r.decided_on, ended_on=r.ended_on,
                           created_at=r.created_at)


class EntityQuery(Schema):
    q: str = ""
    industry: str = ""
    region: str = ""
    grade: str = ""
    page: int = 1


def _check_entity_query(query: EntityQuery) -> Region | None:
    if query.industry and query.industry not in Industry.values:
        raise ActionError("industry_invalid", _("Unknown industry."), {"field": "industry"})
    if query.grade and query.grade not in Grade.values:
        raise ActionError("grade_invalid", _("Unknown credit grade."), {"field": "grade"})
    if not query.region:
        return None
    region = Region.objects.filter(code=query.region).first()
    if region is None:
        raise ActionError("region_invalid", _("Unknown region."), {"field": "region"})
    return region


@router.get("/entities", response=EntityPage, auth=django_auth)
def list_entities(request: HttpRequest, query: Query[EntityQuery]) -> EntityPage:
    """The directory of supervised entities: search by name or credit code, filter by
    industry, region (code, and below) and current grade; 50 a page."""
    require(permissions.can_view_directory(request.user))
    require(not query.grade or permissions.can_view_credit(request.user))
    region = _check_entity_query(query)
    found = queries.entity_directory(q=query.q[:100], industry=query.industry, region=region,
                                     grade=query.grade)
    pages = Paginator(found, PAGE_SIZE)
    current = pages.get_page(query.page)
    return EntityPage(count=pages.count, page=current.number, pages=pages.num_pages,
                      items=[entity_out(e) for e in current])


def _entry(uscc: str) -> SupervisedEntity:
    legal = queries.legal_entity(uscc)
    found = (SupervisedEntity.objects.select_related("legal_entity", "region")
             .filter(legal_entity=legal).first())
    if found is None:
        raise NotFound(_("This entity is not in the directory."), {"uscc": legal.uscc})
    return found


@router.post("/entities", response={201: EntityOut}, auth=django_auth)
def register_entity(request: HttpRequest, body: EntityIn) -> Status[EntityOut]:
    """Put a registered legal entity in the directory (leaders of a regulating department)."""
    require(permissions.can_manage_entities(request.user))
    entry = catalog.do_register_entity(request.user, legal_entity=queries.legal_entity(
        body.uscc), industry=body.industry)
    return Status(201, entity_out(_entry(entry.legal_entity.uscc)))


@router.get("/entities/{uscc}", response=EntityDetailOut, auth=django_auth)
def get_entity(request: HttpRequest, uscc: str) -> EntityDetailOut:
    """One entity: its current grade with the explanation, the grade history, the licences
    in force it holds, its inspections and credit records."""
    require(permissions.can_view_credit(request.user))
    entry = _entry(uscc)
    legal = entry.legal_entity
    history = queries.grade_history(legal)
    current = next((g for g in history if g.is_current), None)
    base = entity_out(entry, current.grade if current else None,
                      current.score if current else None)
    return EntityDetailOut(
        **base.dict(), current=_grade_out(current) if current else None,
        history=[_grade_out(g) for g in history],
        licences=[LicenceOut(identifier=h.identifier, type_name=h.type_name, number=h.number,
                             issuer=h.issuer_name, valid_from=h.valid_from,
                             valid_until=h.valid_until) for h in licences_in_force(legal)],
        inspections=[InspectionBriefOut(number=i.number, plan=i.plan.number, status=i.status,
                                        outcome=i.outcome, ended_on=i.ended_on)
                     for i in queries.inspections_of(legal)],
        credit_records=[record_out(r) for r in queries.records_of(legal)])


@router.put("/entities/{uscc}", response=EntityOut, auth=django_auth)
def update_entity(request: HttpRequest, uscc: str, body: EntityUpdateIn) -> EntityOut:
    """Change an entity's industry, or take it off the directory (is_active=false)."""
    require(permissions.can_manage_entities(request.user))
    entry = catalog.do_update_entity(request.user, _entry(uscc), industry=body.industry,
                                     is_active=body.is_active)
    return entity_out(_entry(entry.legal_entity.uscc))


# --- inspectors and conflicts -------------------------------------------------------------


def conflict_out(c: ConflictDeclaration) -> ConflictOut:
    return ConflictOut(uid=str(c.uid), uscc=c.legal_entity.uscc,
                       entity_name=c.legal_entity.name, relation=c.relation, note=c.note,
                       declared_at=c.declared_at, withdrawn_at=c.withdrawn_at)


def inspector_out(i: Inspector) -> InspectorOut:
    conflicts = i.conflicts.select_related("legal_entity").order_by("-declared_at")
    return InspectorOut(certificate_number=i.certificate_number, name=i.staff.name,
                        organization=_org(i.organization), qualified_until=i.qualified_until,
                        is_active=i.is_active, conflicts=[conflict_out(c) for c in conflicts])


def _inspector(certificate: str) -> Inspector:
    found = (Inspector.objects.select_related("staff", "organization")
             .filter(certificate_number=certificate).first())
    if found is None:
        raise NotFound(_("No such inspector."), {"certificate_number": certificate})
    return found


@router.get("/inspectors", response=list[InspectorOut], auth=django_auth)
def list_inspectors(request: HttpRequest, organization: str = "") -> list[InspectorOut]:
    """The inspector directory (of one department by uid) with their declared conflicts."""
    require(permissions.can_view_directory(request.user))
    department = queries.organization(organization) if organization else None
    return [inspector_out(i) for i in queries.inspectors_of(department)]


@router.post("/inspectors", response={201: InspectorOut}, auth=django_auth)
def register_inspector(request: HttpRequest, body: InspectorIn) -> Status[InspectorOut]:
    """Enter a staff member of the department as an inspector (the department's leaders)."""
    department = queries.organization(body.organization)
    require(permissions.can_manage_items(request.user, department))
    uid = queries.parse_uid(body.staff)
    staff = Staff.objects.filter(uid=uid).first() if uid else None
    if staff is None:
        raise ActionError("staff_invalid", _("No such staff member."), {"field": "staff"})
    made = catalog.do_register_inspector(request.user, staff=staff, organization=department,
                                         certificate_number=body.certificate_number,
                                         qualified_until=body.qualified_until)
    return Status(201, inspector_out(_inspector(made.certificate_number)))


@router.put("/inspectors/{certificate}", response=InspectorOut, auth=django_auth)
def update_inspector(request: HttpRequest, certificate: str,
                     body: InspectorUpdateIn) -> InspectorOut:
    """Renew the certificate or qualification, or take the inspector off (is_active=false)."""
    inspector = _inspector(certificate)
    require(permissions.can_manage_items(request.user, inspector.organization))
    done = catalog.do_update_inspector(request.user, inspector,
                                       certificate_number=body.certificate_number,
                                       qualified_until=body.qualified_until,
                                       is_active=body.is_active)
    return inspector_out(_inspector(done.certificate_number))


@router.post("/inspectors/{certificate}/conflicts", response={201: ConflictOut},
             auth=django_auth)
def declare_conflict(request: HttpRequest, certificate: str,
                     body: ConflictIn) -> Status[ConflictOut]:
    """回避: the inspector (or a leader of their department) declares a relation to an entity."""
    inspector = _inspector(certificate)
    require(permissions.can_declare_conflict(request.user, inspector))
    made = catalog.do_declare_conflict(request.user, inspector=inspector,
                                       legal_entity=queries.legal_entity(body.uscc),
                                       relation=body.relation, note=body.note)
    return Status(201, conflict_out(made))


@router.post("/conflicts/{uid}/withdraw", response=ConflictOut, auth=django_auth)
def withdraw_conflict(request: HttpRequest, uid: str, body: WithdrawIn) -> ConflictOut:
    """Withdraw a declaration that no longer holds (a leader of the inspector's department)."""
    key = queries.parse_uid(uid)
    found = (ConflictDeclaration.objects.select_related("inspector__organization",
                                                        "legal_entity")
             .filter(uid=key).first() if key else None)
    if found is None:
        raise NotFound(_("No such declaration."), {"uid": uid})
    require(permissions.can_manage_items(request.user, found.inspector.organization))
    return conflict_out(catalog.do_withdraw_conflict(request.user, found, reason=body.reason))


# --- sampling rules -----------------------------------------------------------------------


def rule_out(r: SamplingRule) -> SamplingRuleOut:
    return SamplingRuleOut(organization=_org(r.organization), grade=r.grade,
                           factor=str(r.factor),
                           cap_percent=str(r.cap_percent) if r.cap_percent is not None
                           else None, frequency_per_year=str(r.frequency_per_year))


@router.get("/sampling-rules", response=list[SamplingRuleOut], auth=django_auth)
def list_sampling_rules(request: HttpRequest, organization: str = "") -> list[SamplingRuleOut]:
    """抽查细则: each department's factor, upper limit and frequency per credit grade."""
    require(permissions.can_view_directory(request.user))
    found = SamplingRule.objects.select_related("organization")
    if organization:
        found = found.filter(organization=queries.organization(organization))
    return [rule_out(r) for r in found]


@router.put("/sampling-rules/{organization}/{grade}", response=SamplingRuleOut,
            auth=django_auth)
def set_sampling_rule(request: HttpRequest, organization: str, grade: str,
                      body: SamplingRuleIn) -> SamplingRuleOut:
    """Set the department's rule for one grade (its leaders)."""
    department = queries.organization(organization)
    require(permissions.can_manage_items(request.user, department))
    return rule_out(catalog.do_set_sampling_rule(
        request.user, organization=department, grade=grade, factor=body.factor,
        cap_percent=body.cap_percent, frequency_per_year=body.frequency_per_year))


# --- credit -------------------------------------------------------------------------------


class RecordQuery(Schema):
    kind: str = ""
    uscc: str = ""
    organization: str = ""
    page: int = 1


class RecordPage(Schema):
    count: int
    page: int
    pages: int
    items: list[CreditRecordOut]


@router.get("/credit-records", response=RecordPage, auth=django_auth)
def list_credit_records(request: HttpRequest, query: Query[RecordQuery]) -> RecordPage:
    """Penalties and abnormal-operations listings recorded, newest decision first."""
    require(permissions.can_view_credit(request.user))
    found = CreditRecord.objects.select_related("legal_entity", "organization")
    if query.kind:
        if query.kind not in CreditRecordKind.values:
            raise ActionError("kind_invalid", _("Unknown kind of credit event."),
                              {"field": "kind"})
        found = found.filter(kind=query.kind)
    if query.uscc:
        found = found.filter(legal_entity=queries.legal_entity(query.uscc))
    if query.organization:
        found = found.filter(organization=queries.organization(query.organization))
    pages = Paginator(found, PAGE_SIZE)
    current = pages.get_page(query.page)
    return RecordPage(count=pages.count, page=current.number, pages=pages.num_pages,
                      items=[record_out(r) for r in current])


@router.post("/credit-records", response={201: CreditRecordOut}, auth=django_auth)
def record_credit_event(request: HttpRequest, body: CreditRecordIn) -> Status[CreditRecordOut]:
    """Record a penalty decision or an abnormal-operations listing in a department's name
    (its reviewers, approvers and administrators); the entity's grade is recomputed."""
    department = queries.organization(body.organization)
    require(permissions.can_record_credit(request.user, department))
    made = credit_actions.do_record_credit_event(
        request.user, legal_entity=queries.legal_entity(body.uscc), kind=body.kind,
        organization=department, reference=body.reference, summary=body.summary,
        decided_on=body.decided_on, ended_on=body.ended_on)
    return Status(201, record_out(made))


@router.post("/credit-records/{uid}/end", response=CreditRecordOut, auth=django_auth)
def end_credit_record(request: HttpRequest, uid: str, body: EndRecordIn) -> CreditRecordOut:
    """The listing or the penalty's publicity ended (信用修复): it no longer counts."""
    key = queries.parse_uid(uid)
    found = (CreditRecord.objects.select_related("legal_entity", "organization")
             .filter(uid=key).first() if key else None)
    if found is None:
        raise NotFound(_("No such credit record."), {"uid": uid})
    require(permissions.can_record_credit(request.user, found.organization))
    done = credit_actions.do_end_credit_record(request.user, found, ended_on=body.ended_on)
    return record_out(done)


@router.get("/credit-rules", response=CreditRulesOut, auth=django_auth)
def credit_rules(request: HttpRequest) -> CreditRulesOut:
    """The declared credit rules and grade bands (see docs/supervision.md)."""
    require(permissions.can_view_credit(request.user))
    return CreditRulesOut(
        rules=[CreditRuleOut(code=r.code, name=r.name, source=r.source, points=r.points,
                             max_points=r.max_points, window_days=r.window_days,
                             outcomes=list(r.outcomes), kinds=list(r.kinds),
                             is_active=r.is_active) for r in CreditRule.objects.all()],
        bands=[CreditBandOut(grade=b.grade, min_score=b.min_score)
               for b in CreditBand.objects.all()])


@router.post("/grades/compute", response=ComputeOut, auth=django_auth)
def compute_grades(request: HttpRequest, body: ComputeIn) -> ComputeOut:
    """Recompute grades now (the given entities, or every supervised entity)."""
    require(permissions.can_recompute_grades(request.user))
    entities: Any = [queries.legal_entity(code) for code in body.uscc] if body.uscc else None
    return ComputeOut(changed=credit_actions.do_compute_grades(request.user,
                                                               entities=entities))
