"""`jingchu supervision <verb>`: supervision on the command line.

- `verify-draw (NUMBER | --file BUNDLE.json)`: re-run a plan's draw from its published inputs
  and check the seed against its commitment, the inputs against their committed hash, the
  ledger entries and the result (exit status 0 only when everything matches); anyone with the
  bundle downloaded from the public draw page can run it;
- `draw NUMBER --witness TEXT`: run a committed plan's draw as the platform, with a progress
  bar (the witness text announced at the draw session; see docs/supervision-draw.md);
- `load-rules [FILE]`: create or update the credit rules and bands from a JSON file (the
  shipped jingchu/supervision/data/credit_rules.json by default);
- `compute-grades`: compute every supervised entity's credit grade now (also nightly);
- `scan-publication`: alert departments whose results are due or late for publication, and
  mark overdue rectifications (also every hour on Celery beat).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Supervision: verify a draw, load credit rules, compute grades, scan deadlines."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        verify = sub.add_parser("verify-draw", help="re-run a draw and check it")
        verify.add_argument("number", nargs="?", help="the plan number")
        verify.add_argument("--file", help="a bundle downloaded from the public draw page")
        run = sub.add_parser("draw", help="run a committed plan's draw, with a progress bar")
        run.add_argument("number", help="the plan number")
        run.add_argument("--witness", required=True,
                         help="the witness text announced at the draw session")
        rules = sub.add_parser("load-rules", help="create or update the credit rules and bands")
        rules.add_argument("file", nargs="?", help="a JSON file like data/credit_rules.json")
        sub.add_parser("compute-grades", help="compute every entity's credit grade")
        sub.add_parser("scan-publication", help="alert on publication deadlines")

    def handle(self, *args: Any, **options: Any) -> None:
        verb = options["verb"]
        if verb == "verify-draw":
            from jingchu.supervision.cli_draw import verify_draw

            number, path = options.get("number"), options.get("file")
            if bool(number) == bool(path):
                raise CommandError("Give a plan number or --file, not both.")
            code = verify_draw(self.stdout, number=number, path=path)
        elif verb == "draw":
            from jingchu.supervision.cli_draw import draw

            code = draw(self.stdout, self.stderr, number=options["number"],
                        witness=options["witness"])
        elif verb == "load-rules":
            from jingchu.supervision.cli_credit import load_rules

            code = load_rules(self.stdout, options.get("file"))
        elif verb == "compute-grades":
            from jingchu.supervision.cli_credit import compute_grades

            code = compute_grades(self.stdout, self.stderr)
        else:
            from jingchu.supervision.cli_results import scan

            code = scan(self.stdout)
        if code:
            raise SystemExit(code)
