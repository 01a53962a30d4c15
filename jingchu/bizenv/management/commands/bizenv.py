"""`jingchu bizenv <verb>`: the business-environment evaluation on the command line.

- `load-indicators`: load the shipped default indicator set (idempotent).
- `evaluate --month YYYY-MM [--no-pdf]`: compute (or recompute) a month and render each city's
  PDF report, the same work as the Celery task `jingchu.bizenv.tasks.evaluate_previous_month`.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Business-environment evaluation: load indicators, compute a month."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        sub.add_parser("load-indicators", help="load the default indicator set")
        evaluate = sub.add_parser("evaluate", help="compute a month's evaluation")
        evaluate.add_argument("--month", required=True, help="YYYY-MM")
        evaluate.add_argument("--no-pdf", action="store_true", help="skip the PDF reports")

    def handle(self, *args: Any, **options: Any) -> None:
        from jingchu.bizenv import months
        from jingchu.bizenv.actions.evaluate import do_evaluate
        from jingchu.bizenv.actions.indicators import do_load_default_indicators
        from jingchu.core.errors import ActionError

        if options["verb"] == "load-indicators":
            counts = do_load_default_indicators(None)
            self.stdout.write(f"Indicators created: {counts['created']}, "
                              f"updated: {counts['updated']}.")
            return
        try:
            month = months.parse_month(options["month"])
        except ActionError as exc:
            raise CommandError(f"--month: {exc.message}") from exc
        evaluation = do_evaluate(None, month, render=not options["no_pdf"])
        ranked = evaluation.results.exclude(rank=None).count()
        self.stdout.write(f"{months.label(month)}: {evaluation.results.count()} cities, "
                          f"{ranked} ranked; unavailable platform figures: "
                          f"{', '.join(evaluation.unknown_kpis) or 'none'}.")
