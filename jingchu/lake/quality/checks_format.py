"""Conformity checks (规范性): citizen ID numbers, credit codes, region codes, phone numbers,
postal codes, dates and times in text, enumerations and patterns.

Every check here is a row rule: it checks the rows where its column is set and fails those whose
value does not conform. Exact semantics: docs/lake-quality.md."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jingchu.core.identifiers import (
    NATIONAL_REGION,
    PROVINCE_CODES,
    USCC_AUTHORITIES,
    USCC_CHARSET,
    IdentifierError,
    id_check_char,
    validate_uscc,
)
from jingchu.lake.choices import Dimension
from jingchu.lake.quality.base import (
    Check,
    Compiled,
    EvalContext,
    Param,
    Row,
    full_match,
    py_date,
    row_counts,
    sql_full_match,
    sql_ymd_valid,
    ymd_int,
)
from jingchu.lake.quality.dictionaries import reference_values
from jingchu.lake.quality.spec import AuditError, RuleSpec
from jingchu.lake.quality.sqlctx import DATE, NUMBER, TEXT, TIMESTAMP, Context, lit

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_PATTERN = "[0-9]{17}[0-9X]"
FIRST_BIRTH = dt.date(1900, 1, 1)
MOBILE = "1[3-9][0-9]{9}"
LANDLINE = "0[0-9]{2,3}-?[0-9]{7,8}"
POSTAL = "[0-8][0-9]{5}"
USCC_CLASS = "[0-9A-HJ-NPQRTUWXY]"
USCC_PATTERN = f"{USCC_CLASS}{{2}}[0-9]{{6}}{USCC_CLASS}{{10}}"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _column(spec: RuleSpec, index: int = 0) -> str:
    return spec.columns[index]


# --- citizen ID number (GB 11643) ---------------------------------------------------------------


def id_parts(ctx: Context, column: str) -> tuple[str, str, str]:
    """(first 17 digits as a number, birth date as yyyymmdd, "valid") for an ID column, derived
    once per row and shared by every rule on the column. The check digit is computed
    arithmetically: digit i of the 17 is n // 10^(17-i) % 10, weighted, summed, mod 11."""
    c = ctx.col(column)
    shape = ctx.derive(("id_shape", column), sql_full_match(c, ID_PATTERN),
                       name=f"{column}_shaped")
    n = ctx.derive(("id_n", column), f"TRY_CAST(substr({c}, 1, 17) AS BIGINT)",
                   name=f"{column}_body")
    ymd = ctx.derive(("id_ymd", column), f"{n} // 1000 % 100000000", after=(n,),
                     name=f"{column}_birth")
    terms = " + ".join(f"{n} // {10 ** (16 - i)} % 10 * {w}" for i, w in enumerate(ID_WEIGHTS))
    total = ctx.derive(("id_sum", column), f"({terms}) % 11", after=(n,),
                       name=f"{column}_checksum")
    real, parts = sql_ymd_valid(ctx, ("id", column), ymd)
    ok = ctx.derive(("id_ok", column), (
        f"coalesce({shape} AND {real} AND {ymd} BETWEEN {ymd_int(FIRST_BIRTH)} "
        f"AND {ymd_int(ctx.audit_date)} AND substr('10X98765432', {total} + 1, 1) = "
        f"substr({c}, 18, 1), FALSE)"), after=(shape, ymd, total, *parts), name=f"{column}_ok")
    return n, ymd, ok


def id_birth(value: Any, audit_date: dt.date) -> dt.date | None:
    """The birth date of a valid ID number (rule id_number's semantics), None when not valid."""
    if not full_match(ID_PATTERN, value):
        return None
    birth = py_date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    if birth is None or not FIRST_BIRTH <= birth <= audit_date:
        return None
    return birth if id_check_char(value[:17]) == value[17] else None


def _id_sql(ctx: Context, spec: RuleSpec) -> Compiled:
    column = _column(spec)
    _n, _ymd, ok = id_parts(ctx, column)
    return Compiled(checked=f"{ctx.col(column)} IS NOT NULL", failed=f"NOT {ok}")


