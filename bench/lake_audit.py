"""The data-quality audit (质量自动稽核) of the standard population rule set, next to its anchor
measured in the same run, as ratios (issue 6). `make bench-lake-audit` runs it and writes
bench/RESULTS-lake-audit.md.

For each size (1M and 10M rows; `--rows 1000000,10000000`), on generated population records
with about 1% each of bad check digits, gender and birth-date disagreements, bad phones, unknown
region codes, missing names and repeated IDs (bench/lake_audit_data.py, cached under var/bench/):

- **anchor** — the same seven checks as one hand-written DuckDB query over the same Parquet file
  (bench/lake_audit_reference.sql);
- **the project's audit** — `jingchu.lake.quality.engine.audit_parquet` with the standard rule
  file `jingchu/lake/quality/standard/population.yaml`;
- **Great Expectations 1.x** on pandas (bench/lake_audit_ge.py, in its own venv
  .venv-bench-ge from requirements/bench-ge-lock.txt, made here when missing), with the ID
  columns it has no expectation for computed in pandas; its load and that work are timed too.

The anchor and the audit run alternately on DuckDB connections made the same way
(`jingchu.lake.storage.connect`, 2 threads), one warm-up each and then the best of `--runs`
rounds; GE runs once per size. All three must report the same failed counts (and the anchor
and the audit the same checked counts), else the run stops with the differences. At sizes up to
1M rows, a literal pure-Python reading of the rules checks the anchor itself. At the largest
size each part of the work is also timed alone (CPU seconds), and the hand-written analysis in
bench/HISTORY-lake-audit.md is appended to the results.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import lake_audit_data  # noqa: E402  (the bench folder is not a package)

RESULTS = ROOT / "bench" / "RESULTS-lake-audit.md"
REFERENCE_SQL = ROOT / "bench" / "lake_audit_reference.sql"
NOTES = ROOT / "bench" / "HISTORY-lake-audit.md"
RULE_FILE = ROOT / "jingchu" / "lake" / "quality" / "standard" / "population.yaml"
GE_VENV = ROOT / ".venv-bench-ge"
GE_LOCK = ROOT / "requirements" / "bench-ge-lock.txt"
RULES = ("id_number_valid", "birth_date_agrees", "gender_agrees", "region_code_valid",
         "phone_valid", "name_present", "id_number_unique")
GOAL_VS_ANCHOR, GOAL_VS_GE, STRETCH_RATE = 1.0, 3.0, 5_000_000
Counts = dict[str, dict[str, int]]
Parts = list[tuple[str, float]]
RESULT_HEADER = ("| rows | anchor: hand-written DuckDB query | the project's audit "
                 "| Great Expectations 1.x (pandas) | audit ÷ anchor | audit ÷ GE "
                 "| CPU s: anchor / audit / GE |\n|---|---|---|---|---|---|---|")


def setup_django() -> None:
    """Settings for the engine's imports; no database is used."""
    for key, value in {
        "DJANGO_SETTINGS_MODULE": "jingchu.settings", "JINGCHU_DEMO": "false",
        "JINGCHU_SECRET_KEY": "bench-secret-key-not-for-production-0123456789abcdef",
        "JINGCHU_SM4_KEY": "00112233445566778899aabbccddeeff",
        "JINGCHU_BLIND_INDEX_KEY": "bench-blind-index-key", "JINGCHU_LOG_LEVEL": "WARNING",
    }.items():
        os.environ.setdefault(key, value)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def region_codes() -> list[str]:
    """The six-digit codes of the province, its cities and counties, as the product reads them
    (jingchu.core.regions.read_rows: the statistical grouping 429000 dropped, its four
    directly administered cities kept)."""
    from jingchu.core.choices import RegionLevel
    from jingchu.core.regions import default_path, read_rows

    levels = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY)
    return sorted({row.code[:6] for row in read_rows(default_path(), levels=levels)})


# --- the three ways of counting -----------------------------------------------------------------

def reference(path: Path, regions: list[str], audit_date: dt.date, threads: int) -> Counts:
    from jingchu.lake import storage

    with storage.connect(threads) as con:
        cursor = con.execute(REFERENCE_SQL.read_text(encoding="utf-8"),
                             {"path": str(path), "audit_date": audit_date, "regions": regions})
        names = [d[0] for d in cursor.description]
        values = dict(zip(names, cursor.fetchall()[0], strict=True))
    return {rule: {"checked": int(values[f"{rule}_checked"]),
                   "failed": int(values[f"{rule}_failed"])} for rule in RULES}


