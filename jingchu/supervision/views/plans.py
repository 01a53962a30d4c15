"""Plans and draws (双随机): the staff's plan pages and the public draw pages.

Staff: the plans of the user's departments, the new-plan form, and the plan page (scope
preview with counts per grade before the commitment; commit, draw (with the witness code
announced at the draw) and cancel by permission; the inspections drawn). Public, for anyone:
the draws, each with its commitment, ledger entries, seed and witness once revealed, inputs and
result, the JSON bundle, and how to verify it.
Every view names its permission check; jingchu.supervision.actions.plans decides and
validates.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from jingchu.core.errors import ActionError
from jingchu.core.forms import add_action_error
from jingchu.core.models import AuditEvent, Organization, Region
from jingchu.identity.choices import LegalEntityKind
from jingchu.identity.permissions import org_ids
from jingchu.ledger.actions import current_size
from jingchu.supervision import drawing, inputs, permissions
from jingchu.supervision.actions import plans as actions
from jingchu.supervision.choices import Industry, PlanStatus
from jingchu.supervision.models import (
    ConflictDeclaration,
    Draw,
    InspectionInspector,
    InspectionPlan,
    RegulatoryItem,
)

PAGE_SIZE = 20
LEDGER_PAGE_SIZE = 50  # jingchu.ledger.views.PAGE_SIZE: entries per page, newest first
PLAN_RELATED = ("organization", "organization__region")


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def may_plan(user: Any) -> bool:
    """Whether the user may plan for at least one department (permissions.can_plan)."""
    if getattr(user, "is_authenticated", False) and user.is_superuser:
        return True
    return bool(permissions.led_org_ids(user))


def plan_or_404(number: str) -> InspectionPlan:
    plan = InspectionPlan.objects.select_related(*PLAN_RELATED).filter(number=number).first()
    if plan is None:
        raise Http404
    return plan


def visible_plans(user: Any) -> QuerySet[InspectionPlan]:
    """The plans of the user's departments (lead or joint); every plan for a superuser."""
    plans = InspectionPlan.objects.select_related(*PLAN_RELATED)
    if getattr(user, "is_superuser", False):
        return plans
    mine = org_ids(user)
    return plans.filter(Q(organization_id__in=mine) | Q(partners__in=mine)).distinct()


def public_draws_queryset() -> QuerySet[InspectionPlan]:
    return (InspectionPlan.objects.filter(draw__isnull=False)
            .select_related("organization", "draw")
            .annotate(drawn=Count("inspections"))
            .order_by("-draw__committed_at", "-pk"))