def _id_py(spec: RuleSpec, rows: list[Row], ectx: EvalContext) -> tuple[int, int]:
    column = _column(spec)
    return row_counts(spec, rows, lambda r: None if r[column] is None
                      else id_birth(r[column], ectx.audit_date) is None)


# --- unified social credit code (GB 32100) ------------------------------------------------------

AUTHORITY_PAIRS = sorted(a + k for a, kinds in USCC_AUTHORITIES.items() for k in kinds)


def _weighted(c: str, positions: range, weights: tuple[int, ...], charset: str) -> str:
    return " + ".join(f"(strpos('{charset}', substr({c}, {p}, 1)) - 1) * {w}"
                      for p, w in zip(positions, weights, strict=True))


def _uscc_sql(ctx: Context, spec: RuleSpec) -> Compiled:
    c = ctx.col(_column(spec))
    org_sum = _weighted(c, range(9, 17), ORG_WEIGHTS, ALNUM)
    main_sum = _weighted(c, range(1, 18), USCC_WEIGHTS, USCC_CHARSET)
    pairs = ", ".join(lit(p) for p in AUTHORITY_PAIRS)
    provinces = ", ".join(lit(p) for p in sorted(PROVINCE_CODES))
    ok = ctx.derive(("uscc_ok", spec.columns[0]), name=f"{spec.columns[0]}_uscc_ok", sql=(
        f"coalesce({sql_full_match(c, USCC_PATTERN)} AND substr({c}, 1, 2) IN ({pairs}) "
        f"AND (substr({c}, 3, 2) IN ({provinces}) OR substr({c}, 3, 6) = '{NATIONAL_REGION}') "
        f"AND substr('0123456789X0', 11 - ({org_sum}) % 11 + 1, 1) = substr({c}, 17, 1) "
        f"AND substr('{USCC_CHARSET}', (31 - ({main_sum}) % 31) % 31 + 1, 1) = substr({c}, 18, 1)"
        ", FALSE)"))
    return Compiled(checked=f"{c} IS NOT NULL", failed=f"NOT {ok}")


def uscc_valid(value: str) -> bool:
    try:
        return validate_uscc(value) == value
    except IdentifierError:
        return False


def _uscc_py(spec: RuleSpec, rows: list[Row], ectx: EvalContext) -> tuple[int, int]:
    column = _column(spec)
    return row_counts(spec, rows, lambda r: None if r[column] is None
                      else not (isinstance(r[column], str) and uscc_valid(r[column])))


# --- patterns: phones, postal codes, free patterns ---------------------------------------------


def _pattern_check(name: str, pattern: str, summary: str) -> Check:
    def compile_(ctx: Context, spec: RuleSpec) -> Compiled:
        c = ctx.col(_column(spec))
        return Compiled(checked=f"{c} IS NOT NULL", failed=f"NOT {sql_full_match(c, pattern)}")

    def evaluate(spec: RuleSpec, rows: list[Row], ectx: EvalContext) -> tuple[int, int]:
        column = _column(spec)
        return row_counts(spec, rows, lambda r: None if r[column] is None
                          else not full_match(pattern, r[column]))

    return Check(name, Dimension.CONFORMITY, summary, compile_, evaluate)


def _regex_sql(ctx: Context, spec: RuleSpec) -> Compiled:
    c = ctx.col(_column(spec))
    return Compiled(checked=f"{c} IS NOT NULL",
                    failed=f"NOT {sql_full_match(c, str(spec.params['pattern']))}")


def _regex_py(spec: RuleSpec, rows: list[Row], ectx: EvalContext) -> tuple[int, int]:
    column, pattern = _column(spec), str(spec.params["pattern"])
    return row_counts(spec, rows, lambda r: None if r[column] is None
                      else not full_match(pattern, r[column]))


# --- enumerations and region codes -------------------------------------------------------------


def _values_for(ctx_refs: dict[str, list[Any]], spec: RuleSpec) -> tuple[str, list[Any] | None]:
    if "values" in spec.params:
        return "", list(spec.params["values"])
    name = str(spec.params.get("dictionary", ""))
    return name, reference_values(name, ctx_refs)


