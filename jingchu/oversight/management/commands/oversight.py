"""`jingchu oversight <verb>`: oversight tasks on the command line.

- `scan-overdue [--at ISO-DATETIME]`: escalate overdue assignments now, the same work as the
  Celery beat task `jingchu.oversight.tasks.scan_overdue_assignments`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone


class Command(BaseCommand):
    help = "Oversight tasks: escalate overdue assignments."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        scan = sub.add_parser("scan-overdue", help="escalate overdue assignments")
        scan.add_argument("--at", help="scan as if it were this moment (ISO 8601)")

    def handle(self, *args: Any, **options: Any) -> None:
        self.scan(options.get("at"))

    def scan(self, at: str | None) -> None:
        from jingchu.oversight.actions.escalation import do_scan_overdue

        now = None
        if at:
            try:
                now = dt.datetime.fromisoformat(at)
            except ValueError as exc:
                raise CommandError(f"--at: {exc}") from exc
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        counts = do_scan_overdue(None, now=now)
        self.stdout.write(
            f"Overdue assignments: {counts['overdue']}; escalated to level 1: "
            f"{counts['level_1']}, level 2: {counts['level_2']}, level 3: {counts['level_3']}.")
