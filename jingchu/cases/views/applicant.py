"""Case pages for the applicant: apply, fill in the draft, upload, submit, withdraw, my cases.

Every page checks a named permission from `cases.permissions` first. A case the user may not
view answers 404, never 403, so that its existence is not revealed.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from jingchu.cases import actions, permissions, precheck, prefill
from jingchu.cases.actions.materials import max_bytes
from jingchu.cases.choices import CaseStatus, Channel
from jingchu.cases.forms import ApplyForm, UploadForm
from jingchu.cases.models import Case, CaseMaterial
from jingchu.cases.views import counter, presenting
from jingchu.cases.workflow import TRANSITIONS
from jingchu.core.errors import ActionError
from jingchu.identity import services as identity_services
from jingchu.services import catalog, eforms
from jingchu.services.choices import ApplicantKind
from jingchu.services.models import ItemVersion, MaterialRequirement

PAGE_SIZE = 20


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _apply_blocker(version: ItemVersion, acting: Any) -> str:
    """Why this session cannot apply for the item as it stands, or ""."""
    kind = (version.eligibility or {}).get("applicant_kind") or version.applicant_kind
    if kind == ApplicantKind.LEGAL_ENTITY and acting is None:
        return _("This service is for legal entities. Choose the enterprise you act for first.")
    if kind == ApplicantKind.PERSON and acting is not None:
        return _("This service is for natural persons. Switch to acting as yourself to apply.")
    return ""


def _render_apply(request: HttpRequest, version: ItemVersion, error: str = "",
                  status: int = 200) -> HttpResponse:
    acting = identity_services.acting_for(request)
    return render(request, "cases/apply.html", {
        "version": version, "item": version.item, "acting": acting,
        "implementations": catalog.implementations(version.item),
        "blocker": _apply_blocker(version, acting), "error": error,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """Pick where to apply; starts a draft as myself or for the enterprise I act for."""
    _require(permissions.can_apply(request.user))
    version = catalog.get_version(code)
    if request.method == "GET":
        return _render_apply(request, version)
    form = ApplyForm(request.POST)
    impl = None
    if form.is_valid():
        impl = catalog.implementations(version.item).filter(
            uid=form.cleaned_data["implementation"]).first()
    if impl is None:
        return _render_apply(request, version, _("Please choose where to apply."), 400)
    user: Any = request.user
    try:
        case = actions.do_create_draft(
            user, implementation=impl, applicant=user.person,
            on_behalf_of=identity_services.acting_for(request), channel=Channel.ONLINE)
    except ActionError as exc:
        return _render_apply(request, version, exc.message, exc.status)
    return redirect("cases:edit", uid=case.uid)


def _edit_context(request: HttpRequest, case: Case, values: Any = None,
                  errors: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "case": case,
        "form_fields": eforms.fields(case.version.form_schema,
                                     case.form_data if values is None else values, errors),
        "materials": presenting.material_rows(case, offer=True),
        "notes": presenting.notes(case),
        "upload_form": UploadForm(),
        "max_mb": max_bytes() // (1024 * 1024),
        "counter": case.channel == Channel.COUNTER,
        # Offered to the applicant only: the consent to use their data is theirs to give.
        "prefill_offers": (prefill.offers(case)
                           if permissions.is_applicant(request.user, case) else []),
    }


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, uid: Any) -> HttpResponse:
    """The draft: the item's form (saved with do_save_form) and the materials."""
    case = presenting.case_or_404(request.user, uid)
    _require(presenting.may_edit(request.user, case))
    if request.method == "GET":
        return render(request, "cases/apply_edit.html", _edit_context(request, case))
    try:
        actions.do_save_form(request.user, case, request.POST)
    except ActionError as exc:
        errors = exc.details.get("errors") or {}
        messages.error(request, exc.message)
        return render(request, "cases/apply_edit.html",
                      _edit_context(request, case, request.POST, errors), status=exc.status)
    messages.success(request, _("The form is saved."))
    return redirect("cases:edit", uid=case.uid)


@login_required
@require_POST
def upload(request: HttpRequest, uid: Any) -> HttpResponse:
    case = presenting.case_or_404(request.user, uid)
    _require(presenting.may_edit(request.user, case))
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Please choose a file."))
        return redirect("cases:edit", uid=case.uid)
    requirement = get_object_or_404(MaterialRequirement, uid=form.cleaned_data["requirement"],
                                    version_id=case.version_id)
    try:
        actions.do_attach_material(request.user, case, requirement, form.cleaned_data["file"])
    except ActionError as exc:
        messages.error(request, f"{requirement.name}: {exc.message}")
    else:
        messages.success(request, _("%(name)s: file added.") % {"name": requirement.name})
    return redirect("cases:edit", uid=case.uid)


@login_required
@require_POST
def use_held(request: HttpRequest, uid: Any) -> HttpResponse:
    """The applicant's consent: a licence they hold stands in for a material (减材料)."""
    case = presenting.case_or_404(request.user, uid)
    _require(presenting.may_edit(request.user, case))
    try:
        requirement_uid = uuid.UUID(request.POST.get("requirement") or "")
    except ValueError:
        raise Http404 from None
    requirement = get_object_or_404(MaterialRequirement, uid=requirement_uid,
                                    version_id=case.version_id)
    reference = (request.POST.get("reference") or "").strip()
    try:
        actions.do_use_held_material(request.user, case, requirement, reference)
    except ActionError as exc:
        messages.error(request, f"{requirement.name}: {exc.message}")
    else:
        messages.success(request, _("%(name)s: your electronic licence is used; nothing to "
                                    "upload.") % {"name": requirement.name})
    return redirect("cases:edit", uid=case.uid)


