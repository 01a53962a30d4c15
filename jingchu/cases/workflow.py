"""The case status machine: every allowed transition, named, with the role that may make it.

Anything not listed here is refused. `pauses` and `resumes` say what the transition does to the
working-day clock (补正 and 挂起 stop it; the law's time limit counts only working days handled).
"""

from __future__ import annotations

from dataclasses import dataclass

from jingchu.cases.choices import CaseStatus as S
from jingchu.identity.choices import StaffRole as R

APPLICANT = "applicant"


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    actor: str  # APPLICANT or a StaffRole value
    needs_reason: bool = False
    pauses: bool = False
    resumes: bool = False


def _t(name: str, sources: set[str], target: str, actor: str, **kw: bool) -> Transition:
    return Transition(name, frozenset(sources), target, actor, **kw)


TRANSITIONS: dict[str, Transition] = {t.name: t for t in [
    _t("submit", {S.DRAFT}, S.SUBMITTED, APPLICANT),
    _t("resubmit", {S.CORRECTION_REQUESTED}, S.SUBMITTED, APPLICANT),
    _t("withdraw", {S.DRAFT, S.SUBMITTED, S.CORRECTION_REQUESTED}, S.WITHDRAWN, APPLICANT),
    _t("accept", {S.SUBMITTED}, S.ACCEPTED, R.WINDOW_CLERK),
    _t("refuse", {S.SUBMITTED}, S.REFUSED, R.WINDOW_CLERK, needs_reason=True),
    _t("request_correction", {S.SUBMITTED}, S.CORRECTION_REQUESTED, R.WINDOW_CLERK,
       needs_reason=True),
    _t("start_review", {S.ACCEPTED}, S.UNDER_REVIEW, R.REVIEWER),
    _t("suspend", {S.UNDER_REVIEW}, S.SUSPENDED, R.REVIEWER, needs_reason=True, pauses=True),
    _t("resume", {S.SUSPENDED}, S.UNDER_REVIEW, R.REVIEWER, resumes=True),
    _t("approve", {S.UNDER_REVIEW}, S.DECIDED, R.APPROVER),
    _t("deny", {S.UNDER_REVIEW}, S.DECIDED, R.APPROVER, needs_reason=True),
    _t("complete", {S.DECIDED}, S.COMPLETED, R.REVIEWER),
    _t("deliver", {S.COMPLETED}, S.DELIVERED, R.WINDOW_CLERK),
]}


def allowed_from(status: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if status in t.sources]
