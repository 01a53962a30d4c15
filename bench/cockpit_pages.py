"""The cockpit with 10M cases and 1M 12345 tickets on PostgreSQL: the time to refresh the
rollups of one day (and to backfill a year), and the main page's and a drill-down's page time
through the production server, each next to an anchor measured in the same run. `make
bench-cockpit` runs it and writes bench/RESULTS-cockpit.md.

1. The data (bench/cockpit_data.py): the database `jingchu_bench_cockpit` is kept between runs
   (BENCH_KEEP=false drops it at the end); BENCH_CASES, BENCH_TICKETS, BENCH_END_DAY.
2. Rollups, in a Django process: `refresh_day` for each of the 365 days (the backfill), then one
   mid-range working day five times. Anchors: the KPI functions of that day alone (the apps'
   GROUP BY queries and their Python, without writing the rollups), and a plain
   `SELECT count(*)` of the cases completed that day plus one of the tickets replied that day.
   The SQL of the cases' and the hotline's KPI functions is EXPLAINed (ANALYZE, BUFFERS).
3. Pages, through gunicorn (bench/gunicorn.conf.py, JINGCHU_DEBUG off): two bench leaders
   (approvers of the provincial and of Wuhan's government-services office) whose sessions are
   written straight into the session table (what a password + TOTP sign-in leaves there, the
   assurance level included), so no sign-in is timed. N sequential requests per page after
   warm-up, the pages and the anchor (`/healthz`: Django, a session-less request and a
   `SELECT 1`) taken in turn, then wrk with BENCH_CONNECTIONS (4) connections, page by page.
   Pages are asked for the month of the end day (the data's last whole month).
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cases_submit
import cockpit_data
from cases_submit import BIN, PG, ROOT, bench_env, cpu_ticks, run, start_server, versions, workers

DB = cockpit_data.DB
cases_submit.DB = DB  # its helpers (versions) query this database
KEEP = os.environ.get("BENCH_KEEP", "true") != "false"


def _free_port() -> int:
    """A port nobody listens on: the other benches' 8765 may be taken by a server of another
    database, whose answers (a redirect to its sign-in) would be timed instead of ours."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


PORT = int(os.environ.get("BENCH_PORT") or _free_port())
cases_submit.PORT = PORT  # start_server binds gunicorn to it
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "4"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "300"))
WARMUP = 20
WRK_SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "20"))
REPEATS = 5
# false: keep the rollups the database has (from an earlier run) instead of the year's refresh.
BACKFILL = os.environ.get("BENCH_BACKFILL", "true") != "false"
GOAL_MS = 300
MONTH = f"{cockpit_data.END_DAY:%Y-%m}"
PROVINCE, WUHAN = "420000000000", "420100000000"
LEADERS = {  # username: the organization whose approver they are
    "bench_leader_hb": "湖北省人民政府政务服务和大数据管理局",
    "bench_leader_wh": "武汉市政务服务和大数据管理局",
}
PAGES = [  # key, label, user (None: no session), path
    ("anchor", "anchor", None, "/healthz"),
    ("home_province", "main page, province", "bench_leader_hb",
     f"/cockpit/?period={MONTH}"),
    ("home_wuhan", "main page, Wuhan (city leader)", "bench_leader_wh",
     f"/cockpit/?period={MONTH}"),
    ("kpi_wuhan", "drill-down cases.on_time_rate into Wuhan (city leader)", "bench_leader_wh",
     f"/cockpit/kpi/cases.on_time_rate/?region={WUHAN}&period={MONTH}"),
]
EXPLAINED = ("cases.", "hotline.")
# Indexes to try for the KPI statements, in a transaction that is rolled back; one whose
# column is indexed already is skipped. (These two, for the hotline's one-day filters, were
# missing when this bench first ran; hotline migration 0003 has added them since.)
CANDIDATES = ["CREATE INDEX bench_candidate_replied ON hotline_ticket (replied_at)",
              "CREATE INDEX bench_candidate_rated ON hotline_ticket (rated_at)"]
