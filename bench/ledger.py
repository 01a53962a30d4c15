"""Ledger appends per second and proof generation time, each next to its anchor measured in the
same run, as ratios. `make bench-ledger` runs it and writes bench/RESULTS-ledger.md.

On PostgreSQL (database `jingchu_bench_ledger_<pid>` on BENCH_PG_URL, made and dropped here;
SQLite in a temporary folder when PostgreSQL does not answer):

1. Fill: the log is filled to BENCH_LEDGER_SIZE entries (default 1,000,000) with
   `do_append_many` in batches of 10,000 (informational rate).
2. Appends, ROUNDS rounds alternating with the anchor: 20 calls of `do_append_many` with 1,000
   entries each, each call its own transaction (lock, frontier query, hashing, two COPYs, state
   update, AuditEvent, commit). Anchor: the same number of Entry rows, payload and leaf hash
   already computed, inserted through the same bulk path (jingchu.core.bulk) in a transaction
   that is rolled back — the database's share of an append without the tree, the lock, the
   audit or the commit. The raw SM3 rate is shown too: an append needs about two SM3 calls.
3. Proofs on the full log: inclusion proofs of random leaves and consistency proofs from random
   sizes, each `queries.*_proof(...)` whole (one query for the nodes, plain SQL, and the
   hashing of the right edge). Anchor: one point select of an entry by its primary key in
   plain SQL through the same connection, the floor of any read that goes to the database
   (the same select through the ORM is shown for information).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS-ledger.md"
SIZE = int(os.environ.get("BENCH_LEDGER_SIZE", "1000000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_DB = f"jingchu_bench_ledger_{os.getpid()}"
FILL_BATCH = 10_000
BATCH, CALLS = 1_000, 20
PROOFS = 2_000
APPEND_GOAL, PROOF_GOAL_MS = 5_000, 1.0


def setup_django(url: str) -> None:
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "jingchu.settings", "JINGCHU_DEMO": "false",
        "JINGCHU_SECRET_KEY": "bench-secret-key-not-for-production-0123456789abcdef",
        "JINGCHU_SM4_KEY": "00112233445566778899aabbccddeeff",
        "JINGCHU_BLIND_INDEX_KEY": "bench-blind-index-key",
        "JINGCHU_DATABASE_URL": url, "JINGCHU_LOG_LEVEL": "WARNING", "JINGCHU_REDIS_URL": "",
    })
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def payload(i: int) -> dict[str, Any]:
    """The shape of a licence entry: identifiers, an SM3 hex, a time."""
    return {"identifier": f"1.2.156.3005.2.11100000000013338W.91420100MA4K0000{i % 100:02d}."
                          f"{i:06d}.001.X", "type_code": "11100000000013338W",
            "issuer_uscc": "11420000MB1234567X", "content_sm3": f"{i:064x}",
            "issued_at": "2026-11-30T08:00:00.123456+00:00"}


def fill(size: int) -> float:
    from jingchu.ledger import actions

    started, done = time.perf_counter(), actions.current_size()
    while done < size:
        count = min(FILL_BATCH, size - done)
        actions.do_append_many("bench.fill", [payload(done + i) for i in range(count)])
        done += count
        if done % 100_000 == 0 or done == size:
            print(f"fill {done}/{size} ({time.perf_counter() - started:.0f} s)",
                  file=sys.stderr, flush=True)
    return size / (time.perf_counter() - started)


def append_round(start: int) -> float:
    from jingchu.ledger import actions

    items = [[payload(start + c * BATCH + i) for i in range(BATCH)] for c in range(CALLS)]
    began = time.perf_counter()
    for batch in items:
        actions.do_append_many("bench.append", batch)
    return BATCH * CALLS / (time.perf_counter() - began)


class Rollback(Exception):
    pass


def insert_round(start: int) -> float:
    from django.db import transaction
    from django.utils import timezone

    from jingchu.core import bulk
    from jingchu.ledger import actions, tree
    from jingchu.ledger.models import Entry

    now, base = timezone.now(), 10**12 + start  # indexes far beyond the log; rolled back
    rows = []
    for c in range(CALLS):
        batch = []
        for i in range(BATCH):
            data = actions.canonical(payload(start + c * BATCH + i))
            batch.append(Entry(index=base + c * BATCH + i, kind="bench.anchor", payload=data
                               .decode(), leaf_hash=tree.leaf_hash(data), appended_at=now))
        rows.append(batch)
    began = time.perf_counter()
    for batch in rows:
        try:
            with transaction.atomic():
                bulk.insert(batch)
                raise Rollback
        except Rollback:
            pass
    return BATCH * CALLS / (time.perf_counter() - began)


def sm3_rate() -> float:
    from jingchu.ledger import tree

    data, count = bytes(65), 200_000
    began = time.perf_counter()
    for _ in range(count):
        tree.sm3(data)
    return count / (time.perf_counter() - began)


def timed_ms(fn: Any, args: list[tuple[int, ...]]) -> float:
    """Median milliseconds per call."""
    times = []
    for a in args:
        began = time.perf_counter()
        fn(*a)
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def proofs(size: int) -> dict[str, float]:
    from django.db import connection

    from jingchu.ledger import queries
    from jingchu.ledger.models import Entry

    rng = random.Random(9162)
    leaves = [(rng.randrange(size), size) for _ in range(PROOFS)]
    firsts = [(rng.randint(1, size - 1), size) for _ in range(PROOFS)]
    points = [(m,) for m, _ in leaves]

    table = connection.ops.quote_name(Entry._meta.db_table)
    sql = f"SELECT payload FROM {table} WHERE {connection.ops.quote_name('index')} = %s"  # noqa: S608

    def point(m: int) -> Any:
        with connection.cursor() as cursor:
            cursor.execute(sql, [m])
            return cursor.fetchone()

    def orm_point(m: int) -> Any:
        return Entry.objects.filter(index=m).values_list("payload", flat=True).first()

    results: dict[str, list[float]] = {"inclusion": [], "consistency": [], "point": [],
                                       "orm_point": []}
    for _ in range(3):  # alternate, so that a neighbour's load falls on all of them
        results["point"].append(timed_ms(point, points))
        results["orm_point"].append(timed_ms(orm_point, points))
        results["inclusion"].append(timed_ms(queries.inclusion_proof, leaves))
        results["consistency"].append(timed_ms(queries.consistency_proof, firsts))
    path = len(queries.inclusion_proof(size // 3, size).path)
    out = {k: statistics.median(v) for k, v in results.items()}
    out["path_length"] = path
    return out


def child(url: str) -> None:
    setup_django(url)
    from django.db import connection

    fill_rate = fill(SIZE)
    rounds = []
    for r in range(ROUNDS):
        start = SIZE + 10 * r * BATCH * CALLS
        rounds.append({"append": append_round(start), "insert": insert_round(start)})
        print(f"round {r + 1}: {rounds[-1]}", file=sys.stderr, flush=True)
    from jingchu.ledger import actions

    result = {"database": connection.vendor, "server": _server(connection),
              "fill_rate": fill_rate, "rounds": rounds, "sm3": sm3_rate(),
              "size": actions.current_size(), "proofs": proofs(actions.current_size())}
    print(json.dumps(result))


def _server(connection: Any) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT 'SQLite ' || sqlite_version()")
        return str(cursor.fetchone()[0])


# --- the parent --------------------------------------------------------------------------------

def _pg_admin(sql: str) -> bool:
    try:
        import psycopg
    except ImportError:
        return False
    try:
        # A DROP DATABASE can wait for ever on another client's stuck session: give up after
        # 30 s and say so (the database is then left behind, named in the message).
        with psycopg.connect(f"{PG_URL}/postgres", autocommit=True, connect_timeout=3,
                             options="-c statement_timeout=30000") as conn:
            conn.execute(sql)
    except psycopg.Error as exc:
        print(f"postgres: {exc}", file=sys.stderr)
        return False
    return True


def run_child(url: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--child", url], stdout=subprocess.PIPE,
                          text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def machine() -> str:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return f"nproc: {os.cpu_count()}, cpu: {cpu}, python: {platform.python_version()}"


def report(result: dict[str, Any], start_load: float) -> str:
    rounds = result["rounds"]
    append = statistics.median(r["append"] for r in rounds)
    insert = statistics.median(r["insert"] for r in rounds)
    paired = statistics.median(r["append"] / r["insert"] for r in rounds)
    p = result["proofs"]
    each = "\n".join(f"| {i + 1} | {r['append']:.0f} | {r['insert']:.0f} | "
                     f"{r['append'] / r['insert']:.2f} |" for i, r in enumerate(rounds))
    met_a = "met" if append >= APPEND_GOAL else "not met"
    met_p = "met" if max(p["inclusion"], p["consistency"]) < PROOF_GOAL_MS else "not met"
    rows = "\n".join([
        f"| appends/s, `do_append_many` of {BATCH:,}, each call committed | **{append:.0f}** "
        f"| bare INSERT of the same entry rows (bulk path, rolled back): {insert:.0f}/s "
        f"| **{append / insert:.2f}** (per-round median {paired:.2f}) "
        f"| {APPEND_GOAL:,}/s: **{met_a}** |",
        f"| inclusion proof, ms (path of {p['path_length']:.0f} hashes) "
        f"| **{p['inclusion']:.3f}** | point select of one entry by primary key (plain SQL): "
        f"{p['point']:.3f} ms "
        f"| **{p['inclusion'] / p['point']:.2f}** | < {PROOF_GOAL_MS} ms: **{met_p}** |",
        f"| consistency proof, ms | **{p['consistency']:.3f}** | the same point select "
        f"| **{p['consistency'] / p['point']:.2f}** | < {PROOF_GOAL_MS} ms |",
        f"| fill rate (batches of {FILL_BATCH:,}, informational) "
        f"| {result['fill_rate']:.0f}/s | | | |",
        f"| the same point select through the ORM (informational) | {p['orm_point']:.3f} ms "
        f"| | | |",
        f"| SM3 of 65 bytes per second (informational) | {result['sm3']:.0f} "
        f"| an append costs about two | | |",
    ])
    return f"""# Benchmark: the ledger's appends and proofs (issue 5)