def engine_available() -> str:
    """'' when the project's audit can be imported and its rule file exists, else why not."""
    if not RULE_FILE.exists():
        return f"{RULE_FILE.relative_to(ROOT)} is missing"
    try:
        from jingchu.lake.quality.engine import audit_parquet  # noqa: F401
        from jingchu.lake.quality.rulefile import parse_rules  # noqa: F401
    except ImportError as exc:
        return f"jingchu.lake.quality cannot be imported: {exc}"
    return ""


def project(path: Path, regions: list[str], audit_date: dt.date,
            threads: int) -> tuple[Counts, str]:
    from jingchu.lake.quality.engine import audit_parquet
    from jingchu.lake.quality.rulefile import parse_rules

    rules = parse_rules(RULE_FILE.read_text(encoding="utf-8"))
    outcome = audit_parquet(path, rules, references={"regions": regions},
                            audit_date=audit_date, threads=threads)
    counts = {r.name: {"checked": int(r.checked), "failed": int(r.failed)}
              for r in outcome.results}
    return counts, str(outcome.sql)


def ensure_ge_venv() -> Path:
    """The venv of the GE comparison, (re)installed when the lock file changed."""
    stamp = GE_VENV / f".installed-{hashlib.sha256(GE_LOCK.read_bytes()).hexdigest()[:16]}"
    python = GE_VENV / "bin" / "python"
    if not stamp.exists():
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(GE_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                        "--require-hashes", "-r", str(GE_LOCK)], check=True)
        for old in GE_VENV.glob(".installed-*"):
            old.unlink()
        stamp.touch()
    return python


def great_expectations(path: Path, regions: list[str], audit_date: dt.date) -> dict[str, Any]:
    python = ensure_ge_venv()
    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8") as codes:
        codes.write("\n".join(regions))
        codes.flush()
        began = time.perf_counter()
        done = subprocess.run([str(python), str(ROOT / "bench" / "lake_audit_ge.py"), str(path),
                               audit_date.isoformat(), codes.name],
                              capture_output=True, text=True)
        wall = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"Great Expectations failed:\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall_s"] = wall  # with the interpreter's start and GE's import
    return result


def spec_counts(path: Path, regions: list[str], audit_date: dt.date) -> Counts:
    """The rules read literally, in plain Python, row by row: the check of the anchor itself."""
    import pyarrow.parquet as pq

    table = pq.read_table(path).to_pydict()
    known, phone = set(regions), re.compile(r"1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}")
    seen = Counter(v for v in table["id_number"] if v is not None)
    counts = {rule: {"checked": 0, "failed": 0} for rule in RULES}

    def tally(rule: str, failed: bool) -> None:
        counts[rule]["checked"] += 1
        counts[rule]["failed"] += bool(failed)

    for row in zip(*(table[c] for c in ("id_number", "birth_date", "gender", "region_code",
                                         "phone", "name")), strict=True):
        number, birth, gender, region, tel, name = row
        born = _id_birth(number, audit_date) if number is not None else None
        if number is not None:
            tally("id_number_valid", born is None)
            tally("id_number_unique", seen[number] > 1)
        if born is not None and birth is not None:
            tally("birth_date_agrees", birth != born)
        if born is not None and gender is not None:
            tally("gender_agrees", gender != ("男" if int(number[16]) % 2 else "女"))
        if region is not None:
            tally("region_code_valid", region not in known)
        if tel is not None:
            tally("phone_valid", not phone.fullmatch(tel))
        tally("name_present", name is None or name.strip(" \u3000") == "")
    return counts


def _id_birth(number: str, audit_date: dt.date) -> dt.date | None:
    """The birth date of a valid ID number (rule 1), None when the number is not valid."""
    if (len(number) != 18 or any(c not in "0123456789" for c in number[:17])
            or number[17] not in "0123456789X"):
        return None
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c) * w for c, w in zip(number[:17], weights, strict=True))
    if not dt.date(1900, 1, 1) <= born <= audit_date or "10X98765432"[total % 11] != number[17]:
        return None
    return born


# --- one size -----------------------------------------------------------------------------------

