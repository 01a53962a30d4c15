"""The slow reference: a rule set evaluated row by row in plain Python, with the same semantics
as the compiled SQL. The tests hold the engine against it on random data; it is also handy to
explain a count by hand. Never used for real audits (it holds every row in memory)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jingchu.lake.quality.base import EvalContext, Row
from jingchu.lake.quality.library import CHECKS
from jingchu.lake.quality.spec import AuditOutcome, RuleOutcome, RuleSpec, dimension_scores


def evaluate(rules: list[RuleSpec], rows: list[Row], *, audit_date: dt.date,
             references: dict[str, list[Any]] | None = None,
             datasets: dict[str, list[Row]] | None = None,
             loaded_at: dt.datetime | dt.date | None = None,
             frequency: str | None = None) -> AuditOutcome:
    ectx = EvalContext(audit_date=audit_date, references=dict(references or {}),
                       datasets=dict(datasets or {}), loaded_at=loaded_at, frequency=frequency)
    results = []
    for rule in rules:
        if not rule.enabled:
            continue
        check = CHECKS[rule.check]
        checked, failed = check.evaluate(rule, rows, ectx)
        results.append(RuleOutcome(name=rule.name, dimension=rule.dimension or check.dimension,
                                   check=rule.check, checked=checked, failed=failed,
                                   weight=rule.weight))
    scores, score = dimension_scores(results)
    return AuditOutcome(row_count=len(rows), results=results, scores=scores, score=score, sql="")
