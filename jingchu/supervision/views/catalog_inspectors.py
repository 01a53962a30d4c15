"""The directory of inspectors (执法检查人员名录库): each department's inspectors, registering
one, the inspector page (certificate and qualification, conflicts of interest declared and
withdrawn)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jingchu.core.models import Organization
from jingchu.supervision import permissions
from jingchu.supervision import queries_catalog as queries
from jingchu.supervision.actions import catalog
from jingchu.supervision.models import ConflictDeclaration, Inspector
from jingchu.supervision.views.catalog_common import nav, require, run_action
from jingchu.supervision.views.catalog_forms import (
    ConflictForm,
    DepartmentForm,
    InspectorEditForm,
    InspectorForm,
    WithdrawForm,
)


def _register(user: Any, department: Organization, data: dict[str, Any]) -> Inspector:
    return catalog.do_register_inspector(
        user, staff=data["staff"], organization=department,
        certificate_number=data["certificate_number"],
        qualified_until=data["qualified_until"])


@login_required
@require_http_methods(["GET", "POST"])
def inspectors(request: HttpRequest) -> HttpResponse:
    """A department's inspectors; its leaders register staff members as inspectors."""
    user = request.user
    require(permissions.can_view_directory(user))
    department = queries.department_choice(user, request.GET.get("department"))
    may_manage = department is not None and permissions.can_manage_items(user, department)
    form = InspectorForm(request.POST or None, department=department)
    status = 200
    if request.method == "POST":
        require(may_manage)
        assert department is not None
        made, status = run_action(form, lambda data: _register(user, department, data))
        if made is not None:
            messages.success(request, _("%(name)s is registered as an inspector.")
                             % {"name": made.staff.name})
            return redirect("supervision:inspector", uid=made.uid)
    departments = queries.departments_to_choose(user)
    listed = queries.inspectors_of(department) if department else Inspector.objects.none()
    return render(request, "supervision/catalog_inspectors.html", {
        "department": department, "may_manage": may_manage, "form": form,
        "inspectors": listed.prefetch_related("conflicts"),
        "choose": DepartmentForm(initial={"department": department.uid if department else None},
                                 departments=departments),
        **nav(user, "inspectors")}, status=status)


def _inspector_or_404(uid: uuid.UUID) -> Inspector:
    found = (Inspector.objects.select_related("staff", "organization").filter(uid=uid)
             .first())
    if found is None:
        raise Http404
    return found


def _render(request: HttpRequest, inspector: Inspector, status: int = 200,
            **given: forms.Form) -> HttpResponse:
    user = request.user
    conflicts = (inspector.conflicts.select_related("legal_entity")
                 .order_by("withdrawn_at", "-declared_at"))
    return render(request, "supervision/catalog_inspector.html", {
        "inspector": inspector, "conflicts": conflicts,
        "may_manage": permissions.can_manage_items(user, inspector.organization),
        "may_declare": permissions.can_declare_conflict(user, inspector),
        "edit_form": given.get("edit_form") or InspectorEditForm(initial={
            "certificate_number": inspector.certificate_number,
            "qualified_until": inspector.qualified_until, "is_active": inspector.is_active}),
        "conflict_form": given.get("conflict_form") or ConflictForm(),
        "withdraw_form": given.get("withdraw_form") or WithdrawForm(),
        **nav(user, "inspectors")}, status=status)


@login_required
def inspector(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    require(permissions.can_view_directory(request.user))
    return _render(request, _inspector_or_404(uid))


@login_required
@require_POST
def inspector_edit(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """A renewed certificate or qualification; or the inspector taken off the directory."""
    found = _inspector_or_404(uid)
    require(permissions.can_manage_items(request.user, found.organization))
    form = InspectorEditForm(request.POST)
    done, status = run_action(form, lambda data: catalog.do_update_inspector(
        request.user, found, certificate_number=data["certificate_number"],
        qualified_until=data["qualified_until"], is_active=data["is_active"]))
    if done is None:
        return _render(request, found, status, edit_form=form)
    messages.success(request, _("Inspector saved."))
    return redirect("supervision:inspector", uid=found.uid)


@login_required
@require_POST
def conflict_declare(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """回避: the inspector (or a leader of the department) declares a relation to an entity."""
    found = _inspector_or_404(uid)
    require(permissions.can_declare_conflict(request.user, found))
    form = ConflictForm(request.POST)
    done, status = run_action(form, lambda data: catalog.do_declare_conflict(
        request.user, inspector=found, legal_entity=queries.legal_entity(data["uscc"]),
        relation=data["relation"], note=data["note"]), {"legal_entity": "uscc"})
    if done is None:
        return _render(request, found, status, conflict_form=form)
    messages.success(request, _("Conflict of interest declared: the draw will not send this "
                                "inspector to %(name)s.") % {"name": done.legal_entity.name})
    return redirect("supervision:inspector", uid=found.uid)


@login_required
@require_POST
def conflict_withdraw(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """A leader of the inspector's department withdraws a declaration, giving the reason."""
    conflict = (ConflictDeclaration.objects.select_related("inspector__organization",
                                                           "inspector__staff", "legal_entity")
                .filter(uid=uid).first())
    if conflict is None:
        raise Http404
    require(permissions.can_manage_items(request.user, conflict.inspector.organization))
    form = WithdrawForm(request.POST)
    done, status = run_action(form, lambda data: catalog.do_withdraw_conflict(
        request.user, conflict, reason=data["reason"]))
    if done is None:
        return _render(request, conflict.inspector, status, withdraw_form=form)
    messages.success(request, _("Declaration withdrawn."))
    return redirect("supervision:inspector", uid=conflict.inspector.uid)


urlpatterns: list[URLPattern] = [
    path("inspectors/", inspectors, name="inspectors"),
    path("inspectors/<uuid:uid>/", inspector, name="inspector"),
    path("inspectors/<uuid:uid>/edit/", inspector_edit, name="inspector_edit"),
    path("inspectors/<uuid:uid>/conflicts/", conflict_declare, name="conflict_declare"),
    path("conflicts/<uuid:uid>/withdraw/", conflict_withdraw, name="conflict_withdraw"),
]
