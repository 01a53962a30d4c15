"""Writes bench/RESULTS.md from one run of bench/cases_submit.py."""

from __future__ import annotations

import datetime as dt
import statistics
from pathlib import Path
from typing import Any

GOAL_RATE, GOAL_RATIO = 1000, 0.5
HEADER = ("| endpoint | per second | ratio to anchor | acknowledged | stored | refused | p50 ms "
          "| p99 ms | app CPU ms/req | machine CPU ms/req |")


ROUNDS_HEADER = ("| round | anchor/s | submissions/s | ratio "
                 "| app CPU ms/req (anchor / submission) "
                 "| machine CPU ms/req (anchor / submission) | steal (anchor / submission) |")


def _row(name: str, r: dict[str, Any], anchor: float) -> str:
    return (f"| {name} | {r['rate']:,.0f} | {r['rate'] / anchor:.2f} | {r['ok']:,} | "
            f"{r['stored']:,} | {r['bad']} | {r['p50_us'] / 1000:.1f} | {r['p99_us'] / 1000:.1f} "
            f"| {r['app_cpu_ms']:.2f} | {r['all_cpu_ms']:.2f} |")


def _group_commit(meta: dict[str, Any]) -> str:
    if meta.get("group_commit", True):
        return "on: submissions arriving together in one process share one statement"
    return "off (`JINGCHU_GROUP_COMMIT=false`): one statement per submission"


def _rounds(rounds: list[tuple[dict[str, Any], dict[str, Any]]]) -> str:
    return "\n".join(
        f"| {i} | {b['rate']:,.0f} | {a['rate']:,.0f} | {a['rate'] / b['rate']:.2f} | "
        f"{b['app_cpu_ms']:.2f} / {a['app_cpu_ms']:.2f} | {b['all_cpu_ms']:.2f} / "
        f"{a['all_cpu_ms']:.2f} | {_steal(b)} / {_steal(a)} |"
        for i, (b, a) in enumerate(rounds, 1))


def _steal(r: dict[str, Any]) -> str:
    return f"{r['steal']:.0%}" if "steal" in r else "-"


# The issue's figures for its minimal app (bench/minimal/) on the machine its goal was set on.
ISSUE_MINIMAL_BARE, ISSUE_MINIMAL_NINJA = 2600, 1400


def yardstick_section(rounds: list[tuple[dict[str, Any], dict[str, Any]]], api_rate: float,
                      meta: dict[str, Any]) -> str:
    """The issue's minimal app beside the platform, round by round (`meta["yardstick"]`), all
    rounds together (`meta["yardstick_all"]`, with `meta["yardstick_checks"]`), and what its
    rates say about this host against the machine the goal was set on."""
    yardstick = meta.get("yardstick", [])
    if not yardstick:
        return "Not measured in this run (BENCH_YARDSTICK=false)."
    lines = ["| round | minimal bare/s | minimal ninja/s | anchor/s | submissions/s "
             "| submissions / minimal bare | submissions / minimal ninja |",
             "|---|---|---|---|---|---|---|"]
    for i, ((bare, api), (mini_bare, mini_ninja)) in enumerate(
            zip(rounds, yardstick, strict=True), 1):
        lines.append(f"| {i} | {mini_bare['rate']:,.0f} | {mini_ninja['rate']:,.0f} | "
                     f"{bare['rate']:,.0f} | {api['rate']:,.0f} | "
                     f"{api['rate'] / mini_bare['rate']:.2f} | "
                     f"{api['rate'] / mini_ninja['rate']:.2f} |")
    mini_bare, mini_ninja = meta["yardstick_all"]
    check_bare, check_ninja = meta["yardstick_checks"]
    lines += [
        "", "All rounds together:", "",
        "| endpoint | this host, per second | machine CPU ms/req | the issue's machine "
        "| this host / the issue's |", "|---|---|---|---|---|",
        f"| minimal app, bare insert | {mini_bare['rate']:,.0f} | {mini_bare['all_cpu_ms']:.2f} "
        f"| ~{ISSUE_MINIMAL_BARE:,} | {mini_bare['rate'] / ISSUE_MINIMAL_BARE:.2f} |",
        f"| minimal app, ninja endpoint | {mini_ninja['rate']:,.0f} | "
        f"{mini_ninja['all_cpu_ms']:.2f} | ~{ISSUE_MINIMAL_NINJA:,} | "
        f"{mini_ninja['rate'] / ISSUE_MINIMAL_NINJA:.2f} |",
        "",
        f"- The submissions ran at {api_rate:,.0f}/s here. Scaled by the issue's figure over this "
        "host's (an estimate of their rate on the issue's machine): "
        f"{api_rate * ISSUE_MINIMAL_BARE / mini_bare['rate']:,.0f}/s by the bare insert, "
        f"{api_rate * ISSUE_MINIMAL_NINJA / mini_ninja['rate']:,.0f}/s by the ninja endpoint.",
        f"- Stored vs acknowledged: bare insert {check_bare}; ninja endpoint {check_ninja}.",
    ]
    return "\n".join(lines)


# One run of `setup_pool.py parts`: kind ("submission", "anchor") -> part -> µs per request
# (None: the part did not run for that kind).
PartsRound = dict[str, dict[str, float | None]]
WHOLE = "the whole request"  # the row beside the parts: all of one request
PARTS_NOTE = ("the thread's CPU time; each - is one level inside the part above it (Django's "
              "cursor execute: in storing's statement, or in the anchor's insert); the timers "
              "cost ~0.3 µs per timed call")


