"""Case numbers (办件编号): region + item type + date + serial, unique and human-readable.

Format: RRRRRR-TT-YYYYMMDD-NNNNNN, 6-digit GB/T 2260 code of the region where the application
was lodged (the counter's region; for an online application, the handling organization's), the
2-digit item type, the date in Asia/Shanghai, a 6-digit serial that
restarts every day per region and item type. Example: 420102-01-20261129-000042.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError
from django.utils.translation import gettext as _

from jingchu.cases.models import CaseNumberCounter
from jingchu.core import counters
from jingchu.core.errors import ActionError

MAX_SERIAL = 999_999  # and the counter's check constraint, which the database enforces
SERIAL_CONSTRAINT = "cases_counter_serial_max"


def prefix_for(region_code: str, item_type: str, day: dt.date) -> str:
    # isoformat, not strftime's "%Y%m%d": the same digits at a tenth of the cost.
    return f"{region_code[:6]}-{item_type}-{day.isoformat().replace('-', '')}"


def format_number(prefix: str, serial: int) -> str:
    return f"{prefix}-{serial:06d}"


def next_number(region_code: str, item_type: str, day: dt.date) -> str:
    """Allocate the next serial; call inside the caller's transaction (the row lock holds
    until it commits, so two submissions can never share a number, and a rollback gives the
    serial back)."""
    prefix = prefix_for(region_code, item_type, day)
    return format_number(prefix, increment(prefix))


def exhausted(prefix: str) -> ActionError:
    return ActionError("numbers_exhausted", _("No case number is left for today."),
                       {"prefix": prefix}, status=409)


def is_exhaustion(error: IntegrityError) -> bool:
    """The counter's check constraint refused the serial after the last one."""
    return SERIAL_CONSTRAINT in str(error)


def increment(prefix: str) -> int:
    """The prefix's next serial. Past the last one the database refuses the increment and the
    caller's transaction rolls back with everything else."""
    try:
        return counters.increment(CaseNumberCounter, prefix)
    except IntegrityError as error:
        if is_exhaustion(error):
            raise exhausted(prefix) from None
        raise
