"""The credit verbs of `jingchu supervision`:

    jingchu supervision load-rules [FILE]  create or update the credit rules and grade bands
                                         declared in FILE (by default the shipped
                                         jingchu/supervision/data/credit_rules.json)
    jingchu supervision compute-grades   recompute every supervised entity's credit grade now
                                         (the nightly job's work), with a progress bar on stderr

Both run as the platform; each answers the command's exit status (0 done, 1 refused).
"""

from __future__ import annotations

from typing import Any

from jingchu.core.errors import ActionError


def load_rules(stdout: Any, path: str | None = None) -> int:
    from pathlib import Path

    from jingchu.supervision.actions.credit import do_load_credit_rules
    from jingchu.supervision.models import CreditBand, CreditRule

    try:
        count = do_load_credit_rules(None, Path(path) if path else None)
    except ActionError as exc:
        stdout.write(f"Credit rules not loaded: {exc.message}")
        return 1
    active, bands = CreditRule.objects.filter(is_active=True).count(), CreditBand.objects.count()
    stdout.write(f"Loaded {count} credit rules; {active} active rules and {bands} grade bands "
                 "in force.")
    return 0


def compute_grades(stdout: Any, stderr: Any = None) -> int:
    """Recompute every grade; `stderr` (a management command's OutputWrapper), when given,
    shows a progress bar."""
    from jingchu.core.progress import ProgressBar
    from jingchu.supervision import credit
    from jingchu.supervision.actions.credit import do_compute_grades
    from jingchu.supervision.models import SupervisedEntity

    if not credit.active_rules() or not credit.bands():
        stdout.write("No credit rules or grade bands: run `jingchu supervision load-rules` "
                     "first.")
        return 1
    bar = ProgressBar(stderr, {"grades": "grading"}) if stderr is not None else None
    try:
        changed = do_compute_grades(None, progress=bar)
    except ActionError as exc:
        stdout.write(f"Grades not computed: {exc.message}")
        return 1
    if bar is not None:
        bar.end()
    total = SupervisedEntity.objects.filter(is_active=True).count()
    stdout.write(f"Computed the credit grades of {total} supervised entities: "
                 f"{changed} changed.")
    return 0
