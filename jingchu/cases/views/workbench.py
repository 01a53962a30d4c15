"""Case pages for the workbench (工作台): queues, the overdue list, one case and its steps."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from jingchu.cases import actions, material_sources, permissions, precheck, queues
from jingchu.cases.choices import CaseStatus, SlaState
from jingchu.cases.models import Case, CaseMaterial
from jingchu.cases.views.presenting import EVENT_LABELS
from jingchu.cases.workflow import APPLICANT, HANDLING, TRANSITIONS, Transition
from jingchu.core.errors import ActionError
from jingchu.core.masking import mask_address, mask_id_number, mask_phone
from jingchu.core.models import Organization
from jingchu.identity.choices import StaffRole
from jingchu.services import eforms

PAGE_SIZE = 20

STEP_LABELS = {
    "accept": gettext_lazy("Accept"),
    "refuse": gettext_lazy("Refuse to accept"),
    "request_correction": gettext_lazy("Request correction"),
    "start_review": gettext_lazy("Start review"),
    "request_review_correction": gettext_lazy("Request correction (clock paused)"),
    "suspend": gettext_lazy("Suspend"),
    "resume": gettext_lazy("Resume"),
    "approve": gettext_lazy("Approve"),
    "deny": gettext_lazy("Deny"),
    "complete": gettext_lazy("Complete"),
    "deliver": gettext_lazy("Mark as delivered"),
}

# Form values shown masked on the workbench (house rule: personal data masked on pages).
_ID_FIELD = re.compile(r"id_number|id_card|身份")
_PHONE_FIELD = re.compile(r"phone|mobile|tel")
_ADDRESS_FIELD = re.compile(r"address|addr|住址")


def _require_workbench(request: HttpRequest) -> None:
    if not permissions.can_use_workbench(request.user):
        raise PermissionDenied


def _case_for_staff(request: HttpRequest, uid: uuid.UUID) -> Case:
    _require_workbench(request)
    case = get_object_or_404(
        Case.objects.select_related("item", "version", "implementation__organization",
                                    "handling_org", "accepting_org", "applicant",
                                    "on_behalf_of", "claimed_by"), uid=uid)
    if not permissions.can_work_on_case(request.user, case):
        raise PermissionDenied
    return case


def _today() -> dt.date:
    return timezone.localdate()


def _claimable(request: HttpRequest, cases: list[Case]) -> set[int]:
    """The listed cases this user may claim now (one look-up of their roles for the page)."""
    mine = {o.pk for role in (StaffRole.REVIEWER, StaffRole.APPROVER)
            for o in permissions.staff_orgs(request.user, role)}
    return {c.pk for c in cases if c.handling_org_id in mine and c.claimed_by_id is None
            and c.status in HANDLING}


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    """The queues: my organizations' cases by status, filtered, sorted by deadline."""
    _require_workbench(request)
    f = queues.Filters.from_params(request.GET)
    today = _today()
    page = Paginator(queues.search(request.user, f, today), PAGE_SIZE).get_page(
        request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    counts = queues.status_counts(request.user)
    context = {
        "filter": f, "page": page, "query": query.urlencode(), "today": today,
        "rows": [queues.row(c, today) for c in page.object_list],
        "tabs": [(value, label, counts.get(value, 0)) for value, label in CaseStatus.choices
                 if value != CaseStatus.DRAFT],
        "total": sum(counts.values()),
        "overdue_count": queues.overdue(request.user, today).count(),
        "items": queues.items_in_scope(request.user),
        "sla_states": [s for s in SlaState.choices if s[0] != SlaState.NONE],
        "statuses": [s for s in CaseStatus.choices if s[0] != CaseStatus.DRAFT],
        "sorts": [("deadline", _("Deadline, soonest first")),
                  ("-submitted", _("Newest submitted first")),
                  ("submitted", _("Oldest submitted first"))],
        "claimable": _claimable(request, list(page.object_list)),
    }
    return render(request, "cases/workbench.html", context)


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    """Every overdue case of my organizations on one page (督办 overview)."""
    _require_workbench(request)
    today = _today()
    page = Paginator(queues.overdue(request.user, today), 100).get_page(request.GET.get("page"))
    rows = [queues.row(c, today) for c in page.object_list]
    return render(request, "cases/workbench_overdue.html",
                  {"page": page, "rows": rows, "today": today})


def _masked(name: str, value: Any) -> str:
    text = "" if value is None else str(value)
    if isinstance(value, bool):
        text = _("Yes") if value else _("No")
    if _ID_FIELD.search(name):
        return mask_id_number(text)
    if _PHONE_FIELD.search(name):
        return mask_phone(text)
    if _ADDRESS_FIELD.search(name):
        return mask_address(text)
    return text


def _form_rows(case: Case) -> list[tuple[str, str]]:
    rows = []
    for field in eforms.fields(case.version.form_schema):
        if field.name in case.form_data:
            value = case.form_data[field.name]
            shown = dict(field.choices).get(str(value), value) if field.choices else value
            rows.append((field.label, _masked(field.name, shown)))
    return rows


def _correction_choices(case: Case) -> list[str]:
    """Suggested problems for a correction request: the pre-check's, then each material."""
    found = [p.message for p in precheck.run(case, _today())]
    found += [_("Material to correct: %s") % m.name for m in case.version.materials.all()]
    return list(dict.fromkeys(found))


def _steps(request: HttpRequest, case: Case) -> list[dict[str, Any]]:
    steps = []
    for t in permissions.transitions_for(request.user, case):
        step: dict[str, Any] = {"t": t, "label": STEP_LABELS.get(t.name, t.name)}
        if t.lists_problems:
            step["choices"] = _correction_choices(case)
        if t.name == "accept":
            step["orgs"] = permissions.intake_orgs(request.user, case)
        steps.append(step)
    return steps


def _materials(case: Case) -> list[CaseMaterial]:
    """The supplied materials; a licence used instead of an upload is checked again now
    (signature, status, dates) and carries the outcome as `held`."""
    materials = list(case.materials.select_related("requirement"))
    for material in materials:
        material.held = material_sources.describe(material)  # type: ignore[attr-defined]
    return materials


def _case_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    today = _today()
    events = [(e, EVENT_LABELS.get(e.action, e.action)) for e in
              case.events.select_related("actor")]
    return queues.row(case, today) | {
        "today": today,
        "form_rows": _form_rows(case), "events": events,
        "materials": _materials(case),
        "applicant_id": mask_id_number(case.applicant.id_number),
        "steps": _steps(request, case),
        "may_claim": permissions.may_claim(request.user, case)
        and case.claimed_by_id is None and case.status in HANDLING,
    }


@login_required
def case_page(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    case = _case_for_staff(request, uid)
    return render(request, "cases/workbench_case.html", _case_context(request, case))


@login_required
@require_POST
def claim(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    case = _case_for_staff(request, uid)
    try:
        actions.do_claim(request.user, case)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("You claimed case %s.") % case.number)
    if request.POST.get("next") == "list":
        return redirect("cases:workbench")
    return redirect("cases:workbench_case", case.uid)


def _via(request: HttpRequest, case: Case) -> Organization | None:
    raw = request.POST.get("via", "")
    if not raw:
        return None
    try:
        wanted = uuid.UUID(raw)
    except ValueError:
        raise ActionError("via_invalid", _("Unknown organization."), {"field": "via"}) from None
    for org in permissions.intake_orgs(request.user, case):
        if org.uid == wanted:
            return org
    raise ActionError("via_invalid", _("Unknown organization."), {"field": "via"})


def _transition_or_404(name: str) -> Transition:
    transition = TRANSITIONS.get(name)
    if transition is None or transition.actor == APPLICANT:
        raise Http404
    return transition


@login_required
@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, uid: uuid.UUID, name: str) -> HttpResponse:
    """One step on its own page (GET), or taking it (POST); a refusal re-shows the form."""
    case = _case_for_staff(request, uid)
    transition = _transition_or_404(name)
    error: ActionError | None = None
    if request.method == "POST":
        try:
            actions.do_transition(
                request.user, case, name, reason=request.POST.get("reason", ""),
                problems=request.POST.getlist("problem"), via=_via(request, case))
        except ActionError as exc:
            error = exc
        else:
            messages.success(request, _("Done: %s") % STEP_LABELS.get(name, name))
            return redirect("cases:workbench_case", case.uid)
    context = _case_context(request, case)
    context |= {
        "transition": transition, "error": error,
        "step": next((s for s in context["steps"] if s["t"].name == name), None),
        "reason": request.POST.get("reason", ""),
        "picked": request.POST.getlist("problem"),
    }
    return render(request, "cases/transition.html", context,
                  status=error.status if error else 200)


urlpatterns: list[URLPattern] = [
    path("workbench/", workbench, name="workbench"),
    path("workbench/overdue/", overdue, name="workbench_overdue"),
    path("workbench/<uuid:uid>/", case_page, name="workbench_case"),
    path("workbench/<uuid:uid>/claim/", claim, name="workbench_claim"),
    path("workbench/<uuid:uid>/steps/<slug:name>/", step, name="workbench_step"),
]
