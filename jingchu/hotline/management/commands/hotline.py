"""`jingchu hotline <verb>`: the 12345 hotline on the command line.

- `scan-overdue [--at ISO-DATETIME]`: supervise (督办) and escalate late tickets now, the same
  work as the Celery beat task;
- `retrain`: forget this process's cached classifier, train it again on the shipped examples
  and the operators' corrections, and print the figures of a held-out split;
- `load-categories [FILE]`: create or update the categories from a JSON file (the shipped
  jingchu/hotline/data/categories.json by default).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jingchu.core.errors import ActionError


class Command(BaseCommand):
    help = "12345 hotline: scan overdue tickets, retrain the classifier, load categories."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        scan = sub.add_parser("scan-overdue", help="supervise and escalate late tickets")
        scan.add_argument("--at", help="scan as if it were this moment (ISO 8601)")
        sub.add_parser("retrain", help="train the classifier again and print its figures")
        load = sub.add_parser("load-categories", help="create or update categories")
        load.add_argument("file", nargs="?", help="a JSON file like data/categories.json")

    def handle(self, *args: Any, **options: Any) -> None:
        verb = options["verb"]
        if verb == "scan-overdue":
            self.scan(options.get("at"))
        elif verb == "retrain":
            self.retrain()
        else:
            self.load_categories(options.get("file"))

    def scan(self, at: str | None) -> None:
        from jingchu.hotline.actions.supervision import do_scan_overdue

        now = None
        if at:
            try:
                now = dt.datetime.fromisoformat(at)
            except ValueError as exc:
                raise CommandError(f"--at: {exc}") from exc
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        count = do_scan_overdue(now)
        self.stdout.write(f"Supervised {count} late ticket(s).")

    def retrain(self) -> None:
        """Train the model of this process anew (a running server retrains by itself when the
        corrections change) and print the held-out figures of a fresh split."""
        from jingchu.hotline import classify

        classify.reset()
        codes = set(classify.db_categories())
        if classify.current_model(codes) is None:
            raise CommandError("No categories to learn from: run load-categories first.")
        report = classify.evaluate()
        self.stdout.write(
            f"Trained on {report.train_size} examples, tested on {report.test_size} held out "
            f"({report.train_seconds:.1f} s).\n"
            f"accuracy {report.accuracy:.3f}  macro precision {report.macro_precision:.3f}  "
            f"macro recall {report.macro_recall:.3f}  macro F1 {report.macro_f1:.3f}  "
            f"department accuracy {report.department_accuracy:.3f}")
        for row in report.per_category:
            self.stdout.write(f"  {row.code:<22} P {row.precision:.2f}  R {row.recall:.2f}  "
                              f"F1 {row.f1:.2f}  n {row.support}")

    def load_categories(self, file: str | None) -> None:
        from jingchu.hotline.actions.config import do_load_categories

        path = Path(file) if file else None
        if path is not None and not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            count = do_load_categories(None, path)
        except (ActionError, ValueError, KeyError) as exc:
            raise CommandError(f"{path or 'categories'}: {exc}") from exc
        self.stdout.write(f"Loaded {count} categories.")
