"""Each city's monthly PDF report, kept beside its result."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from jingchu.bizenv import months, permissions
from jingchu.bizenv.models import CityResult
from jingchu.core import audit
from jingchu.core.errors import NotPermitted


@transaction.atomic
def do_render_report(actor: Any, result: CityResult) -> bytes:
    """Render (or re-render) a city's report and keep it; answers the PDF. Whoever may read the
    city may have it rendered (it is derived data); actor None: the scheduler."""
    if actor is not None and not permissions.can_view_city(actor, result.region):
        raise NotPermitted(_("You may not read this city's evaluation."))
    from jingchu.bizenv.report import render_pdf

    pdf = render_pdf(result)
    if result.report:
        result.report.delete(save=False)
    name = f"{months.label(result.evaluation.month)}-{result.region.code}.pdf"
    result.report.save(name, ContentFile(pdf), save=True)
    audit.record("bizenv.report_rendered", actor, result.evaluation,
                 {"city": result.region.code, "bytes": len(pdf)})
    return pdf
