"""Case-submission throughput through the API, next to a bare raw-INSERT endpoint on the same
server (the limit), in one run. `make bench` runs it and writes bench/RESULTS.md.

As deployed: PostgreSQL on 127.0.0.1:5432 (a dedicated database, dropped at the end), the API's
own process for bearer-token callers (jingchu.wsgi_api, settings_api) under granian with 3
workers x 8 threads (BENCH_WORKERS, 2 until the sixteenth session; BENCH_THREADS, 4 until the
eleventh), wrk with bench/submit.lua
on the same machine, bearer tokens from the platform's OIDC provider for a pool of citizens.
Both endpoints are served by that one server. They are measured in alternating rounds (anchor,
then submissions, BENCH_ROUNDS times, 5 by default), and the ratio is each round's submissions
over that round's anchor; the median round is the result. Why rounds: this machine's speed moves
by up to 3x within minutes (bench/HISTORY.md, "Fourteenth session"), and one anchor window
followed by one submission window measured the swing between them as often as the code.
BENCH_SERVER=gunicorn serves the portal's jingchu.wsgi under gunicorn as before (bench/HISTORY.md);
BENCH_APP picks another WSGI application for granian. JINGCHU_GROUP_COMMIT=false measures the
submissions written one statement each, as before the tenth session's group commit.

The issue's yardstick is measured in every round too: its minimal Django app (bench/minimal/,
gunicorn 2 workers x 4 threads on PORT + 1), whose bare insert and django-ninja endpoint the issue
measured at ~2,600/s and ~1,400/s on the machine its goal was set on. Their rates say how fast
this run's host is against that machine (bench/HISTORY.md, "Twenty-sixth session").
BENCH_YARDSTICK=false leaves them out.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from jingchu import config

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
DB = "jingchu_bench"
PG = ["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]
PORT = int(os.environ.get("BENCH_PORT", "8765"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
# The anchor's, the submissions' and each yardstick endpoint's window per round.
SECONDS = {"warm": 4, "bare": 6, "api": 12, "minimal": 6}
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
PARTS_N = 1000  # posts of each kind timed in place for RESULTS.md (make bench-parts: more)
API_PATH, BARE_PATH = "/api/v1/cases/", "/api/v1/cases/bench/bare"
# The minimal app (bench/minimal/): its bare insert and its ninja endpoint, each with the
# status it answers and the query counting what it stored.
YARDSTICK = os.environ.get("BENCH_YARDSTICK", "true").lower() not in ("false", "0", "no")
MINIMAL_PORT = PORT + 1
MINIMAL = (("/bare", 200, "SELECT count(*) FROM minimal_barerow"),
           ("/api/applications", 201, "SELECT count(*) FROM minimal_application"))
CLK = os.sysconf("SC_CLK_TCK")
SERVER = os.environ.get("BENCH_SERVER", "granian")
APP = os.environ.get("BENCH_APP", "jingchu.wsgi_api:application")
# The API process's layout (docs/api.md): 3 workers x 8 threads on 2 cores (bench/HISTORY.md,
# "Sixteenth session").
WORKERS = os.environ.get("BENCH_WORKERS", "3")
THREADS = os.environ.get("BENCH_THREADS", "8")


def run(cmd: list[str], env: dict[str, str] | None = None, quiet: bool = True) -> str:
    done = subprocess.run(cmd, env=env, cwd=ROOT, check=False, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT if quiet else None)
    if done.returncode:
        print(done.stdout[-3000:], file=sys.stderr)
        raise SystemExit(f"failed ({done.returncode}): {' '.join(cmd)}")
    return done.stdout


def sql(query: str) -> str:
    return run(["psql", *PG, "-d", DB, "-tAc", query]).strip()


def bench_env(var_dir: Path, database: str = DB) -> dict[str, str]:
    return os.environ | {
        "JINGCHU_DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "JINGCHU_SECRET_KEY": "bench-secret-key-not-for-production-0123456789abcdef",
        "JINGCHU_SM4_KEY": "00112233445566778899aabbccddeeff",
        "JINGCHU_BLIND_INDEX_KEY": "bench-blind-index-key",
        "JINGCHU_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "JINGCHU_VAR_DIR": str(var_dir), "JINGCHU_BENCH": "true",
        "DJANGO_SETTINGS_MODULE": "jingchu.settings", "JINGCHU_LOG_LEVEL": "WARNING",
        "JINGCHU_REDIS_URL": "", "JINGCHU_DEMO": "false",
    }


def demo_database(name: str, env: dict[str, str], out: Path) -> str:
    """A new database `name` (`env` points at it): migrated, the demo data loaded, the
    benchmark's pool of citizens and tokens set up in `out`; answers setup_pool's summary."""
    run(["dropdb", *PG, "--if-exists", name])
    run(["createdb", *PG, name])
    run([str(BIN / "jingchu"), "migrate", "--noinput"], env)
    run([str(BIN / "jingchu"), "demo"], env)
    return run([str(BIN / "python"), "bench/setup_pool.py", "setup", str(out)], env)


def cpu_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total


def _cpu_line() -> list[int]:
    return [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]


def machine_busy() -> int:
    parts = _cpu_line()
    return sum(parts) - parts[3] - parts[4]  # everything but idle and iowait


def machine_steal() -> tuple[int, int]:
    """(steal, all) ticks of the machine so far: the time the hypervisor gave this machine's
    CPUs to other guests while they had work, and all the time there was. Why reported: on a
    shared host, steal slowed both endpoints, the submissions more (bench/HISTORY.md,
    twenty-third session); machine_busy counts it as busy."""
    parts = _cpu_line()
    return parts[7], sum(parts[:8])  # user ... steal (guest time is inside user)


def start_granian(env: dict[str, str], app: str, workers: str = WORKERS,
                  threads: str = THREADS) -> subprocess.Popen[bytes]:
    """granian serving the WSGI application `app` on PORT (`workers` x `threads`; by default the
    API process's, BENCH_WORKERS x BENCH_THREADS)."""
    return listening(subprocess.Popen([
        str(BIN / "granian"), "--interface", "wsgi",
        "--workers", workers, "--blocking-threads", threads, "--no-ws",
        "--log-level", "warning", "--host", "127.0.0.1", "--port", str(PORT), app],
        cwd=ROOT, env=env), "granian")


def start_server(env: dict[str, str]) -> subprocess.Popen[bytes]:
    if SERVER == "granian":
        return start_granian(env, APP)
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "jingchu.wsgi", "--config",
         str(ROOT / "bench" / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{PORT}"],
        cwd=ROOT, env=env)
    return listening(server, "gunicorn")


def listening(server: subprocess.Popen[bytes], name: str, port: int = PORT,
              ) -> subprocess.Popen[bytes]:
    """`server` once it accepts connections on `port` (stopped if it never does)."""
    for _ in range(150):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"{name} did not start")


