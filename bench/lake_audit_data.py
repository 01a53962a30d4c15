"""Generated population records for the data-quality audit benchmark (bench/lake_audit.py).

One DuckDB statement writes N rows to Parquet, deterministic for (N, seed): every value is a
function of the row number and a hash of it, so there are no Python row loops and 10M rows take
seconds. Columns: id_number, name, gender ('男'/'女'), birth_date, region_code, phone, address,
registered_on.

The clean part is valid: GB 11643 ID numbers built from a real Hubei county code, a birth date
between 1930-01-01 and the audit date and a 3-digit sequence, with the check character computed;
the gender agrees with digit 17, the birth date with digits 7-14. The ID of row k is a bijection
of k (k times a multiplier prime to the size of the ID space, modulo that size; the sequence is
the result's last three digits, region and date come from the rest), so clean IDs never collide
and duplicates are only the injected ones.

Then each row falls in at most one error band (a hash of the row, in ten-thousandths):
   0- 99 bad check character        400-499 unknown region code
 100-199 gender disagrees           500-599 name null (4 in 5) or blank (1 in 5:
                                    empty, spaces, U+3000)
 200-299 birth date disagrees       600-699 ID copied from another row (same person again)
 300-399 bad phone                  700-719 null ID, 720-739 null phone, 740-759 malformed ID
                                    760-769 null birth date, 770-779 null gender,
                                    780-789 null region
The malformed IDs include well-formed ones with a correct check character whose date is after
the audit date or before 1900, so the date range of the ID rule is exercised too.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import time
from collections.abc import Sequence
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "var" / "bench"
GENERATOR_VERSION = 2  # bump when the SQL below changes: the cache key includes it
FIRST_BIRTH = "1930-01-01"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力鹏宇浩晨欣怡思雨佳琪"
ROADS = ["中山路", "解放大道", "武珞路", "珞喻路", "建设大道", "沿江大道", "和平大道", "民族大道",
         "光谷大道", "东湖路", "汉阳大道", "鹦鹉大道", "雄楚大道", "发展大道", "青年路", "江汉路"]
# Six-digit codes that are not Hubei divisions today: a retired Hubei code (随州 before 2000),
# codes of other provinces, a code that never existed, a 5-digit typo.
UNKNOWN_REGIONS = ["429001", "422101", "110101", "310115", "440305", "420199", "420100X", "42010"]
AREA_CODES = ["027", "0710", "0711", "0712", "0713", "0714", "0715", "0716", "0717", "0718",
              "0719", "0722", "0724", "0728"]
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def cache_path(rows: int, seed: int) -> Path:
    return CACHE / f"lake-audit-{rows}-s{seed}-g{GENERATOR_VERSION}.parquet"


def ensure(rows: int, seed: int, regions: Sequence[str], audit_date: str,
           threads: int = 2) -> Path:
    """The cached file for (rows, seed), generated when missing."""
    path = cache_path(rows, seed)
    if not path.exists():
        began = time.perf_counter()
        generate(path, rows, seed, regions, audit_date, threads)
        print(f"generated {rows:,} rows in {time.perf_counter() - began:.1f} s: {path.name}",
              flush=True)
    return path


def _list(values: Sequence[str]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _multiplier(space: int) -> int:
    """A multiplier prime to `space`, so k -> k * m mod space is a bijection."""
    m = 1_000_003
    while math.gcd(m, space) != 1:
        m += 2
    return m


def _check_expr(body: str) -> str:
    """SQL: the GB 11643 check character of a 17-digit string expression."""
    terms = " + ".join(f"(ord(substr({body}, {i + 1}, 1)) - 48) * {w}"
                       for i, w in enumerate(WEIGHTS))
    return f"substr('10X98765432', ({terms}) % 11 + 1, 1)"


def _macros(con: duckdb.DuckDBPyConnection, counties: Sequence[str], rows: int, seed: int,
            audit_date: str) -> None:
    days = (dt.date.fromisoformat(audit_date) - dt.date.fromisoformat(FIRST_BIRTH)).days + 1
    space = len(counties) * days
    if rows >= space * 1000:
        raise ValueError(f"at most {space * 1000:,} distinct clean IDs")
    mult = _multiplier(space * 1000)
    n_regions = len(counties)
    con.execute(f"""
        CREATE MACRO h(k, stream) AS CAST(hash(k, {seed}, stream) >> 2 AS BIGINT);
        CREATE MACRO mixed(k) AS (k * {mult} + {seed}) % {space * 1000};
        CREATE MACRO slot(k) AS mixed(k) // 1000;
        CREATE MACRO birth_of(k) AS DATE '{FIRST_BIRTH}' + CAST(slot(k) // {n_regions} AS INTEGER);
        CREATE MACRO seq_of(k) AS mixed(k) % 1000;
        CREATE MACRO male_of(k) AS seq_of(k) % 2 = 1;
        CREATE MACRO body_of(k) AS {_list(counties)}[slot(k) % {n_regions} + 1]
            || strftime(birth_of(k), '%Y%m%d') || lpad(CAST(seq_of(k) AS VARCHAR), 3, '0');
        CREATE MACRO check_of(body) AS {_check_expr('body')};
        CREATE MACRO digits(x, n) AS lpad(CAST(x % CAST(10 ** n AS BIGINT) AS VARCHAR), n, '0');
    """)


def _select(rows: int, regions: Sequence[str], audit_date: str) -> str:
    """The SELECT of all rows: first the clean values (base), then the error bands. Every
    value interpolated is a number or one of this module's constants."""
    unknown, area = _list(UNKNOWN_REGIONS), _list(AREA_CODES)
    return f"""
    WITH base AS (
        SELECT k, CAST(h(k, 0) % 10000 AS INTEGER) AS band, h(k, 1) AS r1, h(k, 2) AS r2,
               h(k, 3) AS r3, body_of(k) AS body, birth_of(k) AS birth, male_of(k) AS male,
               CAST((k + 1 + h(k, 4) % 997) % {rows} AS BIGINT) AS twin
        FROM range({rows}) t(k)
    ), shaped AS (
        SELECT *, body || check_of(body) AS id_ok FROM base
    )
    SELECT
        CASE
            WHEN band < 100 THEN body || substr('10X98765432',
                 (strpos('10X98765432', check_of(body)) + CAST(r1 % 10 AS INTEGER)) % 11 + 1, 1)
            WHEN band BETWEEN 600 AND 699 THEN body_of(twin) || check_of(body_of(twin))
            WHEN band BETWEEN 700 AND 719 THEN NULL
            WHEN band BETWEEN 740 AND 759 THEN CASE r1 % 6
                WHEN 0 THEN body
                WHEN 1 THEN body || 'x'
                WHEN 2 THEN substr(body, 1, 10) || '13' || substr(body, 13) || check_of(body)
                WHEN 3 THEN substr(body, 1, 6) || '20270115' || substr(body, 15)
                            || check_of(substr(body, 1, 6) || '20270115' || substr(body, 15))
                WHEN 4 THEN substr(body, 1, 6) || '18991231' || substr(body, 15)
                            || check_of(substr(body, 1, 6) || '18991231' || substr(body, 15))
                ELSE substr(body, 1, 8) || 'O' || substr(body, 10) || 'X' END
            ELSE id_ok
        END AS id_number,
        CASE
            WHEN band BETWEEN 500 AND 599 THEN CASE WHEN r1 % 5 = 0
                THEN ['', '  ', '　', ' 　 '][r2 % 4 + 1] ELSE NULL END
            ELSE '{SURNAMES}'[r1 % {len(SURNAMES)} + 1] || '{GIVEN}'[r2 % {len(GIVEN)} + 1]
                 || CASE WHEN r3 % 3 = 0 THEN '' ELSE '{GIVEN}'[r3 % {len(GIVEN)} + 1] END
        END AS name,
        CASE
            WHEN band BETWEEN 770 AND 779 THEN NULL
            WHEN band BETWEEN 600 AND 699 THEN CASE WHEN male_of(twin) THEN '男' ELSE '女' END
            WHEN (band BETWEEN 100 AND 199) = male THEN '女'
            ELSE '男'
        END AS gender,
        CASE
            WHEN band BETWEEN 760 AND 769 THEN NULL
            WHEN band BETWEEN 600 AND 699 THEN birth_of(twin)
            WHEN band BETWEEN 200 AND 299 THEN birth + CAST(1 + r2 % 365 AS INTEGER)
            ELSE birth
        END AS birth_date,
        CASE
            WHEN band BETWEEN 780 AND 789 THEN NULL
            WHEN band BETWEEN 400 AND 499 THEN {unknown}[r2 % {len(UNKNOWN_REGIONS)} + 1]
            ELSE {_list(regions)}[r3 % {len(regions)} + 1]
        END AS region_code,
        CASE
            WHEN band BETWEEN 720 AND 739 THEN NULL
            WHEN band BETWEEN 300 AND 399 THEN CASE r1 % 6
                WHEN 0 THEN '12' || digits(r2, 9)
                WHEN 1 THEN '13' || digits(r2, 8)
                WHEN 2 THEN '027-' || digits(r2, 6)
                WHEN 3 THEN '138' || digits(r2, 7) || 'a'
                WHEN 4 THEN '+86139' || digits(r2, 8)
                ELSE '159 ' || digits(r2, 8) END
            WHEN r2 % 100 < 85 THEN '1' || CAST(3 + r1 % 7 AS VARCHAR) || digits(r2, 9)
            ELSE {area}[r1 % {len(AREA_CODES)} + 1] || CASE WHEN r3 % 2 = 0 THEN '-' ELSE '' END
                 || digits(r2, 7 + CAST(r3 % 2 AS INTEGER))
        END AS phone,
        '湖北省' || {_list(ROADS)}[r3 % {len(ROADS)} + 1] || CAST(1 + r1 % 999 AS VARCHAR) || '号'
            AS address,
        LEAST(birth + CAST(r3 % 20000 AS INTEGER), DATE '{audit_date}') AS registered_on
    FROM shaped
    """  # noqa: S608


def generate(path: Path, rows: int, seed: int, regions: Sequence[str], audit_date: str,
             threads: int = 2) -> None:
    """Write the file (to a temporary name first, so a stopped run leaves no half file)."""
    unknown = set(UNKNOWN_REGIONS) & set(regions)
    if unknown:
        raise ValueError(f"'unknown' region codes are in the reference list: {sorted(unknown)}")
    counties = [c for c in regions if not c.endswith("00")]  # county level: IDs carry these
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.part")
    with duckdb.connect(":memory:", config={"threads": threads}) as con:
        _macros(con, counties, rows, seed, audit_date)
        target = str(partial).replace("'", "''")
        con.execute(f"COPY ({_select(rows, regions, audit_date)}) TO '{target}' "
                    "(FORMAT parquet, ROW_GROUP_SIZE 122880)")
    partial.rename(path)
