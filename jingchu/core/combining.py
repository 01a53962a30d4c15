"""Group commit inside one process: callers' items written together, one statement per batch.

Why: a write that takes a hot lock until its commit (a case number's counter row) serialises
every caller on that lock, WAL flush included, and each waiter costs PostgreSQL a sleep and a
wake-up. When the threads of one process each send their own statement, all of them queue on
the row; when they hand their items to one writer, the process sends one statement for all that
are waiting: one lock hold, one commit and one flush for the batch (bench/HISTORY.md, "Tenth
session").

How: the first caller to find nobody writing becomes the leader; it takes the waiting items (at
most `limit`, its own first) and runs the batch on its own thread. Callers arriving meanwhile
wait; when the leader is done it hands each its outcome, and makes the first of those still
waiting the next leader. Nobody else writes, so a caller alone is written at once, as before.
No thread of its own, so nothing to start, stop or fork; a leader's failure reaches exactly
the callers of its batch, and the next batch still runs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# A batch's outcome per item, in the items' order: its result, or the exception it raised.
BatchRunner = Callable[[Sequence[Item]], Sequence["Result | BaseException"]]


class _Slot(Generic[Item, Result]):
    __slots__ = ("done", "error", "item", "lead", "result", "woken")

    def __init__(self, item: Item) -> None:
        self.item = item
        # Held from the start; released once when the caller may go on (written, or made the
        # leader). Why a lock, not an Event: an Event is a Condition with its own lock and a
        # list of waiters, ~40 times the cost to make, and one is made per item.
        self.woken = threading.Lock()
        self.woken.acquire()
        self.lead = False
        self.done = False
        self.result: Result | None = None
        self.error: BaseException | None = None


class Combiner(Generic[Item, Result]):
    """`run(item)` answers `item`'s outcome of `run_batch`, batched with other threads' items.

    `run_batch` is given one to `limit` items and answers one outcome per item (a result, or
    the exception that item raised); an exception it raises itself is every item's outcome.
    """

    def __init__(self, run_batch: BatchRunner[Item, Result], limit: int) -> None:
        if limit < 1:
            raise ValueError("a batch holds at least one item")
        self._run_batch = run_batch
        self._limit = limit
        self._lock = threading.Lock()
        self._waiting: list[_Slot[Item, Result]] = []
        # Invariant: while nobody leads, nobody waits (the leader hands off or finds none).
        self._leading = False

    def run(self, item: Item) -> Result:
        slot: _Slot[Item, Result] = _Slot(item)
        with self._lock:
            self._waiting.append(slot)
            # Decided here, under the lock, and kept: `slot.lead` may turn True before this
            # thread reads it again (the leader hands over as soon as the lock is free), and a
            # caller reading that would skip the wait that takes its release back, so its
            # batch's release of it would fail ("release unlocked lock") and leave the rest of
            # that batch waiting for good (bench/HISTORY.md, twenty-first session).
            lead = slot.lead = not self._leading
            self._leading = True
        if not lead:
            slot.woken.acquire()  # until written by a leader, or made the leader
        if not slot.done:
            self._lead()
        if slot.error is not None:
            raise slot.error
        return slot.result  # type: ignore[return-value]  # done without error: a result

    def _lead(self) -> None:
        """Write the oldest waiting items (the leader's own is the oldest), then hand off."""
        with self._lock:
            batch = self._waiting[:self._limit]
            del self._waiting[:self._limit]
        try:
            outcomes: Sequence[Result | BaseException] = self._run_batch(
                [s.item for s in batch])
            if len(outcomes) != len(batch):
                raise RuntimeError("a batch answered a different number of outcomes")
        except BaseException as exc:  # every item's: nobody may be left waiting
            outcomes = [exc] * len(batch)
        for slot, outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                slot.error = outcome
            else:
                slot.result = outcome
            slot.done = True
        with self._lock:
            if self._waiting:
                self._waiting[0].lead = True
                self._waiting[0].woken.release()
            else:
                self._leading = False
        for slot in batch:  # the leader's own too: harmless, it is not waiting
            slot.woken.release()