CANDIDATE_CODES = ("hotline.on_time_rate", "hotline.satisfaction_rate")
WRK_SCRIPT = """
local cookie = ""
local threads = {}
sent, ok, bad = 0, 0, 0
function setup(thread) table.insert(threads, thread) end
function init(args) cookie = args[1] or "" end
function request()
  sent = sent + 1
  if cookie ~= "" then return wrk.format(nil, nil, {["Cookie"] = cookie}) end
  return wrk.format(nil, nil)
end
function response(status, headers, body)
  if status == 200 then ok = ok + 1 else bad = bad + 1 end
end
function done(summary, latency, requests)
  local s, o, b = 0, 0, 0
  for _, t in ipairs(threads) do
    s = s + t:get("sent"); o = o + t:get("ok"); b = b + t:get("bad")
  end
  io.write(string.format('RESULT {"sent": %d, "ok": %d, "bad": %d, "duration_us": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "socket_errors": %d}\\n', s, o, b,
    summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


# --- the Django side: users, sessions, rollups -----------------------------------------------


def _mid_day() -> dt.date:
    """A typical day: the first working day from the middle of the year of data."""
    from jingchu.core.calendar import is_working_day

    day = cockpit_data.first_day() + dt.timedelta(days=cockpit_data.DAYS // 2)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def _sessions() -> dict[str, str]:
    """The bench leaders (approvers: cockpit readers) and a session each, as a password and
    TOTP sign-in leaves it (jingchu.identity.actions.login._finish_login)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from jingchu.core.models import Organization
    from jingchu.identity import actions
    from jingchu.identity.choices import AssuranceLevel, StaffRole
    from jingchu.identity.models import User
    from jingchu.identity.services import SESSION_ACR_KEY

    cookies = {}
    for username, org_name in LEADERS.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            staff = actions.do_create_staff(None, username=username, name=username,
                                            password=f"Bench-{os.urandom(12).hex()}")
            actions.do_assign_role(None, staff=staff,
                                   organization=Organization.objects.get(name=org_name),
                                   role=StaffRole.APPROVER)
            user = staff.user
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[SESSION_ACR_KEY] = int(AssuranceLevel.TWO_FACTOR)
        session.create()
        cookies[username] = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    return cookies


def _preflight(cookies: dict[str, str]) -> None:
    """Every page answers 200 through Django's test client before anything is timed."""
    from django.test import Client

    for _key, _label, user, path in PAGES:
        client = Client()
        if user:
            name, value = cookies[user].split("=", 1)
            client.cookies[name] = value
        status = client.get(path).status_code
        if status != 200:
            raise SystemExit(f"{path} as {user} answered {status}")


def _backfill() -> dict[str, Any]:
    from jingchu.cockpit.rollups import refresh_day

    started = time.perf_counter()
    rows, errors, slowest = 0, set(), (0.0, "")
    for n in range(cockpit_data.DAYS):
        day = cockpit_data.first_day() + dt.timedelta(days=n)
        report = refresh_day(day)
        rows += report.rows
        errors |= set(report.errors)
        slowest = max(slowest, (report.seconds, day.isoformat()))
        if (n + 1) % 30 == 0 or n + 1 == cockpit_data.DAYS:
            print(f"  backfill: {n + 1}/{cockpit_data.DAYS} days, {rows:,} rows, "
                  f"{time.perf_counter() - started:.0f} s", flush=True)
    return {"seconds": time.perf_counter() - started, "rows": rows, "errors": sorted(errors),
            "slowest_day": slowest}


def _timed(function: Any, repeats: int = REPEATS) -> list[float]:
    times = []
    for _ in range(repeats):
        clock = time.perf_counter()
        function()
        times.append(time.perf_counter() - clock)
    return times


