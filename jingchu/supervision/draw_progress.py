"""The progress of a draw run as long work, published while the draw's transaction is open.

A draw (actions.plans.do_run_draw) writes its inspections, the ledger's reveal and the draw's
result in one transaction, which a poller cannot see into; so DrawBoard, the progress callback
that tasks.run_requested_draw hands to the draw, writes `Draw.progress_done` and
`progress_total` through a second connection in autocommit, where the database lets two writers
work at once (PostgreSQL; the draw's transaction locks the plan row, not the draw row, until its
last statements, so the two never wait for each other). SQLite admits one writer at a time and
the draw's transaction holds it: there the counter moves when the draw commits (the same as
jingchu.licenses.imports.ProgressBoard). A failed run sets the counter back to 0
(do_record_draw_failure).
"""

from __future__ import annotations

import time
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

from jingchu.supervision.models import Draw


class DrawBoard:
    """`board(done, total)`: publish the draw's progress at most every `every_seconds` (and
    always its first and last call); `close()` when the draw has ended."""

    def __init__(self, draw: Draw, every_seconds: float = 0.5) -> None:
        self.draw_pk, self.every = draw.pk, every_seconds
        self.last = 0.0
        self.conn: Any = None
        if connections[DEFAULT_DB_ALIAS].vendor != "sqlite":
            self.conn = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if self.conn is None or (now - self.last < self.every and 0 < done < total):
            return
        self.last = now
        table = self.conn.ops.quote_name(Draw._meta.db_table)
        with self.conn.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET progress_done = %s, progress_total = %s "  # noqa: S608
                           "WHERE id = %s", [done, total, self.draw_pk])

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None
