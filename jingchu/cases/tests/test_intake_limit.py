"""The intake limit (行政许可法 art. 32): 5 working days to accept, refuse or request corrections;
left unanswered, the application counts as accepted on the day it was received."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jingchu.cases import actions, clock
from jingchu.cases.choices import CaseStatus as S
from jingchu.cases.choices import SlaState
from jingchu.cases.models import Case, CaseEvent
from jingchu.cases.tests.workbench_helpers import SOCIAL_CARD, counts, make_case, user
from jingchu.core.errors import ActionError
from jingchu.core.models import AuditEvent, Notification

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def on_day(monkeypatch):
    def freeze(day: dt.date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)

    return freeze


def _submitted_on(catalog, on_day, day: dt.date) -> Case:
    on_day(day)
    draft = make_case(catalog, S.DRAFT, code=SOCIAL_CARD)
    case = actions.do_transition(user("zhangsan"), draft, "submit")
    # Received on `day` (the handling clock reads the local date of submitted_at).
    case.submitted_at = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    case.save(update_fields=["submitted_at"])
    return case


def test_submission_sets_the_intake_limit_across_national_day(catalog, on_day):
    # Wed 09-30 + 5 working days: 10-08, 10-09, 10-10 (make-up Saturday), 10-12, 10-13.
    case = _submitted_on(catalog, on_day, D(2026, 9, 30))
    assert case.deadline == D(2026, 10, 13) == clock.intake_deadline(D(2026, 9, 30))
    assert clock.sla_state(case, D(2026, 10, 12)) == SlaState.NEAR_DUE
    assert clock.sla_state(case, D(2026, 10, 14)) == SlaState.OVERDUE


def test_a_correction_request_stops_the_limit_and_resubmission_starts_a_new_one(catalog, on_day):
    case = _submitted_on(catalog, on_day, D(2026, 10, 12))
    on_day(D(2026, 10, 14))
    case = actions.do_transition(user("clerk_wuhan"), case, "request_correction",
                                 problems=["照片不清晰"])
    assert case.deadline is None and clock.sla_state(case) == SlaState.NONE
    on_day(D(2026, 10, 16))
    case = actions.do_transition(user("zhangsan"), case, "resubmit")
    assert case.deadline == D(2026, 10, 23)  # Fri 10-16 + 5 working days


def test_refusal_clears_the_limit(catalog, on_day):
    case = _submitted_on(catalog, on_day, D(2026, 10, 12))
    case = actions.do_transition(user("clerk_wuhan"), case, "refuse", reason="不属于受理范围")
    assert case.status == S.REFUSED and case.deadline is None


def test_accepted_within_the_limit_counts_from_the_day_of_acceptance(catalog, on_day):
    case = _submitted_on(catalog, on_day, D(2026, 10, 12))
    on_day(D(2026, 10, 14))
    case = actions.do_transition(user("clerk_wuhan"), case, "accept")
    assert case.deadline == clock.deadline_on_acceptance(case, D(2026, 10, 14)) == D(2026, 10, 21)
    event = CaseEvent.objects.get(case=case, action="accept")
    assert "deemed_accepted_on" not in event.details


def test_accepted_after_the_limit_counts_as_accepted_on_receipt(catalog, on_day):
    case = _submitted_on(catalog, on_day, D(2026, 10, 12))  # limit: Mon 10-19
    on_day(D(2026, 10, 22))
    case = actions.do_transition(user("clerk_wuhan"), case, "accept")
    # Handling runs from 10-12, not 10-22: 5 promised working days end on 10-19.
    assert case.deadline == D(2026, 10, 19)
    assert clock.sla_state(case, D(2026, 10, 22)) == SlaState.OVERDUE
    event = CaseEvent.objects.get(case=case, action="accept")
    assert event.details == {"deemed_accepted_on": "2026-10-12"}
    row = AuditEvent.objects.get(action="cases.case.accept", object_id=str(case.uid))
    assert row.details["deemed_accepted_on"] == "2026-10-12"


def test_no_correction_request_after_the_limit(catalog, on_day):
    case = _submitted_on(catalog, on_day, D(2026, 10, 12))
    on_day(D(2026, 10, 20))
    before = counts(case)
    with pytest.raises(ActionError) as refused:
        actions.do_transition(user("clerk_wuhan"), case, "request_correction",
                              problems=["缺少照片"])
    assert refused.value.code == "intake_period_over" and refused.value.status == 409
    assert "2026-10-19" in refused.value.message
    assert counts(case) == before
    # Refusing with reasons stays possible.
    assert actions.do_transition(user("clerk_wuhan"), case, "refuse",
                                 reason="不符合条件").status == S.REFUSED


def test_an_application_waiting_at_intake_is_escalated_then_again_after_acceptance(
        catalog, on_day):
    case = _submitted_on(catalog, on_day, D(2026, 10, 12))
    assert actions.escalate_due_cases(D(2026, 10, 16)) == 1  # two working days before 10-19
    note = Notification.objects.get(recipient__username="approver_wh_hrss")
    assert case.number and case.number in note.subject and "2026-10-19" in note.body
    event = CaseEvent.objects.get(case=case, action="escalate")
    assert event.details["phase"] == "intake" and event.public is False
    assert actions.escalate_due_cases(D(2026, 10, 16)) == 0
    on_day(D(2026, 10, 16))
    case = actions.do_transition(user("clerk_wuhan"), case, "accept")
    assert case.escalated_at is None and case.deadline == D(2026, 10, 23)
    assert actions.escalate_due_cases(D(2026, 10, 22)) == 1
    assert CaseEvent.objects.get(case=case, action="escalate",
                                 details__phase="handling").details["sla"] == SlaState.NEAR_DUE
