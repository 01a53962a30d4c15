"""Two appenders at once on PostgreSQL: the state row's lock orders them, so indexes are
0..n-1 without a gap or a duplicate and the tree verifies."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from jingchu.conftest import is_postgres
from jingchu.ledger import actions, checks
from jingchu.ledger.models import Entry

from .conftest import payload


@pytest.mark.skipif(not is_postgres(),
                    reason="SQLite serialises writers on one file lock: nothing to race")
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_take_distinct_indexes():
    start = threading.Barrier(2)
    errors: list[BaseException] = []
    taken: list[int] = []

    def append(worker: int) -> None:
        try:
            start.wait(timeout=10)
            for round_ in range(15):
                items = [payload(worker * 1000 + round_ * 10 + i) for i in range(1 + round_ % 4)]
                taken.extend(e.index for e in actions.do_append_many("test.race", items))
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(w,)) for w in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    total = 2 * sum(1 + r % 4 for r in range(15))
    assert sorted(taken) == list(range(total))
    assert Entry.objects.count() == total == actions.current_size()
    assert checks.check_log() is None