def compare(counts: dict[str, Counts | None]) -> list[str]:
    """Differences between the ways of counting: failed everywhere, checked where it is known."""
    problems = []
    base_name, base = "anchor", counts["anchor"]
    assert base is not None
    for name, other in counts.items():
        if other is None or name == base_name:
            continue
        for rule in RULES:
            got = other.get(rule)
            if got is None:
                problems.append(f"{name}: no result for {rule}")
                continue
            for key in ("failed", "checked"):
                if key in got and got[key] != base[rule][key]:
                    problems.append(f"{name}: {rule} {key} {got[key]:,} "
                                    f"!= anchor {base[rule][key]:,}")
    return problems


def timed(fn: Any, *args: Any) -> tuple[float, float]:
    """Wall-clock and CPU seconds of a call (CPU: this process, every DuckDB thread included)."""
    began, cpu = time.perf_counter(), time.process_time()
    fn(*args)
    return time.perf_counter() - began, time.process_time() - cpu


def measure(rows: int, args: argparse.Namespace, regions: list[str],
            unavailable: str) -> dict[str, Any]:
    audit_date = dt.date.fromisoformat(args.audit_date)
    path = lake_audit_data.ensure(rows, args.seed, regions, args.audit_date, args.threads)
    out: dict[str, Any] = {"rows": rows, "file": path.name, "bytes": path.stat().st_size}
    ref_counts = reference(path, regions, audit_date, args.threads)  # warm-up
    eng_counts, sql = (project(path, regions, audit_date, args.threads) if not unavailable
                       else (None, ""))
    ref_times: list[tuple[float, float]] = []
    eng_times: list[tuple[float, float]] = []
    for round_no in range(args.runs):  # alternate, so a busy neighbour hits both alike
        ref_times.append(timed(reference, path, regions, audit_date, args.threads))
        if not unavailable:
            eng_times.append(timed(project, path, regions, audit_date, args.threads))
        print(f"{rows:,} rows, round {round_no + 1}: anchor {ref_times[-1][0]:.2f} s"
              + (f", audit {eng_times[-1][0]:.2f} s" if eng_times else ""), flush=True)
    out.update(anchor_s=min(t for t, _c in ref_times), anchor_all=ref_times,
               anchor_cpu=min(c for _t, c in ref_times), audit_all=eng_times,
               audit_s=min(t for t, _c in eng_times) if eng_times else None,
               audit_cpu=min(c for _t, c in eng_times) if eng_times else None, sql=sql)
    counts: dict[str, Counts | None] = {"anchor": ref_counts, "audit": eng_counts}
    if args.ge:
        ge = great_expectations(path, regions, audit_date)
        out["ge"] = ge
        counts["great_expectations"] = ge["results"]
        print(f"{rows:,} rows: Great Expectations {ge['total_s']:.1f} s", flush=True)
    if rows <= 1_000_000 and not args.no_spec_check:
        counts["spec (plain Python)"] = spec_counts(path, regions, audit_date)
    if args.breakdown and rows == args.largest:
        out["parts"] = breakdown(path, regions, args.threads)
    problems = compare(counts)
    if problems:
        raise SystemExit("the counts differ:\n  " + "\n  ".join(problems))
    out["counts"], out["agreed"] = ref_counts, sorted(k for k, v in counts.items() if v)
    return out


# --- where the time goes ------------------------------------------------------------------------

# Each part of the work alone, as its own query over the file: CPU seconds say what a rule costs
# on top of reading its column (the first rows), whoever writes the SQL.
BODY_SUM = " + ".join(f"b // {10 ** (16 - i)} % 10 * {w}" for i, w in
                      enumerate((7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)))
WEIGHTED_SUM_SQL = (
    f"SELECT sum(({BODY_SUM}) % 11) FROM (SELECT TRY_CAST(substr(id_number, 1, 17) AS BIGINT) "  # noqa: S608
    "AS b FROM read_parquet($path))")
