"""The plain values the quality engine works with: a rule as declared, and what an audit found.

No Django here: the engine and the rule file parser run on a bare Parquet file as well (the
command line's `audit-file`, the benchmark)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jingchu.core.errors import ActionError


class AuditError(ActionError):
    """An audit that cannot run: a reference or dataset it needs is missing, the SQL failed."""

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__("audit_failed", message, details)


@dataclass
class RuleSpec:
    """One rule: `check` names a check of the library, `columns` the columns it reads,
    `params` its settings; `dimension` defaults from the check."""

    name: str
    check: str
    columns: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    dimension: str = ""
    weight: int = 1
    description: str = ""
    enabled: bool = True
    line: int = 0  # where the rule file declares it (1-based), 0 when not from a file


@dataclass
class RuleOutcome:
    name: str
    dimension: str
    check: str
    checked: int
    failed: int
    weight: int
    sample: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class AuditOutcome:
    row_count: int
    results: list[RuleOutcome]
    scores: dict[str, float]
    score: float
    sql: str
    duration_ms: int = 0


def dimension_scores(results: list[RuleOutcome]) -> tuple[dict[str, float], float]:
    """Per dimension: 100 × (1 − Σ weight×failed / Σ weight×checked), 100 when nothing was
    checked. Overall: the mean of the dimension scores weighted by the total weight of each
    dimension's rules (a dimension with three rules of weight 1 counts three times one with a
    single rule of weight 1). Rounded to two places, as AuditRun stores them."""
    checked: dict[str, int] = {}
    failed: dict[str, int] = {}
    weights: dict[str, int] = {}
    for r in results:
        checked[r.dimension] = checked.get(r.dimension, 0) + r.weight * r.checked
        failed[r.dimension] = failed.get(r.dimension, 0) + r.weight * r.failed
        weights[r.dimension] = weights.get(r.dimension, 0) + r.weight
    scores = {
        d: round(100.0 * (1 - failed[d] / checked[d]), 2) if checked[d] else 100.0
        for d in weights
    }
    total = sum(weights.values())
    overall = round(sum(scores[d] * weights[d] for d in scores) / total, 2) if total else 100.0
    return scores, overall
