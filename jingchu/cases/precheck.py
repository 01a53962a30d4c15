"""Automatic pre-check before a case reaches a clerk: everything wrong is reported at once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.cases.models import Case
from jingchu.services import eforms
from jingchu.services.choices import ApplicantKind, MaterialNecessity, MaterialSource


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    field: str = ""


def _age(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def eligibility_problems(case: Case, today: dt.date) -> list[Problem]:
    rules = case.version.eligibility or {}
    problems = []
    age = _age(case.applicant.birth_date, today)
    if "min_age" in rules and age < int(rules["min_age"]):
        problems.append(Problem("too_young", _("The applicant must be at least %d years old.")
                                % int(rules["min_age"])))
    if "max_age" in rules and age > int(rules["max_age"]):
        problems.append(Problem("too_old", _("The applicant must be at most %d years old.")
                                % int(rules["max_age"])))
    kind = rules.get("applicant_kind") or case.version.applicant_kind
    if kind == ApplicantKind.LEGAL_ENTITY and case.on_behalf_of_id is None:
        problems.append(Problem("entity_required",
                                _("This service is for legal entities: act for one first.")))
    if kind == ApplicantKind.PERSON and case.on_behalf_of_id is not None:
        problems.append(Problem("person_only", _("This service is for natural persons only.")))
    return problems


def material_problems(case: Case) -> list[Problem]:
    supplied = set(case.materials.values_list("requirement_id", flat=True))
    problems = []
    for requirement in case.version.materials.all():
        if requirement.necessity != MaterialNecessity.REQUIRED:
            continue
        # A licence or shared data replaces the upload (减材料); they are fetched at review.
        if requirement.source != MaterialSource.UPLOAD:
            continue
        if requirement.pk not in supplied:
            problems.append(Problem("material_missing", _("Missing material: %s")
                                    % requirement.name, str(requirement.uid)))
    return problems


def form_problems(case: Case) -> list[Problem]:
    _data, errors = eforms.clean(case.version.form_schema, case.form_data)
    return [Problem("form_invalid", message, name) for name, message in errors.items()]


def run(case: Case, today: dt.date | None = None) -> list[Problem]:
    today = today or timezone.localdate()
    return form_problems(case) + material_problems(case) + eligibility_problems(case, today)
