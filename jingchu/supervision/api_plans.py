"""Plans and draws in the JSON API (/api/v1/supervision/...): thin wrappers of
jingchu.supervision.actions.plans. Plans are addressed by their number. Staff endpoints need a
session; /draws is public (the draws' commitments, seeds, inputs and results). Every endpoint
names its permission check first; a refusal is 403 and bad input 4xx, in the API's error
shape."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.security import django_auth

from jingchu.core.errors import ActionError, NotFound, NotPermitted
from jingchu.core.models import Organization, Region
from jingchu.supervision import inputs, permissions
from jingchu.supervision.actions import plans as actions
from jingchu.supervision.choices import PlanStatus
from jingchu.supervision.models import Draw, InspectionInspector, InspectionPlan, RegulatoryItem
from jingchu.supervision.schemas_plans import (
    DrawListItemOut,
    DrawPage,
    PlanCancelIn,
    PlanDepartmentOut,
    PlanDetailOut,
    PlanDrawIn,
    PlanDrawOut,
    PlanGradeOut,
    PlanIn,
    PlanInspectionOut,
    PlanItemOut,
    PlanOut,
    PlanPage,
    PlanPreviewOut,
    PlanProblemOut,
    PlanRegionOut,
)
from jingchu.supervision.views.plans import (
    may_plan,
    plan_or_404,
    public_draws_queryset,
    visible_plans,
)

router = Router(tags=["supervision"])
PAGE_SIZE = 20


def require(allowed: bool) -> None:
    if not allowed:
        raise NotPermitted(_("You may not do this."))


# --- shapes -------------------------------------------------------------------------------


def _department(org: Organization) -> PlanDepartmentOut:
    return PlanDepartmentOut(uid=str(org.uid), name=org.name, uscc=org.uscc)


def plan_out(plan: InspectionPlan) -> PlanOut:
    return PlanOut(
        number=plan.number, name=plan.name, status=plan.status,
        status_label=str(plan.get_status_display()),
        organization=_department(plan.organization),
        partners=[_department(org) for org in plan.partners.order_by("uscc")],
        items=[PlanItemOut(code=i.code, name=i.name, department=i.organization.uscc,
                           is_key=i.is_key)
               for i in plan.items.select_related("organization").order_by("code")],
        regions=[PlanRegionOut(code=r.code, name=r.name) for r in plan.regions.order_by("code")],
        industries=list(plan.industries), ratio_percent=str(plan.ratio_percent),
        inspectors_per_entity=plan.inspectors_per_entity, starts_on=plan.starts_on,
        ends_on=plan.ends_on, created_at=plan.created_at)


def _draw_out(draw: Draw | None) -> PlanDrawOut | None:
    if draw is None:
        return None
    return PlanDrawOut(algorithm=draw.algorithm, inputs_sm3=draw.inputs_hash,
                       seed_sm3=draw.seed_hash, seed=draw.seed or None,
                       witness=draw.witness or None, result_sm3=draw.result_hash or None,
                       commit_entry=draw.commit_entry, reveal_entry=draw.reveal_entry,
                       committed_at=draw.committed_at, drawn_at=draw.drawn_at)


def _inspections(plan: InspectionPlan) -> list[PlanInspectionOut]:
    teams: dict[int, list[str]] = {}
    for inspection_id, certificate in (InspectionInspector.objects
                                       .filter(inspection__plan=plan).order_by("position")
                                       .values_list("inspection_id",
                                                    "inspector__certificate_number")):
        teams.setdefault(inspection_id, []).append(certificate)
    return [PlanInspectionOut(number=i.number, uscc=i.legal_entity.uscc,
                              name=i.legal_entity.name, grade=i.grade, status=i.status,
                              inspectors=teams.get(i.pk, []))
            for i in plan.inspections.select_related("legal_entity").order_by("number")]


def plan_detail(number: str) -> PlanDetailOut:
    plan = plan_or_404(number)
    return PlanDetailOut(**plan_out(plan).dict(), draw=_draw_out(
        Draw.objects.filter(plan=plan).first()), inspections=_inspections(plan))


def _visible(request: HttpRequest, number: str) -> InspectionPlan:
    plan = InspectionPlan.objects.select_related("organization").filter(number=number).first()
    if plan is None:
        raise NotFound(_("No such plan."), {"number": number})
    require(permissions.can_view_plan(request.user, plan))
    return plan


def _acting(request: HttpRequest, number: str) -> InspectionPlan:
    plan = _visible(request, number)
    require(permissions.can_draw(request.user, plan))
    return plan


# --- staff: plans -------------------------------------------------------------------------


class PlanQuery(Schema):
    status: str = ""
    page: int = 1


@router.get("/plans", response=PlanPage, auth=django_auth)
def list_plans(request: HttpRequest, query: Query[PlanQuery]) -> PlanPage:
    """The plans of your departments (lead or joint), newest first."""
    require(permissions.can_use_supervision(request.user))
    found = visible_plans(request.user)
    if query.status:
        if query.status not in PlanStatus.values:
            raise ActionError("status_invalid", _("Unknown value."), {"field": "status"})
        found = found.filter(status=query.status)
    pages = Paginator(found, PAGE_SIZE)
    current = pages.get_page(query.page)
    return PlanPage(count=pages.count, page=current.number, pages=pages.num_pages,
                    items=[plan_out(p) for p in current])


def _by_uid(uid: str, field: str) -> Organization:
    try:
        found = Organization.objects.select_related("region").filter(
            uid=uuid.UUID(uid.strip())).first()
    except ValueError:
        found = None
    if found is None:
        raise ActionError(f"{field}_invalid", _("No such organization."), {"field": field})
    return found


def _by_codes(model: Any, codes: list[str], field: str) -> list[Any]:
    found = list(model.objects.filter(code__in=codes))
    if len(found) != len(set(codes)):
        raise ActionError(f"{field}_invalid", _("Unknown code."),
                          {"field": field, "known": [obj.code for obj in found]})
    return found


@router.post("/plans", response={201: PlanDetailOut}, auth=django_auth)
def create_plan(request: HttpRequest, body: PlanIn) -> Status[PlanDetailOut]:
    """Make a draft plan of a department you lead (with partners: a joint plan)."""
    require(may_plan(request.user))
    plan = actions.do_create_plan(
        request.user, organization=_by_uid(body.organization, "organization"), name=body.name,
        items=_by_codes(RegulatoryItem, body.items, "items"),
        regions=_by_codes(Region, body.regions, "regions"), industries=body.industries,
        ratio_percent=body.ratio_percent, starts_on=body.starts_on, ends_on=body.ends_on,
        inspectors_per_entity=body.inspectors_per_entity,
        partners=[_by_uid(uid, "partners") for uid in body.partners])
    return Status(201, plan_detail(plan.number))


@router.get("/plans/{number}", response=PlanDetailOut, auth=django_auth)
def get_plan(request: HttpRequest, number: str) -> PlanDetailOut:
    """One plan with its draw and the inspections drawn."""
    return plan_detail(_visible(request, number).number)


@router.get("/plans/{number}/preview", response=PlanPreviewOut, auth=django_auth)
def preview_plan(request: HttpRequest, number: str) -> PlanPreviewOut:
    """The scope as the database is now: counts per grade, entities lacking inspectors."""
    plan = _visible(request, number)
    seen = inputs.preview(plan, as_of=timezone.localdate())
    return PlanPreviewOut(
        entities=seen.entities, inspectors=seen.inspectors, team_size=seen.team_size,
        drawn=seen.drawn, grades=[PlanGradeOut(**row) for row in seen.grade_rows],
        problems=[PlanProblemOut(**row) for row in seen.problem_rows])


@router.post("/plans/{number}/commit", response=PlanDetailOut, auth=django_auth)
def commit_draw(request: HttpRequest, number: str) -> PlanDetailOut:
    """Freeze the inputs and a secret seed; their hashes go into the ledger."""
    actions.do_commit_draw(request.user, _acting(request, number))
    return plan_detail(number)


@router.post("/plans/{number}/draw", response=PlanDetailOut, auth=django_auth)
def run_draw(request: HttpRequest, number: str, body: PlanDrawIn) -> PlanDetailOut:
    """Reveal the seed, draw with the witness code announced at the draw (jingchu-draw-v2), and
    create the inspections."""
    actions.do_run_draw(request.user, _acting(request, number), witness=body.witness)
    return plan_detail(number)


@router.post("/plans/{number}/cancel", response=PlanDetailOut, auth=django_auth)
def cancel_plan(request: HttpRequest, number: str, body: PlanCancelIn) -> PlanDetailOut:
    """Cancel a plan before its draw is run (a committed seed is revealed)."""
    actions.do_cancel_plan(request.user, _acting(request, number), reason=body.reason)
    return plan_detail(number)


# --- public: draws ------------------------------------------------------------------------


class DrawQuery(Schema):
    q: str = ""
    page: int = 1


def _draw_item(plan: InspectionPlan) -> DrawListItemOut:
    draw = plan.draw
    return DrawListItemOut(
        plan=plan.number, name=plan.name, department=plan.organization.name,
        status=plan.status, inputs_sm3=draw.inputs_hash, seed_sm3=draw.seed_hash,
        seed=draw.seed or None, witness=draw.witness or None,
        result_sm3=draw.result_hash or None,
        commit_entry=draw.commit_entry, reveal_entry=draw.reveal_entry,
        committed_at=draw.committed_at, drawn_at=draw.drawn_at,
        inspections=getattr(plan, "drawn", 0))


@router.get("/draws", response=DrawPage, auth=None)
def list_draws(request: HttpRequest, query: Query[DrawQuery]) -> DrawPage:
    """Every committed draw, newest first (public)."""
    require(permissions.can_view_public(request.user))
    found = public_draws_queryset()
    if query.q.strip():
        found = found.filter(number__icontains=query.q.strip()[:60])
    pages = Paginator(found, PAGE_SIZE)
    current = pages.get_page(query.page)
    return DrawPage(count=pages.count, page=current.number, pages=pages.num_pages,
                    items=[_draw_item(p) for p in current])


@router.get("/draws/{number}", response=dict[str, Any], auth=None)
def get_draw(request: HttpRequest, number: str) -> dict[str, Any]:
    """The draw's bundle (public): inputs, commitments, seed and result once revealed, ledger
    indexes. docs/supervision-draw.md says how to check it."""
    require(permissions.can_view_public(request.user))
    draw = Draw.objects.select_related("plan").filter(plan__number=number).first()
    if draw is None:
        raise NotFound(_("No draw of this plan."), {"number": number})
    return inputs.bundle(draw)

