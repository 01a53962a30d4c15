"""Generated person records for the linkage benchmark (bench/lake_linkage.py): DISTINCT persons
of the demo population generator (jingchu.sharing.bases_gen: real name frequencies, valid ID
numbers over Hubei's counties, mobiles) and DUPLICATES corrupted copies with the errors of
jingchu.lake.linkage_synth (name typos, transposed ID digits, missing or other phones, birth
dates a day off), shuffled, with a `truth` column (the person's index) for precision and recall.

The persons are made chunk by chunk in worker processes (a chunk's records depend only on the
seed, the chunk and how many persons each county already has, which is computed first), written
with pyarrow, and cached under var/bench/ keyed by the sizes, the seed and GENERATOR_VERSION.
"""

from __future__ import annotations

import os
import random
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "var" / "bench"
GENERATOR_VERSION = 1  # bump when the records change: the cache key includes it


def cache_path(distinct: int, duplicates: int, seed: int) -> Path:
    return CACHE / f"lake-linkage-{distinct}-{duplicates}-s{seed}-g{GENERATOR_VERSION}.parquet"


def _plan(distinct: int, seed: int) -> list[tuple[int, list[int], list[int]]]:
    """(chunk, its county draws, persons per county before it) for every chunk needed."""
    from jingchu.sharing import bases_gen

    counts = [0] * len(bases_gen.counties())
    plan = []
    for chunk in range((distinct + bases_gen.CHUNK - 1) // bases_gen.CHUNK):
        regions = bases_gen.region_draws(seed, chunk)
        plan.append((chunk, regions, list(counts)))
        for region in regions:
            counts[region] += 1
    return plan


def _chunk_rows(args: tuple[int, int, list[int], list[int]]) -> list[dict[str, Any]]:
    import django

    django.setup()
    from jingchu.lake.linkage_synth import person_row
    from jingchu.sharing import bases_gen

    seed, chunk, regions, counts = args
    start = chunk * bases_gen.CHUNK
    people = bases_gen.persons_of_chunk(seed, chunk, regions, counts)
    return [person_row(start + i, p) for i, p in enumerate(people)]


def generate(distinct: int, duplicates: int, seed: int, path: Path, workers: int) -> None:
    from jingchu.lake import linkage_synth

    plan = _plan(distinct, seed)
    rows: list[dict[str, Any]] = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for part in pool.map(_chunk_rows, [(seed, c, r, n) for c, r, n in plan], chunksize=4):
            rows.extend(part)
    del rows[distinct:]
    rng = random.Random(f"{seed}:linkage-duplicates")
    rows.extend(linkage_synth.corrupt(rng, rows[rng.randrange(distinct)])
                for _ in range(duplicates))
    rng.shuffle(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    pq.write_table(pa.Table.from_pylist(rows, schema=linkage_synth.SCHEMA), temporary,
                   compression="zstd")
    temporary.replace(path)


def ensure(distinct: int, duplicates: int, seed: int, workers: int | None = None
           ) -> tuple[Path, float | None]:
    """The cached file, generated when missing; and the seconds generating took (None when
    it came from the cache)."""
    path = cache_path(distinct, duplicates, seed)
    if path.exists():
        return path, None
    started = time.perf_counter()
    generate(distinct, duplicates, seed, path, workers or os.cpu_count() or 1)
    return path, time.perf_counter() - started
