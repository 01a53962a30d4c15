"""Inspections after the draw and the public results (一公开).

Staff pages: the inspector's own list (and, for department leaders, their departments'
inspections), the inspection page (entity, items, inspectors, result form, evidence upload and
download, follow-up, publish). Public pages: published results (search, filters, pages) and a
result. The KPI page for leaders and auditors. Every view names its permission check; the
actions in jingchu.supervision.actions.inspections decide and validate.

The read helpers at the top are shared with the API (api_inspections.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from jingchu.core.errors import ActionError
from jingchu.core.forms import add_action_error
from jingchu.core.models import Organization
from jingchu.identity.choices import LegalEntityKind
from jingchu.identity.models import LegalEntity
from jingchu.supervision import deadlines, permissions, stats
from jingchu.supervision.actions import inspections as actions
from jingchu.supervision.choices import FollowUpStatus, InspectionStatus, Outcome, PlanStatus
from jingchu.supervision.models import Inspection, InspectionEvidence, InspectionInspector

PAGE_SIZE = 20
SEARCH_LIMIT = 100
RELATED = ("plan", "plan__organization", "legal_entity", "legal_entity__region")
PERIOD_CHOICES = (30, 90, 180, 365)

# --- read helpers (pages and API) ---------------------------------------------------------


def find_inspection(number: str) -> Inspection | None:
    return Inspection.objects.select_related(*RELATED).filter(number=number).first()


def departments_of(inspection: Inspection) -> list[Organization]:
    """The plan's lead department first, then its partners by name."""
    plan = inspection.plan
    return [plan.organization, *plan.partners.order_by("name")]


def inspectors_of(inspection: Inspection) -> list[InspectionInspector]:
    return list(InspectionInspector.objects.filter(inspection=inspection)
                .select_related("inspector__staff", "inspector__organization")
                .order_by("position"))


def my_inspections(user: Any, scope: str = "mine", status: str = "") -> QuerySet[Inspection]:
    """The user's own inspections ("mine"), or those of the plans of the departments they lead
    ("departments"; every plan for a platform administrator)."""
    found = Inspection.objects.select_related(*RELATED)
    if scope == "departments":
        if not getattr(user, "is_superuser", False):
            led = permissions.led_org_ids(user)
            found = found.filter(Q(plan__organization_id__in=led)
                                 | Q(plan__partners__in=led)).distinct()
    else:
        found = found.filter(inspectors__staff_id=permissions.staff_id(user) or 0).distinct()
    if status:
        found = found.filter(status=status)
    return found.order_by("-plan__starts_on", "number")


def public_name(entity: LegalEntity) -> str:
    """The entity's name as the public sees it: an individual business (个体工商户), whose
    name may be a person's, is shown by its credit code only (as on the public draws)."""
    return "" if entity.kind == LegalEntityKind.INDIVIDUAL_BUSINESS else entity.name


def published_results(q: str = "", organization: Organization | None = None,
                      outcome: str = "") -> QuerySet[Inspection]:
    """Published results, newest first; `q` matches the entity's name (not an individual
    business's), its credit code, or the inspection or plan number."""
    found = (Inspection.objects.filter(status=InspectionStatus.PUBLISHED)
             .select_related(*RELATED).prefetch_related("plan__partners", "plan__items"))
    text = q.strip()[:SEARCH_LIMIT]
    if text:
        named = (Q(legal_entity__name__icontains=text)
                 & ~Q(legal_entity__kind=LegalEntityKind.INDIVIDUAL_BUSINESS))
        found = found.filter(named | Q(legal_entity__uscc=text.upper())
                             | Q(number__startswith=text) | Q(plan__number__startswith=text))
    if organization is not None:
        found = found.filter(Q(plan__organization=organization)
                             | Q(plan__partners=organization)).distinct()
    if outcome:
        found = found.filter(outcome=outcome)
    return found.order_by("-published_at", "number")


def result_departments() -> QuerySet[Organization]:
    """Departments with a published result (lead or joint): the public filter's choices."""
    published = Inspection.objects.filter(status=InspectionStatus.PUBLISHED)
    return Organization.objects.filter(
        Q(inspection_plans__inspections__in=published)
        | Q(pk__in=published.values("plan__partners"))).distinct().order_by("name")


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _inspection_or_404(number: str) -> Inspection:
    found = find_inspection(number)
    if found is None:
        raise Http404
    return found


