"""The double-random draw (issue 8): how long a city-sized draw takes, next to the least work
any such draw must do — the HMAC-SM3 ranks alone — measured in the same run.
`make bench-supervision-draw` runs it and writes bench/RESULTS-supervision-draw.md.

What is measured (no database; `jingchu/supervision/drawing.py` is standalone):
- draw: `drawing.run(inputs, seed, witness)` (jingchu-draw-v2) on generated inputs — N entities
  across the four credit grades (A 25%, B 50%, C 15%, D 10%), M inspectors in two departments
  (a joint plan, 2 per entity), 2% of the entities with one declared conflict, base ratio 5%
  — including parsing and checking the inputs, exact counts, ranking, team assignment with
  load balancing and building the canonical result;
- anchor: computing the same number of HMAC-SM3 ranks the draw needs at least (one per entity,
  and one per eligible inspector of each drawn entity) with the same HMAC-SM3 code, and nothing
  else: the floor a rank-based draw cannot go below;
- ratio: draw time / anchor time (1.0 would mean the algorithm costs nothing beyond hashing).
Each figure is the median of 3 runs (BENCH_REPEAT).
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "jingchu" / "supervision"))
import drawing  # noqa: E402  (standalone module, imported without Django)

RESULTS = ROOT / "bench" / "RESULTS-supervision-draw.md"
SIZES = [(2_000, 40), (20_000, 200), (100_000, 600)]
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
SEED = bytes(range(32))
WITNESS = "见证码 2026-11-30 第3号"
RULES = [{"grade": "A", "factor": "0.50", "cap_percent": "5.00"},
         {"grade": "B", "factor": "1.00", "cap_percent": "10.00"},
         {"grade": "C", "factor": "2.00", "cap_percent": "30.00"},
         {"grade": "D", "factor": "3.00", "cap_percent": None}]
GRADES = "AAAAABBBBBBBBBBCCCDD"  # 25% A, 50% B, 15% C, 10% D


def make_inputs(entities: int, inspectors: int) -> dict[str, Any]:
    staff = [{"certificate": f"ZF-{'SC' if n % 2 else 'HJ'}-{n:05d}",
              "department": "LEAD" if n % 2 else "PARTNER"} for n in range(inspectors)]
    rows = []
    for i in range(entities):
        exclude = [staff[i % inspectors]["certificate"]] if i % 50 == 0 else []
        rows.append({"uscc": f"91420100{i:010d}", "grade": GRADES[i % len(GRADES)],
                     "exclude": exclude})
    return {"algorithm": drawing.ALGORITHM,
            "plan": {"number": "420100-CC-2026-0001", "lead_department": "LEAD",
                     "partner_departments": ["PARTNER"], "ratio_percent": "5.00",
                     "inspectors_per_entity": 2,
                     "items": [{"code": "SC-001", "department": "LEAD", "is_key": False}]},
            "rules": RULES, "entities": rows, "inspectors": staff}


def median_seconds(work: Any) -> float:
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(entities: int, inspectors: int) -> dict[str, Any]:
    inputs = make_inputs(entities, inspectors)
    result = drawing.run(inputs, SEED, WITNESS)
    drawn = len(result["inspections"])
    hashes = entities + drawn * inspectors  # the least number of ranks such a draw computes
    mac = drawing.HmacSm3(SEED)
    labels = [b'["entity","91420100%010d"]' % i for i in range(hashes)]

    def anchor() -> None:
        for label in labels:
            mac(label)

    draw_s = median_seconds(lambda: drawing.run(inputs, SEED, WITNESS))
    anchor_s = median_seconds(anchor)
    return {"entities": entities, "inspectors": inspectors, "drawn": drawn, "hashes": hashes,
            "draw_s": draw_s, "anchor_s": anchor_s, "ratio": draw_s / anchor_s}


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main() -> int:
    rows = [measure(n, m) for n, m in SIZES]
    cpu = cpu_model()
    lines = [
        "# Double-random draw (issue 8)", "",
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {cpu} ({os.cpu_count()} cores), "
        f"Python {platform.python_version()}; median of {REPEAT}.",
        "Reproduce: `make bench-supervision-draw` (what is measured: bench/supervision_draw.py).",
        "", "| entities | inspectors | drawn | ranks (anchor) | draw | anchor: ranks only | "
        "draw / anchor |", "|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['entities']:,} | {r['inspectors']:,} | {r['drawn']:,} | "
                     f"{r['hashes']:,} | {r['draw_s'] * 1000:,.0f} ms | "
                     f"{r['anchor_s'] * 1000:,.0f} ms | {r['ratio']:.2f} |")
    text = "\n".join(lines) + "\n"
    RESULTS.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