def _anchor_counts(day: dt.date) -> list[float]:
    from django.db import connection

    from jingchu.core.periods import Period

    period = Period(day, day)

    def counts() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM cases_case WHERE completed_at >= %s "
                           "AND completed_at < %s", [period.since, period.until])
            cursor.execute("SELECT count(*) FROM hotline_ticket WHERE replied_at >= %s "
                           "AND replied_at < %s", [period.since, period.until])

    return _timed(counts)


def _explain(day: dt.date, specs: dict[str, Any]) -> list[dict[str, Any]]:
    """EXPLAIN (ANALYZE, BUFFERS) of every statement the cases' and hotline's KPI functions
    run for the day (captured as they run); then again, in a transaction rolled back at the
    end, with the CANDIDATES indexes (the schema is left as migrated)."""
    from django.db import connection, transaction

    captured: list[tuple[str, str, Any]] = []

    def capture(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        captured.append((current, sql, params))
        return execute(sql, params, many, context)

    for current in [c for c in specs if c.startswith(EXPLAINED)]:
        with connection.execute_wrapper(capture):
            list(specs[current].compute(day, day))
    out: list[dict[str, Any]] = []
    with connection.cursor() as cursor:
        for code, sql, params in captured:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            out.append({"code": code, "plan": [r[0] for r in cursor.fetchall()]})
        tried = [c for c in CANDIDATES if not _indexed(cursor, c)]
        with transaction.atomic():
            for create in tried:
                cursor.execute(create)
            for code, sql, params in captured:
                if tried and code.startswith(CANDIDATE_CODES):
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                    out.append({"code": code, "candidate": True,
                                "plan": [r[0] for r in cursor.fetchall()]})
            transaction.set_rollback(True)
    return out


def _indexed(cursor: Any, create: str) -> bool:
    """Whether the candidate's table has a one-column index on the candidate's column (a
    partial one included)."""
    table, column = create.split(" ON ", 1)[1].rstrip(")").split(" (")
    cursor.execute("SELECT 1 FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
                   [table, f"% USING btree ({column})%"])
    return cursor.fetchone() is not None


def _one_day() -> dict[str, Any]:
    from jingchu.cockpit.models import OrgDay, RegionDay
    from jingchu.cockpit.rollups import refresh_day
    from jingchu.core.kpi import registry

    day = _mid_day()
    specs = {c: s for c, s in registry().items() if not getattr(s, "snapshot", False)}
    refresh = _timed(lambda: refresh_day(day))
    compute = _timed(lambda: [list(s.compute(day, day)) for s in specs.values()])
    per_kpi = {code: _timed(lambda c=code: refresh_day(day, [c]), 1)[0] for code in specs}
    return {
        "day": day.isoformat(), "refresh": refresh, "compute": compute,
        "anchor": _anchor_counts(day), "per_kpi": per_kpi,
        "kpis": len(registry()), "explain": _explain(day, specs),
        "orgday_rows": OrgDay.objects.count(), "regionday_rows": RegionDay.objects.count(),
        "day_cases": _count("cases_case", "completed_at", day),
        "day_tickets": _count("hotline_ticket", "replied_at", day),
    }


def _count(table: str, column: str, day: dt.date) -> int:
    from django.db import connection

    from jingchu.core.periods import Period

    period = Period(day, day)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} WHERE {column} >= %s "  # noqa: S608
                       f"AND {column} < %s", [period.since, period.until])
        return int(cursor.fetchone()[0])