def stop(*servers: subprocess.Popen[bytes] | None) -> None:
    """Each server that is running, stopped and waited for."""
    for server in servers:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)


def workers(server: subprocess.Popen[bytes]) -> list[int]:
    """The server's workers, and its own process (granian's serves nothing but is counted)."""
    out = subprocess.run(["pgrep", "-P", str(server.pid)], text=True, capture_output=True)
    return [server.pid, *(int(p) for p in out.stdout.split())]


def start_minimal(env: dict[str, str]) -> subprocess.Popen[bytes]:
    """The issue's minimal app as the issue served it (gunicorn, 2 workers x 4 threads, nothing
    else set), on MINIMAL_PORT, its tables made in the benchmark's database first."""
    minimal_env = env | {"DJANGO_SETTINGS_MODULE": "minimal.settings",
                         "PYTHONPATH": str(ROOT / "bench")}
    run([str(BIN / "django-admin"), "migrate", "--run-syncdb", "--noinput"], minimal_env)
    return listening(subprocess.Popen([
        str(BIN / "gunicorn"), "minimal.wsgi", "--workers", "2", "--threads", "4",
        "--worker-class", "gthread", "--log-level", "warning",
        "--bind", f"127.0.0.1:{MINIMAL_PORT}"], cwd=ROOT, env=minimal_env),
        "gunicorn (minimal app)", MINIMAL_PORT)


