"""Inspections, published results and KPIs in the JSON API (/api/v1/supervision/...): thin
wrappers of jingchu.supervision.actions.inspections. Inspections are addressed by their
number. Staff endpoints need a session; /results is public. Every endpoint names its
permission check first; a refusal is 403 and bad input 4xx, in the API's error shape."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status, UploadedFile
from ninja.security import django_auth

from jingchu.core.errors import ActionError, NotFound, NotPermitted
from jingchu.core.models import Organization
from jingchu.supervision import deadlines, permissions, stats
from jingchu.supervision.actions import inspections as actions
from jingchu.supervision.choices import InspectionStatus, Outcome
from jingchu.supervision.models import Inspection, InspectionEvidence
from jingchu.supervision.schemas_inspections import (
    CoverageOut,
    DepartmentKpiOut,
    EvidenceOut,
    FollowUpIn,
    InspectionDetailOut,
    InspectionEntityOut,
    InspectionInspectorOut,
    InspectionOut,
    InspectionPage,
    KpisOut,
    NamedOut,
    OutcomeRowOut,
    PlanRefOut,
    ResultIn,
    ResultOut,
    ResultPage,
    TimelinessOut,
)
from jingchu.supervision.views.inspections import (
    departments_of,
    find_inspection,
    inspectors_of,
    kpi_departments,
    my_inspections,
    public_name,
    published_results,
    result_departments,
)

router = Router(tags=["supervision"])
PAGE_SIZE = 20


def require(allowed: bool) -> None:
    if not allowed:
        raise NotPermitted(_("You may not do this."))


# --- shapes -------------------------------------------------------------------------------


def _plan(i: Inspection) -> PlanRefOut:
    return PlanRefOut(number=i.plan.number, name=i.plan.name, status=i.plan.status)


def _entity(i: Inspection, public: bool = False) -> InspectionEntityOut:
    entity = i.legal_entity
    return InspectionEntityOut(uscc=entity.uscc,
                               name=public_name(entity) if public else entity.name,
                               region=entity.region.name)


def _items(i: Inspection) -> list[NamedOut]:
    return [NamedOut(code=item.code, name=item.name) for item in i.plan.items.all()]


def inspection_out(i: Inspection) -> InspectionOut:
    return InspectionOut(
        number=i.number, status=i.status, status_label=str(i.get_status_display()),
        plan=_plan(i), entity=_entity(i), grade=i.grade, inspected_on=i.inspected_on,
        ended_on=i.ended_on, outcome=i.outcome, publish_due=i.publish_due,
        published_at=i.published_at)


def inspection_detail(i: Inspection) -> InspectionDetailOut:
    left = (deadlines.working_days_left(i.publish_due, timezone.localdate())
            if i.status == InspectionStatus.RECORDED and i.publish_due else None)
    return InspectionDetailOut(
        **inspection_out(i).dict(), departments=[o.name for o in departments_of(i)],
        items=_items(i),
        inspectors=[InspectionInspectorOut(certificate_number=r.inspector.certificate_number,
                                 name=r.inspector.staff.name,
                                 organization=r.inspector.organization.name)
                    for r in inspectors_of(i)],
        outcome_label=str(i.get_outcome_display()) if i.outcome else "",
        findings=i.findings, follow_up=i.follow_up, follow_up_due=i.follow_up_due,
        follow_up_note=i.follow_up_note, working_days_left=left,
        evidence=[_evidence(e) for e in i.evidence.order_by("uploaded_at")])


def _evidence(e: InspectionEvidence) -> EvidenceOut:
    return EvidenceOut(uid=str(e.uid), name=e.name, content_type=e.content_type, size=e.size,
                       sha256=e.sha256, uploaded_at=e.uploaded_at)


def result_out(i: Inspection) -> ResultOut:
    return ResultOut(
        number=i.number, plan=_plan(i), departments=[o.name for o in departments_of(i)],
        entity=_entity(i, public=True), items=_items(i), inspected_on=i.inspected_on,
        ended_on=i.ended_on,
        outcome=i.outcome, outcome_label=str(i.get_outcome_display()),
        published_on=deadlines.local_day(i.published_at) if i.published_at else None,
        ledger_index=actions.ledger_index(i))


def _inspection(request: HttpRequest, number: str,
                check: Any = permissions.can_view_inspection) -> Inspection:
    found = find_inspection(number)
    if found is None:
        raise NotFound(_("No such inspection."), {"number": number})
    require(check(request.user, found))
    return found


def _done(request: HttpRequest, number: str) -> InspectionDetailOut:
    return inspection_detail(_inspection(request, number))


# --- inspections --------------------------------------------------------------------------


class InspectionQuery(Schema):
    scope: str = "mine"
    status: str = ""
    page: int = 1


@router.get("/inspections", response=InspectionPage, auth=django_auth)
def list_inspections(request: HttpRequest, query: Query[InspectionQuery]) -> InspectionPage:
    """Your inspections (scope "mine"), or those of the departments you lead
    ("departments")."""
    user = request.user
    require(permissions.can_use_supervision(user))
    if query.scope not in ("mine", "departments"):
        raise ActionError("scope_invalid", _("Unknown value."), {"field": "scope"})
    if query.status and query.status not in InspectionStatus.values:
        raise ActionError("status_invalid", _("Unknown value."), {"field": "status"})
    pages = Paginator(my_inspections(user, query.scope, query.status), PAGE_SIZE)
    current = pages.get_page(query.page)
    return InspectionPage(count=pages.count, page=current.number, pages=pages.num_pages,
                          items=[inspection_out(i) for i in current])


@router.get("/inspections/{number}", response=InspectionDetailOut, auth=django_auth)
def get_inspection(request: HttpRequest, number: str) -> InspectionDetailOut:
    """One inspection with its inspectors, result, follow-up and evidence files."""
    return inspection_detail(_inspection(request, number))


@router.post("/inspections/{number}/result", response=InspectionDetailOut, auth=django_auth)
def record_result(request: HttpRequest, number: str, body: ResultIn) -> InspectionDetailOut:
    """Record or correct the result (a drawn inspector, or a leader of the plan's
    departments); the publication deadline is 20 working days after `ended_on`."""
    found = _inspection(request, number, permissions.can_record_result)
    actions.do_record_result(request.user, found, inspected_on=body.inspected_on,
                             ended_on=body.ended_on, outcome=body.outcome,
                             findings=body.findings, follow_up_due=body.follow_up_due)
    return _done(request, number)


@router.post("/inspections/{number}/evidence", response={201: EvidenceOut}, auth=django_auth)
def add_evidence(request: HttpRequest, number: str,
                 file: File[UploadedFile]) -> Status[EvidenceOut]:
    """Keep a file (PDF, JPEG or PNG; multipart field `file`) as evidence."""
    found = _inspection(request, number, permissions.can_record_result)
    return Status(201, _evidence(actions.do_add_evidence(request.user, found, file)))


@router.get("/inspections/{number}/evidence/{uid}", auth=django_auth)
def get_evidence(request: HttpRequest, number: str, uid: str) -> FileResponse:
    """An evidence file (every read is audited)."""
    found = _inspection(request, number)
    parsed = _uuid(uid)
    evidence = found.evidence.filter(uid=parsed).first() if parsed is not None else None
    if evidence is None:
        raise NotFound(_("No such file."), {"uid": uid})
    handle = actions.do_open_evidence(request.user, evidence)
    return FileResponse(handle, as_attachment=True, filename=evidence.name,
                        content_type=evidence.content_type)


def _uuid(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


@router.post("/inspections/{number}/follow-up", response=InspectionDetailOut,
             auth=django_auth)
def record_follow_up(request: HttpRequest, number: str,
                     body: FollowUpIn) -> InspectionDetailOut:
    """整改复查: rectified, or not rectified by the date set."""
    found = _inspection(request, number, permissions.can_record_result)
    actions.do_record_follow_up(request.user, found, rectified=body.rectified, note=body.note)
    return _done(request, number)


@router.post("/inspections/{number}/publish", response=InspectionDetailOut, auth=django_auth)
def publish(request: HttpRequest, number: str) -> InspectionDetailOut:
    """检查结果公示 (a leader of the plan's departments)."""
    found = _inspection(request, number, permissions.can_publish)
    actions.do_publish(request.user, found)
    return _done(request, number)


# --- public results -----------------------------------------------------------------------


class ResultQuery(Schema):
    q: str = ""
    department: str = ""
    outcome: str = ""
    page: int = 1


def _department(uid: str, among: Any) -> Organization | None:
    if not uid.strip():
        return None
    found = next((o for o in among if str(o.uid) == uid.strip()), None)
    if found is None:
        raise ActionError("department_invalid", _("No such department."),
                          {"field": "department"})
    return found


@router.get("/results", response=ResultPage, auth=None)
def list_results(request: HttpRequest, query: Query[ResultQuery]) -> ResultPage:
    """Published results, newest first (public): search the entity's name or credit code, or
    a number; filter by department uid and outcome."""
    require(permissions.can_view_public(request.user))
    if query.outcome and query.outcome not in Outcome.values:
        raise ActionError("outcome_invalid", _("Unknown value."), {"field": "outcome"})
    chosen = _department(query.department, result_departments())
    pages = Paginator(published_results(query.q, chosen, query.outcome), PAGE_SIZE)
    current = pages.get_page(query.page)
    return ResultPage(count=pages.count, page=current.number, pages=pages.num_pages,
                      items=[result_out(i) for i in current])


@router.get("/results/{number}", response=ResultOut, auth=None)
def get_result(request: HttpRequest, number: str) -> ResultOut:
    """One published result (public)."""
    require(permissions.can_view_public(request.user))
    found = find_inspection(number)
    if found is None or found.status != InspectionStatus.PUBLISHED:
        raise NotFound(_("No such published result."), {"number": number})
    return result_out(found)


# --- KPIs ---------------------------------------------------------------------------------


class KpiQuery(Schema):
    date_from: str = ""
    date_to: str = ""
    days: int = 365
    department: str = ""


@router.get("/kpis", response=KpisOut, auth=django_auth)
def get_kpis(request: HttpRequest, query: Query[KpiQuery]) -> KpisOut:
    """Item coverage, publication timeliness, outcomes (of one department, when given) and the
    per-department table (definitions in docs/supervision-results.md)."""
    require(permissions.can_view_kpis(request.user))
    period = stats.parse_period(query.date_from, query.date_to, query.days)
    chosen = _department(query.department, kpi_departments())
    coverage = stats.item_coverage(period, chosen)
    timeliness = stats.publication_timeliness(period, chosen)
    return KpisOut(
        date_from=period.start, date_to=period.end,
        organization=str(chosen.uid) if chosen else None,
        coverage=CoverageOut(active=coverage.active, covered=coverage.covered,
                             rate=coverage.rate, target=coverage.target,
                             meets_target=coverage.meets_target,
                             uncovered=list(coverage.uncovered)),
        timeliness=TimelinessOut(due=timeliness.due, on_time=timeliness.on_time,
                                 late=timeliness.late, overdue=timeliness.overdue,
                                 pending=timeliness.pending, rate=timeliness.rate),
        outcomes=[OutcomeRowOut(outcome=r.outcome, label=r.label, count=r.count,
                                share=r.share) for r in stats.outcomes(period, chosen)],
        departments=[DepartmentKpiOut(**{**r.__dict__, "on_time_rate": r.on_time_rate})
                     for r in stats.inspections_by_department(period)])
