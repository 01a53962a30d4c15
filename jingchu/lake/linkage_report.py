"""The linkage report: counts, the match-weight histogram, the cluster-size distribution, the
trained model's weights and a few sample clusters for a person to review, masked.

Everything here is computed in DuckDB from the run's tables (`jc_map`, `jc_members`, `jc_keys`
and Splink's predictions); only the small answers travel to Python. The report is plain JSON
(stored on the LinkageRun) and holds no personal data in clear: ID numbers, names and phones
go through core.masking, birth dates keep their year only (month and day are the masked part of
the ID number).
"""

from __future__ import annotations

import math
from typing import Any

import duckdb

from jingchu.core.masking import mask_value

BIN_WIDTH, BIN_LOW, BIN_HIGH = 2, -16, 24  # match weights outside are counted in the end bins
BIG_CLUSTER = 10  # sizes from here on share one bar
SAMPLE_RECORDS = 10


def threshold_weight(probability: float) -> float:
    """The match weight at which a pair reaches the probability: log2 of the odds."""
    probability = min(max(probability, 1e-12), 1 - 1e-12)
    return math.log2(probability / (1 - probability))


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> Any:
    # fetchall, not fetchone: DuckDB keeps an unfinished result open and refuses the next query
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None


def histogram(con: duckdb.DuckDBPyConnection, predictions: str) -> list[dict[str, Any]]:
    rows = dict(con.execute(f"""
        SELECT least(greatest(floor(match_weight / {BIN_WIDTH}) * {BIN_WIDTH}, {BIN_LOW}),
                     {BIN_HIGH - BIN_WIDTH}) AS low, count(*)
        FROM {predictions} GROUP BY low
    """).fetchall())  # noqa: S608 - Splink's own table
    return [{"low": low, "high": low + BIN_WIDTH, "count": int(rows.get(float(low), 0))}
            for low in range(BIN_LOW, BIN_HIGH, BIN_WIDTH)]


