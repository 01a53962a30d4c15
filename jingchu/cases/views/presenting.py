"""What the applicant pages show of a case: the next step, the public timeline, the materials.

Read-only helpers shared by the applicant and counter pages; no writes here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from jingchu.cases import material_sources, permissions, precheck
from jingchu.cases.actions.drafts import EDITABLE
from jingchu.cases.choices import CaseStatus
from jingchu.cases.models import Case, CaseEvent, CaseMaterial
from jingchu.services.choices import MaterialSource
from jingchu.services.models import MaterialRequirement

EVENT_LABELS = {
    "create": gettext_lazy("Application started"),
    "submit": gettext_lazy("Application submitted"),
    "resubmit": gettext_lazy("Corrected application submitted"),
    "supplement": gettext_lazy("Corrected application submitted"),
    "request_review_correction": gettext_lazy("Correction requested"),
    "withdraw": gettext_lazy("Application withdrawn"),
    "accept": pgettext_lazy("case", "Accepted"),
    "refuse": gettext_lazy("Not accepted"),
    "request_correction": gettext_lazy("Correction requested"),
    "start_review": gettext_lazy("Review started"),
    "suspend": gettext_lazy("Handling suspended"),
    "resume": gettext_lazy("Handling resumed"),
    "approve": gettext_lazy("Approved"),
    "deny": gettext_lazy("Denied"),
    "complete": gettext_lazy("Completed"),
    "deliver": gettext_lazy("Result delivered"),
    "payment_requested": gettext_lazy("Fee to pay"),
    "payment_paid": gettext_lazy("Fee paid"),
    "payment_cancelled": gettext_lazy("Fee order cancelled"),
    "license_issued": gettext_lazy("Electronic licence issued"),
}

NEXT_STEPS = {
    CaseStatus.DRAFT: gettext_lazy("Fill in the form, add the materials, then submit."),
    CaseStatus.SUBMITTED: gettext_lazy(
        "Wait for the service hall to check your application: within 5 working days it "
        "accepts it, refuses it with reasons, or tells you everything to correct at once."),
    CaseStatus.CORRECTION_REQUESTED: gettext_lazy(
        "Correct the application as the clerk asks below, then submit it again."),
    CaseStatus.REFUSED: gettext_lazy(
        "Your application was not accepted; the reasons are below. You may apply again."),
    CaseStatus.ACCEPTED: gettext_lazy("The department is handling your case."),
    CaseStatus.UNDER_REVIEW: gettext_lazy("The department is reviewing your case."),
    CaseStatus.SUSPENDED: gettext_lazy(
        "Handling is suspended for the reason below; the deadline stands still meanwhile."),
    CaseStatus.DECIDED: gettext_lazy("A decision has been made; the result will be issued."),
    CaseStatus.COMPLETED: gettext_lazy("Your case is completed; the result will be delivered."),
    CaseStatus.DELIVERED: gettext_lazy("Done. You may rate the service."),
    CaseStatus.WITHDRAWN: gettext_lazy("You withdrew this application. Nothing more to do."),
}


def next_step(case: Case) -> str:
    return str(NEXT_STEPS.get(CaseStatus(case.status), ""))


def case_or_404(user: Any, uid: Any) -> Case:
    """The case if this user may view it; otherwise 404, so its existence is not revealed."""
    case = get_object_or_404(
        Case.objects.select_related("item", "version", "implementation__organization",
                                    "handling_org", "accepting_org", "applicant",
                                    "on_behalf_of"),
        uid=uid)
    if not permissions.can_view_case(user, case):
        raise Http404
    return case


def may_edit(user: Any, case: Case) -> bool:
    return case.status in EDITABLE and (
        permissions.is_applicant(user, case) or permissions.counter_may_edit(user, case))


def timeline(case: Case) -> list[dict[str, Any]]:
    return [{"at": e.at, "label": str(EVENT_LABELS.get(e.action, e.action)), "note": e.note,
             "action": e.action}
            for e in case.events.filter(public=True)]


def _last_note(case: Case, *actions: str) -> str:
    event = case.events.filter(public=True, action__in=actions).order_by("-at", "-id").first()
    return event.note if isinstance(event, CaseEvent) else ""


def notes(case: Case) -> dict[str, str]:
    """The reasons the applicant must read in the current state."""
    status = case.status
    return {
        "correction": _last_note(case, "request_correction", "request_review_correction")
        if status == CaseStatus.CORRECTION_REQUESTED else "",
        "refusal": _last_note(case, "refuse") if status == CaseStatus.REFUSED else "",
        "suspension": _last_note(case, "suspend") if status == CaseStatus.SUSPENDED else "",
    }


@dataclass
class MaterialRow:
    requirement: MaterialRequirement
    files: list[CaseMaterial] = field(default_factory=list)
    no_upload: str = ""  # why no upload is needed (减材料), empty when one is
    # Licences the applicant holds for this material (offered while the case is editable),
    # and the ones the case uses, as they check out now.
    held: list[material_sources.HeldMaterial] = field(default_factory=list)
    used: list[tuple[CaseMaterial, material_sources.HeldMaterial | None]] = field(
        default_factory=list)

    @property
    def missing(self) -> bool:
        return (not self.no_upload and not self.files and not self.used
                and self.requirement.necessity == "required")

    @property
    def may_upload(self) -> bool:
        """An upload is the way for this material: always for an upload, and for a licence
        the applicant does not hold electronically (a scan)."""
        if self.requirement.source == MaterialSource.UPLOAD:
            return not self.no_upload
        return self.requirement.source == MaterialSource.LICENSE and not self.held \
            and not self.used


def _no_upload_reason(requirement: MaterialRequirement) -> str:
    if requirement.source == MaterialSource.LICENSE:
        return _("No upload needed: fetched from your electronic licence.")
    if requirement.source == MaterialSource.DATA_RESOURCE:
        return _("No upload needed: fetched from shared government data.")
    if requirement.media == precheck.ONLINE_FORM_MEDIA:
        return _("No upload needed: made from the form you fill in online.")
    return ""


def _row(case: Case, req: MaterialRequirement, supplied: list[CaseMaterial],
         offer: bool) -> MaterialRow:
    files = [m for m in supplied if m.file]
    used = [(m, material_sources.describe(m)) for m in supplied if not m.file and m.reference]
    held = material_sources.held_for(case, req) if offer and not used else []
    reason = _no_upload_reason(req)
    if req.source == MaterialSource.LICENSE and not held and not used:
        reason = ""  # not held electronically: a scan is uploaded instead
    return MaterialRow(req, files, reason, held, used)


def material_rows(case: Case, *, offer: bool = False) -> list[MaterialRow]:
    """One row per material the version asks for; `offer`: look up what the applicant holds
    (the editable application page)."""
    supplied: dict[int, list[CaseMaterial]] = {}
    for material in case.materials.all():
        supplied.setdefault(material.requirement_id, []).append(material)
    return [_row(case, req, supplied.get(req.pk, []), offer)
            for req in case.version.materials.all()]
