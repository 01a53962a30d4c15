"""Distance-to-frontier scoring, pure functions with no database.

An indicator's score is `(worst − value) / (worst − frontier) × 100`, clamped to 0–100: the
frontier scores 100 and the worst value 0. The one formula serves both directions: for a
"lower is better" indicator the frontier lies below the worst value, for "higher is better"
above it (`check_bounds` refuses an indicator whose bounds contradict its direction).

A topic's score is the weighted mean of the scores of its indicators that have a value. Missing
values are never counted as zero: the topic lists them, and its sensitivity is the range the
score would take if every missing value stood at the worst value (score 0) or at the frontier
(100). A topic with no value at all has no score and the range 0–100. The overall score is the
weighted mean of the topics that have a score, with the range taken the same way over all topics
(each topic at its own low or high end).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

LOWER = "lower"
HIGHER = "higher"


def check_bounds(direction: str, frontier: float, worst: float) -> None:
    """Refuse bounds that do not fit the direction (ValueError)."""
    if frontier == worst:
        raise ValueError("frontier and worst value must differ")
    if direction == LOWER and not frontier < worst:
        raise ValueError("lower is better: the frontier must be below the worst value")
    if direction == HIGHER and not frontier > worst:
        raise ValueError("higher is better: the frontier must be above the worst value")
    if direction not in (LOWER, HIGHER):
        raise ValueError(f"unknown direction {direction!r}")


def dtf(value: float, frontier: float, worst: float, direction: str | None = None) -> float:
    """The distance-to-frontier score of `value`, 0–100. With `direction` given, the bounds are
    checked against it first."""
    if direction is not None:
        check_bounds(direction, frontier, worst)
    elif frontier == worst:
        raise ValueError("frontier and worst value must differ")
    raw = (worst - value) / (worst - frontier) * 100.0
    return min(100.0, max(0.0, raw))


def weighted_mean(pairs: Iterable[tuple[float, float]]) -> float | None:
    """Σ wᵢ·xᵢ / Σ wᵢ over (score, weight) pairs; None when nothing (or no weight) is given."""
    total = weights = 0.0
    for score, weight in pairs:
        total += score * weight
        weights += weight
    return total / weights if weights > 0 else None


@dataclass(frozen=True)
class Part:
    """One scored part (an indicator within a topic, or a topic within the overall): its score
    (None: missing), its weight, and the range it may take when missing values are filled
    (`low`, `high`; for a present indicator both equal the score)."""

    key: str
    score: float | None
    weight: float = 1.0
    low: float | None = None
    high: float | None = None

    def bounds(self) -> tuple[float, float]:
        if self.score is None and self.low is None:
            return 0.0, 100.0
        low = self.low if self.low is not None else self.score
        high = self.high if self.high is not None else self.score
        assert low is not None and high is not None
        return low, high


@dataclass(frozen=True)
class Aggregate:
    """A weighted mean over parts: the score from the present parts, the missing parts' keys,
    and the range (low, high) with every missing part at its worst or best."""

    score: float | None
    low: float
    high: float
    present: int
    missing: list[str] = field(default_factory=list)


def aggregate(parts: Sequence[Part]) -> Aggregate:
    """Weighted mean of the present parts, with the sensitivity range over all parts.

    A part that is present but itself incomplete (a topic with some missing indicators) carries
    its own range, which the overall range uses."""
    present = [p for p in parts if p.score is not None]
    missing = [p.key for p in parts if p.score is None]
    score = weighted_mean((p.score, p.weight) for p in present if p.score is not None)
    if not parts:
        return Aggregate(None, 0.0, 100.0, 0, [])
    low = weighted_mean((p.bounds()[0], p.weight) for p in parts)
    high = weighted_mean((p.bounds()[1], p.weight) for p in parts)
    return Aggregate(score, low if low is not None else 0.0,
                     high if high is not None else 100.0, len(present), missing)


def rank(scores: dict[str, float | None]) -> dict[str, int | None]:
    """Competition ranking (1, 2, 2, 4) by score, highest first, scores rounded to 2 decimals
    for ties; a key without a score has no rank."""
    ordered = sorted((round(s, 2), k) for k, s in scores.items() if s is not None)
    ordered.sort(key=lambda pair: -pair[0])
    ranks: dict[str, int | None] = {k: None for k in scores}
    previous: float | None = None
    place = 0
    for index, (score, key) in enumerate(ordered, start=1):
        if score != previous:
            place = index
            previous = score
        ranks[key] = place
    return ranks
