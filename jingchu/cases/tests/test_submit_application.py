"""The one-call submission (`do_submit_application`): everything or nothing, one number each."""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jingchu.cases import actions, writes
from jingchu.cases.choices import CaseStatus, Channel
from jingchu.cases.models import Case, CaseEvent, CaseNumberCounter
from jingchu.cases.tests.conftest import implementation
from jingchu.cases.tests.test_api import ENTERPRISE_START, TAX_RECORD, fill, tax_form
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import AuditEvent
from jingchu.identity.models import LegalEntity, User

OLD_AGE_ALLOWANCE = "000107004000"  # 高龄津贴申领: at least 80 years old


def _user(username: str) -> User:
    return User.objects.select_related("person").get(username=username)


def _submit(catalog: dict[str, Any], username: str = "zhangsan", **kw: Any) -> Any:
    user = _user(username)
    actor = kw.pop("actor", user)
    args: dict[str, Any] = {"implementation": implementation(TAX_RECORD, "hb-sw", catalog),
            "applicant": user.person, "form": tax_form(user)} | kw
    submission = actions.do_submit_application(actor, **args)
    assert submission.today == timezone.localdate()
    return submission.case, submission.events


def _nothing_written() -> None:
    assert not Case.objects.exists() and not CaseEvent.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="cases.").exists()


@pytest.mark.django_db
def test_success_writes_one_case_with_its_events_and_audit_rows(catalog):
    case, events = _submit(catalog)
    stored = Case.objects.get()
    assert stored.pk == case.pk and stored.number == case.number
    assert stored.status == CaseStatus.SUBMITTED and stored.submitted_at is not None
    assert stored.form_data["pledge"] is True and stored.channel == Channel.ONLINE
    prefix = case.number.rsplit("-", 1)[0]
    assert case.number.endswith("-000001")
    assert CaseNumberCounter.objects.get(prefix=prefix).last == 1
    timeline = list(stored.events.values_list("action", "from_status", "to_status"))
    # One action: one timeline step and one audit row (the case never was a draft).
    assert timeline == [("submit", "", CaseStatus.SUBMITTED)]
    assert [e.action for e in events] == ["submit"]
    row = AuditEvent.objects.get(object_id=str(stored.uid))
    assert row.action == "cases.case.submit" and row.object_label == case.number
    assert row.details == {"item": TAX_RECORD, "channel": "online", "from": "",
                           "to": "submitted", "number": case.number}
    assert row.actor_id == _user("zhangsan").pk
    assert stored.deadline is not None and stored.deadline > stored.submitted_at.date()
    second, _events = _submit(catalog)
    assert second.number.endswith("-000002") and Case.objects.count() == 2


@pytest.mark.django_db
def test_an_invalid_form_writes_nothing(catalog):
    with pytest.raises(ActionError) as refused:
        _submit(catalog, form={"applicant_name": "张三", "phone": "12"})
    assert refused.value.code == "form_invalid" and "phone" in refused.value.details["errors"]
    _nothing_written()
    assert not CaseNumberCounter.objects.exists()


@pytest.mark.django_db
def test_someone_else_or_nobody_cannot_apply_for_the_applicant(catalog):
    zhangsan = _user("zhangsan")
    with pytest.raises(NotPermitted):
        _submit(catalog, actor=_user("lisi"), applicant=zhangsan.person)
    with pytest.raises(NotPermitted):
        _submit(catalog, actor=AnonymousUser(), applicant=zhangsan.person)
    _nothing_written()


@pytest.mark.django_db
def test_a_counter_channel_or_a_closed_implementation_is_refused(catalog):
    with pytest.raises(ActionError) as counter:
        _submit(catalog, channel=Channel.COUNTER)
    assert counter.value.code == "channel_invalid"
    impl = implementation(TAX_RECORD, "hb-sw", catalog)
    impl.is_active = False
    with pytest.raises(ActionError) as closed:
        _submit(catalog, implementation=impl)
    assert closed.value.code == "item_unavailable"
    _nothing_written()


@pytest.mark.django_db
def test_a_person_only_item_refuses_an_enterprise(catalog):
    wangwu = _user("wangwu")
    with pytest.raises(ActionError) as refused:
        _submit(catalog, "wangwu", form=tax_form(wangwu), on_behalf_of=LegalEntity.objects.get())
    assert refused.value.code == "person_only"
    _nothing_written()


@pytest.mark.django_db
def test_missing_uploads_fail_the_precheck_and_write_nothing(catalog):
    wangwu, entity = _user("wangwu"), LegalEntity.objects.get()
    impl = implementation(ENTERPRISE_START, "wh-scjg", catalog)
    version = impl.item.current_version
    assert version is not None
    form = fill(version.form_schema) | {"uscc": entity.uscc}
    with pytest.raises(ActionError) as refused:
        actions.do_submit_application(wangwu, implementation=impl, applicant=wangwu.person,
                                      form=form, on_behalf_of=entity)
    assert refused.value.code == "precheck_failed"
    assert {p["code"] for p in refused.value.details["problems"]} == {"material_missing"}
    _nothing_written()


@pytest.mark.django_db
def test_an_ineligible_applicant_fails_the_precheck(catalog):
    zhangsan = _user("zhangsan")
    impl = implementation(OLD_AGE_ALLOWANCE, "wh-hs-zwzx", catalog)
    version = impl.item.current_version
    assert version is not None
    form = fill(version.form_schema)
    with pytest.raises(ActionError) as refused:
        actions.do_submit_application(zhangsan, implementation=impl, applicant=zhangsan.person,
                                      form=form)
    assert "too_young" in {p["code"] for p in refused.value.details["problems"]}
    _nothing_written()