@login_required
@require_POST
def remove_material(request: HttpRequest, uid: Any, material: Any) -> HttpResponse:
    case = presenting.case_or_404(request.user, uid)
    _require(presenting.may_edit(request.user, case))
    item = get_object_or_404(CaseMaterial, uid=material, case=case)
    try:
        actions.do_remove_material(request.user, case, item)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The file is removed."))
    return redirect("cases:edit", uid=case.uid)


@login_required
@never_cache
def material_file(request: HttpRequest, uid: Any, material: Any) -> FileResponse:
    """Stream a material, as a download, to those who may view the case; no public URL."""
    case = presenting.case_or_404(request.user, uid)
    item = get_object_or_404(CaseMaterial, uid=material, case=case)
    try:
        handle = actions.do_open_material(request.user, item)
    except ActionError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=item.filename,
                        content_type=item.content_type or "application/octet-stream")


def _submit_name(case: Case) -> str:
    """submit a draft; after 补正, resubmit to intake or, once accepted, supplement to review."""
    if case.status == CaseStatus.CORRECTION_REQUESTED:
        return "supplement" if case.accepted_at is not None else "resubmit"
    return "submit"


def _may_withdraw(user: Any, case: Case) -> bool:
    transition = TRANSITIONS["withdraw"]
    return transition.applies(case.status, case.accepted_at is not None) and (
        permissions.can_transition(user, case, transition))


def _may_submit(user: Any, case: Case) -> bool:
    """The applicant, or the clerk who fills the draft in at the counter."""
    transition = TRANSITIONS[_submit_name(case)]
    return permissions.can_transition(user, case, transition) or (
        permissions.counter_may_edit(user, case))


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, uid: Any) -> HttpResponse:
    """GET previews every pre-check problem; POST submits (or resubmits after 补正)."""
    case = presenting.case_or_404(request.user, uid)
    _require(_may_submit(request.user, case))
    if request.method == "GET" and not presenting.may_edit(request.user, case):
        return redirect("cases:detail", uid=case.uid)  # nothing to submit any more
    name = _submit_name(case)
    problems: list[dict[str, str]] = [
        {"message": p.message, "code": p.code} for p in precheck.run(case)
    ] if case.status in {CaseStatus.DRAFT, CaseStatus.CORRECTION_REQUESTED} else []
    error, status = "", 200
    if request.method == "POST":
        try:
            case = actions.do_transition(request.user, case, name)
        except ActionError as exc:
            problems = exc.details.get("problems") or []
            error, status = exc.message, exc.status
        else:
            messages.success(request, _("Submitted. Your case number is %(number)s.")
                             % {"number": case.number})
            return redirect("cases:detail", uid=case.uid)
    return render(request, "cases/apply_submit.html", {
        "case": case, "problems": problems, "error": error, "name": name,
        "notes": presenting.notes(case)}, status=status)


@login_required
@require_POST
def withdraw(request: HttpRequest, uid: Any) -> HttpResponse:
    case = presenting.case_or_404(request.user, uid)
    _require(_may_withdraw(request.user, case))
    try:
        actions.do_transition(request.user, case, "withdraw")
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The application is withdrawn."))
    return redirect("cases:detail", uid=case.uid)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """My cases and those of the enterprises I may act for now: nobody else's."""
    _require(permissions.can_apply(request.user))
    person = identity_services.person_of(request.user)
    entities = identity_services.entities_for(person)
    cases = Case.objects.filter(Q(applicant=person) | Q(on_behalf_of__in=entities)).select_related(
        "version", "on_behalf_of", "applicant").order_by("-created_at")
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"case": c, "next_step": presenting.next_step(c)} for c in page.object_list]
    return render(request, "cases/my_cases.html", {"page": page, "rows": rows})


RATEABLE = {CaseStatus.DECIDED, CaseStatus.COMPLETED, CaseStatus.DELIVERED}


@login_required
@never_cache
def detail(request: HttpRequest, uid: Any) -> HttpResponse:
    """The case with its public timeline, decision and next step; 404 for outsiders."""
    case = presenting.case_or_404(request.user, uid)
    user = request.user
    return render(request, "cases/case_detail.html", {
        "case": case, "timeline": presenting.timeline(case),
        "notes": presenting.notes(case), "next_step": presenting.next_step(case),
        "materials": presenting.material_rows(case),
        "may_edit": presenting.may_edit(user, case),
        "may_submit": presenting.may_edit(user, case) and _may_submit(user, case),
        "may_withdraw": _may_withdraw(user, case),
        "may_apply": permissions.can_apply(user),
        # The rating page (reviews app) checks its own permission; the link is only offered.
        "may_rate": permissions.is_applicant(user, case) and case.status in RATEABLE,
    })


urlpatterns: list[URLPattern] = [
    path("apply/<str:code>/", apply, name="apply"),
    path("mine/", mine, name="mine"),
    path("<uuid:uid>/", detail, name="detail"),
    path("<uuid:uid>/edit/", edit, name="edit"),
    path("<uuid:uid>/submit/", submit, name="submit"),
    path("<uuid:uid>/withdraw/", withdraw, name="withdraw"),
    path("<uuid:uid>/materials/", upload, name="upload"),
    path("<uuid:uid>/materials/held/", use_held, name="use_held"),
    path("<uuid:uid>/materials/<uuid:material>/", material_file, name="material"),
    path("<uuid:uid>/materials/<uuid:material>/remove/", remove_material,
         name="remove_material"),
    *counter.urlpatterns,
]
