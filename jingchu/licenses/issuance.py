"""Licences issued when a case is approved: the item yields licence types (LicenseType.yielded_by)
and the case's handling organization issues them under its licence seal.

Cases does not import licences, so the approval reaches here through the CaseEvent that
`cases.actions.common.record_event` writes; the work runs after the case's transaction commits,
as a task, and is idempotent (a case yields each type at most once, enforced by the database).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from jingchu.cases.choices import Decision
from jingchu.cases.models import Case, CaseEvent
from jingchu.core import audit
from jingchu.core.errors import ActionError
from jingchu.identity.models import LegalEntity, Person
from jingchu.licenses import actions
from jingchu.licenses.choices import HolderKind
from jingchu.licenses.models import License, LicenseType

logger = logging.getLogger("jingchu.licenses")


def on_case_event(sender: type[CaseEvent], instance: CaseEvent, created: bool,
                  raw: bool = False, **kwargs: Any) -> None:
    if not created or raw or instance.action != "approve":
        return
    case_pk = instance.case_id

    def issue_licenses_after_approval() -> None:
        from jingchu.licenses.tasks import issue_licenses_for_case

        issue_licenses_for_case.delay(case_pk)

    transaction.on_commit(issue_licenses_after_approval, robust=True)


def _holder(license_type: LicenseType, case: Case) -> Person | LegalEntity | None:
    if license_type.holder_kind == HolderKind.PERSON:
        return case.applicant
    return case.on_behalf_of


def licence_data(license_type: LicenseType, case: Case) -> dict[str, Any]:
    """The licence's fields taken from the application form: every property of the type's
    schema that the form has under the same name."""
    names = (license_type.data_schema or {}).get("properties", {})
    return {name: case.form_data[name] for name in names if name in (case.form_data or {})}


def issue_for_case(case: Case) -> list[License]:
    """Issue what the approved case yields and is not issued yet; answers the new licences.
    A type that cannot be issued (no holder of its kind, no seal, data not valid) is recorded
    as an audit event and skipped; the others are still issued."""
    if case.decision != Decision.APPROVED:
        return []
    issued = []
    types = LicenseType.objects.filter(yielded_by=case.item_id, is_active=True).order_by("key")
    for license_type in types:
        if License.objects.filter(case=case, license_type=license_type).exists():
            continue
        holder = _holder(license_type, case)
        try:
            if holder is None:
                raise ActionError("holder_kind", "no holder of this licence's kind")
            issued.append(actions.do_issue_license(
                None, license_type=license_type, issuer=case.handling_org, holder=holder,
                data=licence_data(license_type, case), case=case, system=True))
        except ActionError as error:
            logger.warning("case %s: licence %s not issued: %s", case.number, license_type.key,
                           error.code)
            audit.record("licenses.license.issue_failed", None, case,
                         {"type": license_type.key, "code": error.code,
                          "details": error.details}, actor_label="system")
    return issued
