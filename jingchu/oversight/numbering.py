"""Task numbers (督查任务编号): DC-RRRRRR-YYYY-NNNN.

DC (督查), the 6-digit GB/T 2260 code of the issuing organization's region, the year of the
local (Asia/Shanghai) day of issue and a 4-digit serial that restarts every year per region.
Example: DC-420000-2026-0007.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import F
from django.utils.translation import gettext as _

from jingchu.core.errors import ActionError
from jingchu.oversight.models import TaskNumberCounter

MAX_SERIAL = 9999
# One statement takes the next serial and locks the counter row until the transaction ends, so
# two tasks issued at once never share a number and a rollback gives the serial back.
UPSERT = (
    "INSERT INTO {table} (prefix, last) VALUES (%s, 1) "
    "ON CONFLICT (prefix) DO UPDATE SET last = {table}.last + 1 RETURNING last"
)
# Both know INSERT ... ON CONFLICT ... RETURNING (SQLite since 3.35); others take the ORM path.
UPSERT_VENDORS = frozenset({"postgresql", "sqlite"})


def prefix_for(region_code: str, year: int) -> str:
    return f"DC-{region_code[:6]}-{year:04d}"


def next_number(region_code: str, year: int) -> str:
    """Allocate the next number of the region and year; call inside the issuing transaction."""
    prefix = prefix_for(region_code, year)
    serial = _increment(prefix)
    if serial > MAX_SERIAL:
        raise ActionError("numbers_exhausted", _("No task number is left for this year."),
                          {"prefix": prefix}, status=409)
    return f"{prefix}-{serial:04d}"


def _increment(prefix: str) -> int:
    if connection.vendor in UPSERT_VENDORS:
        table = connection.ops.quote_name(TaskNumberCounter._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(UPSERT.format(table=table), [prefix])
            row = cursor.fetchone()
        return int(row[0])
    counter, _created = TaskNumberCounter.objects.select_for_update().get_or_create(
        prefix=prefix)
    TaskNumberCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return counter.last
