"""`jingchu cases escalate [--date YYYY-MM-DD]`: run the escalation of near-due and overdue
cases now (the same work as the hourly Celery beat task)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jingchu.cases.actions import escalate_due_cases


class Command(BaseCommand):
    help = "Case housekeeping: escalate near-due and overdue cases."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        escalate = sub.add_parser(
            "escalate", help="flag near-due cases, and overdue ones, once per level")
        escalate.add_argument("--date", help="count as if today were this date (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options.get("date"):
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date: {exc}") from exc
        count = escalate_due_cases(today)
        self.stdout.write(f"Escalated {count} case(s).")
