"""The datasets' verbs of `jingchu lake`:

    jingchu lake load <dataset code> <file> [--encoding auto|utf-8|gbk] [--sheet NAME] [--user U]
    jingchu lake load <dataset code> --table <table name> [--user U]
    jingchu lake datasets

`load` reads the file where it is (no copy), with a progress bar on stderr, and prints the new
version and its rejected rows; without --user it runs as the platform (an operator at the
command line). Exit status 1 when the load fails (nothing is kept).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jingchu.core.errors import ActionError
from jingchu.core.progress import ProgressBar
from jingchu.lake import storage
from jingchu.lake.actions import datasets as actions
from jingchu.lake.management.common import dataset_coded, user_named
from jingchu.lake.models import Dataset

STAGES = {"start": "starting", "decode": "encoding", "read": "reading", "check": "checking",
          "checksum": "checksum"}


def add_parsers(sub: Any) -> dict[str, Any]:
    load = sub.add_parser("load", help="load a CSV, Excel or Parquet file (or a database table) "
                                       "as a dataset's next version",
                          formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    load.add_argument("dataset", help="the dataset's code, e.g. hb-rst/si-enrolment")
    load.add_argument("file", nargs="?", help="the file to load")
    load.add_argument("--encoding", default="auto", choices=["auto", "utf-8", "gbk"],
                      help="encoding of a CSV file")
    load.add_argument("--sheet", default="", help="sheet of a workbook (default: the first)")
    load.add_argument("--table", default="", help="a table of the platform's database instead "
                                                  "of a file (province-level stewards only)")
    load.add_argument("--user", default="", help="username answerable for the load (default: "
                                                 "the platform)")
    sub.add_parser("datasets", help="list the lake's datasets")
    return {"load": handle_load, "datasets": handle_datasets}


def handle_load(command: BaseCommand, options: dict[str, Any]) -> None:
    dataset = dataset_coded(options["dataset"])
    if bool(options["file"]) == bool(options["table"]):
        raise CommandError("give a file or --table, not both")
    user = user_named(options["user"])
    command.stderr.style_func = None  # the bar is not an error
    bar = ProgressBar(command.stderr, STAGES)
    started = time.monotonic()
    try:
        job = actions.do_start_load(
            user, dataset, path=Path(options["file"]) if options["file"] else None,
            table=options["table"], encoding=options["encoding"], sheet=options["sheet"])
        version = actions.do_run_load(job, progress=bar)
    except ActionError as exc:
        bar.end()
        raise CommandError(exc.message) from exc
    bar.end()
    seconds = time.monotonic() - started
    total = version.row_count + version.rejected_count
    command.stdout.write(
        f"Loaded {dataset.code} v{version.number}: {version.row_count} rows, "
        f"{version.rejected_count} rejected, in {seconds:.1f} s "
        f"({total / max(seconds, 1e-9):.0f} rows/s); SM3 {version.checksum}")
    if version.rejects_path:
        command.stdout.write(f"Rejected rows: {storage.absolute(version.rejects_path)}")


def handle_datasets(command: BaseCommand, options: dict[str, Any]) -> None:
    rows = Dataset.objects.select_related("owner", "current_version").order_by("code")
    for d in rows:
        v = d.current_version
        state = f"v{v.number} {v.row_count} rows" if v else "not loaded"
        command.stdout.write(f"{d.code}\t{d.status}\t{state}\t{d.owner.name}\t{d.name}")
