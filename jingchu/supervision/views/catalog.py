"""Supervision's start page for staff, the regulatory items of each department (一单), and the
sampling and credit rules (一细则). The entity and inspector directories (两库) are in
catalog_entities and catalog_inspectors; their patterns are listed here too."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jingchu.core.errors import ActionError
from jingchu.core.models import Organization
from jingchu.identity.permissions import org_ids
from jingchu.supervision import credit, permissions
from jingchu.supervision import queries_catalog as queries
from jingchu.supervision.actions import catalog
from jingchu.supervision.choices import Grade, Industry, InspectionStatus, Outcome, PlanStatus
from jingchu.supervision.models import (
    CreditBand,
    CreditGrade,
    CreditRecord,
    CreditRule,
    Inspection,
    InspectionPlan,
    RegulatoryItem,
    SamplingRule,
    SupervisedEntity,
)
from jingchu.supervision.views import catalog_entities, catalog_inspectors
from jingchu.supervision.views.catalog_common import nav, optional_url, require, run_action
from jingchu.supervision.views.catalog_forms import DepartmentForm, ItemForm, SamplingRulesForm

# --- the start page -----------------------------------------------------------------------


def _grade_counts() -> list[dict[str, Any]]:
    """Active directory entries per current grade (never graded ones under the default)."""
    entries = SupervisedEntity.objects.filter(is_active=True)
    graded = dict(CreditGrade.objects.filter(
        is_current=True, legal_entity__supervision__is_active=True).order_by()
        .values_list("grade").annotate(n=Count("id")))
    ungraded = entries.count() - sum(graded.values())
    return [{"grade": grade, "label": label,
             "count": graded.get(grade, 0) + (ungraded if grade == credit.DEFAULT_GRADE else 0)}
            for grade, label in Grade.choices]


def _may_do(user: Any) -> dict[str, bool]:
    return {
        "manage_items": bool(permissions.led_org_ids(user)) or user.is_superuser,
        "manage_entities": permissions.can_manage_entities(user),
        "record_credit": user.is_superuser or bool(org_ids(user, permissions.RECORDER_ROLES)),
        "recompute": permissions.can_recompute_grades(user),
    }


def _counts(user: Any, mine: list[int]) -> dict[str, int]:
    year_ago = timezone.localdate() - dt.timedelta(days=365)
    sid = permissions.staff_id(user)
    return {
        "my_items": RegulatoryItem.objects.filter(organization_id__in=mine,
                                                  is_active=True).count(),
        "items": RegulatoryItem.objects.filter(is_active=True).count(),
        "entities": SupervisedEntity.objects.filter(is_active=True).count(),
        "my_inspectors": queries.inspectors_of(None).filter(organization_id__in=mine,
                                                            is_active=True).count(),
        "records": CreditRecord.objects.filter(decided_on__gte=year_ago).count(),
        "open_plans": InspectionPlan.objects.filter(
            organization_id__in=mine).exclude(
            status__in=[PlanStatus.COMPLETED, PlanStatus.CANCELLED]).count(),
        "my_inspections": Inspection.objects.filter(
            inspectors__staff_id=sid, status=InspectionStatus.ASSIGNED).distinct().count()
        if sid else 0,
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What the user may do in supervision, with counts."""
    user = request.user
    require(permissions.can_use_supervision(user))
    mine = list(queries.my_departments(user).values_list("pk", flat=True))
    return render(request, "supervision/catalog_home.html", {
        "departments": Organization.objects.filter(pk__in=mine).order_by("region__code",
                                                                          "name"),
        "counts": _counts(user, mine), "grades": _grade_counts(), "may": _may_do(user),
        "links": {"plans": optional_url("supervision:plans"),
                  "plan_new": optional_url("supervision:plan_new"),
                  "inspections": optional_url("supervision:inspections"),
                  "public_results": optional_url("supervision:public_results"),
                  "public_draws": optional_url("supervision:public_draws"),
                  "kpis": optional_url("supervision:kpis")
                  if permissions.can_view_kpis(user) else None},
        **nav(user, "home")})


# --- regulatory items ---------------------------------------------------------------------


def industry_names(codes: list[str]) -> str:
    labels = dict(Industry.choices)
    return "、".join(str(labels.get(c, c)) for c in codes)


def _item_or_404(code: str) -> RegulatoryItem:
    found = RegulatoryItem.objects.select_related("organization").filter(code=code).first()
    if found is None:
        raise Http404
    return found


def _create_item(user: Any, department: Organization, data: dict[str, Any]) -> RegulatoryItem:
    return catalog.do_create_item(
        user, organization=department, code=data["code"], name=data["name"],
        legal_basis=data["legal_basis"], method=data["method"], is_key=data["is_key"],
        industries=data["industries"])


@login_required
@require_http_methods(["GET", "POST"])
def items(request: HttpRequest) -> HttpResponse:
    """The department's list of inspection items; its leaders add to it."""
    user = request.user
    require(permissions.can_view_directory(user))
    department = queries.department_choice(user, request.GET.get("department"))
    may_manage = department is not None and permissions.can_manage_items(user, department)
    form, status = ItemForm(request.POST or None), 200
    if request.method == "POST":
        require(may_manage)
        assert department is not None
        item, status = run_action(form, lambda data: _create_item(user, department, data))
        if item is not None:
            messages.success(request, _("Item %(code)s added.") % {"code": item.code})
            return redirect(f"{request.path}?department={department.uid}")
    return render(request, "supervision/catalog_items.html", {
        "department": department,
        "items": [{"item": i, "industries": industry_names(i.industries)}
                  for i in (queries.items_of(department) if department else [])],
        "choose": DepartmentForm(initial={"department": department.uid if department else None},
                                 departments=queries.departments_to_choose(user)),
        "form": form, "may_manage": may_manage, **nav(user, "items")}, status=status)


