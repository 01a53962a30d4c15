"""`jingchu cockpit <verb>`: the cockpit's rollups on the command line.

- `refresh [--day YYYY-MM-DD | --since YYYY-MM-DD [--until YYYY-MM-DD]] [--kpi CODE ...]`:
  recompute the rollups of those local days (default: the days the scheduler would do now:
  today and the recent days due), e.g. to fill history after installing or after a data fix.
- `status`: when each day of the last two weeks was refreshed, and failing KPIs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


def _date(raw: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise CommandError(f"{option}: give a date as YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = "Decision cockpit: refresh rollups, show their state."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        refresh = sub.add_parser("refresh", help="recompute rollups")
        refresh.add_argument("--day", default="")
        refresh.add_argument("--since", default="")
        refresh.add_argument("--until", default="")
        refresh.add_argument("--kpi", action="append", default=None)
        sub.add_parser("status", help="refresh state of the last 14 days")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verb"] == "status":
            self._status()
            return
        self._refresh(options)

    def _days(self, options: dict[str, Any]) -> list[dt.date]:
        from django.utils import timezone

        from jingchu.cockpit import rollups

        if options["day"]:
            return [_date(options["day"], "--day")]
        if not options["since"]:
            return rollups.due_days()
        since = _date(options["since"], "--since")
        until = _date(options["until"], "--until") if options["until"] else timezone.localdate()
        if since > until:
            raise CommandError("--since is after --until.")
        return [since + dt.timedelta(days=i) for i in range((until - since).days + 1)]

    def _refresh(self, options: dict[str, Any]) -> None:
        from jingchu.cockpit.actions import do_refresh_rollups
        from jingchu.core.errors import ActionError

        days = self._days(options)
        try:
            reports = do_refresh_rollups(None, days, options["kpi"])
        except ActionError as exc:
            raise CommandError(exc.message) from exc
        for r in reports:
            line = f"{r.day}: {r.kpis} KPIs, {r.rows} rows, {r.seconds:.2f} s"
            if r.errors:
                line += f", failed: {', '.join(sorted(r.errors))}"
            self.stdout.write(line)

    def _status(self) -> None:
        from django.db.models import Count, Max, Q
        from django.utils import timezone

        from jingchu.cockpit.models import RefreshRun

        since = timezone.localdate() - dt.timedelta(days=13)
        runs = (RefreshRun.objects.filter(day__gte=since).values("day")
                .annotate(kpis=Count("id"), failed=Count("id", filter=~Q(error="")),
                          last=Max("finished_at")).order_by("day"))
        for r in runs:
            self.stdout.write(f"{r['day']}: {r['kpis']} KPIs, {r['failed']} failed, "
                              f"last {timezone.localtime(r['last']):%Y-%m-%d %H:%M}")