PARTS = [
    ("read id_number", "SELECT count(id_number) FROM read_parquet($path)"),
    ("read the six columns the rules use", "SELECT count(id_number), count(birth_date), "
     "count(gender), count(region_code), count(phone), count(name) FROM read_parquet($path)"),
    ("ID shape: regexp_full_match '[0-9]{17}[0-9X]'", "SELECT count(*) FILTER "
     "(regexp_full_match(id_number, '[0-9]{17}[0-9X]')) FROM read_parquet($path)"),
    ("ID body: TRY_CAST of 17 characters to BIGINT", "SELECT count(TRY_CAST(substr(id_number, "
     "1, 17) AS BIGINT)) FROM read_parquet($path)"),
    ("ID body + weighted sum mod 11 (integer arithmetic)", WEIGHTED_SUM_SQL),
    ("ID date: try_strptime of characters 7-14", "SELECT count(try_strptime(substr(id_number, "
     "7, 8), '%Y%m%d')) FROM read_parquet($path)"),
    ("repeated IDs: GROUP BY id_number HAVING count(*) > 1", "SELECT sum(n) FROM (SELECT "
     "count(*) AS n FROM read_parquet($path) WHERE id_number IS NOT NULL GROUP BY id_number "
     "HAVING count(*) > 1)"),
    ("phone: regexp_full_match of the two patterns", "SELECT count(*) FILTER (NOT "
     "regexp_full_match(phone, '1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}')) "
     "FROM read_parquet($path)"),
    ("name: trim(name, ' 　') = ''", "SELECT count(*) FILTER (name IS NULL OR "
     "trim(name, ' 　') = '') FROM read_parquet($path)"),
    ("name: the same trim only behind a CASE on the first character", "SELECT count(*) FILTER "
     "(CASE WHEN name IS NULL OR name = '' THEN true WHEN starts_with(name, ' ') OR "
     "starts_with(name, '　') THEN trim(name, ' 　') = '' ELSE false END) "
     "FROM read_parquet($path)"),
    ("region: NOT IN the reference codes", "SELECT count(*) FILTER (region_code NOT IN "
     "(SELECT unnest($regions))) FROM read_parquet($path)"),
]


def breakdown(path: Path, regions: list[str], threads: int, rounds: int = 2) -> Parts:
    """CPU seconds (best of `rounds`) of each part alone."""
    from jingchu.lake import storage

    out = []
    with storage.connect(threads) as con:
        for label, sql in PARTS:
            params: dict[str, Any] = {"path": str(path)}
            if "$regions" in sql:
                params["regions"] = regions
            best = min(timed(lambda s=sql, p=params: con.execute(s, p).fetchall())[1]
                       for _ in range(rounds))
            out.append((label, best))
    return out


# --- the report ---------------------------------------------------------------------------------

def machine() -> str:
    cpu, memory = "?", "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    import duckdb

    return (f"nproc: {os.cpu_count()}, memory: {memory}, cpu: {cpu}, python: "
            f"{platform.python_version()}, duckdb: {duckdb.__version__}")


def _rate(rows: int, seconds: float | None) -> str:
    return f"{rows / seconds:,.0f}" if seconds else "not available"


def _ratio(a: float | None, b: float | None) -> str:
    """How many times faster a run of `a` seconds is than one of `b`."""
    return f"**{b / a:.2f}**" if a and b else "–"


def _met(ok: bool | None) -> str:
    return "not available" if ok is None else ("**met**" if ok else "**not met**")


def _secs(value: float | None, digits: int = 2) -> str:
    return f"{value:.{digits}f}" if value else "–"


def result_rows(sizes: list[dict[str, Any]]) -> str:
    lines = []
    for s in sizes:
        n, ref, eng = s["rows"], s["anchor_s"], s["audit_s"]
        ge = s.get("ge", {})
        lines.append(
            f"| {n:,} | {_rate(n, ref)} ({ref:.2f} s) | {_rate(n, eng)}"
            + (f" ({eng:.2f} s)" if eng else "") + f" | {_rate(n, ge.get('total_s'))}"
            + (f" ({ge['total_s']:.1f} s)" if ge else "")
            + f" | {_ratio(eng, ref)} | {_ratio(eng, ge.get('total_s'))} "
            f"| {_secs(s['anchor_cpu'])} / {_secs(s['audit_cpu'])} / "
            f"{_secs(ge.get('cpu_s'), 1)} |")
    return "\n".join(lines)


