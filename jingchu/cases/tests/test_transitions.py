"""Every allowed transition by the right role, and every other (status, step) pair refused."""

from __future__ import annotations

import pytest

from jingchu.cases import actions
from jingchu.cases.choices import CaseStatus as S
from jingchu.cases.models import CaseEvent
from jingchu.cases.tests.workbench_helpers import counts, make_case, user
from jingchu.cases.workflow import TRANSITIONS, allowed_from
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import AuditEvent

pytestmark = pytest.mark.django_db

# (status, accepted) — correction appears twice: at intake and during review.
STATES = [
    (S.DRAFT, False), (S.SUBMITTED, False), (S.CORRECTION_REQUESTED, False),
    (S.CORRECTION_REQUESTED, True), (S.REFUSED, False), (S.ACCEPTED, True),
    (S.UNDER_REVIEW, True), (S.SUSPENDED, True), (S.DECIDED, True), (S.COMPLETED, True),
    (S.DELIVERED, True), (S.WITHDRAWN, False),
]

# Written out by hand, independently of workflow.py: what each step may do, from where.
EXPECTED = {
    ("submit", S.DRAFT, False): S.SUBMITTED,
    ("resubmit", S.CORRECTION_REQUESTED, False): S.SUBMITTED,
    ("supplement", S.CORRECTION_REQUESTED, True): S.UNDER_REVIEW,
    ("withdraw", S.DRAFT, False): S.WITHDRAWN,
    ("withdraw", S.SUBMITTED, False): S.WITHDRAWN,
    ("withdraw", S.CORRECTION_REQUESTED, False): S.WITHDRAWN,
    ("accept", S.SUBMITTED, False): S.ACCEPTED,
    ("refuse", S.SUBMITTED, False): S.REFUSED,
    ("request_correction", S.SUBMITTED, False): S.CORRECTION_REQUESTED,
    ("start_review", S.ACCEPTED, True): S.UNDER_REVIEW,
    ("request_review_correction", S.UNDER_REVIEW, True): S.CORRECTION_REQUESTED,
    ("suspend", S.UNDER_REVIEW, True): S.SUSPENDED,
    ("resume", S.SUSPENDED, True): S.UNDER_REVIEW,
    ("approve", S.UNDER_REVIEW, True): S.DECIDED,
    ("deny", S.UNDER_REVIEW, True): S.DECIDED,
    ("complete", S.DECIDED, True): S.COMPLETED,
    ("deliver", S.COMPLETED, True): S.DELIVERED,
}

NEEDS_REASON = {"refuse", "request_correction", "request_review_correction", "suspend", "deny"}

# The right person for each step on a 社保卡 case of zhangsan's, handled by 武汉市人社局 and
# accepted at 武汉市民之家; and a wrong one of each kind.
RIGHT = {"applicant": "zhangsan", "window_clerk": "clerk_wuhan",
         "reviewer": "reviewer_wh_hrss", "approver": "approver_wh_hrss"}
WRONG = {"applicant": ["lisi", "clerk_wuhan", "reviewer_wh_hrss"],
         "window_clerk": ["zhangsan", "reviewer_wh_hrss", "approver_wh_hrss"],
         "reviewer": ["zhangsan", "approver_wh_hrss", "clerk_wuhan", "reviewer_wh_amr"],
         "approver": ["zhangsan", "reviewer_wh_hrss", "clerk_wuhan", "approver_wh_amr"]}


def test_the_table_in_workflow_matches_the_expected_machine():
    assert set(TRANSITIONS) == {name for name, _s, _a in EXPECTED}
    found = {(t.name, status, accepted): t.target for status, accepted in STATES
             for t in allowed_from(status, accepted)}
    assert found == EXPECTED
    assert {t.name for t in TRANSITIONS.values() if t.needs_reason} == NEEDS_REASON
    assert {t.name for t in TRANSITIONS.values() if t.pauses} == {
        "suspend", "request_review_correction"}
    assert {t.name for t in TRANSITIONS.values() if t.resumes} == {"resume", "supplement"}


