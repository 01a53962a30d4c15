"""The submission's one statement (cases.writes): its values are those the ORM would send."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from typing import Any

import pytest
from django.db import connections, models
from django.utils import timezone
from psycopg.types.json import Jsonb

from jingchu.cases import writes
from jingchu.cases.choices import CaseStatus, Channel
from jingchu.cases.models import Case, CaseEvent
from jingchu.cases.tests.test_submit_application import ON_POSTGRESQL, _submit, _user
from jingchu.core import audit, middleware
from jingchu.core.models import AuditEvent


def _plain(value: Any) -> Any:
    return value.obj if isinstance(value, Jsonb) else value  # the wrapper has no equality


def _orm_values(obj: models.Model) -> dict[str, Any]:
    """{column: value} as the ORM's insert converts them, for the columns that are not NULL.
    (Fields computing their value on insert, like auto_now_add, are asked in both ways.)"""
    conn = connections["default"]
    out = {}
    for field in obj._meta.concrete_fields:
        if isinstance(field, models.AutoField):
            continue
        raw = getattr(obj, field.attname)
        if raw is not None:
            out[conn.ops.quote_name(field.column)] = _plain(field.get_db_prep_save(raw, conn))
    return out


def _cell_values(obj: models.Model) -> dict[str, Any]:
    conn = connections["default"]
    (columns, values), params = writes._row_sql(type(obj), {}, conn), writes._params(obj, {}, conn)
    assert values == ["%s"] * len(columns)
    return {column: _plain(value) for column, value in zip(columns, params, strict=True)
            if value is not None}


@ON_POSTGRESQL
@pytest.mark.django_db
def test_every_value_is_the_one_the_orm_would_send(catalog):
    case, events = _submit(catalog)
    stored = Case.objects.get(pk=case.pk)
    zhangsan = _user("zhangsan")
    # Source addresses as the ORM sends them (an IPv6 one is normalised first), each asked
    # twice: the second time from the kept conversions.
    addressed = []
    for address in (
            "10.0.0.1", "::ffff:10.0.0.2", "2001:DB8::1", "10.0.0.3", "10.0.0.1", "2001:DB8::1"):
        noted = audit.build("cases.case.note", zhangsan, stored, {})
        noted.source_ip = address
        addressed.append(noted)
    rows: list[models.Model] = [
        stored, *events, *addressed,
        audit.build(writes.SUBMIT_AUDIT, zhangsan, stored, {"item": "x", "to": "submitted"}),
        CaseEvent(case=stored, actor=None, action="note", to_status=CaseStatus.SUBMITTED,
                  at=timezone.now(), details={"a": [1, 2]}),
    ]
    for row in rows:
        cells = _cell_values(row)  # first: auto_now_add fields take their value here
        orm = _orm_values(row)
        assert cells == orm, type(row).__name__
        # Same types too: what passes through unconverted is what the ORM would have sent.
        assert {c: type(v).__mro__[-2] for c, v in cells.items() if v is not None} == {
            c: type(v).__mro__[-2] for c, v in orm.items() if v is not None}



@pytest.mark.django_db
def test_the_events_point_at_the_stored_case(catalog):
    # Both ways (one statement on PostgreSQL, the ORM elsewhere): each event of the new case
    # holds the case itself and its new key.
    case, events = _submit(catalog)
    assert case.pk is not None and events
    for event in events:
        assert event.case is case and event.case_id == case.pk
    assert list(CaseEvent.objects.filter(case=case).values_list("case_id", flat=True)) == [
        case.pk] * len(events)


def test_only_values_the_field_returns_unchanged_pass_through():
    char: Any = models.CharField(max_length=5)
    date: Any = models.DateField()
    stamp: Any = models.DateTimeField()
    number: Any = models.IntegerField()
    assert writes._passes(char)(CaseStatus.SUBMITTED)  # a choice is a str
    assert not writes._passes(date)(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))  # cut to a date
    assert writes._passes(date)(dt.date(2026, 1, 1))
    assert not writes._passes(stamp)(dt.datetime(2026, 1, 1))  # naive: made aware
    assert writes._passes(stamp)(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert not writes._passes(number)(True) and writes._passes(number)(3)
    assert writes._passes(models.UUIDField())(uuid.uuid4())
    assert not writes._passes(models.UUIDField())(str(uuid.uuid4()))
    assert not writes._passes(models.GenericIPAddressField())("10.0.0.1")  # adapted as inet
    assert not writes._passes(models.JSONField())({})
    flag: Any = models.BooleanField()
    assert writes._passes(flag)(True) and not writes._passes(flag)(1)  # 1 is made True
    # The exact type asked first passes whole, as the test itself would pass it.
    samples = {str: "a", int: 3, dt.date: dt.date(2026, 1, 1), uuid.UUID: uuid.uuid4(), bool: True}
    for test, exact in writes._EXACT.items():
        assert test(samples[exact])


@ON_POSTGRESQL
@pytest.mark.django_db
def test_the_statements_text_is_kept(catalog):
    case, _events = _submit(catalog)
    conn = connections["default"]
    origin = audit.origin(_user("zhangsan"))
    one, params = writes._statement(case, "P", origin, conn)
    assert one.count("%s") == len(params) and one.count("gen_random_uuid()") == 1
    assert writes._statement(case, "Q", origin, conn)[0] is one  # kept


@pytest.mark.parametrize("model, values", [(CaseEvent, writes._EVENT_VALUES),
                                           (AuditEvent, writes._AUDIT_VALUES)])
def test_the_sql_of_the_event_and_the_audit_row_gives_every_column(model, values):
    # A column added to either model must be given a value here too (else it would be left to
    # the database's default, not the model's).
    assert list(values) == [
        f.column for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]


EVENT_FIELDS = ("case_id", "actor_id", "action", "from_status", "to_status", "note", "details",
                "public")


def check_submit_event(case: Case) -> None:
    """The stored timeline event of `case` is the one `submit_event` makes (on PostgreSQL the
    statement writes it without making it), at the case's submission (the ORM stamps its own
    time on saving, a moment later)."""
    stored = Case.objects.get(pk=case.pk)
    event = CaseEvent.objects.get(case=stored)
    expected = writes.submit_event(stored)
    assert {f: getattr(event, f) for f in EVENT_FIELDS} == {
        f: getattr(expected, f) for f in EVENT_FIELDS}
    assert stored.submitted_at is not None and stored.submitted_at <= event.at <= timezone.now()
    if connections["default"].vendor == "postgresql":  # the statement's own, exactly
        assert event.at == stored.submitted_at


AUDITED = ("actor_id", "actor_label", "action", "object_type", "object_id", "object_label",
           "source_ip", "user_agent", "details")


def check_submit_audit(case: Case, origin: audit.Origin) -> None:
    """The stored audit row of `case` is the one `submit_audit` makes (on PostgreSQL the
    statement writes it without making it): the same values, its own UUID, the case's time."""
    stored = Case.objects.get(pk=case.pk)
    row = AuditEvent.objects.get(action=writes.SUBMIT_AUDIT, object_id=str(stored.uid))
    expected = writes.submit_audit(stored, origin)
    assert {f: getattr(row, f) for f in AUDITED} == {f: getattr(expected, f) for f in AUDITED}
    assert row.uid is not None and row.uid != stored.uid
    assert stored.created_at <= row.at <= timezone.now()


