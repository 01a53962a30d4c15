"""The contract between the apps and the cockpit: key performance indicators as additive rows.

Each app that feeds the cockpit has a `kpis.py` module with `KPIS: list[KpiSpec]`. A spec says
what the figure means (a written definition, its source, the plan's target) and computes it as
rows of additive parts, one row per local day and organization (and the organization's region),
so that the cockpit can keep daily rollups and add them up over any period, any region subtree
and any organization without reading the apps' tables again:

- a rate (unit "rate") is Σ numerator / Σ denominator (e.g. on-time replies / replies);
- an average (unit "days", "hours", …) is Σ numerator / Σ denominator (a sum / a count);
- a count (unit "count") is Σ numerator (denominator 1 per row, or the count of what was looked
  at, which the cockpit does not use).

`compute(start, end)` answers the rows for the local days from `start` to `end`, both included,
computed by the database (GROUP BY day and organization); rows whose parts are both zero may be
left out. The function reads only its own app's tables (and core's); the cockpit never reads an
app's tables itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

Unit = Literal["rate", "count", "days", "hours", "steps", "score"]


@dataclass(frozen=True)
class KpiRow:
    """The additive parts of one KPI on one local day for one organization (None: the figure
    has no organization, e.g. a province-wide catalog share) in one region (None: unknown)."""

    day: dt.date
    organization_id: int | None
    region_id: int | None
    numerator: float
    denominator: float


@dataclass(frozen=True)
class KpiSpec:
    code: str  # stable, dotted: "hotline.on_time_rate"
    name: object  # translatable label (gettext_lazy)
    definition: object  # translatable: what is counted, exactly
    source: str  # which app and records it comes from, e.g. "hotline: Ticket"
    unit: Unit
    compute: Callable[[dt.date, dt.date], Iterable[KpiRow]]
    target: float | None = None  # the plan's target where it gives one (a rate as 0–1)
    higher_is_better: bool = True
    # A state-of-the-day figure (a catalog share, a rolling window), not events of the day: over
    # several days it is the latest day's value, not a sum, and the cockpit records it only on
    # the day it is taken, since an app cannot rebuild its catalog's past states.
    snapshot: bool = False


def value(rows: Iterable[KpiRow], unit: Unit, snapshot: bool = False) -> float | None:
    """The KPI over some rows: Σ numerator for a count, Σ numerator / Σ denominator otherwise
    (None when nothing was counted); for a snapshot, over the latest day's rows only."""
    rows = list(rows)
    if snapshot and rows:
        latest = max(row.day for row in rows)
        rows = [row for row in rows if row.day == latest]
    numerator = denominator = 0.0
    for row in rows:
        numerator += row.numerator
        denominator += row.denominator
    if unit == "count":
        return numerator
    return numerator / denominator if denominator else None


T = TypeVar("T")
_shared: ContextVar[dict[Any, Any] | None] = ContextVar("jingchu_kpi_shared", default=None)


@contextmanager
def shared_work() -> Iterator[None]:
    """Within this block, `shared` keeps what one KPI function computed for the next: several
    KPIs of an app often rest on one query (the cases completed on a day feed three figures).
    The cockpit opens it around one refresh; outside it nothing is kept."""
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def shared(key: Any, compute: Callable[[], T]) -> T:
    """`compute()`, or its result from earlier in the same shared_work block."""
    store = _shared.get()
    if store is None:
        return compute()
    if key not in store:
        store[key] = compute()
    found: T = store[key]
    return found


def registry() -> dict[str, KpiSpec]:
    """Every KPI of the installed apps by code: each app's `<app>.kpis` module, when it has one,
    lists its specs in KPIS."""
    from importlib import import_module
    from importlib.util import find_spec

    from django.apps import apps

    found: dict[str, KpiSpec] = {}
    for config in apps.get_app_configs():
        name = f"{config.name}.kpis"
        if not config.name.startswith("jingchu.") or find_spec(name) is None:
            continue
        for spec in getattr(import_module(name), "KPIS", []):
            if spec.code in found:
                raise ValueError(f"KPI code {spec.code} is declared twice")
            found[spec.code] = spec
    return found
