"""Record linkage (数据融合, 一人一档): the engine, a pure function of Parquet files, usable
without the Django database.

`dedupe(source, output, secret=...)` finds the records of one dataset (the population base)
that are the same person; `link(base, others, output, secret=...)` also puts the records of
other datasets (social-insurance enrolment, marriages ...) with their person. Both train a
Fellegi–Sunter model with Splink on DuckDB, score the blocked pairs, cluster the pairs at or
above the threshold, give every cluster its stable person key (linkage_keys) and write the key
map: one row per source record, ``(source_dataset, source_row, person_key)``, `source_row`
being the record's position in its Parquet file (dataset versions are immutable, so the
position names the record).

The model, chosen for Chinese person records, is in linkage_model (blocking, comparisons,
priors, training, floors); the probability that two random records match comes from the pairs
sharing an ID number (assumed to be 80% of the true pairs). docs/lake-linkage.md explains it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from splink import DuckDBAPI, Linker

from jingchu.lake import linkage_keys, linkage_model, linkage_report

# Splink explains every step at INFO and warns of each level it could not train; the run's own
# progress and its report (the trained model, untrained levels without m) say what matters.
logging.getLogger("splink").setLevel(logging.ERROR)

CANONICAL = ("id_number", "name", "gender", "birth_date", "phone", "region_code")
STAGES = ("prepare", "train", "predict", "cluster", "keys", "report")
EXACT_ID_RECALL = 0.8  # share of true duplicate pairs assumed to carry the same ID number

Progress = Callable[[str, int, int], None]


class LinkageError(Exception):
    """The inputs cannot be linked (no file, no usable column); the message says why."""


@dataclass(frozen=True)
class Source:
    """One input: a Parquet file and how its columns map to the canonical ones.

    `columns` maps a canonical name (CANONICAL) to the file's column; a canonical name the file
    has under the same name needs no entry, and one it lacks is simply absent."""

    name: str
    path: str | Path
    columns: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Options:
    threshold: float = 0.95
    seed: int = 42
    u_max_pairs: float = 2e6
    em_max_pairs: float = 1e6
    samples: int = 8
    progress: Progress | None = None


@dataclass
class LinkageResult:
    record_count: int
    pair_count: int
    cluster_count: int
    output: Path
    report: dict[str, Any]
    seconds: dict[str, float]


def dedupe(source: Source | str | Path, output: str | Path, *, secret: bytes,
           connection: duckdb.DuckDBPyConnection | None = None,
           options: Options | None = None) -> LinkageResult:
    """Deduplicate one dataset; see the module's docstring."""
    if not isinstance(source, Source):
        source = Source(name=Path(source).stem, path=source)
    return _run([source], Path(output), secret, connection, options or Options())


def link(base: Source, others: Sequence[Source], output: str | Path, *, secret: bytes,
         connection: duckdb.DuckDBPyConnection | None = None,
         options: Options | None = None) -> LinkageResult:
    """Link `others` to the population base `base`, deduplicating all of them on the way
    (Splink's link-and-dedupe); the base's ID numbers anchor the person keys."""
    if not others:
        return dedupe(base, output, secret=secret, connection=connection, options=options)
    return _run([base, *others], Path(output), secret, connection, options or Options())


class _Clock:
    def __init__(self, progress: Progress | None) -> None:
        self.progress, self.seconds = progress, dict[str, float]()
        self.stage, self.started = "", 0.0

    def start(self, stage: str, total: int = 1) -> None:
        self.stop()
        self.stage, self.started = stage, time.perf_counter()
        self.step(0, total)

    def step(self, done: int, total: int = 1) -> None:
        if self.progress:
            self.progress(self.stage, done, total)

    def stop(self) -> None:
        if self.stage:
            self.seconds[self.stage] = round(time.perf_counter() - self.started, 3)
            self.step(1, 1)
            self.stage = ""


def _run(sources: list[Source], output: Path, secret: bytes,
         connection: duckdb.DuckDBPyConnection | None, options: Options) -> LinkageResult:
    names = [s.name for s in sources]
    if len(set(names)) != len(names):
        raise LinkageError("each input must have its own name")
    if connection is not None:
        return _execute(connection, sources, output, secret, options)
    with duckdb.connect(":memory:") as con:
        return _execute(con, sources, output, secret, options)


