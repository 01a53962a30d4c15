"""Gateway lookups by citizen ID number against the population base on PostgreSQL, next to the
direct PostgreSQL point select (the limit), in one run. `make bench-gateway` runs it and writes
bench/RESULTS-gateway.md.

The lookup is the whole product path: a department system's client-credentials token checked,
the X-Jingchu identification headers checked (the civil servant looked up), the grant checked
(negative lists, period, fields, rate), the record found by the blind index of the ID number,
the asked fields decrypted (SM4), masked as the grant says, and the call recorded as an
ExchangeCall. Served as in production (docs/gateway.md): the gateway's own process
(jingchu.wsgi_gateway, settings_gateway) under granian, 2 workers x 4 threads; driven by wrk
with bench/lookup.lua. BENCH_SERVER=gunicorn serves the portal's whole application under
gunicorn (bench/gunicorn.conf.py) instead, as the gateway was served before.

The anchor is pgbench on the same database: a prepared point select of the same table by the
same indexed column (the blind index), keys drawn at random from the same sample. A second,
HTTP anchor is served by the same server process: the same prepared point select behind
POST /gateway/v1/bench/point (routed only with JINGCHU_BENCH), driven by the same wrk script,
so that what a lookup costs beyond it is what the gateway's checks and record add.

The database `jingchu_bench_gateway` is kept between runs (BENCH_KEEP=false drops it at the
end): generating 10M persons takes a while, and a second run only tops the base up.
BENCH_PERSONS sets the size (10,000,000).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cases_submit
from cases_submit import (
    BIN,
    CLK,
    PG,
    ROOT,
    bench_env,
    cpu_ticks,
    machine_busy,
    run,
    start_granian,
    start_server,
    versions,
)

DB = "jingchu_bench_gateway"
cases_submit.DB = DB  # its helpers (versions) query this database
PERSONS = int(os.environ.get("BENCH_PERSONS", "10000000"))
KEEP = os.environ.get("BENCH_KEEP", "true") != "false"
PORT = int(os.environ.get("BENCH_PORT", "8765"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
SECONDS = {"warm": 4, "anchor": 15, "gateway": 30}
SERVER = os.environ.get("BENCH_SERVER", "granian")
# The rate counters live in Redis in production (a grant's limit holds across workers); the
# server uses this one when it answers, the in-process cache otherwise (BENCH_REDIS_URL="").
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
GATEWAY_APP = "jingchu.wsgi_gateway:application"
# The gateway process's layout (docs/gateway.md); RESULTS-gateway.md was measured with it.
GATEWAY_WORKERS = os.environ.get("BENCH_WORKERS", "2")
GATEWAY_THREADS = os.environ.get("BENCH_THREADS", "4")
ANCHOR_SQL = """\\set n random(1, {keys})
SELECT id_number, name, gender, birth_date, address, phone FROM sharing_personrecord
 WHERE id_number_index = (SELECT idx FROM bench_keys WHERE n = :n);