def wrk(path: str, seconds: int, expected: int, tmp: Path, port: int = PORT) -> dict[str, Any]:
    out = run(["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s",
               "-s", str(ROOT / "bench" / "submit.lua"), f"http://127.0.0.1:{port}{path}",
               "--", path, str(tmp / "body.json"), str(tmp / "tokens.txt"), str(expected)])
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    result: dict[str, Any] = json.loads(line.removeprefix("RESULT "))
    # The first answer that was not the expected one, if any, so a refusal can be explained.
    result["first_bad"] = next((x.removeprefix("FIRST_BAD ") for x in out.splitlines()
                                if x.startswith("FIRST_BAD ")), "")
    return result


def warm(path: str, expected: int, tmp: Path, port: int = PORT) -> None:
    wrk(path, SECONDS["warm"], expected, tmp, port)


def measure(name: str, path: str, expected: int, count_sql: str, tmp: Path,
            server: subprocess.Popen[bytes], port: int = PORT) -> dict[str, Any]:
    """One window of `name`'s load: what wrk saw, what was stored, and the CPU it took."""
    time.sleep(1)
    before = int(sql(count_sql))
    pids = workers(server)
    ticks, busy, (steal, everything) = cpu_ticks(pids), machine_busy(), machine_steal()
    result = wrk(path, SECONDS[name], expected, tmp, port)
    result["app_ticks"], result["all_ticks"] = cpu_ticks(pids) - ticks, machine_busy() - busy
    steal_after, everything_after = machine_steal()
    result["steal_ticks"], result["ticks"] = steal_after - steal, everything_after - everything
    time.sleep(2)  # let requests in flight when wrk stopped finish on the server
    result["stored"] = int(sql(count_sql)) - before
    return _rated(result)


def _rated(result: dict[str, Any]) -> dict[str, Any]:
    result["rate"] = result["ok"] / (result["duration_us"] / 1e6)
    result["app_cpu_ms"] = result["app_ticks"] * 1000 / CLK / max(1, result["ok"])
    result["all_cpu_ms"] = result["all_ticks"] * 1000 / CLK / max(1, result["ok"])
    result["steal"] = result["steal_ticks"] / max(1, result["ticks"])
    return result


def combined(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """The rounds of one endpoint as one window: counts, time and CPU summed; the latencies are
    the median round's."""
    total = {key: sum(r[key] for r in rounds) for key in
             ("ok", "bad", "sent", "stored", "duration_us", "app_ticks", "all_ticks",
              "steal_ticks", "ticks")}
    total |= {key: statistics.median(r[key] for r in rounds) for key in ("p50_us", "p99_us")}
    total["first_bad"] = next((r["first_bad"] for r in rounds if r.get("first_bad")), "")
    return _rated(total)


def versions() -> dict[str, str]:
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "nproc": str(os.cpu_count()), "memory": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "cpu": next((ln.split(":", 1)[1].strip() for ln in
                     Path("/proc/cpuinfo").read_text().splitlines()
                     if ln.startswith("model name")), "?"),
        "python": platform.python_version(),
        "postgresql": sql("SHOW server_version"),
        "gunicorn": run([str(BIN / "gunicorn"), "--version"]).strip(),
        "wrk": subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout
        .splitlines()[0].split(" [")[0],
        "kernel": platform.release(),
        "load average at the end": Path("/proc/loadavg").read_text().split()[0],
        "synchronous_commit": sql("SHOW synchronous_commit"),
    }


def server_label() -> str:
    if SERVER == "granian":
        return (f"granian ({run([str(BIN / 'granian'), '--version']).strip()}) serving `{APP}`, "
                f"{WORKERS} workers x {THREADS} threads")
    return ("gunicorn `jingchu.wsgi` with bench/gunicorn.conf.py (2 gthread workers x 4 threads, "
            "GIL switch interval 1 ms)")


