"""Share requests: submission checks, automatic grant of unconditional resources, the review
deadline in working days, approval (all or some fields), refusal, withdrawal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jingchu.core import calendar
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import Notification
from jingchu.sharing import actions
from jingchu.sharing.choices import GrantStatus, RequestStatus
from jingchu.sharing.models import Grant
from jingchu.sharing.tests.conftest import request_data, row_counts

pytestmark = pytest.mark.django_db


def submit(w, resource="population", who="wh", org="wh-scjg", **data):
    fields = data.pop("fields", ["id_number", "name"] if resource == "population"
                      else ["uscc", "name"])
    return actions.do_submit_request(w["users"][who], w["orgs"][org], w[resource],
                                     request_data(fields, **data))


def test_unconditional_is_granted_at_once(sharing_world):
    request = submit(sharing_world, "entities")
    assert request.status == RequestStatus.APPROVED and request.review_deadline is None
    grant = Grant.objects.get(request=request)
    assert grant.fields == ["uscc", "name"] and grant.status == GrantStatus.ACTIVE
    assert grant.consumer == sharing_world["orgs"]["wh-scjg"]


def test_conditional_waits_for_review_ten_working_days(sharing_world):
    request = submit(sharing_world)
    today = timezone.localdate()
    assert request.status == RequestStatus.PENDING
    assert request.review_deadline == calendar.add_working_days(today, 10)
    assert not Grant.objects.filter(request=request).exists()
    note = Notification.objects.get(recipient=sharing_world["users"]["gat"])
    assert "HB-GAT-0001" in note.subject or sharing_world["population"].name in note.subject


def test_the_review_days_are_configured(sharing_world, monkeypatch):
    monkeypatch.setenv("JINGCHU_SHARING_REVIEW_DAYS", "3")
    request = submit(sharing_world)
    assert request.review_deadline == calendar.add_working_days(timezone.localdate(), 3)


@pytest.mark.parametrize(("change", "code", "status"), [
    ({"fields": []}, "fields_required", 400),
    ({"fields": ["id_number", "salary"]}, "fields_unknown", 400),
    ({"fields": ["name", "name"]}, "fields_duplicate", 400),
    ({"purpose": " "}, "purpose_required", 400),
    ({"legal_basis": ""}, "legal_basis_required", 400),
    ({"valid_until": dt.date(2000, 1, 1), "valid_from": dt.date(1999, 1, 1)}, "period_past",
     400),
    ({"valid_from": dt.date.today() + dt.timedelta(days=9),
      "valid_until": dt.date.today()}, "period_invalid", 400),
    ({"valid_from": "tomorrow"}, "period_invalid", 400),
    ({"expected_daily_calls": -4}, "expected_calls_invalid", 400),
])
def test_submission_refusals(sharing_world, change, code, status):
    before = row_counts()
    with pytest.raises(ActionError) as exc:
        submit(sharing_world, **change)
    assert (exc.value.code, exc.value.status) == (code, status)
    assert row_counts() == before


def test_state_refusals(sharing_world):
    w = sharing_world
    submit(w)
    with pytest.raises(ActionError) as exc:
        submit(w)
    assert exc.value.code == "request_pending" and exc.value.status == 409
    with pytest.raises(ActionError) as exc:
        submit(w, who="gat", org="hb-gat")
    assert exc.value.code == "own_resource"
    draft = actions.do_register_resource(w["users"]["gat"], w["orgs"]["hb-gat"], {
        "code": "HB-GAT-0100", "name": "草稿", "share_type": "unconditional",
        "fields": [{"name": "a"}]})
    with pytest.raises(ActionError) as exc:
        actions.do_submit_request(w["users"]["wh"], w["orgs"]["wh-scjg"], draft,
                                  request_data(["a"]))
    assert exc.value.code == "resource_not_published"
    secret = actions.do_register_resource(w["users"]["gat"], w["orgs"]["hb-gat"], {
        "code": "HB-GAT-0101", "name": "不共享", "share_type": "not_shared",
        "legal_basis": "法", "fields": [{"name": "a"}]})
    actions.do_publish_resource(w["users"]["gat"], secret)
    with pytest.raises(ActionError) as exc:
        actions.do_submit_request(w["users"]["wh"], w["orgs"]["wh-scjg"], secret,
                                  request_data(["a"]))
    assert exc.value.code == "not_shared" and exc.value.status == 409


def test_only_the_consumers_steward_requests(sharing_world):
    for who in ("outsider", "gat", "citizen"):
        with pytest.raises(NotPermitted):
            submit(sharing_world, who=who)


def test_full_and_partial_approval(sharing_world):
    w = sharing_world
    full = submit(w, fields=["id_number", "name", "phone"])
    grant = actions.do_approve_request(w["users"]["gat"], full, rate_limit=60)
    full.refresh_from_db()
    assert full.status == RequestStatus.APPROVED and full.reviewed_by == w["users"]["gat"]
    assert grant.fields == ["id_number", "name", "phone"] and grant.rate_limit == 60
    assert grant.masked_fields == ["id_number", "phone"]  # the fields with a masking rule
    partial = submit(w, who="whgaj", org="wh-gaj", fields=["id_number", "name", "address"])
    grant = actions.do_approve_request(w["users"]["gat"], partial, fields=["id_number", "name"],
                                       masked_fields=[], reason="住址不予提供")
    partial.refresh_from_db()
    assert partial.status == RequestStatus.PARTLY_APPROVED
    assert partial.granted_fields == ["id_number", "name"] and grant.masked_fields == []
    with pytest.raises(ActionError) as exc:
        actions.do_approve_request(w["users"]["gat"], partial)
    assert exc.value.code == "request_not_pending"


def test_approval_refusals_write_nothing(sharing_world):
    w = sharing_world
    request = submit(w)
    before = row_counts()
    cases: list[tuple[dict[str, Any], str]] = [
        ({"fields": ["phone"]}, "fields_unknown"),
        ({"masked_fields": ["address"]}, "masked_fields_unknown"),
        ({"rate_limit": 0}, "rate_limit_invalid")]
    for kwargs, code in cases:
        with pytest.raises(ActionError) as exc:
            actions.do_approve_request(w["users"]["gat"], request, **kwargs)
        assert exc.value.code == code
    with pytest.raises(NotPermitted):
        actions.do_approve_request(w["users"]["wh"], request)
    with pytest.raises(NotPermitted):
        actions.do_approve_request(w["users"]["dsj"], request)
    assert row_counts() == before
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


def test_refuse_and_withdraw(sharing_world):
    w = sharing_world
    request = submit(w)
    with pytest.raises(ActionError) as exc:
        actions.do_refuse_request(w["users"]["gat"], request, "  ")
    assert exc.value.code == "reason_required"
    refused = actions.do_refuse_request(w["users"]["gat"], request, "用途与所需字段不符")
    assert refused.status == RequestStatus.REFUSED and refused.decision_reason
    with pytest.raises(ActionError) as exc:
        actions.do_withdraw_request(w["users"]["wh"], refused)
    assert exc.value.code == "request_not_pending"
    again = submit(w)
    with pytest.raises(NotPermitted):
        actions.do_withdraw_request(w["users"]["gat"], again)
    assert actions.do_withdraw_request(w["users"]["wh"], again).status == "withdrawn"


def test_reminders_of_due_reviews(sharing_world):
    from jingchu.sharing.tasks import remind_due_share_reviews

    w = sharing_world
    request = submit(w)
    assert actions.do_remind_due_reviews() == 0  # ten working days ahead: not due yet
    near = timezone.localdate()  # due today
    type(request).objects.filter(pk=request.pk).update(review_deadline=near)
    before = Notification.objects.count()
    assert remind_due_share_reviews() == 1  # the one steward of 省公安厅
    assert Notification.objects.count() == before + 1
    assert remind_due_share_reviews() == 0  # once a day
    from jingchu.sharing import queries

    overdue = queries.overdue_requests(w["users"]["gat"], near + dt.timedelta(days=1))
    assert list(overdue) == [request]
    assert list(queries.overdue_requests(w["users"]["wh"], near + dt.timedelta(days=1))) == []