def _update_item(user: Any, item: RegulatoryItem, data: dict[str, Any]) -> RegulatoryItem:
    return catalog.do_update_item(user, item, name=data["name"],
                                  legal_basis=data["legal_basis"], method=data["method"],
                                  is_key=data["is_key"], industries=data["industries"])


@login_required
@require_http_methods(["GET", "POST"])
def item(request: HttpRequest, code: str) -> HttpResponse:
    """One item: read by staff, edited by the department's leaders."""
    user = request.user
    require(permissions.can_view_directory(user))
    found = _item_or_404(code)
    may_manage = permissions.can_manage_items(user, found.organization)
    initial = {"name": found.name, "legal_basis": found.legal_basis, "method": found.method,
               "is_key": found.is_key, "industries": found.industries}
    form, status = ItemForm(request.POST or None, initial=initial, editing=True), 200
    if request.method == "POST":
        require(may_manage)
        done, status = run_action(form, lambda data: _update_item(user, found, data))
        if done is not None:
            messages.success(request, _("Item saved."))
            return redirect("supervision:item", code=found.code)
    return render(request, "supervision/catalog_item.html", {
        "item": found, "industries": industry_names(found.industries), "form": form,
        "may_manage": may_manage,
        "plans": found.plans.order_by("-created_at")[:20], **nav(user, "items")},
        status=status)


@login_required
@require_POST
def item_active(request: HttpRequest, code: str) -> HttpResponse:
    """Deactivate the item (or put it back)."""
    found = _item_or_404(code)
    require(permissions.can_manage_items(request.user, found.organization))
    active = request.POST.get("active") == "1"
    catalog.do_set_item_active(request.user, found, active=active)
    messages.success(request, _("Item put back on the list.") if active
                     else _("Item taken off the list."))
    return redirect("supervision:item", code=found.code)


# --- sampling and credit rules ------------------------------------------------------------


def _rules_initial(department: Organization | None) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for grade in Grade.values:
        initial[f"frequency_per_year_{grade}"] = 1
    rules = SamplingRule.objects.filter(organization=department) if department else []
    for rule in rules:
        initial[f"factor_{rule.grade}"] = rule.factor
        initial[f"cap_percent_{rule.grade}"] = rule.cap_percent
        initial[f"frequency_per_year_{rule.grade}"] = rule.frequency_per_year
    return initial


def _set_rules(user: Any, department: Organization, data: dict[str, Any]) -> int:
    for grade in Grade.values:
        try:
            catalog.do_set_sampling_rule(
                user, organization=department, grade=grade, factor=data[f"factor_{grade}"],
                cap_percent=data[f"cap_percent_{grade}"],
                frequency_per_year=data[f"frequency_per_year_{grade}"])
        except ActionError as exc:  # shown on the grade's own field
            field = exc.details.get("field")
            if field:
                exc.details = {**exc.details, "field": f"{field}_{grade}"}
            raise
    return len(Grade.values)


def _credit_rule_rows() -> list[dict[str, Any]]:
    """The declared credit rules, with the outcomes or ticket kinds they count by name."""
    from jingchu.hotline.choices import TicketKind

    labels = {**dict(Outcome.choices), **dict(TicketKind.choices)}
    return [{"rule": r, "counts": "、".join(str(labels.get(v, v)) for v in
                                          [*r.outcomes, *r.kinds])}
            for r in CreditRule.objects.all()]


@login_required
@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest) -> HttpResponse:
    """抽查细则 of a department (its leaders edit the four grades), and the declared credit
    rules and grade bands."""
    user = request.user
    require(permissions.can_view_directory(user))
    department = queries.department_choice(user, request.GET.get("department"))
    may_manage = department is not None and permissions.can_manage_items(user, department)
    form = SamplingRulesForm(request.POST or None, initial=_rules_initial(department))
    status = 200
    if request.method == "POST":
        require(may_manage)
        assert department is not None
        done, status = run_action(form, lambda data: _set_rules(user, department, data))
        if done is not None:
            messages.success(request, _("Sampling rules saved."))
            return redirect(f"{request.path}?department={department.uid}")
    return render(request, "supervision/catalog_rules.html", {
        "department": department, "form": form, "may_manage": may_manage,
        "sampling": SamplingRule.objects.filter(organization=department).order_by("grade")
        if department else [],
        "choose": DepartmentForm(initial={"department": department.uid if department else None},
                                 departments=queries.departments_to_choose(user)),
        "credit_rules": _credit_rule_rows(), "bands": CreditBand.objects.all(),
        **nav(user, "rules")}, status=status)


urlpatterns: list[URLPattern] = [
    path("", home, name="home"),
    path("items/", items, name="items"),
    path("items/<str:code>/", item, name="item"),
    path("items/<str:code>/active/", item_active, name="item_active"),
    path("rules/", rules, name="rules"),
    *catalog_entities.urlpatterns,
    *catalog_inspectors.urlpatterns,
]
