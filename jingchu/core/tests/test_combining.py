"""Group commit in one process (core.combining): who writes, in which batches, whose outcome."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import pytest

from jingchu.core.combining import Combiner

WAIT = 10  # seconds: a bound for a broken test, never reached by a passing one


class _Gated:
    """A batch runner recording its batches; the first batch waits for `release` so that
    other callers queue up meanwhile."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.entered = threading.Event()
        self.release = threading.Event()
        self.fail: set[int] = set()  # items answered with their own error
        self.raise_for: set[int] = set()  # a batch with one of these raises as a whole

    def __call__(self, items: Sequence[int]) -> list[int | BaseException]:
        self.batches.append(list(items))
        if len(self.batches) == 1:
            self.entered.set()
            assert self.release.wait(WAIT)
        if self.raise_for & set(items):
            raise RuntimeError("the whole batch failed")
        return [ValueError(i) if i in self.fail else i * 10 for i in items]


def _start(combiner: Combiner[int, int], items: Sequence[int],
           outcomes: dict[int, object]) -> list[threading.Thread]:
    def call(item: int) -> None:
        try:
            outcomes[item] = combiner.run(item)
        except Exception as exc:  # the outcome under test
            outcomes[item] = exc

    threads = [threading.Thread(target=call, args=(i,)) for i in items]
    for t in threads:
        t.start()
    return threads


def _queued(combiner: Combiner[int, int], count: int) -> None:
    deadline = time.monotonic() + WAIT
    while len(combiner._waiting) < count:
        assert time.monotonic() < deadline, "the callers never queued"
        time.sleep(0.001)


def _run_with_queue(runner: _Gated, limit: int, waiting: Sequence[int],
                    ) -> dict[int, object]:
    """Item 0 leads a first batch that holds until `waiting` have all queued."""
    combiner = Combiner(runner, limit)
    outcomes: dict[int, object] = {}
    threads = _start(combiner, [0], outcomes)
    assert runner.entered.wait(WAIT)
    threads += _start(combiner, waiting, outcomes)
    _queued(combiner, len(waiting))
    runner.release.set()
    for t in threads:
        t.join(WAIT)
    assert not any(t.is_alive() for t in threads)
    assert not combiner._leading and not combiner._waiting  # nobody left behind
    return outcomes


def test_a_caller_alone_is_written_at_once():
    runner = _Gated()
    runner.release.set()
    combiner = Combiner(runner, 8)
    assert combiner.run(3) == 30 and combiner.run(4) == 40
    assert runner.batches == [[3], [4]]


def test_callers_arriving_while_one_writes_go_in_one_batch():
    runner = _Gated()
    outcomes = _run_with_queue(runner, 8, [1, 2, 3])
    assert runner.batches[0] == [0] and sorted(runner.batches[1]) == [1, 2, 3]
    assert len(runner.batches) == 2
    assert outcomes == {0: 0, 1: 10, 2: 20, 3: 30}  # each its own result


def test_a_batch_holds_at_most_the_limit():
    runner = _Gated()
    outcomes = _run_with_queue(runner, 2, [1, 2, 3, 4, 5])
    assert [len(b) for b in runner.batches] == [1, 2, 2, 1]
    assert sorted(i for b in runner.batches for i in b) == [0, 1, 2, 3, 4, 5]
    assert outcomes == {i: i * 10 for i in range(6)}


def test_an_items_error_is_its_own():
    runner = _Gated()
    runner.fail = {2}
    outcomes = _run_with_queue(runner, 8, [1, 2, 3])
    assert isinstance(outcomes[2], ValueError)
    assert (outcomes[1], outcomes[3]) == (10, 30)


def test_a_failed_batch_fails_its_callers_and_the_next_batch_still_runs():
    runner = _Gated()
    runner.raise_for = {0}
    outcomes = _run_with_queue(runner, 8, [1, 2])
    assert isinstance(outcomes[0], RuntimeError)
    assert (outcomes[1], outcomes[2]) == (10, 20)


def test_a_runner_answering_too_few_outcomes_fails_the_batch():
    combiner: Combiner[int, int] = Combiner(lambda items: [], 4)
    with pytest.raises(RuntimeError, match="different number"):
        combiner.run(1)
    assert not combiner._leading


def test_a_batch_holds_at_least_one_item():
    with pytest.raises(ValueError, match="at least one"):
        Combiner(lambda items: list(items), 0)


def test_many_threads_each_get_their_own_outcome_once():
    """Callers come and go in every order: each gets its own result, nobody waits for ever, and
    no caller is woken twice (a second release of its lock would raise in the leader)."""
    seen: list[int] = []

    def runner(items: Sequence[int]) -> list[int]:
        seen.extend(items)
        time.sleep(0)  # let others queue
        return [i * 10 for i in items]

    combiner = Combiner(runner, 4)
    outcomes: dict[int, object] = {}
    items = list(range(2000))
    def call(part: Sequence[int]) -> None:
        for i in part:
            outcomes[i] = combiner.run(i)

    threads = [threading.Thread(target=call, args=(items[k::8],), daemon=True) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT)
    assert not any(t.is_alive() for t in threads)
    assert outcomes == {i: i * 10 for i in items}
    assert sorted(seen) == items  # each written once
    assert not combiner._leading and not combiner._waiting


class _HandOverGate:
    """The combiner's lock, which makes the thread named `who` stop right after its first
    `with` (where a caller decides whether it leads) until the leader has handed it the lead:
    the interleaving that once left a batch's callers waiting for good."""

    def __init__(self, lock: threading.Lock, who: str, hand_over: threading.Event,
                 leader: threading.Thread) -> None:
        self.lock, self.who, self.hand_over, self.leader = lock, who, hand_over, leader
        self.armed = True

    def __enter__(self) -> None:
        self.lock.acquire()

    def __exit__(self, *exc: object) -> None:
        self.lock.release()
        if self.armed and threading.current_thread().name == self.who:
            self.armed = False
            self.hand_over.set()  # the leader's batch ends; it hands the lead to `who`
            self.leader.join(WAIT)


def test_a_caller_handed_the_lead_before_it_waits_leads_once():
    runner = _Gated()
    combiner = Combiner(runner, 8)
    outcomes: dict[int, object] = {}
    [leader] = _start(combiner, [1], outcomes)
    assert runner.entered.wait(WAIT)  # 1 is writing its batch
    combiner._lock = _HandOverGate(combiner._lock, "second", runner.release,  # type: ignore[assignment]
                                   leader)

    def second() -> None:
        try:
            outcomes[2] = combiner.run(2)
        except Exception as exc:  # the outcome under test
            outcomes[2] = exc

    thread = threading.Thread(target=second, name="second")
    thread.start()
    thread.join(WAIT)
    assert not thread.is_alive() and not leader.is_alive()
    assert outcomes == {1: 10, 2: 20}
    assert runner.batches == [[1], [2]]  # 2 was handed the lead and wrote its own batch
    assert not combiner._leading and not combiner._waiting