def check(r: dict[str, Any]) -> str:
    unanswered = r["sent"] - r["ok"] - r["bad"]
    refused = (f" ({r['bad']} refused, the first: `{r['first_bad'][:200]}`)"
               if r["bad"] and r.get("first_bad") else "")
    if r["stored"] == r["ok"]:
        return "stored == acknowledged" + refused
    if r["ok"] < r["stored"] <= r["ok"] + unanswered:
        return (f"stored = acknowledged + {r['stored'] - r['ok']}: requests in flight when wrk "
                f"stopped ({unanswered} unanswered), none lost{refused}")
    return f"MISMATCH: stored {r['stored']} vs acknowledged {r['ok']}{refused}"


def _yardstick_meta(yardstick: list[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, Any]:
    """The minimal app's rounds for the report, with each endpoint's rounds as one and its
    stored-vs-acknowledged check."""
    if not yardstick:
        return {}
    together = [combined([r[i] for r in yardstick]) for i in (0, 1)]
    return {"yardstick": yardstick, "yardstick_all": together,
            "yardstick_checks": [check(r) for r in together]}


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install -y wrk)")
    load_start = Path("/proc/loadavg").read_text().split()[0]
    tmp = Path(tempfile.mkdtemp(prefix="jingchu-bench-"))
    env = bench_env(tmp / "var")
    server = minimal = None
    try:
        started = time.time()
        print(demo_database(DB, env, tmp).strip())
        server = start_server(env)
        warm(BARE_PATH, 200, tmp)
        warm(API_PATH, 201, tmp)
        if YARDSTICK:
            minimal = start_minimal(env)
            for path, status, _count in MINIMAL:
                warm(path, status, tmp, MINIMAL_PORT)
        rounds, yardstick = [], []
        for i in range(ROUNDS):
            bare = measure("bare", BARE_PATH, 200, "SELECT count(*) FROM bench_bare_insert", tmp,
                           server)
            api = measure("api", API_PATH, 201,
                          "SELECT count(*) FROM cases_case WHERE status = 'submitted'", tmp,
                          server)
            rounds.append((bare, api))
            line = (f"round {i + 1}: anchor {bare['rate']:.0f}/s, submissions {api['rate']:.0f}/s, "
                    f"ratio {api['rate'] / bare['rate']:.2f}")
            if minimal is not None:
                mini_bare, mini_ninja = (measure("minimal", path, status, count, tmp, minimal,
                                                 MINIMAL_PORT) for path, status, count in MINIMAL)
                yardstick.append((mini_bare, mini_ninja))
                line += (f"; the issue's minimal app: bare {mini_bare['rate']:.0f}/s, "
                         f"ninja {mini_ninja['rate']:.0f}/s")
            print(line, flush=True)
        bare, api = combined([b for b, _ in rounds]), combined([a for _, a in rounds])
        stop(server, minimal)
        server = minimal = None
        run([str(BIN / "python"), "bench/setup_pool.py", "profile", str(tmp), "300"], env)
        profile = json.loads((tmp / "profile.json").read_text())
        run([str(BIN / "python"), "bench/setup_pool.py", "parts", str(tmp), str(PARTS_N)],
            env | {"DJANGO_SETTINGS_MODULE": "jingchu.settings_api"})  # the API process's
        parts = json.loads((tmp / "parts.json").read_text())
        machine = versions()
        from bench_report import write_results  # beside this script (on sys.path)

        write_results(ROOT / "bench" / "RESULTS.md", machine, bare, api, profile,
                      {"check_bare": check(bare), "check_api": check(api),
                       "connections": CONNECTIONS, "seconds": SECONDS, "rounds": rounds,
                       "server": server_label(),
                       "load_start": load_start,
                       "group_commit": config.get("JINGCHU_GROUP_COMMIT"),
                       "parts": parts, "parts_n": PARTS_N} | _yardstick_meta(yardstick)
                      | {"elapsed": time.time() - started})
        ratios = [a["rate"] / b["rate"] for b, a in rounds]
        print(f"ratio (median round) {statistics.median(ratios):.2f}; wrote bench/RESULTS.md")
    finally:
        stop(server, minimal)
        run(["dropdb", *PG, "--if-exists", DB])
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