def _execute(con: duckdb.DuckDBPyConnection, sources: list[Source], output: Path,
             secret: bytes, options: Options) -> LinkageResult:
    names = [s.name for s in sources]
    clock = _Clock(options.progress)
    clock.start("prepare")
    present = prepare(con, sources)
    records = sum(_count(con, f"jc_src_{i}") for i in range(len(sources)))
    if records == 0:
        raise LinkageError("the inputs hold no records")
    db_api = DuckDBAPI(con)
    frames = [db_api.register(f"jc_src_{i}", dataset_display_name=f"s{i}")
              for i in range(len(sources))]
    inputs = frames if len(frames) > 1 else frames[0]
    linker = Linker(inputs, linkage_model.settings(
        present, len(sources), _prior(con, len(sources), records)), log_level=None)
    clock.start("train", 3)
    training = linkage_model.train(linker, present, u_max_pairs=options.u_max_pairs,
                                   em_max_pairs=options.em_max_pairs, seed=options.seed,
                                   step=clock.step,
                                   pairs=lambda cols: _pairs_sharing(con, len(sources), cols))
    linker = linkage_model.settled_linker(linker, inputs)
    clock.start("predict")
    predictions = linker.inference.predict(warning_mode="never")
    clock.start("cluster")
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=options.threshold)
    clock.start("keys")
    members(con, clusters.physical_name, multi=len(sources) > 1)
    linkage_keys.assign_keys(con, secret)
    write_map(con, names, output)
    clock.start("report")
    report = linkage_report.build(con, predictions.physical_name, names, options.threshold,
                                  options.samples, multi=len(sources) > 1)
    report["model"] = linkage_report.model_summary(linker.misc.save_model_to_json())
    report["columns"], report["training"] = present, training
    clock.stop()
    report["seconds"] = clock.seconds
    return LinkageResult(record_count=records, pair_count=report["pairs"],
                         cluster_count=report["persons"], output=output, report=report,
                         seconds=clock.seconds)


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    # the table is one of the run's own (jc_src_<i>), never a caller's text
    return int(linkage_report.scalar(con, f"SELECT count(*) FROM {table}") or 0)  # noqa: S608


# --- preparing the inputs --------------------------------------------------------------------

_EXPRESSIONS = {
    "id_number": "nullif(upper(regexp_replace(CAST({c} AS VARCHAR), '[\\s-]', '', 'g')), '')",
    "name": "nullif(regexp_replace(CAST({c} AS VARCHAR), '[\\s·•.]', '', 'g'), '')",
    "gender": ("CASE WHEN lower(trim(CAST({c} AS VARCHAR))) IN ('male', 'm', '1', '男') THEN 'M' "
               "WHEN lower(trim(CAST({c} AS VARCHAR))) IN ('female', 'f', '2', '女') THEN 'F' END"),
    "birth_date": ("coalesce(TRY_CAST({c} AS DATE), "
                   "CAST(try_strptime(CAST({c} AS VARCHAR), '%Y%m%d') AS DATE))"),
    # Mobiles only (a landline is a household's), and not the placeholders registers fill in
    # for "unknown" (13800000000, 12222222222: too few distinct digits).
    "phone": "jc_mobile(right(regexp_replace(CAST({c} AS VARCHAR), '[^0-9]', '', 'g'), 11))",
    "region_code": ("nullif(left(regexp_replace(CAST({c} AS VARCHAR), '[^0-9]', '', 'g'), 6), "
                    "'')"),
}
_TYPES = {"birth_date": "DATE"}
# Mobiles only (a landline is a household's), and not the placeholders registers fill in for
# "unknown" (13800000000, 12222222222: too few distinct digits).
_MOBILE_MACRO = """
CREATE OR REPLACE MACRO jc_mobile(p) AS CASE
    WHEN regexp_full_match(p, '1[3-9][0-9]{9}')
         AND length(list_distinct(string_split(right(p, 8), ''))) >= 3 THEN p END
"""


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _file_columns(con: duckdb.DuckDBPyConnection, path: str) -> set[str]:
    rows = con.execute("SELECT name FROM parquet_schema(?)", [path]).fetchall()
    return {str(r[0]) for r in rows}