@pytest.mark.django_db
@pytest.mark.parametrize("address", [None, "10.0.0.9", "2001:db8::9"])
def test_the_submissions_event_and_audit_row_are_the_ones_the_orm_writes(catalog, address):
    token = middleware._current.set(middleware.RequestContext(address, "部门系统/1.0"))
    try:
        case, _events = _submit(catalog, channel=Channel.API)
        origin = audit.origin(_user("zhangsan"))
    finally:
        middleware._current.reset(token)
    assert origin.source_ip == address and origin.user_agent == "部门系统/1.0"
    check_submit_audit(case, origin)
    check_submit_event(case)
    row = AuditEvent.objects.get(object_id=str(case.uid))
    assert row.details == {"item": case.item.code, "channel": "api", "from": "",
                           "to": "submitted", "number": case.number}


@pytest.mark.parametrize("value", [
    {}, [], {"姓名": "张三", "地址": "武汉市洪山区珞喻路 1037 号", "n": 3, "x": 2.5, "ok": True,
             "none": None, "list": [1, "二", {"三": [False]}]},
    {"big": 2**70, "negative": -(2**63) - 1},  # past 64 bits: json.dumps writes it
    ["\u2028", "\\", "\"", "\x00 \x1f", "😀"],
])
def test_json_text_reads_back_as_what_json_dumps_writes(value):
    assert json.loads(writes.json_text(value)) == json.loads(json.dumps(value)) == value


