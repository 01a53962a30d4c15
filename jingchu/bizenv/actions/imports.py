"""Importing departmental figures from the monthly Excel template: every cell validated, every
problem reported at once with its row and column, nothing written on any error."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from jingchu.bizenv import excel, permissions
from jingchu.bizenv.models import ImportBatch, ImportedValue, Indicator
from jingchu.core import audit
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.files import display_name
from jingchu.core.models import Region


def active_indicators() -> list[Indicator]:
    return list(Indicator.objects.filter(is_active=True, topic__is_active=True)
                .select_related("topic"))


def cities() -> list[Region]:
    return list(Region.objects.cities().order_by("code"))


def _read(upload: Any) -> bytes:
    if not isinstance(upload, File):
        raise ActionError("file_required", _("Please choose a file."), {"field": "file"})
    size = int(upload.size or 0)
    if not size:
        raise ActionError("file_empty", _("The file is empty."), {"field": "file"})
    if size > excel.MAX_BYTES:
        raise ActionError("file_too_large", _("The file is larger than %(mb)d MB.")
                          % {"mb": excel.MAX_BYTES // (1024 * 1024)}, {"field": "file"})
    upload.seek(0)
    return bytes(upload.read())


@transaction.atomic
def do_import(actor: Any, upload: Any) -> ImportBatch:
    """Import one filled template. Refused whole (ActionError `import_invalid`, with every
    problem in details["problems"]) when any cell, city or code is wrong. Actor None: the
    system (the demo)."""
    if actor is not None and not permissions.can_import(actor):
        raise NotPermitted(_("You may not import business-environment figures."))
    content = _read(upload)
    parsed = excel.parse(content, active_indicators(), cities())
    if parsed.problems or parsed.month is None:
        problems = [p.as_dict() for p in parsed.problems]
        raise ActionError("import_invalid",
                          _("The workbook has %(n)d problem(s); nothing was imported.")
                          % {"n": len(problems)}, {"field": "file", "problems": problems})
    batch = ImportBatch.objects.create(
        month=parsed.month, uploaded_by=actor if getattr(actor, "pk", None) else None,
        filename=display_name(getattr(upload, "name", "") or "import.xlsx"),
        sha256=hashlib.sha256(content).hexdigest(), cities=len(parsed.cities),
        values=len(parsed.values), indicator_codes=parsed.codes)
    for region, indicator, value in parsed.values:
        ImportedValue.objects.update_or_create(
            month=parsed.month, region=region, indicator=indicator,
            defaults={"value": value, "batch": batch})
    audit.record("bizenv.imported", actor, batch,
                 {"month": f"{parsed.month:%Y-%m}", "values": len(parsed.values),
                  "cities": len(parsed.cities), "sha256": batch.sha256})
    return batch