def _profile_pages(cookies: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Where a page's time goes, in-process (Django's test client, no server): the median of
    REPEATS requests of the whole request, of its SQL (time in cursor.execute), and the
    number of statements."""
    from django.db import connection
    from django.test import Client

    out = {}
    for key, _label, user, path in PAGES:
        client = Client()
        if user:
            name, value = cookies[user].split("=", 1)
            client.cookies[name] = value
        client.get(path)
        totals, sqls, counts = [], [], []
        for _ in range(REPEATS):
            spent = [0.0, 0]

            def timed(execute: Any, sql: str, params: Any, many: bool, context: Any,
                      spent: list[Any] = spent) -> Any:
                clock = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    spent[0] += time.perf_counter() - clock
                    spent[1] += 1

            clock = time.perf_counter()
            with connection.execute_wrapper(timed):
                client.get(path)
            totals.append(time.perf_counter() - clock)
            sqls.append(spent[0])
            counts.append(spent[1])
        out[key] = {"total": statistics.median(totals), "sql": statistics.median(sqls),
                    "queries": max(counts)}
    return out


def django_side(out: Path) -> None:
    cookies = _sessions()
    _preflight(cookies)
    backfill: dict[str, Any] | None = None
    if BACKFILL:
        print(f"rollups: backfilling {cockpit_data.DAYS} days", flush=True)
        backfill = _backfill() | {"on": dt.date.today().isoformat()}
        cockpit_data._sql(f"INSERT INTO {cockpit_data.META} (key, value) "  # noqa: S608
                          "VALUES ('backfill', %s) ON CONFLICT (key) DO UPDATE "
                          "SET value = EXCLUDED.value", [json.dumps(backfill)])
    else:
        rows = cockpit_data._sql(f"SELECT value FROM {cockpit_data.META} "  # noqa: S608
                                 "WHERE key = 'backfill'")
        if rows:
            backfill = dict(rows[0][0]) | {"earlier": True}
    print(f"rollups: one day, {REPEATS} times, and its anchors", flush=True)
    one = _one_day()
    print(f"  refresh of {one['day']}: median {statistics.median(one['refresh']):.2f} s",
          flush=True)
    profile = _profile_pages(cookies)
    (out / "django.json").write_text(json.dumps(
        {"cookies": cookies, "backfill": backfill, "one_day": one, "profile": profile}))


# --- the orchestrator side -------------------------------------------------------------------


def _start(env: dict[str, str]) -> subprocess.Popen[bytes]:
    """gunicorn on PORT, refusing a port something else already answers on."""
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", PORT)) == 0:
            raise SystemExit(f"port {PORT} is taken: set BENCH_PORT to a free one")
    server = start_server(env)
    time.sleep(1)
    if server.poll() is not None:
        raise SystemExit(f"gunicorn exited ({server.returncode}) on port {PORT}")
    return server


def _get(conn: http.client.HTTPConnection, path: str, cookie: str) -> float:
    headers = {"Cookie": cookie} if cookie else {}
    clock = time.perf_counter()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    elapsed = time.perf_counter() - clock
    if response.status != 200:
        raise SystemExit(f"GET {path} answered {response.status}")
    return elapsed


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))] * 1000

    return {"p50": at(50), "p95": at(95), "p99": at(99), "max": ordered[-1] * 1000,
            "mean": statistics.fmean(ordered) * 1000}


def sequential(cookies: dict[str, str]) -> dict[str, dict[str, float]]:
    """REQUESTS requests per page on one keep-alive connection each, the pages in turn so
    that the anchor and the pages share the machine's ups and downs."""
    conns = {key: http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
             for key, *_ in PAGES}
    samples: dict[str, list[float]] = {key: [] for key, *_ in PAGES}
    for n in range(WARMUP + REQUESTS):
        for key, _label, user, path in PAGES:
            elapsed = _get(conns[key], path, cookies.get(user or "", ""))
            if n >= WARMUP:
                samples[key].append(elapsed)
    for conn in conns.values():
        conn.close()
    return {key: percentiles(values) for key, values in samples.items()}


def wrk(tmp: Path, path: str, cookie: str, seconds: int) -> dict[str, Any]:
    out = run(["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "30s",
               "-s", str(tmp / "pages.lua"), f"http://127.0.0.1:{PORT}{path}", "--", cookie])
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    return dict(json.loads(line.removeprefix("RESULT ")))


