"""Where the lake's files live and how they are read: Parquet under JINGCHU_LAKE_DIR, queried
with DuckDB.

Layout under the lake directory (paths stored in the database are relative to it, so the lake
can move):
    datasets/<code>/v<number>.parquet       a dataset version, immutable once written
    datasets/<code>/v<number>.rejects.csv   the rows that load rejected, with the reason
    incoming/<job uid>/<file name>          uploads waiting for their load job
    linkage/<run uid>.parquet               a linkage run's person-key map
    opendata/<...>                          files the open-data portal serves
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
from django.conf import settings

from jingchu.lake.choices import ColumnType

# The one mapping from a declared column type to the engine's; audits, loads and previews
# all go through it.
DUCKDB_TYPES: dict[str, str] = {
    ColumnType.STRING: "VARCHAR",
    ColumnType.INTEGER: "BIGINT",
    ColumnType.DECIMAL: "DECIMAL(18,4)",
    ColumnType.DATE: "DATE",
    ColumnType.DATETIME: "TIMESTAMP",
    ColumnType.BOOLEAN: "BOOLEAN",
}


def lake_dir() -> Path:
    return Path(settings.LAKE_DIR)


def absolute(relative: str) -> Path:
    """The file a stored relative path names; refuses a path that would leave the lake."""
    root = lake_dir().resolve()
    path = (root / relative).resolve()
    if root != path and root not in path.parents:
        raise ValueError(f"path outside the lake: {relative}")
    return path


def dataset_dir(code: str) -> str:
    return f"datasets/{code}"


def version_path(code: str, number: int) -> str:
    return f"{dataset_dir(code)}/v{number}.parquet"


def rejects_path(code: str, number: int) -> str:
    return f"{dataset_dir(code)}/v{number}.rejects.csv"


def sql_string(text: str | os.PathLike[str]) -> str:
    """A SQL string literal (single quotes doubled); file paths in DuckDB SQL go through it."""
    return "'" + str(text).replace("'", "''") + "'"


def parquet_source(relative: str) -> str:
    """`read_parquet('<file>')` for a stored relative path, for use in a FROM clause."""
    return f"read_parquet({sql_string(absolute(relative))})"


def connect(threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory DuckDB connection. Callers close it (use it as a context manager); a
    connection is never shared between threads or requests."""
    con = duckdb.connect(":memory:", config={"threads": threads or settings.LAKE_THREADS})
    if settings.LAKE_MEMORY_LIMIT:
        con.execute(f"SET memory_limit = {sql_string(settings.LAKE_MEMORY_LIMIT)}")
    return con
