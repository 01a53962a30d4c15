"""The five dimension scores and the overall score on a small dataset, against figures computed
by hand; and the compiled SQL's portability to Spark."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import sqlglot

from jingchu.core.identifiers import make_id_number
from jingchu.lake.quality.engine import audit_parquet, compile_audit, to_spark
from jingchu.lake.quality.rulefile import parse_rules

AUDIT = dt.date(2026, 3, 1)
A = make_id_number("420102", dt.date(1980, 5, 6), 11, True)
B = make_id_number("420106", dt.date(1992, 7, 8), 12, False)
BAD = A[:17] + ("0" if A[17] != "0" else "1")
RULES = """
rules:
  - id_valid: {check: id_number, column: id}
  - region_valid: {check: region_code, column: region, weight: 2}
  - gender_agrees: {check: id_gender_agrees, columns: [id, gender]}
  - name_present: {check: not_null, column: name}
  - enough_rows: {check: row_count, min: 5}
  - id_unique: {check: unique, column: id}
  - fresh: {check: freshness, max_age_days: 7}
"""
ROWS = [
    {"id": A, "name": "张三", "gender": "男", "region": "420102"},
    {"id": A, "name": None, "gender": "女", "region": "999999"},
    {"id": BAD, "name": "", "gender": "男", "region": "420106"},
    {"id": B, "name": "李四", "gender": "女", "region": None},
]


def test_five_dimension_scores_match_hand_computation(tmp_path: Path) -> None:
    path = tmp_path / "small.parquet"
    pq.write_table(pa.Table.from_pylist(ROWS), path)
    out = audit_parquet(path, parse_rules(RULES), references={"regions": ["420102", "420106"]},
                        audit_date=AUDIT, threads=1, loaded_at=AUDIT - dt.timedelta(days=10))
    counts = {r.name: (r.checked, r.failed) for r in out.results}
    assert counts == {"id_valid": (4, 1), "region_valid": (3, 1), "gender_agrees": (3, 1),
                      "name_present": (4, 2), "enough_rows": (4, 4), "id_unique": (4, 2),
                      "fresh": (4, 4)}
    # conformity: (1×1 + 2×1) / (1×4 + 2×3) failed → 100 × (1 − 3/10)
    # accuracy: 1 of 3 → 66.67; completeness: (2 + 4) / (4 + 4) → 25
    # consistency: 2 of 4 → 50; timeliness: stale, every row → 0
    assert out.scores == {"conformity": 70.0, "accuracy": 66.67, "completeness": 25.0,
                          "consistency": 50.0, "timeliness": 0.0}
    # overall: weighted by each dimension's total rule weight (3, 1, 2, 1, 1)
    assert out.score == round((70.0 * 3 + 66.67 + 25.0 * 2 + 50.0 + 0.0) / 8, 2) == 47.08


def test_a_dimension_with_nothing_checked_scores_100(tmp_path: Path) -> None:
    path = tmp_path / "nulls.parquet"
    pq.write_table(pa.Table.from_pylist([{"phone": None}], schema=pa.schema(
        [("phone", pa.string())])), path)
    out = audit_parquet(path, parse_rules("rules:\n  - p: {check: phone, column: phone}\n"),
                        audit_date=AUDIT, threads=1)
    assert out.results[0].checked == 0 and out.scores == {"conformity": 100.0}
    assert out.score == 100.0


STANDARD = Path(__file__).resolve().parents[1] / "quality" / "standard" / "population.yaml"
DUCKDB_ONLY = ("REGEXP_FULL_MATCH", "TRY_STRPTIME", "STRFTIME", "READ_PARQUET", "LIST_",
               "ORD(", "//", "STRPOS(")


def test_compiled_sql_transpiles_to_spark() -> None:
    rules = parse_rules(STANDARD.read_text(encoding="utf-8"))
    sql = compile_audit(rules, "read_parquet('population.parquet')", audit_date=AUDIT,
                        references={"regions": ["420102", "420106"]})
    assert sql.count("READ_PARQUET(") == 2  # the scan and the duplicate keys' GROUP BY
    spark = to_spark(sql)
    assert sqlglot.parse_one(spark, read="spark") is not None
    upper = spark.upper()
    for name in DUCKDB_ONLY:
        assert name not in upper, name
    assert "parquet.`population.parquet`" in spark
    assert " RLIKE '^[0-9]{17}[0-9X]$'" in spark and " DIV " in upper
    assert "COUNT(*) FILTER(WHERE" in upper
    # the credit code check uses LOCATE in Spark for DuckDB's STRPOS
    uscc = compile_audit(parse_rules("rules:\n  - u: {check: uscc, column: c}\n"), "t",
                         dialect="spark", audit_date=AUDIT)
    assert "LOCATE(" in uscc.upper() and "STRPOS" not in uscc.upper()
    assert sqlglot.parse_one(uscc, read="spark") is not None
