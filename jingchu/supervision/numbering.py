"""Plan numbers (抽查计划编号) and the numbers of the inspections a draw makes.

Plan: RRRRRR-CC-YYYY-NNNN: the 6-digit GB/T 2260 code of the lead department's region, the
literal CC (抽查), the year in Asia/Shanghai when the plan was made and a serial that restarts
every year per region (four digits, more once past 9999). Example: 420100-CC-2026-0007.
Inspection: the plan's number and the inspection's place in the draw's visiting order,
{plan}-{n:04d}. Example: 420100-CC-2026-0007-0012.
"""

from __future__ import annotations

from jingchu.core import counters
from jingchu.supervision.models import PlanNumberCounter


def prefix_for(region_code: str, year: int) -> str:
    return f"{region_code[:6]}-CC-{year:04d}"


def next_plan_number(region_code: str, year: int) -> str:
    """Allocate the next plan number of the region and year; call inside the transaction that
    makes the plan."""
    prefix = prefix_for(region_code, year)
    return f"{prefix}-{counters.increment(PlanNumberCounter, prefix):04d}"


def inspection_number(plan_number: str, n: int) -> str:
    return f"{plan_number}-{n:04d}"