# --- forms --------------------------------------------------------------------------------

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ResultForm(forms.Form):
    inspected_on = forms.DateField(label=_lazy("Inspected on"), widget=DATE)
    ended_on = forms.DateField(label=_lazy("Inspection ended on"), widget=DATE)
    outcome = forms.ChoiceField(label=pgettext_lazy("inspection", "Outcome"),
                                choices=[("", "—"), *Outcome.choices])
    findings = forms.CharField(
        label=_lazy("Findings"), required=False, max_length=actions.FINDINGS_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_lazy("Required when a problem was found. Not published."))
    follow_up_due = forms.DateField(label=_lazy("Rectify by"), required=False, widget=DATE,
                                    help_text=_lazy("Only when ordered to rectify."))


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_lazy("File"), help_text=_lazy("JPG, PNG or PDF, 20 MB at most."),
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}))


class FollowUpForm(forms.Form):
    rectified = forms.TypedChoiceField(
        label=pgettext_lazy("inspection", "Rectification"), widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        choices=[("yes", _lazy("Rectified")), ("no", _lazy("Not rectified in time"))])
    note = forms.CharField(label=_lazy("Re-inspection note"), max_length=actions.NOTE_LIMIT,
                           widget=forms.Textarea(attrs={"rows": 3}))


class PublishForm(forms.Form):
    """No fields: the form carries the refusal, if any."""


FORMS: dict[str, type[forms.Form]] = {
    "result_form": ResultForm, "evidence_form": EvidenceForm, "follow_up_form": FollowUpForm,
    "publish_form": PublishForm,
}


def run_action(form: forms.Form, action: Callable[[dict[str, Any]], Any]) -> tuple[Any, int]:
    """Run `action` with the form's cleaned data; answer (result, 200) or (None, status) with
    the refusal put on the form."""
    if not form.is_valid():
        return None, 400
    try:
        with transaction.atomic():
            return action(form.cleaned_data), 200
    except ActionError as exc:
        add_action_error(form, exc)
        return None, exc.status


# --- the inspector's list -----------------------------------------------------------------


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(permissions.can_use_supervision(user))
    may_see_departments = bool(user.is_superuser or permissions.led_org_ids(user))
    scope = request.GET.get("scope", "mine")
    scope = scope if scope == "departments" and may_see_departments else "mine"
    status = request.GET.get("status", "")
    status = status if status in InspectionStatus.values else ""
    page = Paginator(my_inspections(user, scope, status), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "supervision/inspection_list.html", {
        "page": page, "scope": scope, "status": status, "statuses": InspectionStatus.choices,
        "may_see_departments": may_see_departments, "today": timezone.localdate(),
        "query": urlencode({k: v for k, v in (("scope", scope), ("status", status)) if v})})


# --- the inspection page ------------------------------------------------------------------


def _may(user: Any, inspection: Inspection) -> dict[str, bool]:
    recorder = permissions.can_record_result(user, inspection)
    status = inspection.status
    return {
        "may_record": recorder and status != InspectionStatus.PUBLISHED
        and inspection.plan.status == PlanStatus.DRAWN,
        "may_add_evidence": recorder,
        "may_follow_up": recorder and status != InspectionStatus.ASSIGNED
        and inspection.follow_up in (FollowUpStatus.OPEN, FollowUpStatus.OVERDUE),
        "may_publish": permissions.can_publish(user, inspection)
        and status == InspectionStatus.RECORDED,
    }


def _result_initial(inspection: Inspection) -> dict[str, Any]:
    return {"inspected_on": inspection.inspected_on, "ended_on": inspection.ended_on,
            "outcome": inspection.outcome, "findings": inspection.findings,
            "follow_up_due": inspection.follow_up_due}


