"""Case numbers (办件编号): region + item type + date + serial, unique and human-readable.

Format: RRRRRR-TT-YYYYMMDD-NNNNNN, 6-digit GB/T 2260 code of the region where the application
was lodged (the counter's region; for an online application, the handling organization's), the
2-digit item type, the date in Asia/Shanghai, a 6-digit serial that
restarts every day per region and item type. Example: 420102-01-20261129-000042.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.utils.translation import gettext as _

from jingchu.cases.models import CaseNumberCounter
from jingchu.core.errors import ActionError

MAX_SERIAL = 999_999


def next_number(region_code: str, item_type: str, day: dt.date) -> str:
    """Allocate the next serial; call inside the caller's transaction (the row lock holds
    until it commits, so two submissions can never share a number)."""
    prefix = f"{region_code[:6]}-{item_type}-{day:%Y%m%d}"
    counter, _created = CaseNumberCounter.objects.get_or_create(prefix=prefix)
    CaseNumberCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    if counter.last > MAX_SERIAL:
        # The caller's transaction rolls the increment back with everything else.
        raise ActionError("numbers_exhausted", _("No case number is left for today."),
                          {"prefix": prefix}, status=409)
    return f"{prefix}-{counter.last:06d}"