def goal_lines(big: dict[str, Any]) -> str:
    n, ref, eng = big["rows"], big["anchor_s"], big["audit_s"]
    ge = big.get("ge", {}).get("total_s")
    vs_ref = None if not eng else ref / eng >= GOAL_VS_ANCHOR
    vs_ge = None if not eng or not ge else ge / eng >= GOAL_VS_GE
    stretch = None if not eng else n / eng >= STRETCH_RATE
    paired = statistics.median(a / e for (a, _c), (e, _d) in
                               zip(big["anchor_all"], big["audit_all"], strict=False)) if eng else 0
    cpu = (f" Per round (anchor and audit back to back), the median of anchor ÷ audit is "
           f"{paired:.2f}."
           f" By CPU seconds, which the neighbours' load moves far less, the audit costs "
           f"{big['audit_cpu'] / big['anchor_cpu']:.2f}x what the anchor does"
           + (f" and {big['audit_cpu'] / big['ge']['cpu_s']:.3f}x what GE does" if ge else "")
           + ".") if eng else ""
    return (f"- At {n:,} rows: the audit at least as fast as the hand-written query — "
            f"{_met(vs_ref)}; at least {GOAL_VS_GE:.0f}x Great Expectations — {_met(vs_ge)}; "
            f"stretch {STRETCH_RATE / 1e6:.0f}M rows/s — {_met(stretch)}.{cpu}")


def detail_rows(sizes: list[dict[str, Any]]) -> str:
    def rounds(pairs: list[tuple[float, float]]) -> str:
        return ", ".join(f"{t:.2f} ({c:.2f})" for t, c in pairs)

    lines = []
    for s in sizes:
        lines.append(f"| {s['rows']:,} | anchor rounds, s (CPU s) | {rounds(s['anchor_all'])} |")
        if s["audit_all"]:
            lines.append(f"| {s['rows']:,} | audit rounds, s (CPU s) | "
                         f"{rounds(s['audit_all'])} |")
        if "ge" in s:
            g = s["ge"]
            lines.append(f"| {s['rows']:,} | GE: read + dates, ID columns, validation, total, s "
                         f"| {g['load_s']:.1f}, {g['helpers_s']:.1f}, {g['validate_s']:.1f}, "
                         f"{g['total_s']:.1f} (process wall {g['wall_s']:.1f}) |")
    return "\n".join(lines)


def count_rows(s: dict[str, Any]) -> str:
    counts = s["counts"]
    return "\n".join(f"| {rule} | {counts[rule]['checked']:,} | {counts[rule]['failed']:,} | "
                     f"{counts[rule]['failed'] / max(counts[rule]['checked'], 1):.2%} |"
                     for rule in RULES)


def parts_section(big: dict[str, Any]) -> str:
    if "parts" not in big:
        return ""
    rows = "\n".join(f"| {label} | {cpu:.2f} |" for label, cpu in big["parts"])
    return f"""## Where the time goes ({big["rows"]:,} rows; CPU seconds, best of 2)

Each part of the work as a query of its own over the file (reading its column included), next
to the whole: the anchor {_secs(big["anchor_cpu"])} and the audit {_secs(big["audit_cpu"])} CPU
seconds. {STRETCH_RATE / 1e6:.0f}M rows/s on {os.cpu_count()} cores would leave
{big["rows"] / STRETCH_RATE * (os.cpu_count() or 1):.1f} CPU seconds for everything.

| part | CPU s |
|---|---|
{rows}
"""


def _relative(sql: str) -> str:
    """The SQL with the data file's path from the repository root (no machine paths in the
    committed results)."""
    return sql.replace(str(ROOT) + os.sep, "").strip()


