"""The rule library (规则库): every check a rule may name, with its default dimension, the
columns it reads and its parameters. The checks themselves live in checks_format.py
(conformity) and checks_other.py (accuracy, completeness, consistency, timeliness)."""

from __future__ import annotations

from jingchu.lake.quality.base import Check, Compiled, EvalContext, Param
from jingchu.lake.quality.checks_format import FORMAT_CHECKS
from jingchu.lake.quality.checks_other import OTHER_CHECKS

CHECKS: dict[str, Check] = {check.name: check for check in [*FORMAT_CHECKS, *OTHER_CHECKS]}

# Parameters every rule may carry besides its check's own.
COMMON_KEYS = ("check", "column", "columns", "dimension", "weight", "description", "enabled")

__all__ = ["CHECKS", "COMMON_KEYS", "Check", "Compiled", "EvalContext", "Param", "get"]


def get(name: str) -> Check | None:
    return CHECKS.get(name)
