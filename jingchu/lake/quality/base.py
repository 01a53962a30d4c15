"""What a check of the rule library is made of (the checks are in checks_*.py, gathered by
library.py): its name and default dimension, how many columns it reads, its parameters, the SQL
it compiles to and a plain-Python evaluation of the same semantics, row by row, that the tests
hold the SQL against."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jingchu.lake.quality.spec import RuleSpec
from jingchu.lake.quality.sqlctx import Context, lit

Row = dict[str, Any]


@dataclass(frozen=True)
class Param:
    kind: str  # int, number, bound (number or date), date, text, list, bool
    required: bool = False
    help: str = ""


@dataclass
class Compiled:
    """A rule in SQL. A row rule gives row predicates: `checked` (None: every row) and `failed`
    (evaluated on checked rows, never NULL there). A dataset-level rule gives aggregate
    expressions instead (`checked_agg`, `failed_agg`); `shown_agg` is a value its sample shows.
    `duplicates` names the pre-aggregate of a uniqueness rule."""

    checked: str | None = None
    failed: str | None = None
    checked_agg: str | None = None
    failed_agg: str | None = None
    shown_agg: str | None = None
    duplicates: str | None = None


@dataclass
class EvalContext:
    """What the row-by-row evaluation knows: the same inputs the engine gets."""

    audit_date: dt.date
    references: dict[str, list[Any]] = field(default_factory=dict)
    datasets: dict[str, list[Row]] = field(default_factory=dict)
    loaded_at: dt.datetime | dt.date | None = None
    frequency: str | None = None


Compiler = Callable[[Context, RuleSpec], Compiled]
Evaluator = Callable[[RuleSpec, list[Row], EvalContext], tuple[int, int]]


@dataclass(frozen=True)
class Check:
    name: str
    dimension: str
    summary: str
    compile: Compiler
    evaluate: Evaluator
    columns: tuple[int, int] = (1, 1)  # least and most columns
    params: dict[str, Param] = field(default_factory=dict)


def row_counts(spec: RuleSpec, rows: list[Row],
               test: Callable[[Row], bool | None]) -> tuple[int, int]:
    """(checked, failed) of a row rule from a per-row test: None = not checked, True = failed."""
    outcomes = [test(row) for row in rows]
    return (sum(1 for o in outcomes if o is not None), sum(1 for o in outcomes if o))


def dataset_counts(row_count: int, failed: bool) -> tuple[int, int]:
    """A dataset-level rule checks the whole dataset: every row (at least one) is checked, and
    every row fails when the rule fails."""
    checked = max(row_count, 1)
    return checked, checked if failed else 0


def dataset_sql(failed_condition: str) -> tuple[str, str]:
    checked = "greatest(count(*), 1)"
    return checked, f"CASE WHEN {failed_condition} THEN greatest(count(*), 1) ELSE 0 END"


# --- shared pieces: trimming, regular expressions, calendar dates ------------------------------

# Blank means empty after removing ordinary spaces and the ideographic space (U+3000), which
# Chinese forms produce as often as the ASCII one.
BLANKS = " \u3000"
BLANK_PATTERN = "[ \u3000]*"  # a regular expression reads faster than trim() with characters


def is_blank(value: Any) -> bool:
    return isinstance(value, str) and value.strip(BLANKS) == ""


def full_match(pattern: str, value: Any) -> bool:
    return isinstance(value, str) and re.fullmatch(pattern, value) is not None


def sql_full_match(column: str, pattern: str) -> str:
    """regexp_matches with anchors: DuckDB's RE2 and Spark's RLIKE (sqlglot's transpilation)
    both read it as a whole-value match, as Python's re.fullmatch does."""
    body = f"(?:{pattern})" if "|" in pattern else pattern
    return f"regexp_matches({column}, {lit('^' + body + '$')})"


def sql_ymd_valid(ctx: Context, key: Any, ymd: str) -> tuple[str, tuple[str, ...]]:
    """SQL: the integer yyyymmdd is a real calendar date (month 1–12, day within the month,
    Gregorian leap years), by arithmetic, so it runs the same on every engine. Year, month and
    day are derived once per row (the validity reads each several times); answers the test
    and the derived values it reads."""
    y = ctx.derive(("year", key), f"{ymd} // 10000", after=(ymd,), name=f"{ymd}_year")
    m = ctx.derive(("month", key), f"{ymd} // 100 % 100", after=(ymd,), name=f"{ymd}_month")
    d = ctx.derive(("day", key), f"{ymd} % 100", after=(ymd,), name=f"{ymd}_day")
    leap = f"(({y} % 4 = 0 AND {y} % 100 <> 0) OR {y} % 400 = 0)"
    days = (f"CASE WHEN {m} = 2 THEN CASE WHEN {leap} THEN 29 ELSE 28 END "
            f"ELSE 30 + ({m} + {m} // 8) % 2 END")
    return f"({m} BETWEEN 1 AND 12 AND {d} BETWEEN 1 AND {days})", (y, m, d)


def ymd_int(day: dt.date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def py_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None
