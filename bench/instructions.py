"""Instructions per case submission in the web process, counted by callgrind: steady where rates
and CPU times on a shared two-core machine are not (bench/HISTORY.md, sixth and seventh
sessions). `make bench-instructions` runs it; BASE=<git revision> also counts that revision's
tree at the same time, on its own copy of the same database, and prints the difference.

Each count is one process posting the benchmark's submission straight to the API process's
WSGI application (bench/setup_pool.py `loop`; until the eighth session through Django's test
client) on PostgreSQL, 30 warm posts and then N. A run with N = 0 gives what start-up and the
warm posts cost, so the count per submission is (count(N) - count(0)) / N. The bare-insert
anchor is counted the same way, and so is the other revision, each against its own N = 0 run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from cases_submit import BIN, PG, ROOT, bench_env, demo_database, run

N = int(os.environ.get("BENCH_N", "600"))
TEMPLATE = "jingchu_instr"
ANCHOR = ("/api/v1/cases/bench/bare", "200")


def _database(name: str) -> str:
    run(["dropdb", *PG, "--if-exists", name])
    run(["createdb", *PG, "-T", TEMPLATE, name])
    return name


def count(tree: Path, db: str, n: int, tmp: Path, target: tuple[str, str] | None = None) -> int:
    """Instructions callgrind counts for the `loop` of `n` posts with `tree`'s code (the loop
    itself is this tree's, so that an older revision without it can be counted)."""
    env = bench_env(tmp / "var", _database(db)) | {
        "DJANGO_SETTINGS_MODULE": "jingchu.settings_api",
        "PYTHONPATH": str(tree),  # ahead of the editable install: this tree's code
    }
    out = tmp / f"{db}.callgrind"
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", str(BIN / "python"),
         str(ROOT / "bench" / "setup_pool.py"), "loop", str(tmp), str(n), *(target or ())],
        cwd=tree, env=env, text=True, capture_output=True, check=False)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode or not found:
        raise SystemExit(done.stderr[-3000:])
    run(["dropdb", *PG, "--if-exists", db])
    return int(found.group(1))


def main() -> None:
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is not installed (apt-get install -y valgrind)")
    tmp = Path(tempfile.mkdtemp(prefix="jingchu-instr-"))
    env = bench_env(tmp / "var", TEMPLATE)
    base_tree = None
    try:
        demo_database(TEMPLATE, env, tmp)
        trees = {"this tree": ROOT}
        if os.environ.get("BASE"):
            base_tree = tmp / "base"
            run(["git", "worktree", "add", "--detach", str(base_tree), os.environ["BASE"]])
            trees[os.environ["BASE"]] = base_tree
        for tree in trees.values():  # byte code written before, not during, the counts
            run([str(BIN / "python"), "-m", "compileall", "-q", str(tree / "jingchu")])
        jobs = [(name, kind, tree, n, target) for name, tree in trees.items()
                for kind, target in (("submission", None), ("anchor", ANCHOR))
                if kind == "submission" or tree == ROOT for n in (0, N)]
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = [pool.submit(count, tree, f"jingchu_instr_{i}", n, tmp, target)
                       for i, (_name, _kind, tree, n, target) in enumerate(jobs)]
            counts = {(name, kind, n): f.result()
                      for (name, kind, _tree, n, _t), f in zip(jobs, futures, strict=True)}
        # Start-up and the 30 warm posts are the same with 0 and N posts: the difference is N.
        per = {(name, kind): (counts[(name, kind, N)] - counts[(name, kind, 0)]) / N
               for name, kind, _tree, n, _t in jobs if n == N}
        for (name, kind), value in per.items():
            print(f"{name}, {kind}: {value / 1e6:.2f} M instructions per request")
        ours = per[("this tree", "submission")]
        print(f"submission / anchor: {ours / per[('this tree', 'anchor')]:.2f}")
        if base_tree is not None:
            theirs = per[(os.environ["BASE"], "submission")]
            print(f"this tree - {os.environ['BASE']}: {(ours - theirs) / 1e3:+.0f} k instructions "
                  f"per submission ({(ours - theirs) / theirs:+.1%})")
    finally:
        if base_tree is not None:
            run(["git", "worktree", "remove", "--force", str(base_tree)])
        run(["dropdb", *PG, "--if-exists", TEMPLATE])
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