def _render_inspection(request: HttpRequest, inspection: Inspection, status: int = 200,
                       **given: forms.Form) -> HttpResponse:
    today = timezone.localdate()
    unpublished = inspection.status == InspectionStatus.RECORDED and inspection.publish_due
    context: dict[str, Any] = {
        "inspection": inspection, "plan": inspection.plan, "entity": inspection.legal_entity,
        "departments": departments_of(inspection), "items": list(inspection.plan.items.all()),
        "inspectors": inspectors_of(inspection),
        "evidence": list(inspection.evidence.order_by("uploaded_at")),
        "days_left": (deadlines.working_days_left(inspection.publish_due, today)
                      if unpublished and inspection.publish_due else None),
        "stage": deadlines.stage(inspection.publish_due, today) if unpublished else "",
        "ledger_index": (actions.ledger_index(inspection)
                         if inspection.status == InspectionStatus.PUBLISHED else None),
        **_may(request.user, inspection),
    }
    for key, form_class in FORMS.items():
        form = given.get(key)
        if form is None:
            form = (ResultForm(initial=_result_initial(inspection)) if key == "result_form"
                    else form_class())
        context[key] = form
    return render(request, "supervision/inspection_detail.html", context, status=status)


@login_required
def inspection_page(request: HttpRequest, number: str) -> HttpResponse:
    inspection = _inspection_or_404(number)
    require(permissions.can_view_inspection(request.user, inspection))
    return _render_inspection(request, inspection)


def _step(request: HttpRequest, number: str, key: str, check: Callable[[Any, Any], bool],
          act: Callable[[Inspection, dict[str, Any]], Any], done: str) -> HttpResponse:
    inspection = _inspection_or_404(number)
    require(check(request.user, inspection))
    form = FORMS[key](request.POST, request.FILES)
    result, status = run_action(form, lambda data: act(inspection, data))
    if result is None:
        fresh = find_inspection(number) or inspection
        return _render_inspection(request, fresh, status, **{key: form})
    messages.success(request, done)
    return redirect("supervision:inspection", number=inspection.number)


@login_required
@require_POST
def record_result(request: HttpRequest, number: str) -> HttpResponse:
    return _step(request, number, "result_form", permissions.can_record_result,
                 lambda i, data: actions.do_record_result(
                     request.user, i, inspected_on=data["inspected_on"],
                     ended_on=data["ended_on"], outcome=data["outcome"],
                     findings=data["findings"], follow_up_due=data["follow_up_due"]),
                 _("Result recorded."))


@login_required
@require_POST
def add_evidence(request: HttpRequest, number: str) -> HttpResponse:
    return _step(request, number, "evidence_form", permissions.can_record_result,
                 lambda i, data: actions.do_add_evidence(request.user, i, data["file"]),
                 _("File kept as evidence."))


@login_required
@require_POST
def follow_up(request: HttpRequest, number: str) -> HttpResponse:
    return _step(request, number, "follow_up_form", permissions.can_record_result,
                 lambda i, data: actions.do_record_follow_up(
                     request.user, i, rectified=data["rectified"], note=data["note"]),
                 _("Follow-up recorded."))


@login_required
@require_POST
def publish(request: HttpRequest, number: str) -> HttpResponse:
    return _step(request, number, "publish_form", permissions.can_publish,
                 lambda i, data: actions.do_publish(request.user, i),
                 _("Result published."))


@login_required
def evidence_file(request: HttpRequest, number: str, uid: uuid.UUID) -> FileResponse:
    """An evidence file, streamed to whoever may see the inspection (files have no URL)."""
    found = (InspectionEvidence.objects.select_related("inspection__plan")
             .filter(uid=uid, inspection__number=number).first())
    if found is None:
        raise Http404
    require(permissions.can_view_inspection(request.user, found.inspection))
    try:
        handle = actions.do_open_evidence(request.user, found)
    except ActionError as exc:
        raise Http404(exc.message) from None
    return FileResponse(handle, as_attachment=True, filename=found.name,
                        content_type=found.content_type)


# --- public results -----------------------------------------------------------------------


