"""`jingchu demo` is idempotent: a second run changes no row and writes no audit event."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from jingchu import config
from jingchu.core import actions
from jingchu.core.demo import load_organizations
from jingchu.core.models import AuditEvent, Organization, Region
from jingchu.identity.demo import DEMO_PASSWORD, STAFF
from jingchu.identity.models import ActingAuthorization, LegalEntity, Person, Staff

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite_smoke]

COUNTED: list[Any] = [Region, Organization, Person, LegalEntity, Staff, ActingAuthorization]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def run_demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def test_demo_twice_leaves_the_same_rows_and_a_quiet_audit_trail(monkeypatch):
    monkeypatch.setenv("PORT", "8765")
    first_output = run_demo()
    after_first = counts()
    events_after_first = AuditEvent.objects.count()
    assert after_first["Organization"] > 10
    # The identity personas, and the data stewards the sharing demo adds for its departments.
    assert after_first["Person"] >= 3 and after_first["Staff"] >= len(STAFF)
    assert Staff.objects.filter(user__username__in=[p.username for p in STAFF]).count() \
        == len(STAFF)
    assert after_first["LegalEntity"] >= 1 and after_first["ActingAuthorization"] >= 1

    second_output = run_demo()
    assert counts() == after_first
    new_events = list(AuditEvent.objects.order_by("id").values_list("action", flat=True)
                      [events_after_first:])
    assert new_events == []
    # The cockpit's history is computed once, over the days the setting asks for.
    days = config.get("JINGCHU_DEMO_HISTORY_DAYS")
    assert f"Cockpit: rollups of {days} day(s) computed" in first_output
    assert "Cockpit: rollups of 0 day(s) computed" in second_output
    for output in (first_output, second_output):
        assert "http://127.0.0.1:8765/" in output
        assert DEMO_PASSWORD in output
        for persona in STAFF:
            assert persona.username in output
        assert "zhangsan" in output


def _upsert(org: Organization, **changes: Any) -> Organization:
    values: dict[str, Any] = {
        "uscc": org.uscc, "name": org.name, "kind": org.kind, "region": org.region,
        "parent": org.parent, "short_name": org.short_name, "address": org.address,
    }
    values.update(changes)
    return actions.do_upsert_organization(None, **values)


def test_upsert_audits_only_a_real_change(demo_orgs):
    org = demo_orgs["hb-dsj"]
    before = AuditEvent.objects.filter(object_id=str(org.uid)).count()
    _upsert(org)
    assert AuditEvent.objects.filter(object_id=str(org.uid)).count() == before

    _upsert(org, address="武汉市洪山区东湖路1号", parent=None)
    event = AuditEvent.objects.filter(object_id=str(org.uid)).first()
    assert event is not None and event.action == "core.organization.update"
    assert event.details["changed"] == ["parent", "address"]
    org.refresh_from_db()
    assert org.address == "武汉市洪山区东湖路1号"
    assert org.parent is None


def test_upsert_audits_a_creation(db):
    region = Region.objects.get(code="420100000000")
    org = _upsert(Organization(uscc=_fresh_uscc(), name="测试局", kind="department",
                               region=region))
    assert AuditEvent.objects.get(object_id=str(org.uid)).action == "core.organization.create"


def test_loading_organizations_twice_writes_no_event(demo_orgs):
    before = AuditEvent.objects.count()
    again = load_organizations()
    assert AuditEvent.objects.count() == before
    assert {key: org.pk for key, org in again.items()} == {
        key: org.pk for key, org in demo_orgs.items()
    }


def _fresh_uscc() -> str:
    from jingchu.core.identifiers import make_uscc

    return make_uscc("1", "1", "420100", "99999999")


def test_the_demo_through_an_app_leaves_the_later_ones_out(db):
    from jingchu.cases.models import Case
    from jingchu.core.demo import DemoContext, run_all
    from jingchu.services.models import ServiceItem

    ctx = DemoContext()
    run_all(ctx, through="services")
    assert Organization.objects.count() > 10 and Person.objects.count() >= 3
    assert ServiceItem.objects.count() >= 40
    assert Case.objects.count() == 0  # the cases' demo comes after the catalog's
    assert not any(line.startswith("Demo cases") for line in ctx.report)


def test_the_demo_through_an_unknown_app_is_refused_before_loading(db):
    from jingchu.core.demo import DemoContext, run_all

    with pytest.raises(LookupError):
        run_all(DemoContext(), through="nonesuch")
    assert Organization.objects.count() == 0  # core, the first part, did not run
