"""`jingchu calendar load FILE` / `jingchu calendar show YEAR`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jingchu.core import audit
from jingchu.core.calendar import is_provisional
from jingchu.core.calendar_data import CalendarFileError, load_calendar_files, load_year, parse
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
            year = options["year"]
            state = "provisional" if is_provisional(year) else "published"
            self.stdout.write(f"{year}: {state}")
            for day in CalendarDay.objects.filter(date__year=year):
                self.stdout.write(f"  {day.date} {day.kind:<8} {day.name}")
            return
        try:
            if options["file"]:
                parsed = parse(Path(options["file"]).read_text(encoding="utf-8"))
                count = load_year(parsed)
                audit.record("core.calendar.load", None, None,
                             {"year": parsed.year, "days": count}, actor_label="command line")
            else:
                count = load_calendar_files()
        except (OSError, CalendarFileError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Loaded {count} days.")
