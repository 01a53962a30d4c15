"""Read-side queries of quality audits shared by the pages and the API."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jingchu.identity.permissions import is_province_steward, org_ids
from jingchu.lake.models import QualityRectification


def rectifications_for(user: Any) -> QuerySet[QualityRectification]:
    """The rectification tasks of the user's organizations; every task for the province level."""
    rows = QualityRectification.objects.select_related("dataset", "organization", "run",
                                                       "resolved_by")
    if is_province_steward(user):
        return rows
    return rows.filter(organization_id__in=org_ids(user))
