"""`jingchu sharing generate-bases [--persons N] [--entities N] [--seed S] [--workers N]`:
fill the demo population base (人口库) and legal-entity base (法人库) with generated records
(jingchu/sharing/bases.py, docs/sharing-bases.md), with a progress bar on stderr. Resumable:
a base holding M < N generated records gets the missing N - M; run twice, it writes nothing."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from jingchu.sharing import bases

BAR_WIDTH = 30


class ProgressBar:
    """`persons  [#######.......]  700000/10000000  31204/s` on one line of stderr, redrawn at
    most ten times a second, one line per base."""

    def __init__(self, out: OutputWrapper) -> None:
        self.out, self.stage, self.drawn, self.started = out, "", 0.0, time.monotonic()
        self.first = 0  # records done when the stage's clock started

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage == self.stage and done < total and now - self.drawn < 0.1:
            return
        if stage != self.stage:
            if self.stage:
                self.out.write("")
            self.started, self.first = now, done
        self.stage, self.drawn = stage, now
        filled = BAR_WIDTH * done // max(total, 1)
        elapsed = now - self.started
        # No rate until there is something to measure (a resumed base starts part-way).
        rate = f"{(done - self.first) / elapsed:,.0f}/s" if elapsed >= 0.5 else "—"
        self.out.write(f"\r{stage:<8} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}]"
                       f" {done:>9}/{total}  {rate}", ending="")
        self.out.flush()

    def end(self) -> None:
        if self.stage:
            self.out.write("")


def _count(text: str) -> int:
    value = int(text.replace("_", "").replace(",", ""))
    if value < 0:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = "Data sharing: generate the demo base registers."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        gen = sub.add_parser("generate-bases",
                             help="top the population and legal-entity bases up to a size")
        gen.add_argument("--persons", type=_count, default=bases.DEMO_PERSONS,
                         help="generated persons the population base should hold "
                              f"(default {bases.DEMO_PERSONS:,})")
        gen.add_argument("--entities", type=_count, default=bases.DEMO_ENTITIES,
                         help="generated entities the legal-entity base should hold "
                              f"(default {bases.DEMO_ENTITIES:,})")
        gen.add_argument("--seed", type=int, default=bases.DEFAULT_SEED,
                         help="the same seed gives the same records (keep it for a top-up)")
        gen.add_argument("--workers", type=int, default=0,
                         help="generating processes (default: one per core)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verb"] != "generate-bases":
            raise CommandError(f"unknown subcommand {options['verb']}")
        self.stderr.style_func = None  # the bar is not an error
        bar = ProgressBar(self.stderr)
        started = time.monotonic()
        try:
            persons, entities = bases.generate_bases(
                options["persons"], options["entities"], seed=options["seed"],
                workers=options["workers"], progress=bar)
        except ValueError as exc:
            bar.end()
            raise CommandError(str(exc)) from exc
        bar.end()
        seconds = time.monotonic() - started
        rate = (persons + entities) / max(seconds, 1e-9)
        self.stdout.write(
            f"Added {persons} person(s) and {entities} entity(ies) in {seconds:.1f} s "
            f"({rate:,.0f} rows/s); the bases hold {bases.generated_count_persons()} generated "
            f"person(s) and {bases.generated_count_entities()} generated entity(ies).")
