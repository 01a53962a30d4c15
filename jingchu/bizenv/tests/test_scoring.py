"""Distance-to-frontier scoring on hand-computed examples, without a database."""

from __future__ import annotations

import pytest

from jingchu.bizenv.scoring import Part, aggregate, check_bounds, dtf, rank, weighted_mean


def test_lower_is_better_hand_computed() -> None:
    # Time to start a business: frontier 0.5 days, worst 100 days (the Doing Business bounds):
    # 10.5 days → (100 − 10.5) / (100 − 0.5) × 100 = 89.9497…
    assert dtf(10.5, 0.5, 100, "lower") == pytest.approx(89.94975, abs=1e-5)
    assert dtf(25.0, 0.0, 100.0, "lower") == pytest.approx(75.0)


def test_higher_is_better_hand_computed() -> None:
    # A rate: frontier 100 %, worst 60 %; 90 % → (60 − 90) / (60 − 100) × 100 = 75.
    assert dtf(90, 100, 60, "higher") == pytest.approx(75.0)
    # Recovery rate: frontier 92.9, worst 0; 46.45 → 50.
    assert dtf(46.45, 92.9, 0, "higher") == pytest.approx(50.0)


def test_value_at_frontier_and_worst() -> None:
    assert dtf(0.5, 0.5, 100, "lower") == 100.0
    assert dtf(100, 0.5, 100, "lower") == 0.0
    assert dtf(100, 100, 60, "higher") == 100.0
    assert dtf(60, 100, 60, "higher") == 0.0


def test_clamped_to_0_and_100() -> None:
    assert dtf(150, 0.5, 100, "lower") == 0.0  # worse than the worst value
    assert dtf(0.1, 0.5, 100, "lower") == 100.0  # better than the frontier
    assert dtf(40, 100, 60, "higher") == 0.0
    assert dtf(120, 100, 60, "higher") == 100.0


def test_bounds_must_fit_the_direction() -> None:
    with pytest.raises(ValueError):
        check_bounds("lower", 100, 0.5)
    with pytest.raises(ValueError):
        check_bounds("higher", 60, 100)
    with pytest.raises(ValueError):
        dtf(5, 3, 3)
    with pytest.raises(ValueError):
        dtf(5, 10, 1, "lower")


def test_weighted_mean() -> None:
    assert weighted_mean([(80, 2), (50, 1)]) == pytest.approx(70.0)
    assert weighted_mean([(80, 1), (50, 1)]) == pytest.approx(65.0)
    assert weighted_mean([]) is None


def test_missing_value_is_reported_with_its_range_not_zero() -> None:
    topic = aggregate([Part("a", 80), Part("b", None), Part("c", 60)])
    assert topic.score == pytest.approx(70.0)  # from the present ones, not (80 + 0 + 60) / 3
    assert topic.missing == ["b"]
    assert topic.present == 2
    assert topic.low == pytest.approx(140 / 3)  # b at its worst value: score 0
    assert topic.high == pytest.approx(80.0)  # b at the frontier: score 100


def test_weighted_topic_with_missing_range() -> None:
    topic = aggregate([Part("a", 80, 3), Part("b", None, 1)])
    assert topic.score == pytest.approx(80.0)
    assert topic.low == pytest.approx(60.0)
    assert topic.high == pytest.approx(85.0)


def test_overall_excludes_a_topic_without_data_and_widens_the_range() -> None:
    t1 = aggregate([Part("a", 80), Part("b", None), Part("c", 60)])
    t2 = aggregate([Part("d", None)])
    assert t2.score is None and (t2.low, t2.high) == (0.0, 100.0)
    t3 = aggregate([Part("e", 90)])
    overall = aggregate([Part("t1", t1.score, 1, t1.low, t1.high),
                         Part("t2", t2.score, 1, t2.low, t2.high),
                         Part("t3", t3.score, 1, t3.low, t3.high)])
    assert overall.score == pytest.approx(80.0)  # (70 + 90) / 2
    assert overall.missing == ["t2"]
    assert overall.low == pytest.approx((140 / 3 + 0 + 90) / 3)
    assert overall.high == pytest.approx((80 + 100 + 90) / 3)


def test_complete_data_has_no_range() -> None:
    topic = aggregate([Part("a", 80), Part("b", 40)])
    assert topic.score == topic.low == topic.high == pytest.approx(60.0)


def test_competition_ranking() -> None:
    ranks = rank({"a": 90.0, "b": 80.001, "c": 80.0, "d": 70.0, "e": None})
    assert ranks == {"a": 1, "b": 2, "c": 2, "d": 4, "e": None}
