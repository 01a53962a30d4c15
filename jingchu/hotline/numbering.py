"""Ticket numbers (工单编号): the centre's region, the hotline, the local day and a serial.

Format: RRRRRR-12345-YYYYMMDD-NNNNNN: the 6-digit GB/T 2260 code of the centre's region, the
literal 12345, the day in Asia/Shanghai and a 6-digit serial that restarts every day per
region. Example: 420100-12345-20261009-000042.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, connection
from django.db.models import F
from django.utils.translation import gettext as _

from jingchu.core.errors import ActionError
from jingchu.hotline.models import TicketNumberCounter

SERIAL_CONSTRAINT = "hotline_counter_serial_max"
# One statement takes the next serial and locks the counter row until the transaction ends, so
# two tickets filed at once can never share a number and a rollback gives the serial back.
UPSERT = (
    "INSERT INTO {table} (prefix, last) VALUES (%s, 1) "
    "ON CONFLICT (prefix) DO UPDATE SET last = {table}.last + 1 RETURNING last"
)
# Both know INSERT ... ON CONFLICT ... RETURNING (SQLite since 3.35); others take the ORM path.
UPSERT_VENDORS = frozenset({"postgresql", "sqlite"})


def prefix_for(region_code: str, day: dt.date) -> str:
    return f"{region_code[:6]}-12345-{day:%Y%m%d}"


def next_number(region_code: str, day: dt.date) -> str:
    """Allocate the next number of the region and day; call inside the filing transaction."""
    prefix = prefix_for(region_code, day)
    try:
        serial = _increment(prefix)
    except IntegrityError as error:
        if SERIAL_CONSTRAINT in str(error):
            raise ActionError("numbers_exhausted", _("No ticket number is left for today."),
                              {"prefix": prefix}, status=409) from None
        raise
    return f"{prefix}-{serial:06d}"


def _increment(prefix: str) -> int:
    if connection.vendor in UPSERT_VENDORS:
        table = connection.ops.quote_name(TicketNumberCounter._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(UPSERT.format(table=table), [prefix])
            row = cursor.fetchone()
        return int(row[0])
    counter, _created = TicketNumberCounter.objects.get_or_create(prefix=prefix)
    TicketNumberCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return counter.last
