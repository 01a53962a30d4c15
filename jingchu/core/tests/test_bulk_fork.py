"""Forked worker pools survive the parent's native garbage.

A DuckDB connection left in a reference cycle (the lake's linkage leaves Splink's objects so)
used to be finalised by the cyclic collector inside a forked worker, where DuckDB's threads do
not exist: the worker crashed and the pool hung (`make demo` stopped in the population base).
The scenario runs in a child interpreter so that a regression fails by timeout, not by hanging
the suite.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent("""
    import gc, os
    import django
    django.setup()
    import duckdb
    from jingchu.core import bulk

    class Holder:
        pass

    def leak():
        holder = Holder()
        holder.con = duckdb.connect(":memory:", config={"threads": 2})
        holder.me = holder  # a cycle: only the collector frees it
        holder.con.execute("SELECT sum(range) FROM range(100000)").fetchall()

    def work(x):
        gc.collect()  # what a worker's allocations trigger sooner or later
        return x

    gc.disable()
    for _ in range(4):
        leak()
    pool = bulk.forked_pool(2)
    assert pool is not None
    print(sum(pool.map(work, range(40))))
    pool.terminate()
    pool.join()
""")


def test_forked_workers_never_finalise_the_parents_duckdb_garbage() -> None:
    try:
        done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                              timeout=60, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail("the worker pool hung: a worker died finalising the parent's garbage")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == str(sum(range(40)))
