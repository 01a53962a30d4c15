"""The case status machine: every allowed transition, named, with the role that may make it.

Anything not listed here is refused. `pauses` and `resumes` say what the transition does to the
working-day clock (补正 and 挂起 stop it; the law's time limit counts only working days handled).

Correction (补齐补正) happens in two phases, told apart by whether the case was accepted:
- at intake (`request_correction` by the window clerk, before acceptance): no clock runs yet, and
  the applicant's `resubmit` sends the case back to the clerk;
- during review (`request_review_correction` by the reviewer, 审查中补正): the clock stops, and
  the applicant's `supplement` returns the case to review and restarts the clock.
Each transition names its phase, so the same status never leads two ways for one name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jingchu.cases.choices import CaseStatus as S
from jingchu.identity.choices import StaffRole as R

APPLICANT = "applicant"

# Phases: INTAKE = never accepted (accepted_at is None), REVIEW = accepted; ANY = either.
ANY, INTAKE, REVIEW = "any", "intake", "review"


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    actor: str  # APPLICANT or a StaffRole value
    needs_reason: bool = False
    pauses: bool = False
    resumes: bool = False
    phase: str = ANY
    lists_problems: bool = False  # the reason is a list of every problem, one a line

    def applies(self, status: str, accepted: bool) -> bool:
        """Whether this transition leaves a case in `status` (accepted or not)."""
        if status not in self.sources:
            return False
        if self.phase == INTAKE:
            return not accepted
        if self.phase == REVIEW:
            return accepted
        return True


def _t(name: str, sources: set[str], target: str, actor: str, **kw: Any) -> Transition:
    return Transition(name, frozenset(sources), target, actor, **kw)


TRANSITIONS: dict[str, Transition] = {t.name: t for t in [
    _t("submit", {S.DRAFT}, S.SUBMITTED, APPLICANT),
    _t("resubmit", {S.CORRECTION_REQUESTED}, S.SUBMITTED, APPLICANT, phase=INTAKE),
    _t("supplement", {S.CORRECTION_REQUESTED}, S.UNDER_REVIEW, APPLICANT, phase=REVIEW,
       resumes=True),
    _t("withdraw", {S.DRAFT, S.SUBMITTED, S.CORRECTION_REQUESTED}, S.WITHDRAWN, APPLICANT,
       phase=INTAKE),
    _t("accept", {S.SUBMITTED}, S.ACCEPTED, R.WINDOW_CLERK),
    _t("refuse", {S.SUBMITTED}, S.REFUSED, R.WINDOW_CLERK, needs_reason=True),
    _t("request_correction", {S.SUBMITTED}, S.CORRECTION_REQUESTED, R.WINDOW_CLERK,
       needs_reason=True, lists_problems=True),
    _t("start_review", {S.ACCEPTED}, S.UNDER_REVIEW, R.REVIEWER),
    _t("request_review_correction", {S.UNDER_REVIEW}, S.CORRECTION_REQUESTED, R.REVIEWER,
       needs_reason=True, lists_problems=True, pauses=True, phase=REVIEW),
    _t("suspend", {S.UNDER_REVIEW}, S.SUSPENDED, R.REVIEWER, needs_reason=True, pauses=True),
    _t("resume", {S.SUSPENDED}, S.UNDER_REVIEW, R.REVIEWER, resumes=True),
    _t("approve", {S.UNDER_REVIEW}, S.DECIDED, R.APPROVER),
    _t("deny", {S.UNDER_REVIEW}, S.DECIDED, R.APPROVER, needs_reason=True),
    _t("complete", {S.DECIDED}, S.COMPLETED, R.REVIEWER),
    _t("deliver", {S.COMPLETED}, S.DELIVERED, R.WINDOW_CLERK),
]}

# Statuses in which the handling organization works on the case (the clock may run or pause).
HANDLING = frozenset({S.ACCEPTED, S.UNDER_REVIEW, S.SUSPENDED, S.CORRECTION_REQUESTED,
                      S.DECIDED})
# Statuses with the clock running, when the case has a deadline.
CLOCK_RUNNING = frozenset({S.ACCEPTED, S.UNDER_REVIEW, S.DECIDED})
# Nothing leaves these.
FINAL = frozenset({S.REFUSED, S.WITHDRAWN, S.DELIVERED})


def allowed_from(status: str, accepted: bool | None = None) -> list[Transition]:
    """Transitions leaving `status`; with `accepted` given, only those of the case's phase."""
    if accepted is None:
        return [t for t in TRANSITIONS.values() if status in t.sources]
    return [t for t in TRANSITIONS.values() if t.applies(status, accepted)]
