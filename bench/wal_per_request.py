"""What PostgreSQL writes to its WAL per case submission, next to the bare-insert anchor, in one
run: records, full-page images and bytes per request, read from `pg_stat_wal` around N in-process
posts of each kind (bench/setup_pool.py `loop`, 30 warm posts included), once right after a
CHECKPOINT and once without, twice over. `make bench-wal` runs it; prints a table
(bench/HISTORY.md, "Nineteenth session").

The counts are the whole cluster's: run it on a machine with nothing else writing.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from cases_submit import BIN, PG, ROOT, bench_env, demo_database, run

N = int(os.environ.get("BENCH_N", "2000"))
DB = "jingchu_wal"
WARM = 30  # the loop's warm posts, written too
KINDS = {"anchor (bare INSERT)": ("/api/v1/cases/bench/bare", "200"), "API submission": ()}


def _wal() -> list[int]:
    row = run(["psql", *PG, "-d", DB, "-Atc",
               "SELECT wal_records, wal_fpi, wal_bytes FROM pg_stat_wal"]).strip()
    return [int(x) for x in row.split("|")]


def _per_request(env: dict[str, str], tmp: Path, target: tuple[str, ...],
                 checkpoint: bool) -> list[float]:
    if checkpoint:
        run(["psql", *PG, "-d", DB, "-Atc", "CHECKPOINT"])
    before = _wal()
    subprocess.run([str(BIN / "python"), str(ROOT / "bench" / "setup_pool.py"), "loop",
                    str(tmp), str(N), *target], env=env, cwd=ROOT, check=True,
                   capture_output=True)
    return [(b - a) / (N + WARM) for a, b in zip(before, _wal(), strict=True)]


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="jingchu-wal-"))
    env = bench_env(tmp / "var", DB)
    demo_database(DB, env, tmp)
    env |= {"DJANGO_SETTINGS_MODULE": "jingchu.settings_api"}
    print(f"| kind | after a checkpoint | records | full-page images | bytes |  (N = {N})")
    print("|---|---|---|---|---|")
    try:
        for _ in range(2):
            for checkpoint in (True, False):
                for kind, target in KINDS.items():
                    records, fpi, size = _per_request(env, tmp, target, checkpoint)
                    print(f"| {kind} | {'yes' if checkpoint else 'no'} | {records:.1f} | "
                          f"{fpi:.3f} | {size:,.0f} |", flush=True)
    finally:
        run(["dropdb", *PG, "--if-exists", DB])


if __name__ == "__main__":
    main()
