"""Serial counters behind the platform's human-readable numbers (case, ticket, plan and task
numbers): one row per prefix (e.g. region + day) holding the last serial handed out.

`increment(model, prefix)` takes the next serial in one statement that also locks the counter
row until the caller's transaction ends, so two numbers taken at once can never share a serial
and a rollback gives the serial back. The counter model has `prefix` (unique) and `last`.
"""

from __future__ import annotations

from django.db import connection, models
from django.db.models import F

UPSERT = (
    "INSERT INTO {table} (prefix, last) VALUES (%s, 1) "
    "ON CONFLICT (prefix) DO UPDATE SET last = {table}.last + 1 RETURNING last"
)
# Several prefixes at once, each up by its own count (`VALUES (prefix, count), ...`), in the
# order given: the rows are locked in that order.
UPSERT_MANY = (
    "INSERT INTO {table} (prefix, last) VALUES {values} "
    "ON CONFLICT (prefix) DO UPDATE SET last = {table}.last + excluded.last RETURNING prefix, last"
)


def upsert_many(table: str, prefixes: int) -> str:
    """UPSERT_MANY for `prefixes` rows of (prefix, count) parameters; `table` quoted."""
    return UPSERT_MANY.format(table=table, values=", ".join(["(%s, %s)"] * prefixes))


# Both know INSERT ... ON CONFLICT ... RETURNING (SQLite since 3.35); others take the ORM path.
UPSERT_VENDORS = frozenset({"postgresql", "sqlite"})


def increment(model: type[models.Model], prefix: str) -> int:
    """The prefix's next serial (1 for a new prefix); call inside the caller's transaction."""
    if connection.vendor in UPSERT_VENDORS:
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(UPSERT.format(table=table), [prefix])
            row = cursor.fetchone()
        return int(row[0])
    manager = model._default_manager
    counter, _created = manager.select_for_update().get_or_create(prefix=prefix)
    manager.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return int(counter.last)  # type: ignore[attr-defined]
