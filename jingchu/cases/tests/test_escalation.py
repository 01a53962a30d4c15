"""Escalation of near-due and overdue cases, and the applicant's notifications."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from jingchu.cases import actions, tasks
from jingchu.cases.actions import escalation
from jingchu.cases.choices import CaseStatus as S
from jingchu.cases.models import CaseEvent
from jingchu.cases.tests.workbench_helpers import counts, make_case, user
from jingchu.core.demo import load_organizations
from jingchu.core.models import AuditEvent, Notification

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 10, 12)  # a Monday


@pytest.fixture
def spread(catalog):
    """On TODAY: one overdue, one due soon, one on time, one paused, one completed."""
    return {
        "overdue": make_case(catalog, S.UNDER_REVIEW, deadline=dt.date(2026, 10, 9)),
        "near": make_case(catalog, S.ACCEPTED, deadline=dt.date(2026, 10, 14)),
        "on_time": make_case(catalog, S.UNDER_REVIEW, deadline=dt.date(2026, 10, 30)),
        "paused": make_case(catalog, S.SUSPENDED, deadline=dt.date(2026, 10, 9),
                            paused_on=dt.date(2026, 10, 8)),
        "done": make_case(catalog, S.COMPLETED, deadline=dt.date(2026, 10, 1)),
    }


def _approver_notes():
    return Notification.objects.filter(recipient__username="approver_wh_hrss")


def test_overdue_and_near_due_cases_are_escalated_once_per_level(spread):
    assert actions.escalate_due_cases(TODAY) == 2
    escalated = {k for k, c in spread.items() if type(c).objects.get(pk=c.pk).escalated_at}
    assert escalated == {"overdue", "near"}
    for key in ("overdue", "near"):
        event = CaseEvent.objects.get(case=spread[key], action="escalate")
        assert event.public is False and event.actor is None
        assert AuditEvent.objects.filter(action="cases.case.escalate",
                                         object_id=str(spread[key].uid)).count() == 1
    subjects = sorted(n.subject for n in _approver_notes())
    assert len(subjects) == 2 and all(n.channel == "site" for n in _approver_notes())
    assert any(spread["overdue"].number in s for s in subjects)
    before = counts()
    assert actions.escalate_due_cases(TODAY) == 0  # idempotent: nothing new
    assert counts() == before
    # A month on, the case that was on time is overdue and escalated for the first time, the one
    # that was due soon is escalated again as overdue, and the overdue one is not told again.
    assert actions.escalate_due_cases(TODAY + dt.timedelta(days=30)) == 2
    assert _levels(spread["on_time"]) == ["overdue"]
    assert _levels(spread["near"]) == ["near_due", "overdue"]
    assert _levels(spread["overdue"]) == ["overdue"]
    assert actions.escalate_due_cases(TODAY + dt.timedelta(days=31)) == 0


def _levels(case):
    return [e.details["sla"] for e in CaseEvent.objects.filter(case=case, action="escalate")]


def test_a_case_escalated_while_due_soon_is_escalated_again_once_overdue(spread):
    near = spread["near"]  # due 2026-10-14
    assert actions.escalate_due_cases(TODAY) == 2
    first = type(near).objects.get(pk=near.pk).escalated_at
    overdue_day = dt.date(2026, 10, 15)
    assert [c.pk for c in escalation.due_for_escalation(overdue_day)] == [near.pk]
    assert actions.do_escalate_case(near, overdue_day) is True
    assert actions.do_escalate_case(near, overdue_day) is False  # once per level
    assert type(near).objects.get(pk=near.pk).escalated_at == first  # the limit's first
    subjects = list(_approver_notes().filter(subject__contains=near.number)
                    .order_by("created_at", "pk").values_list("subject", flat=True))
    assert len(subjects) == 2 and subjects[0] != subjects[1]  # due soon, then overdue
    assert AuditEvent.objects.filter(action="cases.case.escalate",
                                     object_id=str(near.uid)).count() == 2
    assert not escalation.due_for_escalation(overdue_day).exists()


def test_the_approvers_of_the_handling_organization_only_are_told(spread):
    actions.escalate_due_cases(TODAY)
    assert not Notification.objects.filter(recipient__username="approver_wh_amr").exists()
    assert not Notification.objects.filter(recipient__username="reviewer_wh_hrss").exists()


def test_the_celery_task_and_the_command_do_the_same_work(spread, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    assert tasks.escalate_overdue_cases() == 2
    assert tasks.escalate_overdue_cases() == 0
    late = make_case(load_organizations(), S.DECIDED, deadline=dt.date(2026, 10, 1))
    out = StringIO()
    call_command("cases", "escalate", "--date", TODAY.isoformat(), stdout=out)
    assert "Escalated 1 case" in out.getvalue()
    late.refresh_from_db()
    assert late.escalated_at is not None


def test_the_task_is_on_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["escalate-overdue-cases"]
    assert entry["task"] == "jingchu.cases.tasks.escalate_overdue_cases"
    assert tasks.escalate_overdue_cases.name == entry["task"]


def test_the_applicant_is_told_of_each_step(catalog):
    zhangsan = user("zhangsan")
    notes = Notification.objects.filter(recipient=zhangsan, channel="site")
    texts = Notification.objects.filter(recipient=zhangsan, channel="sms")
    case = make_case(catalog, S.SUBMITTED)
    actions.do_transition(user("clerk_wuhan"), case, "request_correction", problems=["照片模糊"])
    first = notes.first()
    assert notes.count() == 1 and first is not None and "照片模糊" in first.body
    actions.do_transition(zhangsan, case, "resubmit")
    assert notes.count() == 1  # the applicant's own step tells them nothing
    actions.do_transition(user("clerk_wuhan"), case, "accept")
    reviewer, approver = user("reviewer_wh_hrss"), user("approver_wh_hrss")
    actions.do_transition(reviewer, case, "start_review")
    actions.do_transition(approver, case, "deny", reason="不符合条件")
    actions.do_transition(reviewer, case, "complete")
    assert notes.count() == 4
    assert "不符合条件" in notes.order_by("-created_at", "-pk")[1].body
    refused = make_case(catalog, S.SUBMITTED)
    actions.do_transition(user("clerk_wuhan"), refused, "refuse", reason="不属于受理范围")
    assert notes.count() == 5
    # zhangsan registered a mobile number: each message also goes out as an SMS.
    assert sorted(texts.values_list("subject", flat=True)) == sorted(
        notes.values_list("subject", flat=True))
