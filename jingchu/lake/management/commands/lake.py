"""`jingchu lake <verb> ...`: the data lake on the command line.

Each area of the lake adds its verbs from its own module (datasets: `load`, `datasets`; quality
and linkage theirs) exposing `add_parsers(subparsers) -> {verb: handler}`, a handler being
called as handler(command, options). A module listed in AREAS that is not installed is skipped,
so adding an area is one line here.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

AREAS = (
    "jingchu.lake.management.cli_datasets",
    "jingchu.lake.management.cli_quality",
    "jingchu.lake.management.cli_linkage",
)

Handler = Callable[[BaseCommand, dict[str, Any]], None]


class Command(BaseCommand):
    help = "Data lake: load datasets, list them, audit quality, link records."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        self.handlers: dict[str, Handler] = {}
        for name in AREAS:
            if find_spec(name) is not None:
                self.handlers.update(import_module(name).add_parsers(sub))

    def handle(self, *args: Any, **options: Any) -> None:
        self.handlers[options["verb"]](self, options)
