"""Submissions written together (cases.writes through core.combining): one statement for a
batch, serials consecutive per prefix, each case with its own event and audit row, and a batch
refused as a whole retried one submission at a time."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import pytest
from django.db import connections
from django.test import override_settings

from jingchu.cases import writes
from jingchu.cases.models import Case, CaseEvent, CaseNumberCounter
from jingchu.cases.tests.conftest import implementation
from jingchu.cases.tests.test_submit_application import (
    ON_POSTGRESQL,
    TAX_RECORD,
    _submit,
    _user,
    submitting,
)
from jingchu.cases.tests.test_writes import check_submit_audit, check_submit_event
from jingchu.core import combining
from jingchu.core.models import AuditEvent

A, B = "420100-20-20261201", "420500-20-20261201"  # two prefixes: Wuhan's and Yichang's
WAIT = 30


def _pending(catalog: Any, monkeypatch: pytest.MonkeyPatch, users: Sequence[str],
             ) -> list[writes._Pending]:
    """Submissions as `store_submitted` is given them, built but not stored."""
    seen: list[writes._Pending] = []
    with monkeypatch.context() as patch:
        patch.setattr(writes, "_store_in_one_statement",
                      lambda *args: seen.append(writes._Pending(*args)))
        for name in users:
            _submit(catalog, name)
    return seen


def _check_stored(item: writes._Pending, number: str) -> None:
    case = Case.objects.get(number=number)
    assert item.case.pk == case.pk and item.case.number == number
    assert case.applicant_id == item.case.applicant_id
    event = CaseEvent.objects.get(case=case)
    assert (event.action, event.actor_id) == ("submit", item.origin.actor.pk)
    check_submit_event(case)
    row = AuditEvent.objects.get(action=writes.SUBMIT_AUDIT, object_id=str(case.uid))
    assert row.object_label == number and row.details["number"] == number
    assert row.actor_id == item.origin.actor.pk
    check_submit_audit(case, item.origin)


@ON_POSTGRESQL
@pytest.mark.django_db
def test_a_batch_takes_consecutive_serials_per_prefix(catalog, monkeypatch):
    items = _pending(catalog, monkeypatch, ["zhangsan", "lisi", "zhangsan", "lisi", "zhangsan"])
    items = [item._replace(prefix=p) for item, p in zip(items, [B, A, B, A, A], strict=True)]
    assert writes._store_batch(items) == [None] * 5
    assert [i.case.number for i in items] == [
        f"{B}-000001", f"{A}-000001", f"{B}-000002", f"{A}-000002", f"{A}-000003"]
    for item in items:
        _check_stored(item, str(item.case.number))
    assert dict(CaseNumberCounter.objects.values_list("prefix", "last")) == {A: 3, B: 2}
    # A second batch goes on from there.
    more = _pending(catalog, monkeypatch, ["lisi", "zhangsan"])
    assert writes._store_batch([m._replace(prefix=A) for m in more]) == [None, None]
    assert [m.case.number for m in more] == [f"{A}-000004", f"{A}-000005"]


@ON_POSTGRESQL
@pytest.mark.django_db
def test_a_batch_is_one_statement_and_its_text_is_kept_per_shape(catalog, monkeypatch):
    items = _pending(catalog, monkeypatch, ["zhangsan", "lisi", "zhangsan"])
    conn = connections["default"]
    two, params = writes._batch_statement([items[0]._replace(prefix=A),
                                           items[1]._replace(prefix=B)], conn)
    assert two.count("%s") == len(params) and two.count("INSERT INTO") == 4  # one per table
    again, _params = writes._batch_statement([items[1]._replace(prefix=B),
                                              items[2]._replace(prefix=A)], conn)
    assert again is two  # same shape: two prefixes, two submissions alike
    one_prefix, _params = writes._batch_statement([items[0]._replace(prefix=A),
                                                   items[1]._replace(prefix=A)], conn)
    assert one_prefix != two and one_prefix.count("(%s, %s)") == 1


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)  # as in a server: each statement its own transaction
def test_a_batch_refused_as_a_whole_is_retried_one_by_one(catalog, monkeypatch):
    items = _pending(catalog, monkeypatch, ["zhangsan", "lisi", "zhangsan"])
    CaseNumberCounter.objects.create(prefix=B, last=999_999)  # B has no serial left
    items = [item._replace(prefix=p) for item, p in zip(items, [A, B, A], strict=True)]
    outcomes = writes._store_batch(items)
    assert outcomes[0] is None and outcomes[2] is None
    assert writes.numbering.is_exhaustion(outcomes[1])  # type: ignore[arg-type]
    assert [items[0].case.number, items[2].case.number] == [f"{A}-000001", f"{A}-000002"]
    assert items[1].case.pk is None and Case.objects.count() == 2
    assert CaseNumberCounter.objects.get(prefix=B).last == 999_999
    for item in (items[0], items[2]):
        _check_stored(item, str(item.case.number))


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_threads_submitting_together_are_written_in_one_batch(catalog, monkeypatch):
    """Under a server's threads: the first submission's statement holds the writer while the
    others queue, and the queued ones go in one statement; each thread gets its own case."""
    batches: list[int] = []
    entered, release = threading.Event(), threading.Event()

    def gated(items: Sequence[writes._Pending]) -> list[BaseException | None]:
        batches.append(len(items))
        if len(batches) == 1:
            entered.set()
            assert release.wait(WAIT)
        return writes._store_batch(items)

    combiner = combining.Combiner(gated, writes.BATCH_LIMIT)
    monkeypatch.setattr(writes, "_COMBINER", combiner)
    users = [_user("zhangsan"), _user("lisi")] * 2
    numbers: list[str] = []
    errors: list[BaseException] = []
    submit = submitting(implementation(TAX_RECORD, "hb-sw", catalog), numbers, errors)
    threads = [threading.Thread(target=submit, args=(users[0],))]
    threads[0].start()
    assert entered.wait(WAIT)
    threads += [threading.Thread(target=submit, args=(u,)) for u in users[1:]]
    for t in threads[1:]:
        t.start()
    while len(combiner._waiting) < 3 and not errors:
        threading.Event().wait(0.001)
    release.set()
    for t in threads:
        t.join(WAIT)
    assert not errors, errors
    assert batches == [1, 3]
    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == [1, 2, 3, 4]
    assert Case.objects.count() == 4 and CaseEvent.objects.count() == 4
    labels = set(AuditEvent.objects.filter(action=writes.SUBMIT_AUDIT)
                 .values_list("object_label", flat=True))
    assert labels == set(numbers)


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)  # outside a transaction, as under a server
def test_group_commit_can_be_switched_off(catalog, monkeypatch):
    """JINGCHU_GROUP_COMMIT=false: each submission in its own statement, never through the
    combiner (as before the tenth session; `make bench` then measures that way)."""
    through: list[int] = []

    def counted(items: Sequence[writes._Pending]) -> list[BaseException | None]:
        through.append(len(items))
        return writes._store_batch(items)

    monkeypatch.setattr(writes, "_COMBINER", combining.Combiner(counted, writes.BATCH_LIMIT))
    numbers: list[str] = []
    errors: list[BaseException] = []
    submit = submitting(implementation(TAX_RECORD, "hb-sw", catalog), numbers, errors)
    with override_settings(GROUP_COMMIT=False):
        submit(_user("zhangsan"))
    assert through == [] and not errors
    with override_settings(GROUP_COMMIT=True):
        submit(_user("lisi"))
    assert through == [1] and not errors, errors
    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == [1, 2]
    assert Case.objects.count() == 2


@ON_POSTGRESQL
@pytest.mark.django_db
def test_each_case_takes_its_own_row_whatever_order_the_rows_come_back_in(catalog,
                                                                          monkeypatch):
    """A multi-row insert returns its rows in no promised order: each case finds its key and
    number by its uid."""
    items = _pending(catalog, monkeypatch, ["zhangsan", "lisi", "zhangsan"])
    items = [item._replace(prefix=A) for item in items]
    kept = writes.prepared.prepared_cursor

    class Reversed:
        def __init__(self, cursor: Any) -> None:
            self.cursor = cursor

        def __enter__(self) -> Reversed:
            self.cursor.__enter__()
            return self

        def __exit__(self, *exc: object) -> None:
            self.cursor.__exit__(*exc)

        def execute(self, sql: str, params: Any) -> None:
            self.cursor.execute(sql, params)

        def fetchall(self) -> list[Any]:
            return list(reversed(self.cursor.fetchall()))

    monkeypatch.setattr(writes.prepared, "prepared_cursor",
                        lambda conn, **kw: Reversed(kept(conn, **kw)))
    assert writes._store_batch(items) == [None] * 3
    assert [i.case.number for i in items] == [f"{A}-00000{n}" for n in (1, 2, 3)]
    for item in items:
        _check_stored(item, str(item.case.number))