def _list_sql(ctx: Context, spec: RuleSpec, name: str, values: list[Any] | None) -> Compiled:
    column = _column(spec)
    if values is not None and ctx.kind(column) == TEXT:
        values = [str(v) for v in values]
    found = ctx.list_match(name, values, column)
    return Compiled(checked=f"{ctx.col(column)} IS NOT NULL", failed=f"NOT {found}")


def _list_py(spec: RuleSpec, rows: list[Row], values: list[Any]) -> tuple[int, int]:
    column = _column(spec)
    allowed = set(values) | {str(v) for v in values}
    return row_counts(spec, rows, lambda r: None if r[column] is None
                      else r[column] not in allowed)


def _enum_sql(ctx: Context, spec: RuleSpec) -> Compiled:
    name, values = _values_for(ctx.references, spec)
    return _list_sql(ctx, spec, name or "values", values)


def _enum_py(spec: RuleSpec, rows: list[Row], ectx: EvalContext) -> tuple[int, int]:
    _name, values = _values_for(ectx.references, spec)
    if values is None:
        raise AuditError("no such dictionary")
    return _list_py(spec, rows, values)


def region_list(spec: RuleSpec) -> str:
    return "regions12" if int(spec.params.get("digits", 6)) == 12 else "regions"


def _region_sql(ctx: Context, spec: RuleSpec) -> Compiled:
    return _list_sql(ctx, spec, region_list(spec), None)


def _region_py(spec: RuleSpec, rows: list[Row], ectx: EvalContext) -> tuple[int, int]:
    return _list_py(spec, rows, ectx.references[region_list(spec)])


# --- dates and times written as text -----------------------------------------------------------

TOKENS = {"YYYY": 4, "MM": 2, "DD": 2, "hh": 2, "mm": 2, "ss": 2}
REGEX_SPECIAL = set(".^$*+?()[]{}|\\")


def parse_format(fmt: str) -> tuple[str, dict[str, int]]:
    """A format like "YYYY-MM-DD hh:mm:ss" → (regular expression, 1-based start of each token)."""
    regex, where, i, pos = "", {}, 0, 1
    while i < len(fmt):
        token = next((t for t in TOKENS if fmt.startswith(t, i)), None)
        if token:
            where[token] = pos
            regex += f"[0-9]{{{TOKENS[token]}}}"
            i, pos = i + len(token), pos + TOKENS[token]
        else:
            regex += ("\\" + fmt[i]) if fmt[i] in REGEX_SPECIAL else fmt[i]
            i, pos = i + 1, pos + 1
    return regex, where


def _bound(value: Any, audit_date: dt.date) -> dt.date | None:
    if value is None:
        return None
    if value == "audit_date":
        return audit_date
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _date_bounds_sql(ctx: Context, spec: RuleSpec, ymd: str) -> list[str]:
    low, high = (_bound(spec.params.get(k), ctx.audit_date) for k in ("min", "max"))
    out = []
    if low is not None:
        out.append(f"{ymd} < {ymd_int(low)}")
    if high is not None:
        out.append(f"{ymd} > {ymd_int(high)}")
    return out


def _date_sql(ctx: Context, spec: RuleSpec, default_format: str) -> Compiled:
    column = _column(spec)
    c = ctx.col(column)
    if ctx.kind(column) in (DATE, TIMESTAMP):
        ymd = ctx.derive(("ymd_of", column), f"year({c}) * 10000 + month({c}) * 100 + day({c})",
                         name=f"{column}_ymd")
        bad = _date_bounds_sql(ctx, spec, ymd)
        return Compiled(checked=f"{c} IS NOT NULL", failed=" OR ".join(bad) or "FALSE")
    fmt = str(spec.params.get("format", default_format))
    regex, where = parse_format(fmt)

    def part(token: str) -> str:
        return f"TRY_CAST(substr({c}, {where[token]}, {TOKENS[token]}) AS INTEGER)"

    ymd = ctx.derive(("ymd_text", column, fmt),
                     f"{part('YYYY')} * 10000 + {part('MM')} * 100 + {part('DD')}",
                     name=f"{column}_ymd")
    real, parts = sql_ymd_valid(ctx, ("text", column, fmt), ymd)
    checks = [sql_full_match(c, regex), real]
    checks += [f"{part(t)} <= {limit}" for t, limit in (("hh", 23), ("mm", 59), ("ss", 59))
               if t in where]
    ok = ctx.derive(("date_ok", column, fmt), f"coalesce({' AND '.join(checks)}, FALSE)",
                    after=(ymd, *parts), name=f"{column}_date_ok")
    bad = [f"NOT {ok}", *_date_bounds_sql(ctx, spec, ymd)]
    return Compiled(checked=f"{c} IS NOT NULL", failed=" OR ".join(bad))