def ledger_link(index: int | None, size: int) -> dict[str, Any] | None:
    """Where a ledger entry is: its index, the page of /ledger/ that lists it (newest first,
    LEDGER_PAGE_SIZE a page) and its JSON in the ledger's API."""
    if index is None:
        return None
    page = max(1, (size - 1 - index) // LEDGER_PAGE_SIZE + 1)
    return {"index": index, "page": page, "api": f"/api/v1/ledger/entries/{index}",
            "proof": f"/api/v1/ledger/proofs/inclusion/{index}"}


# --- the new-plan form --------------------------------------------------------------------


def _planning_orgs(user: Any) -> QuerySet[Organization]:
    found = Organization.objects.filter(is_active=True)
    if not getattr(user, "is_superuser", False):
        found = found.filter(pk__in=permissions.led_org_ids(user))
    return found.select_related("region").order_by("name")


def _partner_orgs(leads: QuerySet[Organization]) -> QuerySet[Organization]:
    """Departments of the same government level as the user's (same region) that keep
    regulatory items: the joint departments on offer."""
    return (Organization.objects.filter(is_active=True, region__in=leads.values("region"),
                                        regulatory_items__is_active=True)
            .distinct().order_by("name"))


def _item_choices(orgs: list[Organization]) -> list[tuple[str, list[tuple[str, str]]]]:
    items = (RegulatoryItem.objects.filter(is_active=True, organization__in=orgs)
             .select_related("organization").order_by("organization__name", "code"))
    groups: dict[str, list[tuple[str, str]]] = {}
    for item in items:
        groups.setdefault(item.organization.name, []).append(
            (item.code, f"{item.code} {item.name}{' ★' if item.is_key else ''}"))
    return list(groups.items())


def _region_choices(leads: list[Organization]) -> list[tuple[str, str]]:
    choices: dict[str, str] = {}
    for org in leads:
        home = org.region
        choices[home.code] = home.name
        for region in Region.objects.county_level().filter(path__startswith=home.path + "/"):
            choices[region.code] = f"{home.name} {region.name}"
    return sorted(choices.items())


class PlanForm(forms.Form):
    organization = forms.ModelChoiceField(queryset=Organization.objects.none(),
                                          to_field_name="uid", label=_lazy("Lead department"))
    name = forms.CharField(label=_lazy("Name of the round"), max_length=actions.NAME_LIMIT)
    partners = forms.ModelMultipleChoiceField(
        queryset=Organization.objects.none(), to_field_name="uid", required=False,
        label=_lazy("Joint departments"), widget=forms.CheckboxSelectMultiple)
    items = forms.MultipleChoiceField(label=_lazy("Regulatory items"),
                                      widget=forms.CheckboxSelectMultiple)
    regions = forms.MultipleChoiceField(label=_lazy("Regions (and everything below them)"),
                                        widget=forms.CheckboxSelectMultiple)
    industries = forms.MultipleChoiceField(
        choices=Industry.choices, required=False, widget=forms.CheckboxSelectMultiple,
        label=_lazy("Industries (none: every industry)"))
    ratio_percent = forms.DecimalField(label=_lazy("Base sampling ratio (%)"), max_digits=5,
                                       decimal_places=2, min_value=0, max_value=100)
    inspectors_per_entity = forms.IntegerField(
        label=_lazy("Inspectors per entity"), initial=2, min_value=drawing.MIN_TEAM,
        max_value=actions.MAX_PER_ENTITY)
    starts_on = forms.DateField(label=_lazy("Inspections from"),
                                widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_lazy("Inspections until"),
                              widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        leads = _planning_orgs(user)
        partners = _partner_orgs(leads)
        field = self.fields["organization"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = leads
        many = self.fields["partners"]
        assert isinstance(many, forms.ModelMultipleChoiceField)
        many.queryset = partners
        lead_list = list(leads)
        item_field = self.fields["items"]
        assert isinstance(item_field, forms.MultipleChoiceField)
        item_field.choices = _item_choices([*lead_list, *partners])
        region_field = self.fields["regions"]
        assert isinstance(region_field, forms.MultipleChoiceField)
        region_field.choices = _region_choices(lead_list)

    def plan_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "organization": data["organization"], "name": data["name"],
            "partners": list(data["partners"]),
            "items": list(RegulatoryItem.objects.filter(code__in=data["items"])),
            "regions": list(Region.objects.filter(code__in=data["regions"])),
            "industries": data["industries"], "ratio_percent": data["ratio_percent"],
            "inspectors_per_entity": data["inspectors_per_entity"],
            "starts_on": data["starts_on"], "ends_on": data["ends_on"]}


class CancelForm(forms.Form):
    reason = forms.CharField(label=_lazy("Reason for cancelling"),
                             max_length=actions.REASON_LIMIT, widget=forms.Textarea(
                                 attrs={"rows": 2}))


# --- staff pages --------------------------------------------------------------------------


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    require(permissions.can_use_supervision(request.user))
    found = (visible_plans(request.user).annotate(drawn=Count("inspections", distinct=True))
             .order_by("-created_at", "-pk"))
    status = request.GET.get("status", "")
    if status in PlanStatus.values:
        found = found.filter(status=status)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/plan_list.html", {
        "page": page, "status": status, "statuses": PlanStatus.choices,
        "query": f"status={status}" if status else "", "may_plan": may_plan(request.user)})


