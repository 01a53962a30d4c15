"""Each check of the rule library on known good and bad values, through the compiled SQL
(DuckDB over a Parquet file) and through the row-by-row reference, which must agree."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from jingchu.core.identifiers import id_check_char, make_id_number, make_uscc
from jingchu.lake.quality import reference
from jingchu.lake.quality.dictionaries import ETHNICITY
from jingchu.lake.quality.engine import audit_parquet
from jingchu.lake.quality.rulefile import parse_rules

AUDIT = dt.date(2026, 3, 1)
REGIONS = {"regions": ["420000", "420100", "420102", "420106"],
           "regions12": ["420102000000", "420106001000"]}
TYPES = {"s": pa.string(), "d": pa.date32(), "t": pa.timestamp("us"), "i": pa.int64(),
         "f": pa.float64()}


def write(path: Path, rows: list[dict[str, Any]], types: dict[str, str]) -> Path:
    schema = pa.schema([(name, TYPES[kind]) for name, kind in types.items()])
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)
    return path


def audit(tmp_path: Path, rules_yaml: str, rows: list[Any], types: dict[str, str],
          *, others: dict[str, tuple[list[Any], dict[str, str]]] | None = None,
          **kwargs: Any) -> dict[str, tuple[int, int]]:
    """{rule: (checked, failed)} from the engine, after checking the reference agrees."""
    rules = parse_rules(rules_yaml, columns=list(types))
    path = write(tmp_path / "data.parquet", rows, types)
    files: dict[str, str | Path] = {code: write(tmp_path / f"other{i}.parquet", o_rows, o_types)
             for i, (code, (o_rows, o_types)) in enumerate((others or {}).items())}
    out = audit_parquet(path, rules, references=REGIONS, audit_date=AUDIT, threads=1,
                        datasets=files, **kwargs)
    slow = reference.evaluate(rules, rows, audit_date=AUDIT, references=REGIONS,
                              datasets={c: o[0] for c, o in (others or {}).items()}, **kwargs)
    fast = {r.name: (r.checked, r.failed) for r in out.results}
    assert fast == {r.name: (r.checked, r.failed) for r in slow.results}
    assert out.scores == slow.scores and out.score == slow.score
    return fast


def one_column(tmp_path: Path, check: str, good: list[Any], bad: list[Any], kind: str = "s",
               extra: str = "") -> None:
    """`good` values pass, `bad` ones fail, a NULL is not checked."""
    rows = [{"v": v} for v in [*good, *bad, None]]
    got = audit(tmp_path, f"rules:\n  - r: {{check: {check}, column: v{extra}}}\n", rows,
                {"v": kind})
    assert got["r"] == (len(good) + len(bad), len(bad))


VALID_ID = make_id_number("420102", dt.date(1990, 1, 2), 7, True)


def id_with_x() -> str:
    for seq in range(500):
        number = make_id_number("420106", dt.date(1985, 6, 30), seq, False)
        if number.endswith("X"):
            return number
    raise AssertionError("no ID ending in X")


def with_body(body17: str) -> str:
    return body17 + id_check_char(body17)


def test_id_number(tmp_path: Path) -> None:
    x = id_with_x()
    good = [VALID_ID, x, with_body("11010119000101001"), with_body("42010220000229002"),
            with_body("420102" + AUDIT.strftime("%Y%m%d") + "003"),
            with_body("99999919900102123")]  # the region is not this rule's business
    bad = [VALID_ID[:17] + ("0" if VALID_ID[17] != "0" else "1"),  # check digit
           x[:17] + "x",  # lowercase x
           VALID_ID[:17], VALID_ID + "1", " " + VALID_ID[1:],
           with_body("42010219900230001"),  # 30 February
           with_body("42010219001301001"),  # month 13
           with_body("42010218991231001"),  # before 1900
           with_body("420102" + (AUDIT + dt.timedelta(days=1)).strftime("%Y%m%d") + "001"),
           with_body("42010219000229001"),  # 1900 was not a leap year
           "4201021990010200A7", "42010219900102007Y", "４２０１０２１９９０" + VALID_ID[10:]]
    one_column(tmp_path, "id_number", good, bad)


def test_uscc(tmp_path: Path) -> None:
    good = [make_uscc("9", "1", "420100", "MA4K0001"), make_uscc("1", "2", "100000", "00000001"),
            make_uscc("5", "3", "420102", "12345678")]
    code = good[0]
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    bad = [wrong, code.lower(), code[:16], code[:3] + "I" + code[4:],
           make_uscc("9", "5", "420100", "MA4K0001"),  # 市场监管 issues no type 5
           make_uscc("9", "1", "990100", "MA4K0001"),  # no such province
           code[:16] + ("0" if code[16] != "0" else "1") + code[17]]  # organization code check
    one_column(tmp_path, "uscc", good, bad)


def test_region_codes(tmp_path: Path) -> None:
    one_column(tmp_path, "region_code", ["420102", "420000"], ["429001", "42010", "420102 "])
    one_column(tmp_path, "region_code", ["420106001000"], ["420106000000"], extra=", digits: 12")


def test_phones(tmp_path: Path) -> None:
    one_column(tmp_path, "mobile", ["13800000000", "19912345678"],
               ["12800000000", "1380000000", "138000000001", "+8613800000000", "138 00000000"])
    one_column(tmp_path, "landline", ["027-87654321", "02787654321", "0710-1234567"],
               ["27-87654321", "027-123456", "027--87654321", "13800000000"])
    one_column(tmp_path, "phone", ["13800000000", "027-87654321"], ["12345", "027 87654321"])


def test_postal_code(tmp_path: Path) -> None:
    one_column(tmp_path, "postal_code", ["430000", "443000", "010010"],
               ["930000", "43000", "4300000", "43000A"])


def test_dates_in_text(tmp_path: Path) -> None:
    one_column(tmp_path, "date", ["2024-02-29", "2000-02-29", "1999-12-31"],
               ["2023-02-29", "1900-02-29", "2024-13-01", "2024-1-01", "2024/01/01", "x"])
    one_column(tmp_path, "date", ["2024年02月29日"], ["2024-02-29"],
               extra=", format: YYYY年MM月DD日")
    one_column(tmp_path, "date", ["2020-01-01", "2026-03-01"], ["2019-12-31", "2026-03-02"],
               extra=", min: 2020-01-01, max: audit_date")
    one_column(tmp_path, "datetime", ["2024-02-29 23:59:59", "2024-03-01 00:00:00"],
               ["2024-02-29 24:00:00", "2024-02-29 23:60:00", "2024-02-29"])


def test_dates_in_date_columns(tmp_path: Path) -> None:
    one_column(tmp_path, "date", [dt.date(2020, 1, 1)], [dt.date(2027, 1, 1)], kind="d",
               extra=", max: audit_date")


def test_enum_inline_builtin_and_file_dictionary(tmp_path: Path) -> None:
    one_column(tmp_path, "enum", ["男", "女"], ["M", "男 "], extra=", values: [男, 女]")
    one_column(tmp_path, "enum", ["汉族", "土家族"], ["汉", "土家"],
               extra=", dictionary: ethnicity")
    assert len(ETHNICITY) == 56 and len(set(ETHNICITY)) == 56
    rows = [{"v": v} for v in ["身份证", "护照", "驾照"]]
    got = audit(tmp_path, "dictionaries: {kinds: [身份证, 护照]}\n"
                "rules:\n  - r: {check: enum, column: v, dictionary: kinds}\n", rows, {"v": "s"})
    assert got["r"] == (3, 1)


def test_regex(tmp_path: Path) -> None:
    one_column(tmp_path, "regex", ["AB12", "ZZ99"], ["ab12", "AB123", "AB1"],
               extra=", pattern: '[A-Z]{2}[0-9]{2}'")


def test_id_birth_and_gender_agree(tmp_path: Path) -> None:
    female = make_id_number("420102", dt.date(1991, 5, 6), 3, False)
    rows = [
        {"id": VALID_ID, "b": dt.date(1990, 1, 2), "g": "男"},  # agrees
        {"id": VALID_ID, "b": dt.date(1990, 1, 3), "g": "女"},  # both disagree
        {"id": female, "b": dt.date(1991, 5, 6), "g": "女"},
        {"id": female, "b": None, "g": "未知"},  # not checked for birth; gender fails
        {"id": VALID_ID[:17] + "Y", "b": dt.date(1999, 1, 1), "g": "女"},  # invalid ID: skipped
        {"id": None, "b": dt.date(1999, 1, 1), "g": "女"},
    ]
    got = audit(tmp_path, "rules:\n"
                "  - b: {check: id_birth_agrees, columns: [id, b]}\n"
                "  - g: {check: id_gender_agrees, columns: [id, g]}\n", rows,
                {"id": "s", "b": "d", "g": "s"})
    assert got == {"b": (3, 1), "g": (4, 2)}


def test_id_birth_agrees_with_text_dates(tmp_path: Path) -> None:
    rows = [{"id": VALID_ID, "b": "19900102"}, {"id": VALID_ID, "b": "1990-01-02"}]
    got = audit(tmp_path, "rules:\n  - b: {check: id_birth_agrees, columns: [id, b], "
                "format: YYYYMMDD}\n", rows, {"id": "s", "b": "s"})
    assert got == {"b": (2, 1)}


def test_ranges(tmp_path: Path) -> None:
    one_column(tmp_path, "range", [0, 5, 10], [-1, 11], kind="i", extra=", min: 0, max: 10")
    one_column(tmp_path, "range", [0.5], [10.5], kind="f", extra=", max: 10")
    one_column(tmp_path, "range", [dt.date(2000, 1, 1)], [dt.date(1999, 12, 31)], kind="d",
               extra=", min: 2000-01-01")


def test_not_null(tmp_path: Path) -> None:
    rows = [{"v": v} for v in ["张三", " 李 ", None, "", "  ", "\u3000"]]
    assert audit(tmp_path, "rules:\n  - r: {check: not_null, column: v}\n", rows,
                 {"v": "s"}) == {"r": (6, 4)}
    numbers: list[Any] = [{"v": v} for v in [1, None]]
    assert audit(tmp_path, "rules:\n  - r: {check: required, column: v}\n", numbers,
                 {"v": "i"}) == {"r": (2, 1)}


def test_unique_counts_every_repeated_row(tmp_path: Path) -> None:
    rows = [{"a": a, "b": b} for a, b in
            [("x", "1"), ("x", "1"), ("x", "1"), ("y", "1"), ("y", "2"), (None, "1"), (None, "1")]]
    got = audit(tmp_path, "rules:\n  - one: {check: unique, column: a}\n"
                "  - two: {check: unique, columns: [a, b]}\n", rows, {"a": "s", "b": "s"})
    assert got == {"one": (5, 5), "two": (5, 3)}


def test_row_count(tmp_path: Path) -> None:
    rows = [{"v": "a"}, {"v": "b"}]
    got = audit(tmp_path, "rules:\n  - few: {check: row_count, min: 3}\n"
                "  - fine: {check: row_count, min: 1, max: 2}\n", rows, {"v": "s"})
    assert got == {"few": (2, 2), "fine": (2, 0)}
    got = audit(tmp_path, "rules:\n  - few: {check: row_count, min: 1}\n", [], {"v": "s"})
    assert got == {"few": (1, 1)}


def test_references_and_agreement_across_datasets(tmp_path: Path) -> None:
    population = [{"id": "A", "name": "张三"}, {"id": "B", "name": "李四"},
                  {"id": "B", "name": "李四"}, {"id": "C", "name": None}]
    rows = [{"id": "A", "name": "张三"}, {"id": "B", "name": "李五"}, {"id": "C", "name": "王"},
            {"id": "D", "name": "赵"}, {"id": None, "name": "钱"}]
    got = audit(tmp_path, "rules:\n"
                "  - known: {check: references, column: id, dataset: pop}\n"
                "  - same_name: {check: agrees_with, columns: [id, name], dataset: pop}\n",
                rows, {"id": "s", "name": "s"}, others={"pop": (population, {"id": "s",
                                                                               "name": "s"})})
    assert got == {"known": (4, 1), "same_name": (2, 1)}


def test_freshness(tmp_path: Path) -> None:
    rows = [{"v": "a"}]
    yaml_text = "rules:\n  - fresh: {check: freshness}\n"
    stale = audit(tmp_path, yaml_text, rows, {"v": "s"}, loaded_at=dt.datetime(2026, 2, 20),
                  frequency="daily")
    fresh = audit(tmp_path, yaml_text, rows, {"v": "s"}, loaded_at=dt.datetime(2026, 2, 28),
                  frequency="daily")
    monthly = audit(tmp_path, yaml_text, rows, {"v": "s"}, loaded_at=dt.datetime(2026, 2, 20),
                    frequency="monthly")
    irregular = audit(tmp_path, yaml_text, rows, {"v": "s"}, loaded_at=dt.date(2000, 1, 1),
                      frequency="irregular")
    assert (stale, fresh, monthly, irregular) == (
        {"fresh": (1, 1)}, {"fresh": (1, 0)}, {"fresh": (1, 0)}, {"fresh": (1, 0)})
    own = audit(tmp_path, "rules:\n  - fresh: {check: freshness, max_age_days: 3}\n", rows,
                {"v": "s"}, loaded_at=dt.date(2026, 2, 25), frequency="yearly")
    assert own == {"fresh": (1, 1)}


def test_record_age(tmp_path: Path) -> None:
    rows = [{"d": dt.date(2026, 1, 1)}, {"d": dt.date(2025, 1, 1)}, {"d": None}]
    got = audit(tmp_path, "rules:\n"
                "  - recent: {check: record_age, column: d, max_days: 90}\n"
                "  - too_recent: {check: record_age, column: d, max_days: 30}\n"
                "  - window: {check: record_age, column: d, max_days: 90, which: oldest}\n",
                rows, {"d": "d"})
    assert got == {"recent": (3, 0), "too_recent": (3, 3), "window": (3, 3)}


@pytest.mark.parametrize("check", ["id_number", "phone", "not_null"])
def test_failing_rows_are_sampled_within_bounds(tmp_path: Path, check: str) -> None:
    rows = [{"v": "bad"} for _ in range(20)] + [{"v": None}]
    rules = parse_rules(f"rules:\n  - r: {{check: {check}, column: v}}\n")
    path = write(tmp_path / "s.parquet", rows, {"v": "s"})
    out = audit_parquet(path, rules, audit_date=AUDIT, threads=1, sample_size=5)
    assert out.results[0].failed >= 1
    assert 1 <= len(out.results[0].sample) <= 5
    assert set(out.results[0].sample[0]) == {"v"}
