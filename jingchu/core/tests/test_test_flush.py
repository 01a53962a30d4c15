"""The flush that ends a transactional test (jingchu/conftest.py `_flush_sql`): every table is
emptied but the reference data's, which the tests after it on the same worker stand on."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection

from jingchu.conftest import _flush_sql, _reference_tables, is_postgres
from jingchu.core.models import AuditEvent, CalendarDay, Organization, Region
from jingchu.core.tests.test_demo import counts

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_flush_empties_every_table_but_the_reference_data():
    from jingchu.core.demo import load_organizations

    load_organizations()
    AuditEvent.objects.create(action="test.flush", object_label="x")
    regions, days = Region.objects.count(), CalendarDay.objects.count()
    assert regions > 1000 and days > 0 and Organization.objects.exists()

    call_command("flush", verbosity=0, interactive=False, reset_sequences=False)

    assert not Organization.objects.exists() and not AuditEvent.objects.exists()
    assert (Region.objects.count(), CalendarDay.objects.count()) == (regions, days)
    assert counts()["Person"] == 0


def test_the_statements_leave_out_the_reference_tables():
    sql = _flush_sql(no_style(), connection, reset_sequences=False)
    kept = _reference_tables()
    assert kept == {"core_region", "core_calendaryear", "core_calendarday"}
    assert not [s for s in sql if any(f'"{t}"' in s or f" {t}" in s for t in kept)]
    assert any(Organization._meta.db_table in s for s in sql)
    if is_postgres():  # rows deleted, not tables truncated, the keys checked at the end
        assert sql[0] == "SET CONSTRAINTS ALL DEFERRED"
        assert all(s.startswith("DELETE FROM ") for s in sql[1:])