class ResultFilterForm(forms.Form):
    q = forms.CharField(label=_lazy("Entity, credit code or number"), required=False,
                        max_length=SEARCH_LIMIT)
    department = forms.ChoiceField(label=_lazy("Department"), required=False)
    outcome = forms.ChoiceField(label=pgettext_lazy("inspection", "Outcome"), required=False,
                                choices=[("", _lazy("Any outcome")), *Outcome.choices])

    def __init__(self, *args: Any, departments: list[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.departments = {str(o.uid): o for o in departments}
        field = self.fields["department"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Any department")),
                         *[(str(o.uid), o.name) for o in departments]]


def public_results(request: HttpRequest) -> HttpResponse:
    require(permissions.can_view_public(request.user))
    form = ResultFilterForm(request.GET or None, departments=list(result_departments()))
    data = form.cleaned_data if form.is_valid() else {}
    chosen = form.departments.get(data.get("department", ""))
    found = published_results(data.get("q", ""), chosen, data.get("outcome", ""))
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k in ("q", "department", "outcome")
                       if (v := str(data.get(k) or ""))})
    rows = [{"i": i, "name": public_name(i.legal_entity)} for i in page]
    return render(request, "supervision/result_list.html",
                  {"form": form, "page": page, "rows": rows, "query": query})


def public_result(request: HttpRequest, number: str) -> HttpResponse:
    require(permissions.can_view_public(request.user))
    inspection = find_inspection(number)
    if inspection is None or inspection.status != InspectionStatus.PUBLISHED:
        raise Http404
    return render(request, "supervision/result_detail.html", {
        "inspection": inspection, "plan": inspection.plan, "entity": inspection.legal_entity,
        "name": public_name(inspection.legal_entity),
        "departments": departments_of(inspection), "items": list(inspection.plan.items.all()),
        "ledger_index": actions.ledger_index(inspection),
        "published_on": (deadlines.local_day(inspection.published_at)
                         if inspection.published_at else None)})


# --- KPIs ---------------------------------------------------------------------------------


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def kpi_departments() -> QuerySet[Organization]:
    """Departments with regulatory items: the KPI page's department choices."""
    return Organization.objects.filter(regulatory_items__isnull=False).distinct().order_by("name")


def _kpi_params(request: HttpRequest) -> tuple[stats.Period, Organization | None,
                                               dict[str, str]]:
    params = {k: request.GET.get(k, "") for k in ("date_from", "date_to", "days", "department")}
    try:
        days = int(params["days"] or 365)
    except ValueError:
        days = 0
    period = stats.parse_period(params["date_from"], params["date_to"], days)
    params["days"] = str(days)
    chosen = next((o for o in kpi_departments() if str(o.uid) == params["department"]), None)
    return period, chosen, params


@login_required
def kpis(request: HttpRequest) -> HttpResponse:
    require(permissions.can_view_kpis(request.user))
    context: dict[str, Any] = {"choices": PERIOD_CHOICES, "params": request.GET,
                               "departments": list(kpi_departments())}
    try:
        period, chosen, params = _kpi_params(request)
    except ActionError as exc:
        return render(request, "supervision/kpis.html", {**context, "error": exc.message},
                      status=400)
    coverage = stats.item_coverage(period, chosen)
    timeliness = stats.publication_timeliness(period, chosen)
    per_department = [(o, stats.item_coverage(period, o)) for o in context["departments"]]
    context.update({
        "period": period, "chosen": chosen, "params": params, "coverage": coverage,
        "coverage_pct": _pct(coverage.rate), "target_pct": _pct(coverage.target),
        "timeliness": timeliness, "timeliness_pct": _pct(timeliness.rate),
        "outcomes": [(r, _pct(r.share)) for r in stats.outcomes(period, chosen)],
        "rows": [(r, _pct(r.on_time_rate)) for r in stats.inspections_by_department(period)],
        "coverage_rows": [(o, c, _pct(c.rate)) for o, c in per_department],
    })
    return render(request, "supervision/kpis.html", context)


urlpatterns: list[URLPattern] = [
    path("inspections/", inspection_list, name="inspections"),
    path("inspections/<str:number>/", inspection_page, name="inspection"),
    path("inspections/<str:number>/result/", record_result, name="inspection_result"),
    path("inspections/<str:number>/evidence/", add_evidence, name="inspection_evidence"),
    path("inspections/<str:number>/evidence/<uuid:uid>/", evidence_file,
         name="inspection_evidence_file"),
    path("inspections/<str:number>/follow-up/", follow_up, name="inspection_follow_up"),
    path("inspections/<str:number>/publish/", publish, name="inspection_publish"),
    path("results/", public_results, name="public_results"),
    path("results/<str:number>/", public_result, name="public_result"),
    path("kpis/", kpis, name="kpis"),
]
