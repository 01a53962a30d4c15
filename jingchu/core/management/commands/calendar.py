"""`jingchu calendar load [FILE]` / `jingchu calendar show YEAR`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jingchu.core.actions import do_load_calendar
from jingchu.core.calendar import is_provisional
from jingchu.core.errors import ActionError
from jingchu.core.models import CalendarDay


class Command(BaseCommand):
    help = "Load a year's holiday arrangement from a CSV file, or show a year."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        load = sub.add_parser("load", help="load one file, or every shipped file without one")
        load.add_argument("file", nargs="?")
        show = sub.add_parser("show", help="list a year's holidays and make-up working days")
        show.add_argument("year", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verb"] == "show":
            self._show(options["year"])
            return
        if options["file"]:
            paths = [Path(options["file"])]
        else:
            paths = sorted((Path(settings.DATA_DIR) / "calendar").glob("*.csv"))
        total = 0
        for path in paths:
            try:
                # Each file goes through the audited action: one AuditEvent per year loaded.
                year, count = do_load_calendar(
                    None, path.read_text(encoding="utf-8"), actor_label="command line"
                )
            except OSError as exc:
                raise CommandError(str(exc)) from exc
            except ActionError as exc:
                raise CommandError(f"{path}: {exc.message}") from exc
            state = "provisional" if is_provisional(year) else "published"
            self.stdout.write(f"{year}: {count} days ({state})")
            total += count
        self.stdout.write(f"Loaded {total} days.")

    def _show(self, year: int) -> None:
        state = "provisional" if is_provisional(year) else "published"
        self.stdout.write(f"{year}: {state}")
        for day in CalendarDay.objects.filter(date__year=year):
            self.stdout.write(f"  {day.date} {day.kind:<8} {day.name}")
