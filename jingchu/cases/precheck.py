"""Automatic pre-check before a case reaches a clerk: everything wrong is reported at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.cases.models import Case
from jingchu.identity.services import authorization_for
from jingchu.services import eforms
from jingchu.services.choices import ApplicantKind, MaterialNecessity, MaterialSource
from jingchu.services.models import MaterialRequirement


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    field: str = ""


# A requirement in this medium is the application form itself, filled in online (the demo
# catalog says "网上申报时由申请表自动生成，无需另行上传"): the form check covers it.
ONLINE_FORM_MEDIA = "在线填写"


def age_on(birth: dt.date, today: dt.date) -> int:
    """Full years (周岁) on `today`. The age is reached on the birthday itself; someone born on
    29 February reaches it on 1 March in a common year (the month-end rule)."""
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def age_problems(case: Case, today: dt.date) -> list[Problem]:
    """Age limits bind a natural person applying for themselves; an enterprise has no age, and
    its agent's age is not what the rule is about. The birth date is the one the citizen ID
    number carries (stored beside it at registration)."""
    rules = case.version.eligibility or {}
    if case.on_behalf_of_id is not None:
        return []
    problems = []
    age = age_on(case.applicant.birth_date, today)
    if rules.get("min_age") is not None and age < int(rules["min_age"]):
        problems.append(Problem("too_young", _("The applicant must be at least %d years old.")
                                % int(rules["min_age"])))
    if rules.get("max_age") is not None and age > int(rules["max_age"]):
        problems.append(Problem("too_old", _("The applicant must be at most %d years old.")
                                % int(rules["max_age"])))
    return problems


def eligibility_problems(case: Case, today: dt.date) -> list[Problem]:
    rules = case.version.eligibility or {}
    problems = age_problems(case, today)
    kind = rules.get("applicant_kind") or case.version.applicant_kind
    if kind == ApplicantKind.LEGAL_ENTITY and case.on_behalf_of_id is None:
        problems.append(Problem("entity_required",
                                _("This service is for legal entities: act for one first.")))
    if kind == ApplicantKind.PERSON and case.on_behalf_of_id is not None:
        problems.append(Problem("person_only", _("This service is for natural persons only.")))
    if case.on_behalf_of is not None and authorization_for(case.applicant,
                                                           case.on_behalf_of) is None:
        # Revoked or expired since the draft was started: nobody may submit for the entity.
        problems.append(Problem("authorization_lapsed",
                                _("The applicant may no longer act for this legal entity.")))
    return problems


def material_problems(case: Case, supplied: Iterable[int] | None = None,
                      requirements: Iterable[MaterialRequirement] | None = None,
                      ) -> list[Problem]:
    """`supplied` (requirement ids with a material) and `requirements` (the version's) may be
    passed by a caller that has them already, e.g. a case not stored yet."""
    if supplied is None:
        supplied = case.materials.values_list("requirement_id", flat=True)
    supplied = set(supplied)
    if requirements is None:
        requirements = case.version.materials.all()
    problems = []
    for requirement in requirements:
        if requirement.necessity != MaterialNecessity.REQUIRED:
            continue
        # A licence or shared data replaces the upload (减材料); they are fetched at review.
        if requirement.source != MaterialSource.UPLOAD:
            continue
        if requirement.media == ONLINE_FORM_MEDIA:
            continue
        if requirement.pk not in supplied:
            problems.append(Problem("material_missing", _("Missing material: %s")
                                    % requirement.name, str(requirement.uid)))
    return problems


def form_problems(case: Case) -> list[Problem]:
    _data, errors = eforms.clean(case.version.form_schema, case.form_data)
    return [Problem("form_invalid", message, name) for name, message in errors.items()]


def run(case: Case, today: dt.date | None = None, *, supplied: Iterable[int] | None = None,
        requirements: Iterable[MaterialRequirement] | None = None) -> list[Problem]:
    """Every problem of the case; see `material_problems` for the optional arguments."""
    today = today or timezone.localdate()
    return (form_problems(case) + material_problems(case, supplied, requirements)
            + eligibility_problems(case, today))
