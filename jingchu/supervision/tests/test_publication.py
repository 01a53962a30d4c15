"""Publication (检查结果公示): the deadline of 20 working days on the official calendar across
National Day and the Spring Festival of 2026, the scan's alerts once per stage to the plan's
leaders, overdue rectifications, publishing (ledger entry, plan completed with its last
result), and the command-line scan."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest

from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import AuditEvent, Notification
from jingchu.ledger.models import Entry
from jingchu.supervision import cli_results, deadlines
from jingchu.supervision.actions import inspections as actions
from jingchu.supervision.models import Inspection
from jingchu.supervision.tests.test_inspections_world import (
    World,
    freeze,
    make_inspection,
    make_plan,
    reload,
)
from jingchu.supervision.tests.test_inspections_world import round_world as _round_world

round_world = _round_world  # the fixture, found here by pytest
pytestmark = pytest.mark.django_db
D = dt.date


def record(world: World, inspection: Inspection, ended_on: dt.date, outcome: str = "passed",
           user: str = "amr_insp1", **extra: Any) -> Inspection:
    return actions.do_record_result(world["users"][user], inspection, inspected_on=ended_on,
                                    ended_on=ended_on, outcome=outcome,
                                    findings=extra.pop("findings", ""), **extra)


def inbox(world: World, user: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=world["users"][user]).order_by("pk"))


# --- the deadline ---------------------------------------------------------------------------


@pytest.mark.parametrize(("ended_on", "due", "plain"), [
    # National Day and the Mid-Autumn festival: 10-01..10-07 off, Saturday 10-10 worked.
    (D(2026, 9, 30), D(2026, 11, 3), D(2026, 10, 28)),
    (D(2026, 9, 4), D(2026, 10, 9), D(2026, 10, 2)),
    # Spring Festival: 02-15..02-23 off, Saturdays 02-14 and 02-28 worked.
    (D(2026, 2, 13), D(2026, 3, 19), D(2026, 3, 13)),
    (D(2026, 1, 23), D(2026, 2, 27), D(2026, 2, 20)),
])
def test_the_deadline_counts_working_days_across_holidays(ended_on: dt.date, due: dt.date,
                                                          plain: dt.date) -> None:
    assert deadlines.publish_due(ended_on) == due
    assert due != plain  # what counting Monday to Friday alone would give


def test_recording_sets_the_deadline_across_national_day(round_world: World,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    freeze(monkeypatch, D(2026, 10, 8))  # the first working day after the holiday
    done = record(round_world, round_world["inspections"][0], D(2026, 9, 30))
    assert done.publish_due == D(2026, 11, 3) and done.status == "recorded"
    assert deadlines.working_days_left(done.publish_due, D(2026, 10, 8)) == 19


def test_recording_sets_the_deadline_across_the_spring_festival(
        round_world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    freeze(monkeypatch, D(2026, 2, 14))  # a make-up working Saturday
    done = record(round_world, round_world["inspections"][0], D(2026, 2, 13))
    assert done.publish_due == D(2026, 3, 19)


@pytest.mark.parametrize(("today", "stage"), [
    (D(2026, 9, 24), ""),      # Thursday: 9-28, 29, 30, 10-08, 09 are left
    (D(2026, 9, 25), ""),      # Mid-Autumn holiday: still five
    (D(2026, 9, 30), "soon"),  # nine calendar days before, but two working days
    (D(2026, 10, 5), "soon"),
    (D(2026, 10, 9), "soon"),  # the deadline day itself
    (D(2026, 10, 10), "late"),
])
def test_the_stage_counts_working_days_left(today: dt.date, stage: str) -> None:
    assert deadlines.stage(D(2026, 10, 9), today) == stage


# --- the scan -------------------------------------------------------------------------------


def test_the_scan_alerts_leaders_once_per_stage_across_national_day(
        round_world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    w = round_world
    first, second = w["inspections"][0], w["inspections"][1]
    freeze(monkeypatch, D(2026, 9, 7))
    record(w, first, D(2026, 9, 4))   # due 2026-10-09
    record(w, second, D(2026, 9, 4), user="amr_insp3")
    actions.do_publish(w["users"]["amr_leader"], reload(second))  # published: never alerted
    before = len(inbox(w, "amr_leader"))

    assert actions.do_scan_publication_deadlines(today=D(2026, 9, 25)) == {
        "soon": 0, "late": 0, "follow_ups_overdue": 0}
    assert actions.do_scan_publication_deadlines(today=D(2026, 9, 30))["soon"] == 1
    assert reload(first).alerted == "soon"
    soon = inbox(w, "amr_leader")[before:]
    assert len(soon) == 1 and first.number in soon[0].body and second.number not in soon[0].body
    assert inbox(w, "outsider") == [] and inbox(w, "env_leader") == []
    # once per stage: again the same day, and on the deadline day
    assert actions.do_scan_publication_deadlines(today=D(2026, 9, 30))["soon"] == 0
    assert actions.do_scan_publication_deadlines(today=D(2026, 10, 9))["soon"] == 0
    # the make-up working Saturday after the deadline: late, once
    assert actions.do_scan_publication_deadlines(today=D(2026, 10, 10))["late"] == 1
    assert actions.do_scan_publication_deadlines(today=D(2026, 10, 12))["late"] == 0
    assert reload(first).alerted == "late"
    assert len(inbox(w, "amr_leader")) == before + 2
    assert AuditEvent.objects.filter(action="supervision.plan.alert_late",
                                     actor_label="system").count() == 1


def test_the_scan_goes_straight_to_late_and_counts_each_inspection_once(
        round_world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    w = round_world
    freeze(monkeypatch, D(2026, 2, 24))
    for n, inspection in enumerate(w["inspections"][:2]):
        record(w, inspection, D(2026, 2, 13), user=("amr_insp1", "amr_insp3")[n])
    counts = actions.do_scan_publication_deadlines(today=D(2026, 3, 20))  # due 03-19
    assert counts == {"soon": 0, "late": 2, "follow_ups_overdue": 0}
    numbers = [i.number for i in w["inspections"][:2]]
    messages = [n for n in inbox(w, "amr_leader") if all(x in n.body for x in numbers)]
    assert len(messages) == 1  # one message for the plan, both inspections listed


def test_a_new_result_restarts_the_alerts(round_world: World,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    w = round_world
    inspection = w["inspections"][0]
    freeze(monkeypatch, D(2026, 9, 7))
    record(w, inspection, D(2026, 9, 4))
    actions.do_scan_publication_deadlines(today=D(2026, 9, 30))
    assert reload(inspection).alerted == "soon"
    freeze(monkeypatch, D(2026, 9, 30))
    corrected = record(w, reload(inspection), D(2026, 9, 29))  # a later end: a new deadline
    assert corrected.publish_due == D(2026, 11, 2) and corrected.alerted == ""


def test_rectifications_not_recorded_by_their_date_become_overdue(
        round_world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    w = round_world
    inspection = w["inspections"][0]
    freeze(monkeypatch, D(2026, 9, 7))
    record(w, inspection, D(2026, 9, 4), outcome="rectify", findings="灭蝇设施缺失",
           follow_up_due=D(2026, 10, 9))
    assert actions.do_scan_publication_deadlines(today=D(2026, 10, 9))["follow_ups_overdue"] == 0
    assert actions.do_scan_publication_deadlines(
        today=D(2026, 10, 10))["follow_ups_overdue"] == 1
    assert reload(inspection).follow_up == "overdue"
    assert actions.do_scan_publication_deadlines(
        today=D(2026, 10, 11))["follow_ups_overdue"] == 0


def test_only_the_system_or_a_platform_administrator_scans(round_world: World) -> None:
    with pytest.raises(NotPermitted):
        actions.do_scan_publication_deadlines(round_world["users"]["amr_leader"])


def test_the_command_line_scan_prints_the_counts(round_world: World,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    freeze(monkeypatch, D(2026, 9, 7))
    record(round_world, round_world["inspections"][0], D(2026, 9, 4))
    freeze(monkeypatch, D(2026, 10, 12))
    out = io.StringIO()
    assert cli_results.scan(out) == 0
    assert "0 due soon, 1 late" in out.getvalue()


# --- publishing -----------------------------------------------------------------------------


def test_publishing_appends_to_the_ledger_and_completes_the_plan(
        round_world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    w = round_world
    leader = w["users"]["amr_leader"]
    freeze(monkeypatch, D(2026, 9, 7))
    for inspection, user in zip(w["inspections"], ("amr_insp1", "amr_insp3", "amr_insp1"),
                                strict=True):
        record(w, inspection, D(2026, 9, 4), user=user)
    freeze(monkeypatch, D(2026, 10, 9), hour=23)  # the last day, late in the evening
    published = actions.do_publish(leader, reload(w["inspections"][0]))
    assert published.status == "published"
    assert deadlines.published_on_time(published.published_at, published.publish_due)
    entry = Entry.objects.get(kind="supervision.result.published")
    payload = json.loads(entry.payload)
    assert payload == {"inspection": published.number, "plan": w["plan"].number,
                       "uscc": w["entities"][0].uscc, "outcome": "passed",
                       "inspected_on": "2026-09-04", "ended_on": "2026-09-04",
                       "publish_due": "2026-10-09", "published_on": "2026-10-09"}
    assert actions.ledger_index(published) == entry.index
    w["plan"].refresh_from_db()
    assert w["plan"].status == "drawn"
    for inspection in w["inspections"][1:]:
        actions.do_publish(leader, reload(inspection))
    w["plan"].refresh_from_db()
    assert w["plan"].status == "completed"
    assert AuditEvent.objects.filter(action="supervision.plan.complete").count() == 1


def test_publishing_needs_a_result_and_a_leader(round_world: World,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    w = round_world
    inspection = w["inspections"][0]
    with pytest.raises(ActionError) as refused:
        actions.do_publish(w["users"]["amr_leader"], inspection)
    assert refused.value.code == "wrong_state" and refused.value.status == 409
    freeze(monkeypatch, D(2026, 9, 7))
    record(w, inspection, D(2026, 9, 4))
    for name in ("amr_insp1", "amr_clerk", "outsider", "env_leader"):
        with pytest.raises(NotPermitted):
            actions.do_publish(w["users"][name], reload(inspection))
    assert reload(inspection).status == "recorded" and not Entry.objects.exists()
    actions.do_publish(w["users"]["amr_leader"], reload(inspection))
    with pytest.raises(ActionError) as twice:
        actions.do_publish(w["users"]["amr_leader"], reload(inspection))
    assert twice.value.code == "wrong_state"


def test_a_partner_department_leader_publishes_a_joint_result(
        round_world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    w = round_world
    joint = make_plan(w, "420100-CC-2026-0002", items=[w["items"]["emission"]],
                      partners=[w["env"]])
    inspection = make_inspection(joint, w["entities"][3],
                                 1, [w["inspectors"]["amr_insp2"], w["inspectors"]["env_insp1"]])
    freeze(monkeypatch, D(2026, 9, 7))
    record(w, inspection, D(2026, 9, 4), user="env_insp1")
    done = actions.do_publish(w["users"]["env_leader"], reload(inspection))
    assert done.status == "published"
    joint.refresh_from_db()
    assert joint.status == "completed"