"""


def psql(query: str) -> str:
    return run(["psql", *PG, "-d", DB, "-tAc", query]).strip()


def database(env: dict[str, str]) -> None:
    names = run(["psql", *PG, "-d", "postgres", "-tAc", "SELECT datname FROM pg_database"])
    if DB not in names.split():
        run(["createdb", *PG, DB])
    run([str(BIN / "jingchu"), "migrate", "--noinput"], env)
    run([str(BIN / "jingchu"), "demo"], env | {"JINGCHU_DEMO_PERSONS": "0"})
    print(f"generating the population base up to {PERSONS:,} persons", flush=True)
    run([str(BIN / "jingchu"), "sharing", "generate-bases", "--persons", str(PERSONS),
         "--entities", "0"], env, quiet=False)
    run(["psql", *PG, "-d", DB, "-c", "VACUUM ANALYZE sharing_personrecord"])


def anchor(tmp: Path) -> dict[str, Any]:
    keys = sum(1 for _ in (tmp / "anchor_keys.csv").open())
    psql("DROP TABLE IF EXISTS bench_keys; CREATE TABLE bench_keys (n int PRIMARY KEY, "
         "idx varchar(64) NOT NULL)")
    run(["psql", *PG, "-d", DB, "-c",
         f"\\copy bench_keys FROM '{tmp / 'anchor_keys.csv'}' WITH (FORMAT csv)"])
    script = tmp / "anchor.sql"
    script.write_text(ANCHOR_SQL.format(keys=keys))
    args = ["pgbench", *PG, "-n", "-M", "prepared", "-c", str(CONNECTIONS), "-j", "2",
            "-f", str(script)]
    run([*args, "-T", str(SECONDS["warm"]), DB])
    out = run([*args, "-T", str(SECONDS["anchor"]), DB])
    tps = next(float(line.split("=")[1].split()[0]) for line in out.splitlines()
               if line.startswith("tps"))
    print(f"anchor: {tps:.0f} point selects/s", flush=True)
    return {"rate": tps}


def wrk(tmp: Path, seconds: int, setup: dict[str, str], path: str) -> dict[str, Any]:
    out = run(["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s",
               "-s", str(ROOT / "bench" / "lookup.lua"), f"http://127.0.0.1:{PORT}{path}",
               "--", setup["token"], setup["client"], setup["user"], str(tmp / "keys.txt")])
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    return dict(json.loads(line.removeprefix("RESULT ")))


def redis_answers() -> bool:
    if not REDIS:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def server_env(env: dict[str, str], with_redis: bool) -> dict[str, str]:
    # Tasks stay in-process: the benchmark runs no Celery worker.
    return env | {"JINGCHU_REDIS_URL": REDIS if with_redis else "",
                  "JINGCHU_TASKS_EAGER": "true"}


def serve(env: dict[str, str]) -> subprocess.Popen[bytes]:
    if SERVER == "gunicorn":
        return start_server(env)
    return start_granian(env, GATEWAY_APP, GATEWAY_WORKERS, GATEWAY_THREADS)


def server_pids(server: subprocess.Popen[bytes]) -> list[int]:
    """The server's own process and its workers (granian's main process serves nothing, but
    its CPU is counted too)."""
    out = subprocess.run(["pgrep", "-P", str(server.pid)], text=True, capture_output=True)
    return [server.pid, *(int(p) for p in out.stdout.split())]


def backend_pids() -> list[int]:
    """PostgreSQL's backends serving the benchmark's database (the web workers' connections)."""
    out = subprocess.run(["pgrep", "-f", f"postgres: .* {DB} "], text=True,
                         capture_output=True)
    return [int(p) for p in out.stdout.split()]


def _calls() -> int:
    return int(psql("SELECT count(*) FROM sharing_exchangecall WHERE result = 'ok'"))


def measure(tmp: Path, server: subprocess.Popen[bytes], setup: dict[str, str], path: str,
            seconds: int) -> dict[str, Any]:
    """One endpoint under wrk after a warm-up, with the CPU the server, PostgreSQL's backends
    and the whole machine spent per answered request."""
    wrk(tmp, SECONDS["warm"], setup, path)
    time.sleep(1)
    before = _calls()
    pids, backends = server_pids(server), backend_pids()
    ticks, busy, db_ticks = cpu_ticks(pids), machine_busy(), cpu_ticks(backends)
    result = wrk(tmp, seconds, setup, path)
    app_ticks, all_ticks = cpu_ticks(pids) - ticks, machine_busy() - busy
    db_ticks = cpu_ticks(backends) - db_ticks
    time.sleep(2)
    result["recorded"] = _calls() - before
    answered = max(1, result["ok"])
    result["rate"] = result["ok"] / (result["duration_us"] / 1e6)
    for name, spent in (("app", app_ticks), ("db", db_ticks), ("all", all_ticks)):
        result[f"{name}_cpu_ms"] = spent * 1000 / CLK / answered
    return result


def gateway(tmp: Path, env: dict[str, str], setup: dict[str, str]
            ) -> tuple[dict[str, Any], dict[str, Any]]:
    """The HTTP anchor (the same prepared point select behind the same server, nothing else),
    then the gateway's lookups."""
    server = serve(env)
    try:
        bare = measure(tmp, server, setup, "/gateway/v1/bench/point", SECONDS["anchor"])
        print(f"HTTP anchor: {bare['rate']:.0f}/s ok={bare['ok']} bad={bare['bad']}",
              flush=True)
        path = f"/gateway/v1/resources/{setup['resource']}/lookup"
        result = measure(tmp, server, setup, path, SECONDS["gateway"])
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"gateway: {result['rate']:.0f}/s ok={result['ok']} bad={result['bad']} "
          f"recorded={result['recorded']}", flush=True)
    return bare, result