def _py_text_date(value: Any, fmt: str) -> dt.date | None:
    regex, where = parse_format(fmt)
    if not full_match(regex, value):
        return None

    def part(token: str) -> int:
        start = where[token] - 1
        return int(value[start:start + TOKENS[token]])

    day = py_date(part("YYYY"), part("MM"), part("DD"))
    limits = {"hh": 23, "mm": 59, "ss": 59}
    if any(t in where and part(t) > limit for t, limit in limits.items()):
        return None
    return day


def _date_py_of(default_format: str) -> Any:
    def evaluate(spec: RuleSpec, rows: list[Row], ectx: EvalContext) -> tuple[int, int]:
        column = _column(spec)
        fmt = str(spec.params.get("format", default_format))
        low, high = (_bound(spec.params.get(k), ectx.audit_date) for k in ("min", "max"))

        def test(row: Row) -> bool | None:
            value = row[column]
            if value is None:
                return None
            if isinstance(value, dt.datetime):
                day: dt.date | None = value.date()
            elif isinstance(value, dt.date):
                day = value
            else:
                day = _py_text_date(value, fmt)
            if day is None:
                return True
            return (low is not None and day < low) or (high is not None and day > high)

        return row_counts(spec, rows, test)

    return evaluate


DATE_PARAMS = {"format": Param("text", help="e.g. YYYY-MM-DD, YYYYMMDD, YYYY年MM月DD日"),
               "min": Param("date", help="earliest date allowed, or audit_date"),
               "max": Param("date", help="latest date allowed, or audit_date")}

FORMAT_CHECKS = [
    Check("id_number", Dimension.CONFORMITY,
          "Citizen ID number (GB 11643): 18 characters, a real birth date, the check digit",
          _id_sql, _id_py),
    Check("uscc", Dimension.CONFORMITY,
          "Unified social credit code (GB 32100): authority, region, both check characters",
          _uscc_sql, _uscc_py),
    Check("region_code", Dimension.CONFORMITY,
          "An administrative division code known to the platform (core.Region)",
          _region_sql, _region_py, params={"digits": Param("int", help="6 (default) or 12")}),
    _pattern_check("mobile", MOBILE, "Mobile number: 11 digits starting 13–19"),
    _pattern_check("landline", LANDLINE, "Landline: area code 0xx or 0xxx, 7–8 digits"),
    _pattern_check("phone", f"{MOBILE}|{LANDLINE}", "A mobile or landline number"),
    _pattern_check("postal_code", POSTAL, "Postal code: 6 digits, the first 0–8"),
    Check("regex", Dimension.CONFORMITY, "The whole value matches a regular expression",
          _regex_sql, _regex_py, params={"pattern": Param("text", required=True)}),
    Check("enum", Dimension.CONFORMITY, "One of the allowed values (inline or a dictionary)",
          _enum_sql, _enum_py,
          params={"values": Param("list"), "dictionary": Param("text")}),
    Check("date", Dimension.CONFORMITY, "A real date (text in the given format), within bounds",
          lambda ctx, spec: _date_sql(ctx, spec, "YYYY-MM-DD"), _date_py_of("YYYY-MM-DD"),
          params=DATE_PARAMS),
    Check("datetime", Dimension.CONFORMITY, "A real date and time, within bounds",
          lambda ctx, spec: _date_sql(ctx, spec, "YYYY-MM-DD hh:mm:ss"),
          _date_py_of("YYYY-MM-DD hh:mm:ss"), params=DATE_PARAMS),
]

__all__ = ["FORMAT_CHECKS", "NUMBER", "id_birth", "id_parts", "parse_format", "uscc_valid"]