def loaded(tmp: Path, cookies: dict[str, str],
           server: subprocess.Popen[bytes]) -> dict[str, dict[str, Any]]:
    (tmp / "pages.lua").write_text(WRK_SCRIPT)
    results = {}
    for key, _label, user, path in PAGES:
        cookie = cookies.get(user or "", "")
        wrk(tmp, path, cookie, 3)
        pids = workers(server)
        ticks = cpu_ticks(pids)
        result = wrk(tmp, path, cookie, WRK_SECONDS)
        result["rate"] = result["ok"] / (result["duration_us"] / 1e6)
        result["cpu_ms"] = ((cpu_ticks(pids) - ticks) * 1000 / cases_submit.CLK
                            / max(1, result["ok"]))
        print(f"  wrk {key}: {result['rate']:.1f}/s p95 {result['p95_us'] / 1000:.1f} ms "
              f"ok={result['ok']} bad={result['bad']}", flush=True)
        results[key] = result
    return results


def sizes() -> dict[str, Any]:
    def sql(query: str) -> str:
        return run(["psql", *PG, "-d", DB, "-tAc", query]).strip()

    tables = ["cases_case", "cases_caseevent", "hotline_ticket", "cockpit_orgday",
              "cockpit_regionday"]
    out: dict[str, Any] = {"tables": {}}
    for table in tables:
        rows = int(sql(f"SELECT count(*) FROM {table}"))  # noqa: S608 - fixed names
        size = sql(f"SELECT pg_size_pretty(pg_total_relation_size('{table}'))")
        out["tables"][table] = (rows, size)
    out["database"] = sql(f"SELECT pg_size_pretty(pg_database_size('{DB}'))")
    out["settings"] = {k: sql(f"SHOW {k}") for k in
                       ("shared_buffers", "work_mem", "effective_cache_size", "jit")}
    return out


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def _plan_summary(entry: dict[str, Any]) -> str:
    """The scans of a plan and its execution time, on one line."""
    scans = sorted({line.strip().removeprefix("-> ").split("  (")[0].strip()
                    for line in entry["plan"]
                    if "Scan" in line and ("->" in line or line == entry["plan"][0])})
    total = next((ln.split(":", 1)[1].strip() for ln in entry["plan"]
                  if ln.startswith("Execution Time")), "?")
    return f"{total}; " + "; ".join(scans)


def _page_rows(seq: dict[str, dict[str, float]], wrk_r: dict[str, dict[str, Any]]) -> list[str]:
    anchor_seq, anchor_wrk = seq["anchor"]["p95"], wrk_r["anchor"]["p95_us"] / 1000
    rows = []
    for key, label, _user, path in PAGES:
        s, w = seq[key], wrk_r[key]
        goal = "–" if key == "anchor" else " / ".join(
            "met" if p95 < GOAL_MS else "**missed**" for p95 in (s["p95"], w["p95_us"] / 1000))
        rows.append(
            f"| {label} (`{path}`) | {s['p50']:.1f} / {s['p95']:.1f} / {s['p99']:.1f} | "
            f"{s['p95'] / anchor_seq:.1f} | {w['p50_us'] / 1000:.1f} / {w['p95_us'] / 1000:.1f}"
            f" / {w['p99_us'] / 1000:.1f} | {w['rate']:.1f} | {w['cpu_ms']:.1f} | "
            f"{w['p95_us'] / 1000 / anchor_wrk:.1f} | {goal} |")
    return rows