def cluster_sizes(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    rows = con.execute(f"""
        SELECT least(size, {BIG_CLUSTER}) AS size, count(*) FROM (
            SELECT count(*) AS size FROM jc_map GROUP BY person_key)
        GROUP BY 1 ORDER BY 1
    """).fetchall()  # noqa: S608 - constants
    return [{"size": int(size), "label": f"{size}+" if size == BIG_CLUSTER else str(size),
             "count": int(count)} for size, count in rows]


def per_source(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Records and persons per input and, for the inputs after the base, how many of their
    records found their person in the base."""
    rows = con.execute("""
        WITH base AS (SELECT DISTINCT person_key FROM jc_map WHERE source_rank = 0)
        SELECT source_rank, source_dataset, count(*), count(DISTINCT person_key),
               count(*) FILTER (WHERE person_key IN (SELECT person_key FROM base))
        FROM jc_map GROUP BY source_rank, source_dataset ORDER BY source_rank
    """).fetchall()
    return [{"dataset": name, "records": int(records), "persons": int(persons),
             "in_base": int(in_base)} for _rank, name, records, persons, in_base in rows]


def _edges(con: duckdb.DuckDBPyConnection, predictions: str, threshold: float,
           multi: bool) -> None:
    rank = ("CAST(substr(source_dataset_{side}, 2) AS INTEGER)" if multi else "0")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE jc_edges AS
        SELECT {rank.format(side='l')} AS rank_l, unique_id_l, match_probability
        FROM {predictions} WHERE match_probability >= ?
    """, [threshold])  # noqa: S608 - Splink's own table


def _masked(record: dict[str, Any]) -> dict[str, Any]:
    birth = record.get("birth_date")
    return {
        "dataset": record["source_dataset"], "row": int(record["source_row"]),
        "person_key": record["person_key"],
        "id_number": mask_value("id_number", record.get("id_number")) or "",
        "name": mask_value("name", record.get("name")) or "",
        "gender": record.get("gender") or "",
        "birth_year": f"{birth.year}" if birth else "",
        "phone": mask_value("phone", record.get("phone")) or "",
        "region_code": record.get("region_code") or "",
    }


_RECORDS_SQL = """
    SELECT m.source_dataset, m.source_row, m.person_key, r.id_number, r.name, r.gender,
           r.birth_date, r.phone, r.region_code
    FROM jc_map m JOIN jc_members r
      ON r.source_rank = m.source_rank AND r.unique_id = m.source_row
    WHERE {where} ORDER BY m.person_key, m.source_rank, m.source_row LIMIT ?
"""


def _records(con: duckdb.DuckDBPyConnection, where: str, value: Any) -> list[dict[str, Any]]:
    cursor = con.execute(_RECORDS_SQL.format(where=where),  # the two fixed conditions below
                         [value, SAMPLE_RECORDS])
    names = [d[0] for d in cursor.description]
    return [_masked(dict(zip(names, row, strict=True))) for row in cursor.fetchall()]


def _conflicts(con: duckdb.DuckDBPyConnection, count: int) -> list[dict[str, Any]]:
    """ID numbers that several clusters prefer, linkage having kept them apart: all their
    records, each with its key, for a reviewer to tell a copied number from a split person."""
    numbers = [row[0] for row in con.execute(
        "SELECT preferred FROM jc_anchor WHERE conflict GROUP BY preferred "
        "ORDER BY md5(preferred) LIMIT ?", [count]).fetchall()]
    out = []
    for number in numbers:
        records = _records(con, "m.cluster_id IN (SELECT cluster_id FROM jc_anchor "
                                "WHERE preferred = ?)", number)
        keys = sorted({r["person_key"] for r in records})
        out.append({"person_key": keys[0], "person_keys": keys, "size": len(records),
                    "reason": "shared_id_number", "borderline": False, "weakest_link": None,
                    "records": records})
    return out


def _clusters(con: duckdb.DuckDBPyConnection, count: int) -> list[tuple[Any, ...]]:
    """Multi-record persons: half the sample those held together by their weakest links (where
    a reviewer's eye is worth most), the rest in a fixed pseudo-random order."""
    rows = con.execute("""
        WITH sized AS (SELECT person_key, count(*) AS size FROM jc_map GROUP BY person_key
                       HAVING count(*) > 1),
        weakest AS (SELECT m.person_key, min(e.match_probability) AS weakest
                    FROM jc_edges e JOIN jc_map m
                      ON m.source_rank = e.rank_l AND m.source_row = e.unique_id_l
                    GROUP BY m.person_key)
        SELECT * FROM (
            SELECT s.person_key, s.size, w.weakest,
                   row_number() OVER (ORDER BY w.weakest NULLS LAST, s.person_key) AS low,
                   row_number() OVER (ORDER BY md5(s.person_key)) AS spread
            FROM sized s LEFT JOIN weakest w USING (person_key))
        WHERE low <= ? OR spread <= ?
    """, [count, count]).fetchall()
    picked: dict[str, tuple[Any, ...]] = {}
    for limit, reason, order in ((count // 2, "borderline", 3), (count, "sample", 4)):
        for key, size, weakest, *_ in sorted(rows, key=lambda r: r[order]):
            if len(picked) >= limit:
                break
            picked.setdefault(key, (key, size, weakest, reason))
    return list(picked.values())


def samples(con: duckdb.DuckDBPyConnection, count: int) -> list[dict[str, Any]]:
    """Up to `count` samples: ID conflicts first (a quarter at most), then clusters."""
    out = _conflicts(con, max(count // 4, 1)) if count else []
    for key, size, weakest, reason in _clusters(con, count - len(out)):
        out.append({"person_key": key, "person_keys": [key], "size": int(size),
                    "reason": reason, "borderline": reason == "borderline",
                    "weakest_link": round(float(weakest), 4) if weakest is not None else None,
                    "records": _records(con, "m.person_key = ?", key)})
    return out


def build(con: duckdb.DuckDBPyConnection, predictions: str, names: list[str], threshold: float,
          sample_count: int, *, multi: bool) -> dict[str, Any]:
    _edges(con, predictions, threshold, multi)
    clusters = int(scalar(con, "SELECT count(DISTINCT cluster_id) FROM jc_map") or 0)
    persons = int(scalar(con, "SELECT count(DISTINCT person_key) FROM jc_map") or 0)
    # Identical signatures under one provisional key are the only way two clusters share one.
    return {
        "datasets": names,
        "threshold": threshold,
        "threshold_weight": round(threshold_weight(threshold), 3),
        "records": int(scalar(con, "SELECT count(*) FROM jc_map") or 0),
        "pairs": int(scalar(con, f"SELECT count(*) FROM {predictions}") or 0),  # noqa: S608
        "matched_pairs": int(scalar(con, "SELECT count(*) FROM jc_edges") or 0),
        "clusters": clusters,
        "persons": persons,
        "id_conflicts": int(scalar(con, "SELECT count(*) FROM jc_anchor WHERE conflict") or 0),
        "provisional_keys": int(scalar(
            con, "SELECT count(DISTINCT person_key) FROM jc_keys WHERE kind = 'N'") or 0),
        "histogram": histogram(con, predictions),
        "cluster_sizes": cluster_sizes(con),
        "sources": per_source(con),
        "samples": samples(con, sample_count),
    }


def model_summary(model: dict[str, Any]) -> list[dict[str, Any]]:
    """Each comparison's levels with their trained m and u and the match weight log2(m/u)."""
    out = []
    for comparison in model.get("comparisons", []):
        levels = []
        for level in comparison.get("comparison_levels", []):
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            weight = math.log2(m / u) if m and u else None
            levels.append({"label": level.get("label_for_charts", ""),
                           "m": round(m, 6) if m is not None else None,
                           "u": round(u, 8) if u is not None else None,
                           "weight": round(weight, 2) if weight is not None else None})
        out.append({"column": comparison.get("output_column_name", ""), "levels": levels})
    return out