@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_every_status_pair_allowed_or_refused_with_409(catalog, name):
    transition = TRANSITIONS[name]
    actor = user(RIGHT[transition.actor])
    for status, accepted in STATES:
        paused = (status == S.SUSPENDED or (status == S.CORRECTION_REQUESTED and accepted))
        case = make_case(catalog, status, accepted=accepted,
                         paused_on=case_pause_day() if paused else None)
        target = EXPECTED.get((name, status, accepted))
        before = counts(case)
        if target is None:
            with pytest.raises(ActionError) as refused:
                actions.do_transition(actor, case, name, reason="理由")
            assert refused.value.status == 409, (name, status, accepted)
            assert refused.value.code == "transition_not_allowed"
            assert counts(case) == before, (name, status, accepted)
            continue
        done = actions.do_transition(actor, case, name, reason="理由")
        assert done.status == target, (name, status)
        event = CaseEvent.objects.filter(case=case).latest("id")
        assert (event.action, event.from_status, event.to_status) == (name, status, target)
        assert AuditEvent.objects.filter(action=f"cases.case.{name}",
                                         object_id=str(case.uid)).count() == 1


def case_pause_day():
    import datetime as dt

    return dt.date(2026, 9, 1)


@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_the_wrong_role_gets_403_and_nothing_is_written(catalog, name):
    transition = TRANSITIONS[name]
    status, accepted = next((s, a) for (n, s, a) in EXPECTED if n == name)
    case = make_case(catalog, status, accepted=accepted)
    for username in WRONG[transition.actor]:
        before = counts(case)
        with pytest.raises(NotPermitted) as refused:
            actions.do_transition(user(username), case, name, reason="理由")
        assert refused.value.status == 403
        assert counts(case) == before, (name, username)


def test_an_outsider_gets_403_even_where_the_status_would_refuse(catalog):
    """Permission is checked first, so an outsider learns nothing of the case's status."""
    case = make_case(catalog, S.DELIVERED)
    with pytest.raises(NotPermitted):
        actions.do_transition(user("lisi"), case, "approve")


@pytest.mark.parametrize("name", sorted(NEEDS_REASON))
def test_reasons_are_required_where_the_workflow_says(catalog, name):
    status, accepted = next((s, a) for (n, s, a) in EXPECTED if n == name)
    case = make_case(catalog, status, accepted=accepted)
    actor = user(RIGHT[TRANSITIONS[name].actor])
    before = counts(case)
    for blank in ("", "   \n  "):
        with pytest.raises(ActionError) as refused:
            actions.do_transition(actor, case, name, reason=blank)
        assert refused.value.code == "reason_required"
        assert counts(case) == before


def test_a_correction_request_lists_every_problem_at_once(catalog):
    case = make_case(catalog, S.SUBMITTED)
    clerk = user("clerk_wuhan")
    problems = ["身份证复印件不清晰", "缺少近期免冠照片"]
    done = actions.do_transition(clerk, case, "request_correction", problems=problems,
                                 reason="银行名称有误\n\n联系电话有误")
    event = done.events.latest("id")
    assert event.details["problems"] == [*problems, "银行名称有误", "联系电话有误"]
    assert event.note.splitlines() == event.details["problems"]


def test_unknown_step_is_refused_and_writes_nothing(catalog):
    case = make_case(catalog, S.SUBMITTED)
    before = counts(case)
    with pytest.raises(ActionError) as refused:
        actions.do_transition(user("clerk_wuhan"), case, "teleport")
    assert refused.value.code == "unknown_transition"
    assert counts(case) == before


def test_submit_runs_the_precheck_and_writes_nothing_when_incomplete(catalog):
    case = make_case(catalog, S.DRAFT, complete=False)
    before = counts(case)
    with pytest.raises(ActionError) as refused:
        actions.do_transition(user("zhangsan"), case, "submit")
    assert refused.value.code == "precheck_failed"
    assert counts(case) == before


def test_claim_by_the_handling_reviewer_once_and_refused_to_others(catalog):
    case = make_case(catalog, S.UNDER_REVIEW)
    reviewer = user("reviewer_wh_hrss")
    actions.do_claim(reviewer, case)
    case.refresh_from_db()
    assert case.claimed_by is not None and case.claimed_by.user == reviewer
    before = counts(case)
    actions.do_claim(reviewer, case)  # again: nothing to write
    assert counts(case) == before
    with pytest.raises(ActionError) as taken:
        actions.do_claim(user("approver_wh_hrss"), case)
    assert taken.value.status == 409
    with pytest.raises(NotPermitted):
        actions.do_claim(user("reviewer_wh_amr"), case)
    assert counts(case) == before


def test_claim_of_a_case_not_being_handled_is_refused(catalog):
    case = make_case(catalog, S.SUBMITTED)
    before = counts(case)
    with pytest.raises(ActionError) as refused:
        actions.do_claim(user("reviewer_wh_hrss"), case)
    assert refused.value.status == 409
    assert counts(case) == before
