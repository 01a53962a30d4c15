"""The auditor's page (审计): who may see it, what the filters do, pages, CSV, and no writes."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jingchu.core import audit, permissions
from jingchu.core.audit_search import search_events
from jingchu.core.models import AuditEvent, Region
from jingchu.identity.actions import do_assign_role, do_create_staff
from jingchu.identity.choices import StaffRole
from jingchu.identity.models import User

pytestmark = pytest.mark.django_db

URL = reverse("core:audit")
SHANGHAI = ZoneInfo("Asia/Shanghai")
PASSWORD = "Jingchu@2026-test"


def _staff_user(orgs, username, role):
    staff = do_create_staff(None, username=username, password=PASSWORD, name=username)
    do_assign_role(None, staff=staff, organization=orgs["hb-zwb"], role=role)
    return staff.user


@pytest.fixture
def auditor(demo_orgs):
    return _staff_user(demo_orgs, "auditor_t", StaffRole.AUDITOR)


def _at(event, when):
    # `at` is set by the database on insert; tests move events in time to test the date filter.
    AuditEvent.objects.filter(pk=event.pk).update(at=when)


def _shown(response):
    return [event.action for event, _details in response.context["rows"]]


# --- who may look --------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:login"))
    assert client.get(URL + "?format=csv").status_code == 302


def test_citizen_and_window_clerk_are_refused(client, demo_world):
    for username in ("zhangsan", "clerk_wuhan", "reviewer_amr"):
        client.force_login(User.objects.get(username=username))
        assert client.get(URL).status_code == 403, username
        assert client.get(URL + "?format=csv").status_code == 403, username


def test_auditor_administrator_and_superuser_may_look(client, demo_orgs, auditor):
    admin = _staff_user(demo_orgs, "admin_t", StaffRole.ADMINISTRATOR)
    root = User.objects.create_superuser("root_t", password=PASSWORD)
    for user in (auditor, admin, root):
        assert not user.is_superuser or user is root
        client.force_login(user)
        assert client.get(URL).status_code == 200
        assert client.get(URL + "?format=csv").status_code == 200


def test_permission_function_alone(demo_world):
    allowed = {u: permissions.can_view_audit(User.objects.get(username=u)) for u in
               ("auditor", "admin", "clerk_wuhan", "zhangsan", "steward")}
    assert allowed == {"auditor": True, "admin": True, "clerk_wuhan": False,
                       "zhangsan": False, "steward": False}


def test_home_links_to_the_audit_page_only_for_those_allowed(client, demo_world):
    client.force_login(User.objects.get(username="auditor"))
    assert URL in client.get("/").content.decode()
    client.force_login(User.objects.get(username="zhangsan"))
    assert URL not in client.get("/").content.decode()


# --- what the filters do -------------------------------------------------------------------


def test_filters_really_filter(client, auditor, demo_orgs):
    other = _staff_user(demo_orgs, "other_t", StaffRole.REVIEWER)
    org, hall = demo_orgs["hb-zwb"], demo_orgs["wh-smzj"]
    audit.record("flt.org.update", auditor, org)
    audit.record("flt.org.update", other, hall)
    audit.record("flt.case.accept", other, org)
    audit.record("xflt.org.update", auditor, org)  # "flt" is a prefix filter, not a substring
    client.force_login(auditor)

    def shown(**query):
        response = client.get(URL, query)
        assert response.status_code == 200
        return sorted(_shown(response))

    assert shown(action="flt.") == ["flt.case.accept", "flt.org.update", "flt.org.update"]
    assert shown(action="flt.org") == ["flt.org.update", "flt.org.update"]
    assert shown(action="flt.", actor="other_t") == ["flt.case.accept", "flt.org.update"]
    assert shown(action="flt", actor="auditor_t") == ["flt.org.update"]
    assert shown(action="flt.", object_type="core.organization", object_id=str(hall.uid)) == [
        "flt.org.update"
    ]
    assert shown(action="flt.", object_id=str(org.uid)) == ["flt.case.accept", "flt.org.update"]
    assert shown(action="flt.", object_type="core.region") == []
    assert shown(action="flt.", actor="nobody") == []


def test_actor_filter_finds_the_label_of_events_without_a_user(auditor):
    audit.record("lbl.calendar.load", None, None, actor_label="command line")
    assert [e.action for e in search_events({"actor": "command line"})] == ["lbl.calendar.load"]


def test_date_filter_counts_whole_days_in_beijing_time(client, auditor):
    late = audit.record("day.late", auditor)  # 23:30 on 1 March in Beijing, 15:30 UTC
    _at(late, dt.datetime(2025, 3, 1, 23, 30, tzinfo=SHANGHAI))
    early = audit.record("day.early", auditor)  # 00:30 on 2 March in Beijing, still 1 March UTC
    _at(early, dt.datetime(2025, 3, 2, 0, 30, tzinfo=SHANGHAI))
    client.force_login(auditor)

    def shown(**query):
        return _shown(client.get(URL, {"action": "day.", **query}))

    assert shown(date_from="2025-03-01", date_to="2025-03-01") == ["day.late"]
    assert shown(date_from="2025-03-02", date_to="2025-03-02") == ["day.early"]
    assert shown(date_from="2025-03-01") == ["day.early", "day.late"]  # newest first
    assert shown(date_to="2025-02-28") == []
    assert shown(date_from="2025-03-03") == []


def test_bad_filters_show_errors_and_no_rows(client, auditor):
    audit.record("bad.x", auditor)
    client.force_login(auditor)
    response = client.get(URL, {"date_from": "2025-13-01"})
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert 'class="errorlist"' in response.content.decode()
    response = client.get(URL, {"date_from": "2025-03-02", "date_to": "2025-03-01"})
    assert response.context["rows"] == [] and response.context["form"].errors
    assert client.get(URL, {"date_to": "nope", "format": "csv"}).status_code == 400


# --- order and pages -----------------------------------------------------------------------


def test_newest_first_and_paginated_by_fifty(client, auditor):
    base = dt.datetime(2025, 6, 1, 9, 0, tzinfo=SHANGHAI)
    for i in range(120):
        _at(audit.record(f"pg.n{i:03d}", auditor), base + dt.timedelta(minutes=i))
    client.force_login(auditor)
    first = client.get(URL, {"action": "pg."})
    assert _shown(first) == [f"pg.n{i:03d}" for i in range(119, 69, -1)]
    body = first.content.decode()
    assert "page=2" in body and "action=pg." in body  # the pager keeps the filters
    third = client.get(URL, {"action": "pg.", "page": 3})
    assert _shown(third) == [f"pg.n{i:03d}" for i in range(19, -1, -1)]
    beyond = client.get(URL, {"action": "pg.", "page": 99})  # out of range: the last page
    assert _shown(beyond) == _shown(third)


def test_htmx_gets_only_the_results(client, auditor):
    audit.record("hx.one", auditor)
    client.force_login(auditor)
    full = client.get(URL, {"action": "hx."})
    assert "<html" in full.content.decode() and 'hx-get="' in full.content.decode()
    partial = client.get(URL, {"action": "hx."}, headers={"HX-Request": "true"})
    text = partial.content.decode()
    assert "<html" not in text and "hx.one" in text
    assert "HX-Request" in partial["Vary"]
    restore = client.get(URL, {"action": "hx."}, headers={
        "HX-Request": "true", "HX-History-Restore-Request": "true"
    })
    assert "<html" in restore.content.decode()


def test_personal_data_in_details_is_masked_on_the_page(client, auditor):
    audit.record("pii.read", auditor, None,
                 {"id_number": "420102198803150213", "nested": {"phone": "13871234567"}})
    client.force_login(auditor)
    text = client.get(URL, {"action": "pii."}).content.decode()
    assert "420102********0213" in text and "420102198803150213" not in text
    assert "138****4567" in text and "13871234567" not in text


# --- reading writes nothing ----------------------------------------------------------------


def test_reading_the_page_and_the_export_writes_nothing(client, auditor):
    audit.record("ro.one", auditor, Region.objects.get(code="420100000000"))
    client.force_login(auditor)
    before = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
        assert client.get(URL, {"action": "ro."}, headers={"HX-Request": "true"}).status_code == 200
        b"".join(client.get(URL, {"format": "csv"}).streaming_content)
    writes = [q["sql"] for q in queries.captured_queries
              if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []
    assert AuditEvent.objects.count() == before


# --- CSV export ----------------------------------------------------------------------------


def _csv(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_csv_export_has_the_filtered_events(client, auditor):
    region = Region.objects.get(code="420102000000")
    event = audit.record("csv.one", auditor, region, {"phone": "13871234567", "rows": 3})
    _at(event, dt.datetime(2025, 3, 1, 23, 30, tzinfo=SHANGHAI))
    audit.record("csv.two", auditor)
    audit.record("other.three", auditor)
    client.force_login(auditor)
    rows = _csv(client.get(URL, {"action": "csv.", "format": "csv"}))
    assert [r["action"] for r in rows] == ["csv.two", "csv.one"]
    one = rows[1]
    assert one["uid"] == str(event.uid)
    assert one["at"] == "2025-03-01T23:30:00+08:00"
    assert (one["actor"], one["object_type"], one["object_id"], one["object_label"]) == (
        "auditor_t", "core.region", "420102000000", "江岸区"
    )
    assert "138****4567" in one["details"] and "13871234567" not in one["details"]
    only_one = _csv(client.get(URL, {"action": "csv.", "date_to": "2025-03-01", "format": "csv"}))
    assert [r["action"] for r in only_one] == ["csv.one"]


def test_csv_cells_cannot_start_a_spreadsheet_formula(client, auditor):
    audit.record("inj.x", None, None, actor_label="=HYPERLINK(\"http://x\")")
    client.force_login(auditor)
    rows = _csv(client.get(URL, {"action": "inj.", "format": "csv"}))
    assert rows[0]["actor"] == "'=HYPERLINK(\"http://x\")"
