"""The quality verbs of `jingchu lake`:

    jingchu lake audit <dataset code> [--version N] [--user U]
    jingchu lake rules <dataset code> [--set FILE] [--user U]
    jingchu lake audit-file <parquet> --rules FILE [--sql] [--spark] [--date YYYY-MM-DD]
                                      [--regions FILE] [--threads N] [--sample N]

`audit` records an AuditRun as the page does (exit status 1 when it fails); `rules` prints the
dataset's rule file or replaces it; `audit-file` audits any Parquet file with a rule file and
prints the counts and scores, touching no database (the region codes come from the shipped
region data, or --regions: one code per line).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from jingchu.core.errors import ActionError
from jingchu.lake.management.common import dataset_coded, user_named
from jingchu.lake.quality.spec import AuditOutcome, RuleOutcome


def add_parsers(sub: Any) -> dict[str, Any]:
    audit = sub.add_parser("audit", help="audit a dataset's current (or given) version")
    audit.add_argument("dataset", help="the dataset's code, e.g. hb-gat/population-extract")
    audit.add_argument("--version", type=int, default=0, help="version number (default: current)")
    audit.add_argument("--user", default="", help="username answerable for the audit")
    rules = sub.add_parser("rules", help="print a dataset's rule file, or replace it (--set)")
    rules.add_argument("dataset")
    rules.add_argument("--set", dest="set_file", default="", help="a YAML rule file to install")
    rules.add_argument("--user", default="")
    afile = sub.add_parser("audit-file", help="audit a Parquet file with a rule file (no database)")
    afile.add_argument("parquet", nargs="+", help="Parquet file(s)")
    afile.add_argument("--rules", required=True, help="the YAML rule file")
    afile.add_argument("--sql", action="store_true", help="print the compiled DuckDB SQL")
    afile.add_argument("--spark", action="store_true", help="print the SQL in Spark's dialect")
    afile.add_argument("--date", default="", help="audit date (default: today)")
    afile.add_argument("--regions", default="", help="region codes, one per line")
    afile.add_argument("--threads", type=int, default=0)
    afile.add_argument("--sample", type=int, default=0, help="failing rows to show per rule")
    return {"audit": handle_audit, "rules": handle_rules, "audit-file": handle_audit_file}


def _table(command: BaseCommand, results: list[RuleOutcome]) -> None:
    width = max([len(r.name) for r in results] + [4])
    command.stdout.write(f"{'rule':<{width}}  {'dimension':<12} {'checked':>12} {'failed':>10}")
    for r in results:
        command.stdout.write(f"{r.name:<{width}}  {r.dimension:<12} {r.checked:>12} "
                             f"{r.failed:>10}")


def _scores(command: BaseCommand, scores: dict[str, float], score: float) -> None:
    parts = ", ".join(f"{d} {s:.2f}" for d, s in scores.items())
    command.stdout.write(f"score {score:.2f} ({parts})")


def handle_audit(command: BaseCommand, options: dict[str, Any]) -> None:
    from jingchu.lake.actions.quality import do_run_audit

    dataset = dataset_coded(options["dataset"])
    version = None
    if options["version"]:
        version = dataset.versions.filter(number=options["version"]).first()
        if version is None:
            raise CommandError(f"{dataset.code} has no version {options['version']}")
    try:
        run = do_run_audit(user_named(options["user"]), dataset, version=version)
    except ActionError as exc:
        raise CommandError(exc.message) from exc
    if run.error:
        raise CommandError(f"the audit failed: {run.error}")
    results = [RuleOutcome(r.rule_name, r.dimension, r.check_name, r.checked, r.failed, r.weight)
               for r in run.results.all()]
    command.stdout.write(f"{dataset.code} v{run.version.number if run.version else '?'}: "
                         f"{run.row_count} rows in {run.duration_ms} ms")
    _table(command, results)
    _scores(command, dict(run.scores), float(run.score or 0))
    if run.score is not None and run.score < run.threshold:
        command.stdout.write(f"below the threshold {run.threshold}: rectification opened")


def handle_rules(command: BaseCommand, options: dict[str, Any]) -> None:
    from jingchu.lake.actions.quality import do_set_rules, rule_specs
    from jingchu.lake.choices import RuleSource
    from jingchu.lake.quality.rulefile import dump_rules

    dataset = dataset_coded(options["dataset"])
    if options["set_file"]:
        text = Path(options["set_file"]).read_text(encoding="utf-8")
        try:
            saved = do_set_rules(user_named(options["user"]), dataset, text)
        except ActionError as exc:
            raise CommandError(exc.message) from exc
        command.stdout.write(f"{dataset.code}: {len(saved)} rules from the file")
        return
    command.stdout.write(dataset.rules_yaml or "# no rule file\n")
    admin = [s for s, r in zip(rule_specs(dataset), dataset.rules.order_by("position", "name"),
                               strict=True) if r.source == RuleSource.ADMIN]
    if admin:
        command.stdout.write("# rules entered in the admin:\n" + dump_rules(admin))


def shipped_regions() -> list[str]:
    path = Path(settings.DATA_DIR) / "regions" / "hubei.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as fh:
        return sorted({row["code"][:6] for row in csv.DictReader(fh)})


def handle_audit_file(command: BaseCommand, options: dict[str, Any]) -> None:
    from jingchu.lake.quality.engine import audit_parquet, to_spark
    from jingchu.lake.quality.rulefile import parse_rules

    try:
        rules = parse_rules(Path(options["rules"]).read_text(encoding="utf-8"))
        regions = (Path(options["regions"]).read_text(encoding="utf-8").split()
                   if options["regions"] else shipped_regions())
        day = dt.date.fromisoformat(options["date"]) if options["date"] else None
        outcome: AuditOutcome = audit_parquet(
            options["parquet"], rules, references={"regions": regions}, audit_date=day,
            threads=options["threads"] or None, sample_size=options["sample"])
    except (ActionError, OSError, ValueError) as exc:
        raise CommandError(getattr(exc, "message", str(exc))) from exc
    rate = outcome.row_count / max(outcome.duration_ms, 1) * 1000
    command.stdout.write(f"{outcome.row_count} rows in {outcome.duration_ms} ms "
                         f"({rate:,.0f} rows/s)")
    _table(command, outcome.results)
    _scores(command, outcome.scores, outcome.score)
    for r in outcome.results:
        for row in r.sample:
            command.stdout.write(f"  {r.name}: {row}")
    if options["sql"]:
        command.stdout.write(outcome.sql)
    if options["spark"]:
        command.stdout.write(to_spark(outcome.sql))
