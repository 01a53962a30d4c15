"""Steps other apps take on a case that belong on its timeline (a fee asked for and paid, a
licence issued). Cases does not import those apps; their actions call this one inside their
own transaction, which also writes their AuditEvent, so the step and its audit commit together.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jingchu.cases.actions.common import record_event
from jingchu.cases.models import Case
from jingchu.core.errors import ActionError

# The steps other apps may record, with whether the applicant sees them.
EXTERNAL_STEPS: dict[str, bool] = {
    "payment_requested": True, "payment_paid": True, "payment_cancelled": True,
    "license_issued": True,
}


@transaction.atomic
def do_record_external_step(actor: Any, case: Case, action: str, *, note: str = "",
                            details: dict[str, Any] | None = None) -> None:
    """Put another app's step on the case's timeline; the status does not change. The caller's
    action has checked its own permission and writes the AuditEvent of the step."""
    if action not in EXTERNAL_STEPS:
        raise ActionError("unknown_step", _("Unknown step: %s") % action)
    record_event(case, actor, action, case.status, note=note, details=details,
                 public=EXTERNAL_STEPS[action])
