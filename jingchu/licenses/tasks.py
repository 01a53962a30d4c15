"""Background jobs of the licenses app. Each is idempotent."""

from __future__ import annotations

from celery import shared_task

from jingchu.cases.models import Case


@shared_task(ignore_result=True)
def issue_licenses_for_case(case_pk: int) -> int:
    """Issue the licences an approved case yields (none twice); answers how many were new."""
    from jingchu.licenses.issuance import issue_for_case

    case = Case.objects.select_related("handling_org", "applicant", "on_behalf_of",
                                       "item").filter(pk=case_pk).first()
    return len(issue_for_case(case)) if case is not None else 0
