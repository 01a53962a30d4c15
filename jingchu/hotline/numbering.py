"""Ticket numbers (工单编号): the centre's region, the hotline, the local day and a serial.

Format: RRRRRR-12345-YYYYMMDD-NNNNNN: the 6-digit GB/T 2260 code of the centre's region, the
literal 12345, the day in Asia/Shanghai and a 6-digit serial that restarts every day per
region. Example: 420100-12345-20261009-000042.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError
from django.utils.translation import gettext as _

from jingchu.core import counters
from jingchu.core.errors import ActionError
from jingchu.hotline.models import TicketNumberCounter

SERIAL_CONSTRAINT = "hotline_counter_serial_max"


def prefix_for(region_code: str, day: dt.date) -> str:
    return f"{region_code[:6]}-12345-{day:%Y%m%d}"


def next_number(region_code: str, day: dt.date) -> str:
    """Allocate the next number of the region and day; call inside the filing transaction."""
    prefix = prefix_for(region_code, day)
    try:
        serial = counters.increment(TicketNumberCounter, prefix)
    except IntegrityError as error:
        if SERIAL_CONSTRAINT in str(error):
            raise ActionError("numbers_exhausted", _("No ticket number is left for today."),
                              {"prefix": prefix}, status=409) from None
        raise
    return f"{prefix}-{serial:06d}"
