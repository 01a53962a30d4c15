"""jingchu.core.bulk: the values `rows` sends as they are equal Django's own conversion, and
survive the round trip; foreign keys checked at each statement on request; the collector
paused and restored; forked workers under the pause."""

from __future__ import annotations

import datetime as dt
import gc
import uuid
import warnings
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from jingchu.conftest import is_postgres
from jingchu.core import bulk
from jingchu.core.models import AuditEvent
from jingchu.licenses.choices import HolderKind
from jingchu.licenses.models import License
from jingchu.seals.choices import UseKind
from jingchu.seals.models import SealUse

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 30, 8, 30, tzinfo=dt.UTC)


def _plain(value: Any) -> Any:
    """What a converted value stands for (psycopg wraps JSON; BinaryField may give a view)."""
    value = getattr(value, "obj", value)
    return bytes(value) if isinstance(value, memoryview) else value


def _django(obj: Any) -> list[Any]:
    return [_plain(f.get_db_prep_save(f.pre_save(obj, True), connection))
            for f in bulk._fields(type(obj))]


def _licence(**changes: Any) -> License:
    values: dict[str, Any] = {
        "uid": uuid.uuid4(), "identifier": "1.2.156.3005.2.X.Y.000001.001.Z",
        "license_type_id": 3, "issuer_id": 5, "seal_id": 7, "serial": 1, "version": 1,
        "number": "N1", "holder_kind": HolderKind.PERSON, "holder_person_id": 11,
        "holder_name": "张三", "data": {"class": "C1", "n": 2}, "issued_on": dt.date(2020, 3, 1),
        "valid_from": dt.date(2020, 3, 1), "valid_until": None, "status_index": 0,
        "signature": b"\x30\x03\x02\x01\x01", "created_at": NOW}
    return License(**(values | changes))


@pytest.mark.parametrize("changes", [
    {},
    {"signature": memoryview(b"abc")},  # not bytes: Django converts it
    {"status_index": 9, "valid_until": dt.date(2030, 2, 28), "number": ""},
    {"holder_kind": "legal_entity", "holder_person_id": None, "holder_entity_id": 4},
])
def test_rows_equal_djangos_own_conversion(changes: dict[str, Any]) -> None:
    lic = _licence(**changes)
    assert [_plain(v) for v in bulk.rows([lic])[0]] == _django(lic)


def test_a_naive_datetime_is_still_made_aware_by_django() -> None:
    use = SealUse(seal_id=1, kind=UseKind.RAW, actor_label="x", document_name="d",
                  document_digest="0" * 64, signature=b"s",
                  signed_at=dt.datetime(2026, 11, 30, 8, 30))  # naive
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # Django's own warning about it
        row = bulk.rows([use])[0]
    signed_at = row[bulk.column_index(SealUse, "signed_at")]
    if is_postgres():
        assert signed_at.tzinfo is not None
    else:
        assert isinstance(signed_at, str)


def test_inserted_rows_read_back_as_written() -> None:
    events = [AuditEvent(action=f"core.test.{n}", actor_label="测试", object_type="core.x",
                         object_id=str(n), source_ip="10.0.0.1" if n else None,
                         details={"n": n, "名": "值"}) for n in range(3)]
    assert bulk.insert(events) == 3
    stored = list(AuditEvent.objects.filter(action__startswith="core.test.").order_by("action"))
    assert [(e.action, e.object_id, e.source_ip, e.details) for e in stored] == [
        (f"core.test.{n}", str(n), "10.0.0.1" if n else None, {"n": n, "名": "值"})
        for n in range(3)]
    assert {e.uid for e in stored} == {e.uid for e in events}
    assert all(timezone.is_aware(e.at) for e in stored)  # auto_now_add still applied


@pytest.mark.skipif(not is_postgres(), reason="deferred foreign keys are PostgreSQL's")
def test_foreign_keys_are_checked_at_the_statement_on_request() -> None:
    def orphan() -> SealUse:
        return SealUse(seal_id=987_654_321, actor_label="x", document_name="d",
                       document_digest="0" * 64, signature=b"s", signed_at=NOW)

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        bulk.insert([orphan()])  # deferred: nothing said until the commit
        raise Undo
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.check_constraints_now()
        bulk.insert([orphan()])


@pytest.mark.skipif(not is_postgres(), reason="column compression is PostgreSQL's")
def test_signatures_are_compressed_with_lz4_where_the_server_has_it() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings "
                       "WHERE name = 'default_toast_compression'")
        if not cursor.fetchone()[0]:
            pytest.skip("this PostgreSQL has no LZ4")
        cursor.execute("SELECT attrelid::regclass::text, attcompression FROM pg_attribute "
                       "WHERE attname = 'signature' AND attrelid IN "
                       "('licenses_license'::regclass, 'seals_sealuse'::regclass)")
        assert dict(cursor.fetchall()) == {"licenses_license": "l", "seals_sealuse": "l"}


def _square(n: int) -> int:
    return n * n


def test_the_collector_is_paused_and_restored() -> None:
    assert gc.isenabled()
    with pytest.raises(ValueError), bulk.collector_paused():
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled()
    gc.disable()
    try:
        with bulk.collector_paused():
            pass
        assert not gc.isenabled()  # left as it was found
    finally:
        gc.enable()


def test_forked_workers_work_under_the_pause() -> None:
    with bulk.collector_paused():
        pool = bulk.forked_pool(2)
        assert pool is not None
        try:
            assert pool.map(_square, range(10)) == [n * n for n in range(10)]
        finally:
            pool.terminate()
            pool.join()
    assert gc.isenabled()


def test_a_subclass_that_converts_is_never_sent_as_it_is() -> None:
    from jingchu.core import crypto
    from jingchu.identity.models import Person

    person = Person(name="李四", id_number="420102198001010011",
                    id_number_index=crypto.blind_index("420102198001010011"))
    stored = bulk.rows([person])[0][bulk.column_index(Person, "id_number")]
    assert stored != "420102198001010011"
    assert crypto.decrypt(stored) == "420102198001010011"  # encrypted, as save() would