def write(machine: dict[str, str], gen: dict[str, Any], dj: dict[str, Any],
          seq: dict[str, dict[str, float]], wrk_r: dict[str, dict[str, Any]],
          data: dict[str, Any], elapsed: float, loads: dict[str, str]) -> None:
    one, back = dj["one_day"], dj["backfill"]
    if back is None:
        backfill = ("- Backfill: not run (BENCH_BACKFILL=false); the rollups are an earlier "
                    f"run's. Rollup tables: OrgDay {one['orgday_rows']:,} rows, RegionDay "
                    f"{one['regionday_rows']:,}.")
    else:
        when = (f" (BENCH_BACKFILL=false: measured by an earlier run on {back['on']})"
                if back.get("earlier") else "")
        backfill = (
            f"- Backfill{when}: `refresh_day` for each of the 365 days, all {one['kpis']} KPIs: "
            f"{back['seconds'] / 60:.1f} min ({back['seconds'] / 365:.2f} s a day on average, "
            f"slowest {back['slowest_day'][1]} {back['slowest_day'][0]:.2f} s), "
            f"{back['rows']:,} KPI rows; errors: {', '.join(back['errors']) or 'none'}. "
            f"Rollup tables after it: OrgDay {one['orgday_rows']:,} rows, RegionDay "
            f"{one['regionday_rows']:,}.")
    refresh, compute, anchor = (statistics.median(one[k]) for k in ("refresh", "compute",
                                                                     "anchor"))
    slow = sorted(one["per_kpi"].items(), key=lambda kv: -kv[1])[:8]
    tried = [e for e in one["explain"] if e.get("candidate")]
    candidates = [
        "The same with the candidate indexes not in the schema (built in a transaction rolled "
        "back afterwards):", "", *[f"- {e['code']}: {_plan_summary(e)}" for e in tried],
        ""] if tried else []
    generated = (f"{gen['seconds'] / 60:.1f} min on {gen['generated_on']}"
                 + ("" if gen.get("generated_now") else " (an earlier run; kept since)"))
    lines = [
        "# Cockpit benchmark (issue 9)", "",
        f"`make bench-cockpit` ({elapsed / 60:.1f} min this run), "
        f"{gen['cases']:,} cases and {gen['tickets']:,} 12345 tickets over the 365 days to "
        f"{gen['end_day']} on PostgreSQL. Reproduce: `make bench-cockpit` (or "
        "`.venv/bin/python bench/cockpit_pages.py`; BENCH_CASES, BENCH_TICKETS, BENCH_KEEP, "
        "BENCH_CONNECTIONS, BENCH_REQUESTS).", "",
        f"## Pages (goal: p95 < {GOAL_MS} ms)", "",
        f"Period {MONTH} (the data's last month). Sequential: {REQUESTS} requests per page "
        f"after {WARMUP} warm-up, one keep-alive connection each, the four URLs in turn. wrk: "
        f"{CONNECTIONS} connections, {WRK_SECONDS} s per page after 3 s of warm-up. Times in "
        "ms; the ratio is the page's p95 over the anchor's p95 in the same mode; CPU is the "
        "gunicorn workers' CPU per request under wrk.", "",
        "| page | sequential p50 / p95 / p99 | × anchor | wrk p50 / p95 / p99 | req/s | "
        "CPU ms | × anchor | goal (sequential / wrk) |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
        *_page_rows(seq, wrk_r), "",
        f"Where the time goes, in-process (Django's test client, no server; median of "
        f"{REPEATS}): " + "; ".join(
            f"{key} {p['total'] * 1000:.0f} ms of which SQL {p['sql'] * 1000:.0f} ms in "
            f"{p['queries']} statements" for key, p in dj["profile"].items()) + ".", "",
        "## Rollups", "",
        backfill,
        f"- One day ({one['day']}, a mid-range working day: {one['day_cases']:,} cases "
        f"completed, {one['day_tickets']:,} tickets replied), {REPEATS} refreshes: "
        f"**median {_ms(refresh)}**, max {_ms(max(one['refresh']))}.",
        f"- Anchor 1, the KPI functions alone (the apps' GROUP BY queries and their Python, "
        f"no rollup written): median {_ms(compute)} — the refresh is "
        f"{refresh / compute:.2f}× that.",
        f"- Anchor 2, two plain counts (the cases whose completed_at falls in the day, the "
        f"tickets whose replied_at does): median {_ms(anchor)} — the refresh is "
        f"{refresh / anchor:,.0f}× that. A lower bound of reading the day, not of computing "
        "its KPIs.", "",
        "Slowest KPIs of the day (one `refresh_day(day, [code])` each):", "",
        "| KPI | seconds |", "|---|---:|",
        *[f"| {code} | {sec:.3f} |" for code, sec in slow], "",
        "Plans of the cases' and the hotline's KPI statements for that day (EXPLAIN ANALYZE: "
        "execution time; scans):", "",
        *[f"- {e['code']}: {_plan_summary(e)}" for e in one["explain"]
          if not e.get("candidate")], "",
        *candidates,
        "## Data", "",
        f"- Generated by bench/cockpit_data.py in {generated}: cases and their submit "
        f"events {gen['case_seconds'] / 60:.1f} min, tickets {gen['ticket_seconds']:.0f} s, "
        f"index builds {gen.get('index_seconds', 0) / 60:.1f} min, VACUUM ANALYZE "
        f"{gen['analyze_seconds']:.0f} s; {gen['bench_organizations']} bench organizations "
        f"beside the demo's, {gen['implementations']:,} implementations.",
        *[f"- {table}: {rows:,} rows, {size} (with indexes)"
          for table, (rows, size) in data["tables"].items()],
        f"- Database: {data['database']}; PostgreSQL settings: "
        + ", ".join(f"{k} {v}" for k, v in data["settings"].items()) + ".", "",
        "## Method and limits", "",
        "- The leaders' sessions are written into Django's session table by the bench (as a "
        "password + TOTP sign-in leaves them, assurance level 2): the sign-in is not timed.",
        "- The anchor page `/healthz` goes through the same server, middleware and database "
        "connection (a `SELECT 1`) without a session or a template.",
        "- One \"submit\" event per case (a real timeline has several events per case: the "
        "events table is smaller than in production, its index on (action, at) is not).",
        "- Client, server and PostgreSQL share the machine's cores.", "",
        "## Machine", "",
        "- load average (1 min) at the start, before the rollups, before the pages: "
        + ", ".join(loads.values()),
        *[f"- {k}: {v}" for k, v in machine.items()], "",
    ]
    (ROOT / "bench" / "RESULTS-cockpit.md").write_text("\n".join(lines))


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed (apt-get install -y wrk)")
    load_start = Path("/proc/loadavg").read_text().split()[0]
    tmp = Path(tempfile.mkdtemp(prefix="jingchu-bench-cockpit-"))
    env = bench_env(tmp / "var") | {"JINGCHU_DATABASE_URL": cockpit_data.database_url(),
                                    "JINGCHU_DEBUG": "false"}
    started = time.time()
    server = None
    loads = {"start": load_start}
    try:
        gen = cockpit_data.ensure(env)
        loads["rollups"] = Path("/proc/loadavg").read_text().split()[0]
        cockpit_data.stream([str(BIN / "python"), str(Path(__file__).resolve()), "django",
                             str(tmp)], env)
        dj = json.loads((tmp / "django.json").read_text())
        server = _start(env)
        loads["pages"] = Path("/proc/loadavg").read_text().split()[0]
        print(f"pages: {REQUESTS} sequential requests each", flush=True)
        seq = sequential(dj["cookies"])
        for key, value in seq.items():
            print(f"  {key}: p50 {value['p50']:.1f} ms p95 {value['p95']:.1f} ms", flush=True)
        print(f"pages: wrk, {CONNECTIONS} connections", flush=True)
        wrk_r = loaded(tmp, dj["cookies"], server)
        server.terminate()
        server.wait(timeout=30)
        server = None
        write(versions(), gen, dj, seq, wrk_r, sizes(), time.time() - started, loads)
        print("wrote bench/RESULTS-cockpit.md")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if not KEEP:
            run(["dropdb", *PG, "--if-exists", DB])
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["django"]:
        import django

        django.setup()
        django_side(Path(sys.argv[2]))
    else:
        main()
