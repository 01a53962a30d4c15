"""The draw as long work: drawing.run reports its progress without changing its result; a draw
requested on the plan page is refused exactly as do_run_draw refuses (nothing written), runs as
a task once the request commits (in-process: tasks are eager in the tests), runs once however
often the task is delivered, and a failed run is shown with the plan drawable again; the
progress element polls a small view that outsiders may not read; the command line draws with a
progress bar; on PostgreSQL a poller sees the progress before the draw commits."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management.base import OutputWrapper
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import Client
from django.urls import reverse

from jingchu.conftest import is_postgres
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import AuditEvent
from jingchu.ledger.models import Entry
from jingchu.supervision import cli_draw, drawing, tasks
from jingchu.supervision.actions import plans
from jingchu.supervision.choices import PlanStatus
from jingchu.supervision.draw_progress import DrawBoard
from jingchu.supervision.models import Draw, InspectionPlan
from jingchu.supervision.tests.test_draw import SEED, make_inputs
from jingchu.supervision.tests.test_plans import WITNESS, make_plan
from jingchu.supervision.tests.test_plans_pages import signed_in

World = dict[str, Any]


def committed(world: World) -> InspectionPlan:
    plan = make_plan(world)
    plans.do_commit_draw(world["users"]["amr_leader"], plan)
    return plan


def written(plan: InspectionPlan) -> tuple[Any, ...]:
    """What a refused request or draw must leave as it was."""
    plan.refresh_from_db()
    draw = Draw.objects.get(plan=plan)
    return (plan.status, plan.inspections.count(), Entry.objects.count(),
            AuditEvent.objects.filter(action__startswith="supervision.draw.").count(),
            draw.requested_at, draw.requested_witness, draw.witness, draw.seed, draw.failure)


# --- drawing.run -----------------------------------------------------------------------------

def test_the_progress_reaches_the_total_and_the_result_is_unchanged() -> None:
    inputs = make_inputs(400, ratio="50.00", key=True)  # no caps: 225 drawn
    seen: list[tuple[int, int]] = []
    result = drawing.run(inputs, SEED, WITNESS, lambda done, total: seen.append((done, total)))
    total = len(result["inspections"])
    assert total > drawing.PROGRESS_STEPS  # enough to report every ~1 %, not every entity
    assert result == drawing.run(inputs, SEED, WITNESS)
    assert seen[0] == (0, total) and seen[-1] == (total, total)
    assert all(t == total for _, t in seen)
    assert [d for d, _ in seen] == sorted({d for d, _ in seen})  # rising, never repeated
    assert drawing.PROGRESS_STEPS // 2 <= len(seen) <= drawing.PROGRESS_STEPS + 2


# --- requesting the draw ---------------------------------------------------------------------

@pytest.mark.django_db
def test_the_request_refuses_what_the_draw_refuses_with_nothing_written(
        supervision_world: World) -> None:
    users = supervision_world["users"]
    draft = make_plan(supervision_world)
    plan = committed(supervision_world)
    cases: list[tuple[Any, InspectionPlan, Any, str]] = [
        (users["outsider"], plan, WITNESS, "permission_denied"),
        (users["env_leader"], plan, WITNESS, "permission_denied"),  # partner: sees, not draws
        (users["amr_leader"], draft, WITNESS, "wrong_state"),
        (users["amr_leader"], plan, "   ", "witness_required"),
        (users["amr_leader"], plan, "第3号\u200b", "witness_invalid"),
        (users["amr_leader"], plan, "9" * 65, "witness_invalid"),
    ]
    before = written(plan)
    for actor, target, witness, code in cases:
        refusals = []
        for action in (plans.do_request_draw, plans.do_run_draw):
            with pytest.raises(ActionError) as caught:
                action(actor, target, witness=witness)
            refusals.append((caught.value.code, caught.value.status))
        assert refusals[0] == refusals[1] and refusals[0][0] == code, (code, refusals)
    assert written(plan) == before
    with pytest.raises(NotPermitted):
        plans.do_request_draw(None, plan, witness=WITNESS)
    assert written(plan) == before


@pytest.mark.django_db
def test_a_request_runs_once_on_commit_and_the_task_is_idempotent(
        supervision_world: World, django_capture_on_commit_callbacks: Any) -> None:
    plan = committed(supervision_world)
    leader = supervision_world["users"]["amr_leader"]
    with django_capture_on_commit_callbacks(execute=True) as queued:
        draw = plans.do_request_draw(leader, plan, witness=f" {WITNESS} ")
    assert "do_request_draw" in queued[0].__qualname__  # then the inspectors' notifications
    draw.refresh_from_db()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAWN and draw.witness == WITNESS
    assert (draw.requested_by, draw.requested_witness, draw.drawn_by) == (leader, WITNESS, leader)
    assert draw.progress_done == draw.progress_total == plan.inspections.count() > 0
    request = AuditEvent.objects.get(action="supervision.draw.request")
    assert request.details == {"witness": WITNESS, "after_failure": False}
    assert AuditEvent.objects.filter(action="supervision.draw.run").count() == 1
    after = written(plan)
    assert tasks.run_requested_draw(str(draw.uid)) == "not pending"  # delivered twice
    assert tasks.run_requested_draw("00000000-0000-0000-0000-000000000000") == "not pending"
    assert written(plan) == after
    with pytest.raises(ActionError) as caught:
        plans.do_request_draw(leader, plan, witness=WITNESS)
    assert caught.value.code == "wrong_state" and written(plan) == after


@pytest.mark.django_db
def test_a_pending_request_is_not_made_twice_and_a_lost_one_may_be(
        supervision_world: World, django_capture_on_commit_callbacks: Any) -> None:
    plan = committed(supervision_world)
    leader = supervision_world["users"]["amr_leader"]
    with django_capture_on_commit_callbacks(execute=False):  # the worker has not run it yet
        draw = plans.do_request_draw(leader, plan, witness=WITNESS)
    assert plans.request_is_open(draw)
    with pytest.raises(ActionError) as caught:
        plans.do_request_draw(leader, plan, witness="另一个见证码")
    assert (caught.value.code, caught.value.status) == ("draw_requested", 409)
    assert draw.requested_at is not None
    Draw.objects.filter(pk=draw.pk).update(
        requested_at=draw.requested_at - plans.REQUEST_STALE_AFTER)
    with django_capture_on_commit_callbacks(execute=True):
        plans.do_request_draw(leader, plan, witness="另一个见证码")
    draw.refresh_from_db()
    assert draw.witness == "另一个见证码" and draw.drawn_at is not None


@pytest.mark.django_db
def test_a_failed_run_is_shown_and_the_plan_may_be_drawn_again(
        supervision_world: World, django_capture_on_commit_callbacks: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    plan = committed(supervision_world)
    entries = Entry.objects.count()

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise drawing.DrawInputError("the inputs could not be read")

    monkeypatch.setattr(plans.drawing, "run", broken)
    leader = signed_in("amr_leader")
    url = reverse("supervision:plan_draw", args=[plan.number])
    with django_capture_on_commit_callbacks(execute=True):
        response = leader.post(url, {"witness": WITNESS})
    assert response.status_code == 302
    plan.refresh_from_db()
    draw = Draw.objects.get(plan=plan)
    assert plan.status == PlanStatus.COMMITTED and not plan.inspections.exists()
    assert "the inputs could not be read" in draw.failure and draw.failed_at is not None
    assert draw.secret_seed and not draw.seed and Entry.objects.count() == entries
    assert AuditEvent.objects.filter(action="supervision.draw.fail").count() == 1
    page = leader.get(response["Location"]).content.decode()
    assert 'id="draw-failure"' in page and "the inputs could not be read" in page
    assert 'id="submit-draw"' in page and "hx-trigger" not in page
    # a crash is recorded too, and raised for the worker to log
    plans.do_request_draw(supervision_world["users"]["amr_leader"], plan, witness=WITNESS)
    monkeypatch.setattr(plans.drawing, "run", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        tasks.run_requested_draw(str(draw.uid))
    draw.refresh_from_db()
    assert draw.failure and not plans.request_is_open(draw)
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        again = leader.post(url, {"witness": WITNESS})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAWN
    page = leader.get(again["Location"]).content.decode()
    assert 'id="inspections"' in page and 'id="draw-failure"' not in page
    assert AuditEvent.objects.filter(action="supervision.draw.request",
                                     details__after_failure=True).count() == 2


# --- the pages -------------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_page_flow_draws_and_shows_the_inspections(
        supervision_world: World, django_capture_on_commit_callbacks: Any) -> None:
    plan = committed(supervision_world)
    leader = signed_in("amr_leader")
    with django_capture_on_commit_callbacks(execute=True):  # as the request commits
        posted = leader.post(reverse("supervision:plan_draw", args=[plan.number]),
                             {"witness": WITNESS})
    assert posted.status_code == 302
    assert posted["Location"] == reverse("supervision:plan", args=[plan.number])
    text = leader.get(posted["Location"]).content.decode()
    assert 'data-status="drawn"' in text and 'id="inspections"' in text
    first = plan.inspections.order_by("number").first()
    assert first is not None and f'data-number="{first.number}"' in text
    assert 'id="draw-progress"' not in text and 'id="submit-draw"' not in text


@pytest.mark.django_db
def test_a_queued_draw_polls_its_progress_and_outsiders_are_refused(
        supervision_world: World, django_capture_on_commit_callbacks: Any) -> None:
    plan = committed(supervision_world)
    url = reverse("supervision:plan_draw_progress", args=[plan.number])
    leader = signed_in("amr_leader")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert leader.post(reverse("supervision:plan_draw", args=[plan.number]),
                           {"witness": WITNESS}).status_code == 302
    page = leader.get(reverse("supervision:plan", args=[plan.number])).content.decode()
    assert 'id="draw-progress"' in page and f'hx-get="{url}"' in page
    assert 'id="submit-draw"' not in page  # not twice
    Draw.objects.filter(plan=plan).update(progress_done=3, progress_total=8)
    fragment = leader.get(url, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and "HX-Refresh" not in fragment
    assert 'value="3" max="8"' in fragment.content.decode()
    assert 'hx-trigger="every 1s"' in fragment.content.decode()
    assert signed_in("outsider").get(url).status_code == 403
    assert Client().get(url).status_code == 302  # to the sign-in page
    assert signed_in("amr_insp1").get(url).status_code == 200  # a plan's department
    queued[0]()  # the worker runs it
    done = leader.get(url, HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true" and 'data-state="drawn"' in done.content.decode()


# --- the command line ------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_command_line_draws_with_a_progress_bar(supervision_world: World) -> None:
    plan = committed(supervision_world)
    out, err = io.StringIO(), io.StringIO()
    before = written(plan)
    assert cli_draw.draw(out, OutputWrapper(err), number=plan.number, witness="第3号\u200b") == 1
    assert "was not run" in out.getvalue() and written(plan) == before
    assert cli_draw.draw(out, OutputWrapper(err), number="none", witness=WITNESS) == 2
    out = io.StringIO()
    assert cli_draw.draw(out, OutputWrapper(err), number=plan.number, witness=WITNESS) == 0
    plan.refresh_from_db()
    draw = Draw.objects.get(plan=plan)
    assert plan.status == PlanStatus.DRAWN and draw.witness == WITNESS and draw.seed in (
        out.getvalue())
    assert f"Drew {plan.inspections.count()} inspection(s)" in out.getvalue()
    assert "drawing [" + "#" * 30 + "]" in err.getvalue()
    event = AuditEvent.objects.get(action="supervision.draw.run")
    assert event.actor_label == "system" and draw.drawn_by is None


# --- progress a poller can see during the draw's one transaction (PostgreSQL) ---------------

@pytest.mark.skipif(not is_postgres(), reason="SQLite admits one writer: the counter moves at "
                                              "the commit there (draw_progress.DrawBoard)")
@pytest.mark.django_db(transaction=True)
def test_a_poller_sees_the_progress_but_no_inspection_before_the_commit(
        supervision_world: World) -> None:
    plan = committed(supervision_world)
    draw = Draw.objects.get(plan=plan)
    board = DrawBoard(draw, every_seconds=0)
    seen: list[tuple[int, int, int]] = []

    def poll(done: int, total: int) -> None:
        board(done, total)
        if not done or seen:
            return
        other = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT progress_done FROM supervision_draw WHERE id = %s",
                               [draw.pk])
                counter = cursor.fetchone()[0]
                cursor.execute("SELECT count(*) FROM supervision_inspection "
                               "WHERE plan_id = %s", [plan.pk])
                visible = cursor.fetchone()[0]
        finally:
            other.close()
        seen.append((done, counter, visible))

    try:
        plans.do_run_draw(supervision_world["users"]["amr_leader"], plan, witness=WITNESS,
                          progress=poll)
    finally:
        board.close()
    assert seen == [(1, 1, 0)]