def report(sizes: list[dict[str, Any]], args: argparse.Namespace, meta: dict[str, Any]) -> str:
    big = sizes[-1]
    ge_versions: dict[str, str] = next((s["ge"]["versions"] for s in sizes if "ge" in s), {})
    versions = ", ".join(f"{k} {v}" for k, v in ge_versions.items()) or "not run"
    engine_note = (f"\n**The project's audit was not available**: {meta['unavailable']}.\n"
                   if meta["unavailable"] else "")
    return f"""# Benchmark: the data-quality audit of the population rule set (issue 6)

Written by `make bench-lake-audit` (bench/lake_audit.py) on {dt.date.today().isoformat()}, in one
run: {", ".join(f"{s['rows']:,}" for s in sizes)} generated population rows (seed {args.seed},
audit date {args.audit_date}), DuckDB with {args.threads} threads, the anchor and the audit
alternating, best of {args.runs} rounds after a warm-up; Great Expectations once per size.
Rerun to refresh.

## Machine

{machine()}. Great Expectations venv: {versions}. Load average at the start
{meta['load_start']:.2f}, at the end {os.getloadavg()[0]:.2f}: the machine is shared, so
wall-clock figures move with the neighbours' work; the CPU seconds (all threads of the process)
move much less and show the cost of each way apart from the contention.

Reproduce: `make bench-lake-audit`, or
`.venv/bin/python bench/lake_audit.py --rows {",".join(str(s["rows"]) for s in sizes)}`
(`--help` for the options). The data files are cached in `var/bench/`.
{engine_note}
## Results (rows per second of wall-clock time; seconds in brackets)

{RESULT_HEADER}
{result_rows(sizes)}

{goal_lines(big)}

| rows | what | values |
|---|---|---|
{detail_rows(sizes)}

## Counts ({big["rows"]:,} rows; identical in {", ".join(big["agreed"])})

| rule | checked | failed | failed share |
|---|---|---|---|
{count_rows(big)}

The run stops when any failed count differs between the ways of counting, or a checked count
between the anchor and the audit (GE's checked counts are compared where it reports them). At
sizes up to 1M rows a literal plain-Python reading of the rules counts them a fourth time.

## What is measured

- The data (bench/lake_audit_data.py): id_number, name, gender, birth_date, region_code, phone,
  address, registered_on; valid GB 11643 numbers from real Hubei county codes, then about 1%
  each of bad check characters, gender and birth-date disagreements, bad phones, unknown region
  codes, missing or blank names and IDs copied from another row, and a few null IDs, phones,
  dates, genders and regions and malformed IDs (also well-formed ones dated after the audit
  date or before 1900). One Parquet file per size, read from the page cache by all three.
- The reference region codes: the {meta["regions"]} six-digit codes of Hubei's province, cities
  and counties as `jingchu.core.regions.read_rows` reads the shipped table (the statistical
  grouping 429000 dropped, its four directly administered cities kept; retired codes are
  unknown).
- The anchor (bench/lake_audit_reference.sql): one query, the ID's shape by a regular
  expression, its check character by integer arithmetic on the 17-digit body, its date by
  `try_strptime`, repeated IDs by a grouped pre-aggregate.
- The audit: `audit_parquet(file, rules, references={{"regions": codes}}, audit_date=...,
  threads={args.threads})` with the rules of `jingchu/lake/quality/standard/population.yaml`,
  from the call to its answer (parsing the rule file and reading the file's schema included).
- Great Expectations: `pd.read_parquet`, the birth dates to datetime64, the ID columns GE has
  no expectation for (validity with the check digit, its date and its sex digit; vectorised
  pandas), then one suite of 8 expectations (`result_format="SUMMARY"`) on an ephemeral
  context's pandas dataframe asset. Timed from the read to the answer inside its process; the
  interpreter start and GE's import are outside ("process wall" includes them).

{parts_section(big)}
## The audit's SQL ({big["rows"]:,} rows)

```sql
{_relative(big["sql"]) or "(not available)"}
```
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default="1000000,10000000",
                        help="comma-separated sizes (default 1000000,10000000)")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--runs", type=int, default=5, help="timed rounds after the warm-up")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--audit-date", default="2026-11-30")
    parser.add_argument("--no-ge", dest="ge", action="store_false",
                        help="leave Great Expectations out")
    parser.add_argument("--no-spec-check", action="store_true",
                        help="skip the plain-Python count at sizes up to 1M")
    parser.add_argument("--no-breakdown", dest="breakdown", action="store_false",
                        help="skip timing each part of the work alone at the largest size")
    parser.add_argument("--no-write", action="store_true",
                        help="print the report without writing RESULTS-lake-audit.md")
    args = parser.parse_args()
    args.largest = max(int(n) for n in args.rows.split(","))
    return args


def main() -> None:
    args = parse_args()
    meta: dict[str, Any] = {"load_start": os.getloadavg()[0]}
    setup_django()
    regions = region_codes()
    meta["unavailable"], meta["regions"] = engine_available(), len(regions)
    if meta["unavailable"]:
        print(f"the project's audit is not available: {meta['unavailable']}", flush=True)
    sizes = [measure(int(n), args, regions, meta["unavailable"])
             for n in args.rows.split(",")]
    text = report(sizes, args, meta)
    if NOTES.exists():  # the hand-written account of the analysis, kept across reruns
        text += "\n" + NOTES.read_text(encoding="utf-8")
    if not args.no_write:
        RESULTS.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
