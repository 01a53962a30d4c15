"""The KPI contract: additive rows add up to rates, averages and counts; the registry finds
every app's specs and each names its app, unit and a definition."""

from __future__ import annotations

import datetime as dt

from jingchu.core.kpi import KpiRow, registry, value

DAY = dt.date(2026, 11, 2)


def rows(*parts: tuple[float, float]) -> list[KpiRow]:
    return [KpiRow(DAY, None, None, n, d) for n, d in parts]


def test_rates_and_averages_are_sums_over_sums_not_means_of_rates() -> None:
    # 1/1 and 1/3: the rate over both is 2/4, not the mean of 100% and 33%
    assert value(rows((1, 1), (1, 3)), "rate") == 0.5
    assert value(rows((10, 2), (2, 2)), "days") == 3.0
    assert value(rows(), "rate") is None
    assert value(rows((0, 0)), "days") is None


def test_counts_add_numerators() -> None:
    assert value(rows((3, 1), (4, 0)), "count") == 7
    assert value(rows(), "count") == 0


def test_every_registered_kpi_is_well_formed() -> None:
    specs = registry()
    for code, spec in specs.items():
        app = code.split(".")[0]
        assert spec.code == code and app.isidentifier(), code
        assert spec.unit in ("rate", "count", "days", "hours", "steps", "score"), code
        assert str(spec.definition).strip() and str(spec.name).strip(), code
        assert spec.target is None or 0 < spec.target <= 1 or spec.unit != "rate", code
        assert callable(spec.compute), code