@login_required
def plan_new(request: HttpRequest) -> HttpResponse:
    require(may_plan(request.user))
    form = PlanForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                plan = actions.do_create_plan(request.user, **form.plan_arguments())
        except ActionError as exc:
            add_action_error(form, exc)
            return render(request, "supervision/plan_new.html", {"form": form},
                          status=exc.status)
        messages.success(request, _("Plan %(number)s was made.") % {"number": plan.number})
        return redirect("supervision:plan", number=plan.number)
    return render(request, "supervision/plan_new.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


def _late_conflicts(plan: InspectionPlan) -> set[tuple[int, int]]:
    """(inspection pk, inspector pk) of drawn inspectors who have since declared a conflict
    with the entity (the draw could not know; the department replaces them)."""
    links = InspectionInspector.objects.filter(inspection__plan=plan).values_list(
        "inspection_id", "inspector__staff_id", "inspection__legal_entity_id", "inspector_id")
    live = set(ConflictDeclaration.objects.filter(
        withdrawn_at__isnull=True, legal_entity__inspections__plan=plan)
        .values_list("inspector__staff_id", "legal_entity_id"))
    return {(inspection, inspector) for inspection, staff, entity, inspector in links
            if (staff, entity) in live}


def _inspections(plan: InspectionPlan) -> list[dict[str, Any]]:
    late = _late_conflicts(plan)
    rows: dict[int, dict[str, Any]] = {}
    for inspection in plan.inspections.select_related("legal_entity").order_by("number"):
        rows[inspection.pk] = {"inspection": inspection, "inspectors": []}
    for link in (InspectionInspector.objects.filter(inspection__plan=plan)
                 .select_related("inspector__staff", "inspector__organization")
                 .order_by("position")):
        rows[link.inspection_id]["inspectors"].append(
            {"inspector": link.inspector, "late_conflict":
             (link.inspection_id, link.inspector_id) in late})
    return list(rows.values())


def _cancel_reason(plan: InspectionPlan) -> str:
    event = (AuditEvent.objects.filter(action="supervision.plan.cancel",
                                       object_type="supervision.inspectionplan",
                                       object_id=str(plan.uid)).order_by("-at").first())
    return str(event.details.get("reason", "")) if event else ""


def _draw_state(plan: InspectionPlan, draw: Draw | None) -> dict[str, Any]:
    """Where a draw requested on the page stands: "pending" (queued or running, with its
    progress), "failed" (why; it may be requested again), "drawn", or "" (not requested)."""
    state = ""
    if draw is not None and draw.drawn_at is not None:
        state = "drawn"
    elif draw is not None and plan.status == PlanStatus.COMMITTED:
        state = "failed" if draw.failure else "pending" if draw.is_pending else ""
    done, total = (draw.progress_done, draw.progress_total) if draw else (0, 0)
    return {"draw_state": state, "draw_live": state == "pending",
            "draw_percent": 100 * done // total if total else 0}


def _plan_context(request: HttpRequest, plan: InspectionPlan) -> dict[str, Any]:
    user = request.user
    may_draw = permissions.can_draw(user, plan)
    draw = Draw.objects.filter(plan=plan).first()
    context: dict[str, Any] = {
        "plan": plan, "draw": draw, "departments": inputs.departments(plan),
        "items": list(plan.items.select_related("organization").order_by("code")),
        "regions": list(plan.regions.order_by("code")),
        "industries": [Industry(value).label for value in plan.industries
                       if value in Industry.values],
        "may_commit": may_draw and plan.status == PlanStatus.DRAFT,
        "may_draw": (may_draw and plan.status == PlanStatus.COMMITTED
                     and not actions.request_is_open(draw)),
        **_draw_state(plan, draw),
        "may_cancel": may_draw and plan.status in (PlanStatus.DRAFT, PlanStatus.COMMITTED),
        "cancel_form": CancelForm(), "preview": None, "inspections": [],
        "needs_witness": draw is not None and draw.algorithm == drawing.ALGORITHM_V2,
        "witness_max": drawing.WITNESS_MAX,
        "cancel_reason": _cancel_reason(plan) if plan.status == PlanStatus.CANCELLED else "",
    }
    if plan.status == PlanStatus.DRAFT:
        context["preview"] = inputs.preview(plan, as_of=timezone.localdate())
    elif plan.status == PlanStatus.COMMITTED and draw is not None:
        context["preview"], context["preview_frozen"] = inputs.frozen_preview(draw), True
    if plan.status in (PlanStatus.DRAWN, PlanStatus.COMPLETED):
        context["inspections"] = _inspections(plan)
    if draw is not None:
        size = current_size()
        context["commit_link"] = ledger_link(draw.commit_entry, size)
        context["reveal_link"] = ledger_link(draw.reveal_entry, size)
    return context


def _render_plan(request: HttpRequest, plan: InspectionPlan, status: int = 200,
                 **extra: Any) -> HttpResponse:
    context = _plan_context(request, plan)
    context.update(extra)
    return render(request, "supervision/plan_detail.html", context, status=status)


@login_required
def plan_page(request: HttpRequest, number: str) -> HttpResponse:
    plan = plan_or_404(number)
    require(permissions.can_view_plan(request.user, plan))
    return _render_plan(request, plan)


def _plan_step(request: HttpRequest, number: str, step: str) -> HttpResponse:
    plan = plan_or_404(number)
    require(permissions.can_view_plan(request.user, plan) and
            permissions.can_draw(request.user, plan))
    form = CancelForm(request.POST) if step == "cancel" else None
    try:
        if step == "commit":
            actions.do_commit_draw(request.user, plan)
            messages.success(request, _("The draw is committed: its inputs and the hash of "
                                        "its seed are in the ledger."))
        elif step == "draw":
            # Long work: a task runs it once this commits (at once, in-process, when tasks are
            # eager); the plan page shows its progress until it is done.
            actions.do_request_draw(request.user, plan, witness=request.POST.get("witness", ""))
            plan.refresh_from_db(fields=["status"])
            if plan.status == PlanStatus.DRAWN:
                messages.success(request, _("The draw is done and published."))
            else:
                messages.info(request, _("The draw is under way; this page shows its progress."))
        else:
            assert form is not None
            actions.do_cancel_plan(request.user, plan, reason=request.POST.get("reason", ""))
            messages.success(request, _("The plan is cancelled."))
    except ActionError as exc:
        if form is not None:
            form.is_valid()
            add_action_error(form, exc)
            return _render_plan(request, plan_or_404(number), exc.status, cancel_form=form)
        on_witness = exc.details.get("field") == "witness"
        return _render_plan(request, plan_or_404(number), exc.status, error=exc.message,
                            witness=request.POST.get("witness", "")[:200],
                            witness_error=exc.message if on_witness else "")
    return redirect("supervision:plan", number=plan.number)


@login_required
@require_POST
def plan_commit(request: HttpRequest, number: str) -> HttpResponse:
    return _plan_step(request, number, "commit")


@login_required
@require_POST
def plan_draw(request: HttpRequest, number: str) -> HttpResponse:
    return _plan_step(request, number, "draw")


@login_required
@require_POST
def plan_cancel(request: HttpRequest, number: str) -> HttpResponse:
    return _plan_step(request, number, "cancel")


@login_required
@never_cache
@require_GET
def plan_draw_progress(request: HttpRequest, number: str) -> HttpResponse:
    """The draw's progress element alone, polled by the plan page while a requested draw runs;
    once it has ended (drawn or failed), HTMX is told to reload the page, which then shows the
    inspections drawn or why the draw failed."""
    plan = plan_or_404(number)
    require(permissions.can_view_plan(request.user, plan))
    draw = Draw.objects.filter(plan=plan).first()
    context = {"plan": plan, "draw": draw, **_draw_state(plan, draw)}
    response = render(request, "supervision/plan_draw_progress.html", context)
    if not context["draw_live"] and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


# --- public pages -------------------------------------------------------------------------


def public_draws(request: HttpRequest) -> HttpResponse:
    require(permissions.can_view_public(request.user))
    found = public_draws_queryset()
    search = request.GET.get("q", "").strip()[:60]
    if search:
        found = found.filter(Q(number__icontains=search) | Q(name__icontains=search))
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/draw_list.html", {
        "page": page, "search": search, "query": f"q={search}" if search else ""})