@pytest.mark.parametrize("value", [
    {"at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)}, {"d": decimal.Decimal("1.5")},
    {1: "a key that is not text"}, [CaseStatus.SUBMITTED],
])
def test_json_text_leaves_to_json_dumps_what_orjson_would_write_otherwise(value):
    # The same outcome as Django's json.dumps: the same text, or the same refusal.
    try:
        expected: Any = json.dumps(value)
    except TypeError as error:
        expected = type(error)
    try:
        got: Any = writes.json_text(value)
    except TypeError as error:
        got = type(error)
    assert got == expected


def test_a_json_columns_value_is_written_by_json_text_on_postgresql_only():
    field = AuditEvent._meta.get_field("details")
    prep = writes._prep(field)
    postgresql = connections["default"] if connections["default"].vendor == "postgresql" else None
    if postgresql is not None:
        sent = prep({"a": 1}, postgresql)
        assert isinstance(sent, Jsonb) and sent.dumps is writes.json_text
    assert prep(None, connections["default"]) is None


# The indexes a submission's three rows enter, each one an index entry (and a WAL record)
# written for every submission: bench/HISTORY.md, "Twentieth session". A new index on these
# tables belongs here only if a page or a search needs it.
SUBMISSION_INDEXES = {
    "cases_case": {
        "cases_case_pkey", "cases_case_uid_key", "cases_case_number_key",
        "cases_case_item_id_896f667f", "cases_case_applicant_id_756c921c",
        "cases_case_deadline_f73e1100", "cases_case_handlin_75a122_idx",
        "cases_case_intake_idx"},
    "cases_caseevent": {
        "cases_caseevent_pkey", "cases_caseevent_case_id_6c6031ac", "cases_event_action_at_idx"},
    "core_auditevent": {
        "core_auditevent_pkey", "core_auditevent_at_3d5eb007", "core_audite_object__0f0156_idx",
        "core_audit_action_prefix", "core_audit_object_id"},
}


def _entered_indexes(table: str, pk: int) -> set[str]:
    """The indexes of `table` that hold an entry for row `pk`: every index, except a partial one
    whose condition the row does not meet."""
    entered = set()
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_expr(i.indpred, i.indrelid) FROM pg_index i"
            " JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass", [table])
        for name, condition in cursor.fetchall():
            if condition is not None:
                cursor.execute(f"SELECT EXISTS (SELECT FROM {table} WHERE id = %s"  # noqa: S608
                               f" AND ({condition}))", [pk])
                if not cursor.fetchone()[0]:
                    continue
            entered.add(name)
    return entered


@ON_POSTGRESQL
@pytest.mark.django_db
def test_a_submission_enters_only_the_indexes_of_its_budget(catalog):
    case, events = _submit(catalog)
    audit_row = AuditEvent.objects.get(action=writes.SUBMIT_AUDIT, object_id=str(case.uid))
    entered = {
        "cases_case": _entered_indexes("cases_case", case.pk),
        "cases_caseevent": _entered_indexes("cases_caseevent", events[0].pk),
        "core_auditevent": _entered_indexes("core_auditevent", audit_row.pk),
    }
    assert entered == SUBMISSION_INDEXES
    assert sum(map(len, entered.values())) == 16
