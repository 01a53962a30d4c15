"""gunicorn settings of the benchmark (both endpoints run under them), a starting point for
production on a small machine. `gunicorn jingchu.wsgi -c bench/gunicorn.conf.py`.

- 2 gthread workers x 4 threads on 2 cores: one process per core for the Python work, threads
  to overlap each request's waits on PostgreSQL. BENCH_WORKERS / BENCH_THREADS override.
- The GIL switch interval down from 5 ms to 1 ms (BENCH_SWITCH_MS): a thread whose database
  reply has arrived gets the interpreter back sooner from a sibling busy in Python, which
  shortens every request's tail (and any row lock a transaction holds across round trips).
"""

from __future__ import annotations

import os
import sys
from typing import Any

workers = int(os.environ.get("BENCH_WORKERS", "2"))
threads = int(os.environ.get("BENCH_THREADS", "4"))
worker_class = "gthread"
keepalive = 30
loglevel = "warning"
SWITCH_SECONDS = float(os.environ.get("BENCH_SWITCH_MS", "1")) / 1000


def post_fork(server: Any, worker: Any) -> None:
    sys.setswitchinterval(SWITCH_SECONDS)