def _cpu(row: dict[str, Any]) -> str:
    return (f"web server {row['app_cpu_ms']:.2f} ms, PostgreSQL backends {row['db_cpu_ms']:.2f} "
            f"ms, whole machine (with wrk) {row['all_cpu_ms']:.2f} ms")


def write(machine: dict[str, str], base: int, anchor_r: dict[str, Any], bare: dict[str, Any],
          gw: dict[str, Any], elapsed: float) -> None:
    ratio = gw["rate"] / anchor_r["rate"]
    lines = [
        "# Gateway lookup benchmark (issue 5)", "",
        f"`make bench-gateway` ({elapsed / 60:.1f} min), population base of {base:,} persons on "
        "PostgreSQL. Each lookup: client-credentials token, identification headers, grant "
        "check, record by blind index, 5 fields decrypted and 3 masked, ExchangeCall written.",
        "", "| | per second | ratio to the anchor | ratio to the HTTP anchor | goal |",
        "|---|---:|---:|---:|---|",
        f"| direct PostgreSQL point select (pgbench, prepared, {CONNECTIONS} clients) | "
        f"{anchor_r['rate']:,.0f} | 1.00 | | the limit |",
        f"| HTTP anchor: the same prepared point select behind the same server, nothing else "
        f"({SERVER}) | {bare['rate']:,.0f} | {bare['rate'] / anchor_r['rate']:.2f} | 1.00 | |",
        f"| gateway lookup ({SERVER}, wrk {CONNECTIONS} connections) | {gw['rate']:,.0f} | "
        f"{ratio:.2f} | {gw['rate'] / bare['rate']:.2f} | ≥ 1,000/s and ≥ 0.50 of the "
        "first row |", "",
        f"Gateway: {gw['ok']:,} answered, {gw['bad']} other statuses, {gw['recorded']:,} "
        f"ExchangeCalls recorded; p50 {gw['p50_us'] / 1000:.1f} ms, p99 "
        f"{gw['p99_us'] / 1000:.1f} ms. CPU per lookup: {_cpu(gw)}.", "",
        f"HTTP anchor: {bare['ok']:,} answered, {bare['bad']} other statuses; p50 "
        f"{bare['p50_us'] / 1000:.1f} ms. CPU per request: {_cpu(bare)}.", "",
        "## Machine", "", *[f"- {k}: {v}" for k, v in machine.items()], "",
    ]
    (ROOT / "bench" / "RESULTS-gateway.md").write_text("\n".join(lines))


def main() -> None:
    if not shutil.which("wrk") or not shutil.which("pgbench"):
        raise SystemExit("wrk and pgbench are needed (apt-get install -y wrk postgresql-client)")
    tmp = Path(tempfile.mkdtemp(prefix="jingchu-bench-gw-"))
    env = bench_env(tmp / "var") | {
        "JINGCHU_DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}"}
    started = time.time()
    try:
        database(env)
        run([str(BIN / "python"), "bench/gateway_setup.py", str(tmp)], env)
        setup = json.loads((tmp / "setup.json").read_text())
        base = int(psql("SELECT count(*) FROM sharing_personrecord"))
        anchor_r = anchor(tmp)
        with_redis = redis_answers()
        bare, gw = gateway(tmp, server_env(env, with_redis), setup)
        machine = versions()
        machine["rate-limit counters"] = "Redis" if with_redis else "in-process (no Redis)"
        if SERVER == "granian":
            machine["granian"] = run([str(BIN / "granian"), "--version"]).strip()
        write(machine, base, anchor_r, bare, gw, time.time() - started)
        print(f"ratio {gw['rate'] / anchor_r['rate']:.2f}; wrote bench/RESULTS-gateway.md")
    finally:
        if not KEEP:
            run(["dropdb", *PG, "--if-exists", DB])
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