def parts_table(rounds: list[PartsRound]) -> str:
    """Each part's median over `rounds`, submission beside anchor, in setup_pool.PARTS order."""
    lines = ["| part | submission, µs per request | anchor, µs per request |", "|---|---|---|"]
    for label in rounds[0]["submission"]:
        cells = []
        for kind in ("submission", "anchor"):
            values = [v for r in rounds if (v := r[kind].get(label)) is not None]
            cells.append(f"{statistics.median(values):,.1f}" if values else "")
        lines.append(f"| {label} | {cells[0]} | {cells[1]} |")
    return "\n".join(lines)


def write_results(path: Path, machine: dict[str, str], bare: dict[str, Any],
                  api: dict[str, Any], profile: dict[str, Any], meta: dict[str, Any]) -> None:
    rounds = meta["rounds"]
    ratios = sorted(a["rate"] / b["rate"] for b, a in rounds)
    ratio = statistics.median(ratios)
    phases = "\n".join(f"| {name} | {ms:.2f} |" for name, ms in profile["phases_ms"].items())
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(profile["query_kinds"].items()))
    sql = "\n".join(f"{i + 1:2d}. `{q}`" for i, q in enumerate(profile["sql"]))
    text = f"""# Benchmark: case submission throughput (issue 3)

Written by `make bench` (bench/cases_submit.py) on {dt.date.today().isoformat()}; numbers from
one run of {len(rounds)} alternating rounds, the anchor measured in each round on the same server.
Rerun to refresh.

## Machine
{", ".join(f"{k}: {v}" for k, v in machine.items())}, load average at the start:
{meta.get("load_start", "?")}

## Set-up
PostgreSQL database `jingchu_bench` (created, migrated, demo data loaded, dropped afterwards);
{meta["server"]}, DEBUG off; wrk on the same machine,
1 thread, {meta["connections"]} keep-alive connections; {meta["seconds"]["warm"]} s warm-ups of
each endpoint, then {len(rounds)} rounds of {meta["seconds"]["bare"]} s (anchor) followed by
{meta["seconds"]["api"]} s (API); bearer tokens of the platform's OIDC provider for a pool of 23
citizens.

- **anchor** `POST /api/v1/cases/bench/bare`: one raw `INSERT ... RETURNING id` of the body
  (exists only with `JINGCHU_BENCH=true`). Both endpoints are hot operations of the API process
  (Django's handler and middleware, no URL resolution, no ninja operation): the same dispatch.
- **API** `POST /api/v1/cases/`: a real submission of 开具个人所得税纳税记录 (000136002000):
  bearer token check (token, user, person, client policy; kept per process for at most 2 s),
  the implementation with its item, current version and organization (kept at most 2 s), JSON
  Schema validation of the form, pre-check (materials, eligibility), then one transaction
  writing the case already submitted with its number, its timeline event and its audit row
  (`do_submit_application`; on PostgreSQL one prepared statement), answered from what was
  written. Group commit {_group_commit(meta)}.

## Results

{ROUNDS_HEADER}
|---|---|---|---|---|---|---|
{_rounds(rounds)}

All rounds together (latencies: the median round's):

{HEADER}
|---|---|---|---|---|---|---|---|---|---|
{_row("anchor (bare INSERT)", bare, bare["rate"])}
{_row("API submission", api, bare["rate"])}

- Submissions: **{api["rate"]:,.0f}/s; {ratio:.2f} of the anchor in the median round**
  (rounds {ratios[0]:.2f}-{ratios[-1]:.2f}; all rounds together
  {api["rate"] / bare["rate"]:.2f}). Goal: >= {GOAL_RATE:,}/s and >= {GOAL_RATIO:.0%} of the
  anchor — **{"met" if api["rate"] >= GOAL_RATE and ratio >= GOAL_RATIO else "not met"}**.
- Stored vs acknowledged: anchor {meta["check_bare"]}; API {meta["check_api"]}.
- CPU columns: the web server's CPU, and the whole machine's busy time (server, PostgreSQL,
  wrk), per acknowledged request; 2 cores give 2,000 ms of CPU per second.
- Steal: the share of the machine's time its host gave to other guests while this one had work
  (`/proc/stat`); the machine CPU columns count it as busy. Over all rounds:
  {_steal(bare)} (anchor), {_steal(api)} (submissions).

## The issue's yardstick on this host
Issue 3 set its goal on a machine where a minimal Django app served by gunicorn (2 workers x 4
threads) answered ~{ISSUE_MINIMAL_BARE:,} bare inserts/s, and ~{ISSUE_MINIMAL_NINJA:,}/s from a
django-ninja endpoint that validates, inserts through the ORM and writes an audit row. The same
app (bench/minimal/: no middleware, connections kept) ran beside the platform on the same
database, {meta["seconds"]["minimal"]} s per endpoint after each round's submissions.

{yardstick_section(rounds, api["rate"], meta)}

## What each part costs in place (one process, one thread, {meta["parts_n"]:,} posts of each kind)
`make bench-parts` measures the same in rounds; {PARTS_NOTE}.

{parts_table([meta["parts"]])}

## Where the time goes (one process, in-process client, cProfile, {profile["n"]} submissions)
cProfile's own cost falls on every call, so it inflates the parts that make many small calls;
the in-place figures above are the better guide to what each part costs.
{profile["ms_per_submission"]:.2f} ms per submission under the profiler;
{profile["queries"]} SQL statements per submission ({kinds}).

| phase (cumulative, ms per submission) | ms |
|---|---|
{phases}

Top functions by own time:
```
{profile["top_tottime"].strip()[-3500:]}
```

SQL of one submission (the lookups of the token and of the implementation, once every 2 s per
process, are not among them when they were cached):
{sql}
"""
    history = path.parent / "HISTORY.md"
    if history.exists():  # the hand-written account of what changed, kept across reruns
        text += "\n" + history.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
