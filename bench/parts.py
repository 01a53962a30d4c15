"""What each part of a case submission costs in place, next to the anchor's (`make bench-parts`).

One process posts the benchmark's submission straight to the API process's WSGI application
(bench/setup_pool.py `parts`, the loop `make bench-instructions` counts), on PostgreSQL, with the
thread's CPU time taken around named parts (setup_pool.PARTS): the bearer check, JSON Schema,
the new instances, storing, the answer ... and around the whole request; then the same for the
bare-insert anchor. Why in place: a part run once per request, amid everything else, can cost
several times what it costs alone in a loop (bench/HISTORY.md, "Fifteenth session"), and
py-spy's samples understate the small parts. The figures are CPU times, so they move with the
machine: compare parts within one run, and trees with `make bench-instructions`.

`BENCH_N` posts per kind (default 3,000) in `BENCH_PARTS_ROUNDS` rounds (default 3), each in its
own process; the table gives each part's median. Prints a table, writes nothing else.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

from bench_report import PARTS_NOTE, WHOLE, PartsRound, parts_table
from cases_submit import BIN, PG, bench_env, demo_database, run

N = int(os.environ.get("BENCH_N", "3000"))
ROUNDS = int(os.environ.get("BENCH_PARTS_ROUNDS", "3"))
DB = "jingchu_parts"


def _round(tmp: Path, env: dict[str, str]) -> PartsRound:
    run([str(BIN / "python"), "bench/setup_pool.py", "parts", str(tmp), str(N)], env)
    found: PartsRound = json.loads((tmp / "parts.json").read_text())
    return found


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="jingchu-parts-"))
    env = bench_env(tmp / "var", DB)
    try:
        demo_database(DB, env, tmp)
        api_env = env | {"DJANGO_SETTINGS_MODULE": "jingchu.settings_api"}
        rounds = [_round(tmp, api_env) for _ in range(ROUNDS)]
        print(f"{N:,} posts of each kind per round, {ROUNDS} rounds, medians; {PARTS_NOTE}")
        print(parts_table(rounds))
        wholes = [(r["submission"][WHOLE] or 0) / (r["anchor"][WHOLE] or 1) for r in rounds]
        print(f"\nsubmission / anchor, whole request: {statistics.median(wholes):.2f} "
              f"(rounds {', '.join(f'{w:.2f}' for w in wholes)})")
    finally:
        run(["dropdb", *PG, "--if-exists", DB])


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
