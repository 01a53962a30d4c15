"""The command line's progress bar for long work (loads, imports, audits, linkage runs)."""

from __future__ import annotations

import time

from django.core.management.base import OutputWrapper

BAR_WIDTH = 30


class ProgressBar:
    """`checking [#######.......]  7000/20000` on one line of stderr, redrawn at most ten
    times a second, one line per stage. Call it as `bar(stage, done, total)`; `labels` maps a
    stage to the word shown (padded so the bars line up)."""

    def __init__(self, out: OutputWrapper, labels: dict[str, str] | None = None) -> None:
        self.out, self.labels, self.stage, self.drawn = out, labels or {}, "", 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage == self.stage and done < total and now - self.drawn < 0.1:
            return
        if stage != self.stage and self.stage:
            self.out.write("")
        self.stage, self.drawn = stage, now
        filled = BAR_WIDTH * done // max(total, 1)
        label = self.labels.get(stage, stage)
        self.out.write(f"\r{label} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}]"
                       f" {done:>7}/{total}", ending="")
        self.out.flush()

    def end(self) -> None:
        if self.stage:
            self.out.write("")
