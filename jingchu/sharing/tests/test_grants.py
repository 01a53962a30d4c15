"""Grants: created from approvals only, suspended / resumed / revoked with a reason by the
owner's steward or a province-level steward; data-error reports and answers."""

from __future__ import annotations

import pytest

from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import AuditEvent
from jingchu.sharing import actions
from jingchu.sharing.choices import ErrorReportStatus, GrantStatus
from jingchu.sharing.models import Grant
from jingchu.sharing.tests.conftest import request_data, row_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def grant(sharing_world):
    w = sharing_world
    request = actions.do_submit_request(w["users"]["wh"], w["orgs"]["wh-scjg"], w["population"],
                                        request_data(["id_number", "name"]))
    return actions.do_approve_request(w["users"]["gat"], request)


def test_create_grant_only_once_and_only_when_approved(sharing_world, grant):
    w = sharing_world
    with pytest.raises(ActionError) as exc:
        actions.do_create_grant(w["users"]["gat"], grant.request)
    assert exc.value.code == "already_granted"
    pending = actions.do_submit_request(w["users"]["whgaj"], w["orgs"]["wh-gaj"],
                                        w["population"], request_data(["name"]))
    with pytest.raises(ActionError) as exc:
        actions.do_create_grant(w["users"]["gat"], pending)
    assert exc.value.code == "request_not_approved"
    with pytest.raises(NotPermitted):
        actions.do_create_grant(w["users"]["whgaj"], pending)


def test_suspend_resume_revoke(sharing_world, grant):
    w = sharing_world
    owner = w["users"]["gat"]
    with pytest.raises(ActionError) as exc:
        actions.do_suspend_grant(owner, grant, "")
    assert exc.value.code == "reason_required"
    suspended = actions.do_suspend_grant(owner, grant, "核查调用异常")
    assert suspended.status == GrantStatus.SUSPENDED and suspended.change_reason
    with pytest.raises(ActionError) as exc:
        actions.do_suspend_grant(owner, suspended, "again")
    assert exc.value.code == "grant_state" and exc.value.status == 409
    resumed = actions.do_resume_grant(w["users"]["dsj"], suspended)  # province level
    assert resumed.status == GrantStatus.ACTIVE
    revoked = actions.do_revoke_grant(owner, resumed, "用途已结束")
    assert revoked.status == GrantStatus.REVOKED
    with pytest.raises(ActionError) as exc:
        actions.do_resume_grant(owner, revoked)
    assert exc.value.code == "grant_state"
    events = AuditEvent.objects.filter(object_id=str(grant.uid)).values_list("action", flat=True)
    assert set(events) >= {"sharing.grant.create", "sharing.grant.suspend",
                           "sharing.grant.resume", "sharing.grant.revoke"}


@pytest.mark.parametrize("who", ["wh", "whgaj", "scjg", "outsider", "citizen"])
def test_others_do_not_change_grants(sharing_world, grant, who):
    before = row_counts()
    with pytest.raises(NotPermitted):
        actions.do_suspend_grant(sharing_world["users"][who], grant, "x")
    with pytest.raises(NotPermitted):
        actions.do_revoke_grant(sharing_world["users"][who], grant, "x")
    assert row_counts() == before
    assert Grant.objects.get(pk=grant.pk).status == GrantStatus.ACTIVE


def test_error_reports(sharing_world, grant):
    w = sharing_world
    with pytest.raises(NotPermitted):  # no grant on the resource
        actions.do_report_error(w["users"]["whgaj"], w["orgs"]["wh-gaj"], w["population"],
                                {"description": "x"})
    before = row_counts()
    for data, code in [({"description": ""}, "description_required"),
                       ({"description": "x", "field_name": "salary"}, "field_name_unknown")]:
        with pytest.raises(ActionError) as exc:
            actions.do_report_error(w["users"]["wh"], w["orgs"]["wh-scjg"], w["population"],
                                    data)
        assert exc.value.code == code
    assert row_counts() == before
    report = actions.do_report_error(w["users"]["wh"], w["orgs"]["wh-scjg"], w["population"], {
        "record_key": "4201**********1234", "field_name": "name", "description": "姓名有误"})
    with pytest.raises(NotPermitted):
        actions.do_answer_error(w["users"]["wh"], report, "ok")
    answered = actions.do_answer_error(w["users"]["gat"], report, "已核实并更正")
    assert answered.status == ErrorReportStatus.ANSWERED and answered.answered_by
    with pytest.raises(ActionError) as exc:
        actions.do_answer_error(w["users"]["gat"], report, "again")
    assert exc.value.code == "already_answered"