@pytest.mark.django_db
def test_no_number_left_writes_nothing(catalog):
    first, _events = _submit(catalog)
    prefix = first.number.rsplit("-", 1)[0]
    Case.objects.all().delete()
    AuditEvent.objects.filter(action__startswith="cases.").delete()
    CaseNumberCounter.objects.filter(prefix=prefix).update(last=999_999)
    with pytest.raises(ActionError) as refused:
        _submit(catalog)
    assert refused.value.code == "numbers_exhausted" and refused.value.status == 409
    _nothing_written()
    assert CaseNumberCounter.objects.get(prefix=prefix).last == 999_999


def submitting(impl: Any, numbers: list[str], errors: list[BaseException], *, times: int = 1,
               before: Callable[[], object] = lambda: None) -> Callable[[User], None]:
    """A thread's target submitting `times` applications as a user on its own connection (in
    autocommit, as under a server), noting their numbers and any error for the test's thread."""

    def submit(user: User) -> None:
        try:
            before()
            for _ in range(times):
                submission = actions.do_submit_application(
                    user, implementation=impl, applicant=user.person, form=tax_form(user))
                numbers.append(str(submission.case.number))
        except BaseException as exc:  # reported by the test, in its own thread
            errors.append(exc)
        finally:
            connections.close_all()

    return submit


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite serialises writers on one file lock: nothing to race")
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_distinct_numbers(catalog):
    """Each thread has its own connection in autocommit, as under gunicorn: the one statement
    is its own transaction, and the counter row orders them."""
    users = [_user("zhangsan"), _user("lisi")]
    start = threading.Barrier(len(users) * 2)
    numbers: list[str] = []
    errors: list[BaseException] = []
    submit = submitting(implementation(TAX_RECORD, "hb-sw", catalog), numbers, errors,
                        times=3, before=lambda: start.wait(timeout=10))
    threads = [threading.Thread(target=submit, args=(u,)) for u in users * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert len(numbers) == 12 and len(set(numbers)) == 12
    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == list(range(1, 13))
    assert Case.objects.filter(status=CaseStatus.SUBMITTED).count() == 12
    assert CaseEvent.objects.count() == 12  # one submit event each


ON_POSTGRESQL = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="the one statement is written on PostgreSQL only")
STATEMENT_START = 'WITH n AS (INSERT INTO "cases_casenumbercounter"'


def _statements_of(submit: Any) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        submit()
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith(STATEMENT_START)]


@ON_POSTGRESQL
@pytest.mark.django_db
def test_every_submission_sends_the_same_statement_text(catalog):
    """Every value is a parameter (applicant, actor, organization ... included), so that the
    server prepares the statement once per connection rather than once per applicant."""
    first = _statements_of(lambda: _submit(catalog))
    second = _statements_of(lambda: _submit(catalog, "lisi"))
    assert len(first) == 1 and first == second
    # psycopg caches its reading of a statement of at most 50 parameters.
    assert first[0].count("%s") <= 50


@ON_POSTGRESQL
@pytest.mark.django_db
def test_the_statement_is_prepared_once_per_connection(catalog):
    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall() if row[0].startswith(STATEMENT_START)]

    _submit(catalog)
    assert len(prepared()) == 1
    second, _events = _submit(catalog, "lisi")
    assert len(prepared()) == 1 and second.number.endswith("-000002")


@pytest.mark.django_db
def test_a_submissions_json_values_are_written_by_orjson_not_json_dumps(catalog, monkeypatch):
    # json_text leaves to json.dumps what orjson would not write as it does (a str subclass such
    # as a choice's member among them); a submission's own values never need it.
    def refuse(value: Any) -> str:
        raise AssertionError(f"json.dumps was asked for {value!r}")

    monkeypatch.setattr(writes, "json", SimpleNamespace(dumps=refuse))
    values: list[Any] = []
    store = writes.store_submitted

    def kept(case: Case, prefix: str, origin: Any) -> CaseEvent:
        event = store(case, prefix, origin)
        # As the ORM writes them (SQLite), and the case's as the statement does.
        values.extend([case.form_data, event.details, writes.submit_audit(case, origin).details])
        return event

    monkeypatch.setattr(writes, "store_submitted", kept)
    case, _events = _submit(catalog, channel=Channel.API)  # a member of the choices, as the API
    assert case.pk is not None and len(values) == 3
    for value in values:  # what PostgreSQL's statement sends them as (SQLite: asked here)
        assert writes.json_text(value)


@pytest.mark.django_db
def test_a_version_given_a_new_schema_is_checked_against_it(catalog):
    impl = implementation(TAX_RECORD, "hb-sw", catalog)
    user = _user("zhangsan")
    form = tax_form(user)
    actions.do_submit_application(user, implementation=impl, applicant=user.person, form=form)
    version = impl.item.current_version
    assert version is not None
    # The schema's text is kept on the version object; a new schema there is what counts.
    version.form_schema = version.form_schema | {"required": ["nickname"]}
    with pytest.raises(ActionError) as refused:
        actions.do_submit_application(user, implementation=impl, applicant=user.person,
                                      form=form)
    assert refused.value.code == "form_invalid" and "nickname" in refused.value.details["errors"]