def _draw_or_404(number: str) -> Draw:
    draw = Draw.objects.select_related("plan", "plan__organization").filter(
        plan__number=number).first()
    if draw is None:
        raise Http404
    return draw


def public_names(usccs: list[str]) -> dict[str, str]:
    """Entity names as the public sees them: an individual business (个体工商户), whose name
    may be a person's, is shown by its credit code only."""
    from jingchu.identity.models import LegalEntity

    rows = LegalEntity.objects.filter(uscc__in=usccs).values_list("uscc", "name", "kind")
    return {uscc: "" if kind == LegalEntityKind.INDIVIDUAL_BUSINESS else name
            for uscc, name, kind in rows}


def _result_rows(draw: Draw) -> list[dict[str, Any]]:
    if not draw.result:
        return []
    result = json.loads(draw.result)
    names = public_names([row["uscc"] for row in result["inspections"]])
    return [{**row, "number": f"{draw.plan.number}-{row['n']:04d}",
             "name": names.get(row["uscc"], "")} for row in result["inspections"]]


def public_draw(request: HttpRequest, number: str) -> HttpResponse:
    require(permissions.can_view_public(request.user))
    draw = _draw_or_404(number)
    plan = draw.plan
    frozen = json.loads(draw.inputs)
    size = current_size()
    return render(request, "supervision/draw_detail.html", {
        "draw": draw, "plan": plan, "departments": inputs.departments(plan),
        "items": list(plan.items.order_by("code")), "regions": list(plan.regions.all()),
        "industries": [Industry(v).label for v in plan.industries if v in Industry.values],
        "frozen": frozen, "entity_count": len(frozen.get("entities", [])),
        "inspector_count": len(frozen.get("inspectors", [])),
        "is_v2": draw.algorithm == drawing.ALGORITHM_V2,
        "result": json.loads(draw.result) if draw.result else None,
        "rows": _result_rows(draw),
        "inputs_pretty": json.dumps(frozen, ensure_ascii=False, indent=1),
        "commit_link": ledger_link(draw.commit_entry, size),
        "reveal_link": ledger_link(draw.reveal_entry, size)})


def public_draw_json(request: HttpRequest, number: str) -> HttpResponse:
    require(permissions.can_view_public(request.user))
    bundle = inputs.bundle(_draw_or_404(number))
    response = HttpResponse(json.dumps(bundle, ensure_ascii=False, indent=2, sort_keys=True),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="draw-{number}.json"'
    return response


urlpatterns: list[URLPattern] = [
    path("plans/", plan_list, name="plans"),
    path("plans/new/", plan_new, name="plan_new"),
    path("plans/<str:number>/", plan_page, name="plan"),
    path("plans/<str:number>/commit/", plan_commit, name="plan_commit"),
    path("plans/<str:number>/draw/", plan_draw, name="plan_draw"),
    path("plans/<str:number>/draw/progress", plan_draw_progress, name="plan_draw_progress"),
    path("plans/<str:number>/cancel/", plan_cancel, name="plan_cancel"),
    path("draws/", public_draws, name="public_draws"),
    path("draws/<str:number>/", public_draw, name="public_draw"),
    path("draws/<str:number>/bundle.json", public_draw_json, name="public_draw_json"),
]
