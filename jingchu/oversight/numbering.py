"""Task numbers (督查任务编号): DC-RRRRRR-YYYY-NNNN.

DC (督查), the 6-digit GB/T 2260 code of the issuing organization's region, the year of the
local (Asia/Shanghai) day of issue and a 4-digit serial that restarts every year per region.
Example: DC-420000-2026-0007.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from jingchu.core import counters
from jingchu.core.errors import ActionError
from jingchu.oversight.models import TaskNumberCounter

MAX_SERIAL = 9999


def prefix_for(region_code: str, year: int) -> str:
    return f"DC-{region_code[:6]}-{year:04d}"


def next_number(region_code: str, year: int) -> str:
    """Allocate the next number of the region and year; call inside the issuing transaction."""
    prefix = prefix_for(region_code, year)
    serial = counters.increment(TaskNumberCounter, prefix)
    if serial > MAX_SERIAL:
        raise ActionError("numbers_exhausted", _("No task number is left for this year."),
                          {"prefix": prefix}, status=409)
    return f"{prefix}-{serial:04d}"
