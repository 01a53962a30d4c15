"""Accuracy (准确性), completeness (完整性), consistency (一致性) and timeliness (时效性) checks.

Exact semantics: docs/lake-quality.md."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from jingchu.lake.choices import Dimension
from jingchu.lake.quality.base import (
    BLANK_PATTERN,
    Check,
    Compiled,
    EvalContext,
    Param,
    Row,
    dataset_counts,
    dataset_sql,
    is_blank,
    row_counts,
    sql_full_match,
)
from jingchu.lake.quality.checks_format import TOKENS, id_birth, id_parts
from jingchu.lake.quality.spec import AuditError, RuleSpec
from jingchu.lake.quality.sqlctx import DATE, NUMBER, TEXT, TIMESTAMP, Context, lit

# How old a load may be before the dataset counts as stale: the declared update period plus a
# day's grace (a daily load that ran yesterday morning is still on time this afternoon).
# Irregular datasets are never stale by frequency; a rule may set max_age_days itself.
FRESHNESS_DAYS = {"realtime": 1, "daily": 2, "weekly": 8, "monthly": 31, "quarterly": 92,
                  "yearly": 366}


def _as_date(value: Any) -> Any:
    return value.date() if isinstance(value, dt.datetime) else value


# --- accuracy: the ID number agrees with the birth date and gender columns --------------------


def _birth_sql(ctx: Context, spec: RuleSpec) -> Compiled:
    id_col, birth_col = spec.columns
    _n, ymd, ok = id_parts(ctx, id_col)
    c, b = ctx.col(id_col), ctx.col(birth_col)
    if ctx.kind(birth_col) in (DATE, TIMESTAMP):
        differs = f"year({b}) * 10000 + month({b}) * 100 + day({b}) <> {ymd}"
    else:  # text: the date the ID carries, written in the column's format
        starts = {"YYYY": 7, "MM": 11, "DD": 13}
        fmt, parts, i = str(spec.params.get("format", "YYYY-MM-DD")), [], 0
        while i < len(fmt):
            token = next((t for t in ("YYYY", "MM", "DD") if fmt.startswith(t, i)), None)
            parts.append(f"substr({c}, {starts[token]}, {TOKENS[token]})" if token
                         else lit(fmt[i]))
            i += len(token) if token else 1
        differs = f"{b} <> " + " || ".join(parts)
    return Compiled(checked=f"{ok} AND {b} IS NOT NULL", failed=differs)


def _birth_py(spec: RuleSpec, rows: list[Row], ectx: EvalContext) -> tuple[int, int]:
    id_col, birth_col = spec.columns
    fmt = str(spec.params.get("format", "YYYY-MM-DD"))

    def test(row: Row) -> bool | None:
        birth, value = id_birth(row[id_col], ectx.audit_date), row[birth_col]
        if birth is None or value is None:
            return None
        if isinstance(value, dt.date):
            return _as_date(value) != birth
        expected = fmt.replace("YYYY", f"{birth:%Y}").replace("MM", f"{birth:%m}")
        return value != expected.replace("DD", f"{birth:%d}")

    return row_counts(spec, rows, test)


def _sexes(spec: RuleSpec) -> tuple[str, str]:
    return str(spec.params.get("male", "男")), str(spec.params.get("female", "女"))


def _gender_sql(ctx: Context, spec: RuleSpec) -> Compiled:
    id_col, gender_col = spec.columns
    n, _ymd, ok = id_parts(ctx, id_col)
    g = ctx.col(gender_col)
    male, female = _sexes(spec)
    if ctx.kind(gender_col) == TEXT:
        expected = f"CASE WHEN {n} % 2 = 1 THEN {lit(male)} ELSE {lit(female)} END"
    else:
        expected = f"CASE WHEN {n} % 2 = 1 THEN {male} ELSE {female} END"
    return Compiled(checked=f"{ok} AND {g} IS NOT NULL", failed=f"{g} <> {expected}")


def _gender_py(spec: RuleSpec, rows: list[Row], ectx: EvalContext) -> tuple[int, int]:
    id_col, gender_col = spec.columns
    male, female = _sexes(spec)

    def test(row: Row) -> bool | None:
        number, value = row[id_col], row[gender_col]
        if value is None or id_birth(number, ectx.audit_date) is None:
            return None
        return str(value) != (male if int(number[16]) % 2 == 1 else female)

    return row_counts(spec, rows, test)


# --- accuracy: value ranges ---------------------------------------------------------------------


def _range_bound(value: Any, audit_date: dt.date) -> Any:
    """A bound as compared: numbers as they are, dates (stored as ISO text) as dates."""
    if value == "audit_date":
        return audit_date
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def _range_sql(ctx: Context, spec: RuleSpec) -> Compiled:
    column = spec.columns[0]
    c = ctx.col(column)
    low, high = (_range_bound(spec.params.get(k), ctx.audit_date) for k in ("min", "max"))
    dated = isinstance(low, dt.date) or isinstance(high, dt.date)
    kind = ctx.kind(column) if ctx.types is not None else (DATE if dated else NUMBER)
    if kind == TEXT or (kind == DATE and not dated):
        raise AuditError(f"range on {column!r}: give number bounds for a number column and "
                         "date bounds for a date column")
    target = f"CAST({c} AS DATE)" if kind == TIMESTAMP else c
    bad = ([f"{target} < {lit(low)}"] if low is not None else []) + (
        [f"{target} > {lit(high)}"] if high is not None else [])
    return Compiled(checked=f"{c} IS NOT NULL", failed=" OR ".join(bad) or "FALSE")


def _range_py(spec: RuleSpec, rows: list[Row], ectx: EvalContext) -> tuple[int, int]:
    column = spec.columns[0]
    low, high = (_range_bound(spec.params.get(k), ectx.audit_date) for k in ("min", "max"))

    def test(row: Row) -> bool | None:
        value = row[column]
        if value is None:
            return None
        value = _as_date(value) if isinstance(low or high, dt.date) else value
        return (low is not None and value < low) or (high is not None and value > high)

    return row_counts(spec, rows, test)


# --- completeness ---------------------------------------------------------------------------------


def _not_null_sql(ctx: Context, spec: RuleSpec) -> Compiled:
    column = spec.columns[0]
    c = ctx.col(column)
    if ctx.kind(column) == TEXT:
        return Compiled(failed=f"{c} IS NULL OR {sql_full_match(c, BLANK_PATTERN)}")
    return Compiled(failed=f"{c} IS NULL")


def _not_null_py(spec: RuleSpec, rows: list[Row], ectx: EvalContext) -> tuple[int, int]:
    column = spec.columns[0]
    return row_counts(spec, rows, lambda r: r[column] is None or is_blank(r[column]))


def _row_count_sql(ctx: Context, spec: RuleSpec) -> Compiled:
    bad = ([f"count(*) < {int(spec.params['min'])}"] if "min" in spec.params else []) + (
        [f"count(*) > {int(spec.params['max'])}"] if "max" in spec.params else [])
    checked, failed = dataset_sql(" OR ".join(bad) or "FALSE")
    return Compiled(checked_agg=checked, failed_agg=failed, shown_agg="count(*)")


def _row_count_py(spec: RuleSpec, rows: list[Row], ectx: EvalContext) -> tuple[int, int]:
    n = len(rows)
    low, high = spec.params.get("min"), spec.params.get("max")
    return dataset_counts(n, (low is not None and n < int(low))
                          or (high is not None and n > int(high)))


# --- consistency ------------------------------------------------------------------------------


def _unique_sql(ctx: Context, spec: RuleSpec) -> Compiled:
    cte = ctx.duplicates(spec.columns)
    present = " AND ".join(f"{ctx.col(c)} IS NOT NULL" for c in spec.columns)
    return Compiled(checked=present, failed_agg=f"coalesce(max({cte}.failed), 0)",
                    duplicates=cte)


def _unique_py(spec: RuleSpec, rows: list[Row], ectx: EvalContext) -> tuple[int, int]:
    keys = [tuple(r[c] for c in spec.columns) for r in rows]
    present = [k for k in keys if all(v is not None for v in k)]
    counts = Counter(present)
    return len(present), sum(n for n in counts.values() if n > 1)


def _references_sql(ctx: Context, spec: RuleSpec) -> Compiled:
    column = spec.columns[0]
    if "list" in spec.params:
        from jingchu.lake.quality.dictionaries import reference_values

        name = str(spec.params["list"])
        found = ctx.list_match(name, reference_values(name, ctx.references), column)
    else:
        other = str(spec.params.get("column", column))
        found = ctx.dataset_match(str(spec.params["dataset"]), other, column)
    return Compiled(checked=f"{ctx.col(column)} IS NOT NULL", failed=f"NOT {found}")


def _references_py(spec: RuleSpec, rows: list[Row], ectx: EvalContext) -> tuple[int, int]:
    from jingchu.lake.quality.dictionaries import reference_values

    column = spec.columns[0]
    if "list" in spec.params:
        allowed = set(reference_values(str(spec.params["list"]), ectx.references) or [])
    else:
        other = str(spec.params.get("column", column))
        allowed = {r[other] for r in ectx.datasets[str(spec.params["dataset"])]}
    return row_counts(spec, rows, lambda r: None if r[column] is None
                      else r[column] not in allowed)


def _agrees_sql(ctx: Context, spec: RuleSpec) -> Compiled:
    key, attr = spec.columns
    lo, hi = ctx.agreement(str(spec.params["dataset"]), str(spec.params.get("key", key)),
                           str(spec.params.get("column", attr)), key)
    a = ctx.col(attr)
    return Compiled(checked=f"{ctx.col(key)} IS NOT NULL AND {a} IS NOT NULL AND {lo} IS NOT NULL",
                    failed=f"CAST({a} AS VARCHAR) <> {lo} OR CAST({a} AS VARCHAR) <> {hi}")


def _text(value: Any) -> str:
    return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else str(value)


def _agrees_py(spec: RuleSpec, rows: list[Row], ectx: EvalContext) -> tuple[int, int]:
    key, attr = spec.columns
    other_key, other_attr = str(spec.params.get("key", key)), str(spec.params.get("column", attr))
    theirs: dict[Any, set[str]] = {}
    for row in ectx.datasets[str(spec.params["dataset"])]:
        if row[other_key] is not None and row[other_attr] is not None:
            theirs.setdefault(row[other_key], set()).add(_text(row[other_attr]))

    def test(row: Row) -> bool | None:
        if row[key] is None or row[attr] is None or row[key] not in theirs:
            return None
        return theirs[row[key]] != {_text(row[attr])}

    return row_counts(spec, rows, test)


# --- timeliness -----------------------------------------------------------------------------------


def max_age_days(spec: RuleSpec, frequency: str | None) -> int | None:
    if "max_age_days" in spec.params:
        return int(spec.params["max_age_days"])
    return FRESHNESS_DAYS.get(frequency or "")


def _stale(spec: RuleSpec, loaded_at: Any, frequency: str | None,
           audit_date: dt.date) -> tuple[bool, dt.date | None]:
    days = max_age_days(spec, frequency)
    loaded_on = _as_date(loaded_at) if loaded_at is not None else None
    if days is None:
        return False, loaded_on
    return loaded_on is None or (audit_date - loaded_on).days > days, loaded_on


def _freshness_sql(ctx: Context, spec: RuleSpec) -> Compiled:
    stale, loaded_on = _stale(spec, ctx.loaded_at, ctx.frequency, ctx.audit_date)
    days = max_age_days(spec, ctx.frequency)
    if loaded_on is None or days is None:
        condition = "TRUE" if stale else "FALSE"
    else:  # spelled out, so the SQL says what was compared
        cutoff = ctx.audit_date - dt.timedelta(days=days)
        condition = f"{lit(loaded_on)} < {lit(cutoff)}"
    checked, failed = dataset_sql(condition)
    return Compiled(checked_agg=checked, failed_agg=failed, shown_agg=lit(loaded_on))


def _freshness_py(spec: RuleSpec, rows: list[Row], ectx: EvalContext) -> tuple[int, int]:
    stale, _loaded = _stale(spec, ectx.loaded_at, ectx.frequency, ectx.audit_date)
    return dataset_counts(len(rows), stale)


def _record_age_sql(ctx: Context, spec: RuleSpec) -> Compiled:
    column = spec.columns[0]
    c = ctx.col(column)
    if ctx.types is not None and ctx.kind(column) not in (DATE, TIMESTAMP):
        raise AuditError(f"record_age needs a date column; {column!r} is not one")
    agg = "min" if spec.params.get("which") == "oldest" else "max"
    value = f"{agg}(CAST({c} AS DATE))"
    cutoff = ctx.audit_date - dt.timedelta(days=int(spec.params["max_days"]))
    checked, failed = dataset_sql(f"{value} IS NULL OR {value} < {lit(cutoff)}")
    return Compiled(checked_agg=checked, failed_agg=failed, shown_agg=value)


def _record_age_py(spec: RuleSpec, rows: list[Row], ectx: EvalContext) -> tuple[int, int]:
    column = spec.columns[0]
    values = [_as_date(r[column]) for r in rows if r[column] is not None]
    pick = min if spec.params.get("which") == "oldest" else max
    value = pick(values) if values else None
    cutoff = ectx.audit_date - dt.timedelta(days=int(spec.params["max_days"]))
    return dataset_counts(len(rows), value is None or value < cutoff)


BOUNDS = {"min": Param("bound"), "max": Param("bound")}

OTHER_CHECKS = [
    Check("id_birth_agrees", Dimension.ACCURACY,
          "The birth date column equals the date in a valid ID number", _birth_sql, _birth_py,
          columns=(2, 2), params={"format": Param("text", help="for a text column")}),
    Check("id_gender_agrees", Dimension.ACCURACY,
          "The gender column agrees with digit 17 of a valid ID number (odd: male)",
          _gender_sql, _gender_py, columns=(2, 2),
          params={"male": Param("text"), "female": Param("text")}),
    Check("range", Dimension.ACCURACY, "The value lies within [min, max]", _range_sql, _range_py,
          params=BOUNDS),
    Check("not_null", Dimension.COMPLETENESS, "Set and not blank", _not_null_sql, _not_null_py),
    Check("required", Dimension.COMPLETENESS, "Same as not_null", _not_null_sql, _not_null_py),
    Check("row_count", Dimension.COMPLETENESS, "The dataset has between min and max rows",
          _row_count_sql, _row_count_py, columns=(0, 0),
          params={"min": Param("int"), "max": Param("int")}),
    Check("unique", Dimension.CONSISTENCY, "No two rows share the value (or combination)",
          _unique_sql, _unique_py, columns=(1, 5)),
    Check("references", Dimension.CONSISTENCY,
          "The value exists in another dataset's column (or a named list)",
          _references_sql, _references_py,
          params={"dataset": Param("text"), "column": Param("text"), "list": Param("text")}),
    Check("agrees_with", Dimension.CONSISTENCY,
          "The same key's value in another dataset is the same", _agrees_sql, _agrees_py,
          columns=(2, 2), params={"dataset": Param("text", required=True),
                                  "key": Param("text"), "column": Param("text")}),
    Check("freshness", Dimension.TIMELINESS,
          "The last load is no older than the update frequency allows", _freshness_sql,
          _freshness_py, columns=(0, 0), params={"max_age_days": Param("int")}),
    Check("record_age", Dimension.TIMELINESS,
          "The newest (or oldest) date in the column is within max_days of the audit date",
          _record_age_sql, _record_age_py,
          params={"max_days": Param("int", required=True), "which": Param("text")}),
]