def prepare(con: duckdb.DuckDBPyConnection, sources: list[Source]) -> list[str]:
    """One table `jc_src_<i>` per source with the canonical columns, normalised (ID numbers
    upper-case without spaces, names without spaces or middle dots, gender M/F, phones as their
    last 11 digits, the county as the region's first six digits) and the blocking helpers
    (surname, county `area` — the region or else the ID number's first six digits — the ID
    number's birth-date part and its last four characters). Returns the canonical columns
    some source has. Column names are quoted; the file path is a parameter."""
    con.execute(_MOBILE_MACRO)
    present: list[str] = []
    selects = []
    for source in sources:
        path = str(source.path)
        if not Path(path).is_file():
            raise LinkageError(f"no such file: {Path(path).name}")
        available = _file_columns(con, path)
        columns = {}
        for canonical in CANONICAL:
            column = source.columns.get(canonical, canonical)
            if column in available:
                columns[canonical] = _EXPRESSIONS[canonical].format(c=_quoted(column))
                if canonical not in present:
                    present.append(canonical)
            else:
                columns[canonical] = f"CAST(NULL AS {_TYPES.get(canonical, 'VARCHAR')})"
        selects.append((path, columns))
    for needed in ("id_number", "name"):
        if needed not in present:
            raise LinkageError(f"no input has the column {needed}")
    for i, (path, columns) in enumerate(selects):
        body = ", ".join(f"{expr} AS {name}" for name, expr in columns.items())
        con.execute(f"""
            CREATE OR REPLACE TABLE jc_src_{i} AS
            WITH c AS (
                SELECT CAST(file_row_number AS BIGINT) AS unique_id, {body}
                FROM read_parquet(?, file_row_number = true)
            )
            SELECT *, left(name, 1) AS surname,
                   coalesce(region_code, substr(id_number, 1, 6)) AS area,
                   substr(id_number, 7, 8) AS id_birth, right(id_number, 4) AS id_tail
            FROM c
        """, [path])  # noqa: S608 - quoted column names, the path a parameter
    return [c for c in CANONICAL if c in present]


def _pairs_sharing(con: duckdb.DuckDBPyConnection, sources: int, columns: Sequence[str]) -> int:
    """Pairs of records (over all inputs) agreeing on all the columns, none of them null."""
    listed = ", ".join(columns)  # canonical or helper column names, never a caller's text
    union = " UNION ALL ".join(f"SELECT {listed} FROM jc_src_{i}"  # noqa: S608
                               for i in range(sources))
    present = " AND ".join(f"{c} IS NOT NULL" for c in columns)
    found = linkage_report.scalar(con, f"""
        SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (
            SELECT count(*) AS n FROM ({union}) WHERE {present} GROUP BY {listed})
    """)  # noqa: S608 - the run's own tables and columns
    return int(found or 0)


def _prior(con: duckdb.DuckDBPyConnection, sources: int, records: int) -> float:
    """The probability that two random records match, from the pairs sharing an ID number over
    all inputs (what Splink's estimate_probability_two_random_records_match computes for the
    exact-ID rule), floored at one pair so an input without duplicates still scores."""
    pairs = max(float(_pairs_sharing(con, sources, ["id_number"])), 1.0)
    total = max(records * (records - 1) / 2, 1.0)
    return min(pairs / EXACT_ID_RECALL / total, 0.5)


# --- clusters and the key map ----------------------------------------------------------------

def members(con: duckdb.DuckDBPyConnection, clustered: str, *, multi: bool) -> None:
    """`jc_members`: each record with its cluster, its source's rank (0 = the base) and
    whether its ID number is valid."""
    con.execute(linkage_keys.ID_OK_MACRO)
    rank = "CAST(substr(source_dataset, 2) AS INTEGER)" if multi else "0"
    con.execute(f"""
        CREATE OR REPLACE TABLE jc_members AS
        SELECT cluster_id, {rank} AS source_rank, unique_id, id_number, name, birth_date,
               gender, phone, region_code, jc_id_ok(id_number) AS id_ok
        FROM {clustered}
    """)  # noqa: S608 - Splink's own table


def write_map(con: duckdb.DuckDBPyConnection, names: list[str], output: Path) -> None:
    """`jc_map` (source_rank, source_dataset, source_row, person_key, cluster_id) and its
    Parquet copy at `output` (without the run-local cluster id)."""
    values = ", ".join(f"({i}, ?)" for i in range(len(names)))
    con.execute(f"CREATE OR REPLACE TEMP TABLE jc_names AS SELECT * FROM (VALUES {values}) "  # noqa: S608
                "AS t(source_rank, source_dataset)", names)
    con.execute("""
        CREATE OR REPLACE TABLE jc_map AS
        SELECT m.source_rank, n.source_dataset, m.unique_id AS source_row, k.person_key,
               m.cluster_id
        FROM jc_members m JOIN jc_keys k USING (cluster_id) JOIN jc_names n USING (source_rank)
    """)
    output.parent.mkdir(parents=True, exist_ok=True)
    con.execute("COPY (SELECT source_dataset, source_row, person_key FROM jc_map "
                "ORDER BY source_rank, source_row) TO ? (FORMAT parquet, COMPRESSION zstd)",
                [str(output)])
