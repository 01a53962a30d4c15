"""The linkage verb of `jingchu lake`:

    jingchu lake link <base dataset code> [<other dataset code> ...] [--threshold 0.95]
                      [--name NAME] [--user U]

Deduplicates the first dataset's current version (the population base) and links the others'
to it, in this process, with a progress line per stage on stderr; prints the counts, the
stage times and where the person-key map was written. Without --user it runs as the platform
(an operator at the command line); with it, the user must be a province-level data steward.
Exit status 1 when the run fails (the failure is recorded on the run).
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jingchu.core.errors import ActionError
from jingchu.core.progress import ProgressBar
from jingchu.lake import storage
from jingchu.lake.actions import linkage as actions
from jingchu.lake.choices import JobStatus
from jingchu.lake.management.common import user_named
from jingchu.lake.models import Dataset, DatasetVersion

STAGES = {"prepare": "preparing ", "train": "training  ", "predict": "scoring   ",
          "cluster": "clustering", "keys": "keys      ", "report": "report    "}


def add_parsers(sub: Any) -> dict[str, Any]:
    link = sub.add_parser("link", help="deduplicate a population base and link other datasets "
                                       "to it (record linkage, one stable key per person)",
                          formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    link.add_argument("datasets", nargs="+", metavar="dataset",
                      help="dataset codes, the population base first")
    link.add_argument("--threshold", type=float, default=0.95,
                      help="match probability at or above which a pair is one person")
    link.add_argument("--name", default="", help="the run's name (default: the codes and date)")
    link.add_argument("--user", default="", help="username of a province-level data steward "
                                                 "answerable for the run (default: the platform)")
    return {"link": handle_link}


def _versions(codes: list[str]) -> list[DatasetVersion]:
    out = []
    for code in codes:
        dataset = (Dataset.objects.select_related("current_version")
                   .filter(code=code.strip().lower()).first())
        if dataset is None:
            raise CommandError(f"no dataset {code!r}")
        if dataset.current_version is None:
            raise CommandError(f"dataset {code!r} has no loaded version")
        out.append(dataset.current_version)
    return out


def handle_link(command: BaseCommand, options: dict[str, Any]) -> None:
    versions = _versions(options["datasets"])
    name = options["name"] or (f"{' + '.join(v.dataset.code for v in versions)} "
                               f"{timezone.localtime():%Y-%m-%d %H:%M}")
    command.stderr.style_func = None  # the bar is not an error
    bar = ProgressBar(command.stderr, STAGES)
    try:
        run = actions.do_run_linkage(user_named(options["user"]), name, versions,
                                     options["threshold"], queue=False)
    except ActionError as exc:
        raise CommandError(exc.message) from exc
    run = actions.execute_linkage(run, progress=bar)
    bar.end()
    if run.status != JobStatus.SUCCEEDED:
        raise CommandError(f"linkage run {run.uid} failed: {run.error}")
    report = run.report
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in report.get("seconds", {}).items())
    command.stdout.write(
        f"Linked {run.record_count} records into {run.cluster_count} persons "
        f"({report.get('matched_pairs', 0)} of {run.pair_count} scored pairs at or above "
        f"{run.threshold}) in {run.duration_ms / 1000:.1f} s ({stages}); run {run.uid}")
    for source in report.get("sources", []):
        command.stdout.write(f"  {source['dataset']}: {source['records']} records, "
                             f"{source['persons']} persons, {source['in_base']} in the base")
    command.stdout.write(f"Person key map: {storage.absolute(run.output_path)}")