Written by `make bench-ledger` (bench/ledger.py) on {dt.date.today().isoformat()}, on
{result['database']} ({result['server']}), a log of {result['size']:,} entries (filled to
{SIZE:,} first, then {len(rounds)} rounds of {CALLS} x {BATCH:,} appends). Medians. Rerun to
refresh.

## Machine
{machine()}; load average at the start {start_load:.2f}, at the end {os.getloadavg()[0]:.2f}

## Results

| figure | value | anchor (same run) | ratio | goal |
|---|---|---|---|---|
{rows}

### Each append round

| round | appends/s | bare insert/s | ratio |
|---|---|---|---|
{each}

## What is measured

- An append: lock the ledger's state row, read the right edge of the tree (at most log2 n
  nodes, one query), canonical JSON and SM3 leaf hashes, the completed nodes (about one per
  entry), one COPY of the entries and one of the nodes, the state update, one AuditEvent, the
  commit. The anchor inserts the same entry rows only (no nodes, no lock, no audit, no commit),
  through the same `jingchu.core.bulk.insert`: the ratio is how much of the database's own
  insert rate the tree and the bookkeeping keep.
- A proof: every node the proof needs in one query by primary key (plain SQL; a size beyond
  the log shows as a missing node, so no query for the size), and the hashing of the right
  edge's incomplete subtrees. The anchor is one plain-SQL point select by primary key: the
  ratio is what fetching some 20-40 rows instead of one, and the hashing, add to a round trip.
- Both share the machine's two cores with the database server and whatever else runs.
"""


def main() -> None:
    if len(sys.argv) >= 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
        return
    start_load = os.getloadavg()[0]
    if os.environ.get("BENCH_PG", "1") != "0" and _pg_admin(f"CREATE DATABASE {PG_DB}"):
        try:
            result = run_child(f"{PG_URL}/{PG_DB}")
        finally:
            if not _pg_admin(f"DROP DATABASE IF EXISTS {PG_DB}"):
                print(f"could not drop the database {PG_DB}; drop it by hand", file=sys.stderr)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            result = run_child(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
    RESULTS.write_text(report(result, start_load), encoding="utf-8")
    print(RESULTS.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
