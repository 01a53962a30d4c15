"""The oversight demo: leaders and tasks in every state, made through the actions with the
clock set back, and idempotent (a second run changes no row and writes no audit event)."""

from __future__ import annotations

from typing import Any

import pytest

from jingchu.core.demo import DemoContext
from jingchu.core.models import AuditEvent
from jingchu.oversight.choices import AssignmentStatus, ExtensionStatus, TaskStatus
from jingchu.oversight.demo import load_demo
from jingchu.oversight.models import (
    Assignment,
    DeadlineExtension,
    OversightTask,
    ProgressReport,
    TaskAttachment,
    TaskEvent,
)

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (
        OversightTask, Assignment, ProgressReport, DeadlineExtension, TaskEvent,
        TaskAttachment, AuditEvent)}


def test_demo_loads_tasks_in_every_state_once(demo_orgs: dict[str, Any]) -> None:
    ctx = DemoContext(orgs=demo_orgs, password="Demo-pass-2026")
    load_demo(ctx)
    first = counts()
    assert first["OversightTask"] == 5
    assert set(OversightTask.objects.values_list("status", flat=True)) == {
        TaskStatus.OPEN, TaskStatus.REVIEW, TaskStatus.CLOSED}
    assert Assignment.objects.filter(escalation=3, status=AssignmentStatus.SIGNED).count() == 1
    child = Assignment.objects.get(parent__isnull=False)
    assert child.organization == demo_orgs["wh-ja-scjg"]
    assert DeadlineExtension.objects.get().status == ExtensionStatus.PENDING
    assert Assignment.objects.filter(status=AssignmentStatus.ASSIGNED).count() == 1
    assert first["TaskAttachment"] == 1
    assert {"oversight_leader", "wh_oversight"} <= {login[0] for login in ctx.logins}
    assert "5 demo tasks (5 made now" in ctx.report[-1]

    again = DemoContext(orgs=demo_orgs, password="Demo-pass-2026")
    load_demo(again)
    assert counts() == first
    assert "(0 made now, 0 escalations)" in again.report[-1]
