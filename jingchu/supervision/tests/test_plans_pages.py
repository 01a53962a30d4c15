"""The plan pages, the public draw pages and the plans/draws API: a leader plans, previews,
commits and draws (with the witness code) on the pages and through the API; a missing or
malformed witness is refused (400, nothing written); anyone reads the draws, their witness, and
downloads the bundle; outsiders are refused (403) on every staff page and endpoint."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jingchu.cases.tests.conftest import PASSWORD
from jingchu.identity.choices import LegalEntityKind
from jingchu.ledger.models import Entry
from jingchu.supervision import drawing
from jingchu.supervision.actions import plans as plan_actions
from jingchu.supervision.choices import PlanStatus
from jingchu.supervision.models import Draw, InspectionPlan
from jingchu.supervision.tests.test_plans import WITNESS, drawn_plan, make_plan

pytestmark = pytest.mark.django_db
API = "/api/v1/supervision"
World = dict[str, Any]


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def post_json(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(f"{API}{url}", body or {}, content_type="application/json")


def form_data(world: World, **changes: Any) -> dict[str, Any]:
    today = timezone.localdate()
    data: dict[str, Any] = {
        "organization": str(world["amr"].uid), "name": "江岸区食品经营抽查",
        "items": ["SC-001"], "regions": [world["jiangan"].code], "industries": [],
        "ratio_percent": "20", "inspectors_per_entity": "2",
        "starts_on": (today + dt.timedelta(days=2)).isoformat(),
        "ends_on": (today + dt.timedelta(days=30)).isoformat()}
    data.update(changes)
    return data


def test_a_leader_plans_commits_and_draws_on_the_pages(
        supervision_world: World, django_capture_on_commit_callbacks: Any) -> None:
    leader = signed_in("amr_leader")
    page = leader.get(reverse("supervision:plan_new"))
    assert page.status_code == 200 and "SC-001" in page.content.decode()
    assert "HJ-001" in page.content.decode()  # a partner's item, for a joint round
    bad = leader.post(reverse("supervision:plan_new"), form_data(supervision_world, items=[]))
    assert bad.status_code == 400 and not InspectionPlan.objects.exists()
    made = leader.post(reverse("supervision:plan_new"), form_data(supervision_world))
    plan = InspectionPlan.objects.get()
    assert made.status_code == 302 and made["Location"] == reverse(
        "supervision:plan", kwargs={"number": plan.number})
    shown = leader.get(made["Location"]).content.decode()
    assert 'id="preview"' in shown and 'data-entities="20"' in shown
    assert 'id="submit-commit"' in shown and 'id="submit-draw"' not in shown
    assert leader.post(reverse("supervision:plan_commit", args=[plan.number])).status_code == 302
    shown = leader.get(made["Location"]).content.decode()
    assert 'id="submit-draw"' in shown and Draw.objects.get().inputs_hash in shown
    assert 'id="id_witness"' in shown and "jingchu-draw-v2" in shown
    assert 'data-entities="20"' in shown  # the counts, now from the frozen inputs
    with django_capture_on_commit_callbacks(execute=True):  # the draw's task (eager)
        assert leader.post(reverse("supervision:plan_draw", args=[plan.number]),
                           {"witness": WITNESS}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAWN
    shown = leader.get(made["Location"]).content.decode()
    assert WITNESS in shown and 'id="witness"' in shown
    first = plan.inspections.order_by("number").first()
    assert first is not None
    assert reverse("supervision:inspection", kwargs={"number": first.number}) in shown
    assert 'id="submit-cancel"' not in shown
    listed = leader.get(reverse("supervision:plans")).content.decode()
    assert plan.number in listed


def test_refusals_show_on_the_plan_page(supervision_world: World) -> None:
    leader = signed_in("amr_leader")
    plan = make_plan(supervision_world, industries=["education"])  # nobody in scope
    refused = leader.post(reverse("supervision:plan_commit", args=[plan.number]))
    assert refused.status_code == 409 and 'id="plan-error"' in refused.content.decode()
    blank = leader.post(reverse("supervision:plan_cancel", args=[plan.number]), {"reason": ""})
    assert blank.status_code == 400
    done = leader.post(reverse("supervision:plan_cancel", args=[plan.number]),
                       {"reason": "范围内没有对象"})
    assert done.status_code == 302
    shown = leader.get(reverse("supervision:plan", args=[plan.number])).content.decode()
    assert "范围内没有对象" in shown and 'data-status="cancelled"' in shown


def test_outsiders_are_refused_on_the_staff_pages(supervision_world: World) -> None:
    plan = make_plan(supervision_world)
    outsider = signed_in("outsider")
    assert outsider.get(reverse("supervision:plan", args=[plan.number])).status_code == 403
    for step in ("plan_commit", "plan_draw", "plan_cancel"):
        response = outsider.post(reverse(f"supervision:{step}", args=[plan.number]),
                                 {"reason": "x"})
        assert response.status_code == 403
    assert plan.number not in outsider.get(reverse("supervision:plans")).content.decode()
    # a partner's leader and an inspector see the plan but may not draw it
    env_leader = signed_in("env_leader")
    assert env_leader.get(reverse("supervision:plan_new")).status_code == 200
    inspector = signed_in("amr_insp1")
    assert inspector.get(reverse("supervision:plan", args=[plan.number])).status_code == 200
    assert inspector.post(reverse("supervision:plan_commit",
                                  args=[plan.number])).status_code == 403
    assert inspector.get(reverse("supervision:plan_new")).status_code == 403
    anonymous = Client().get(reverse("supervision:plans"))
    assert anonymous.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_anyone_reads_a_draw_and_downloads_its_bundle(supervision_world: World) -> None:
    plan = drawn_plan(supervision_world)
    draw = Draw.objects.get(plan=plan)
    # an individual business among the drawn: shown by its credit code only
    entity = plan.inspections.order_by("number").first().legal_entity  # type: ignore[union-attr]
    entity.kind = LegalEntityKind.INDIVIDUAL_BUSINESS
    entity.save()
    public = Client()
    listed = public.get(reverse("supervision:public_draws")).content.decode()
    assert plan.number in listed
    shown = public.get(reverse("supervision:public_draw", args=[plan.number]))
    text = shown.content.decode()
    assert shown.status_code == 200
    for value in (draw.inputs_hash, draw.seed_hash, draw.seed, draw.result_hash, WITNESS):
        assert value in text
    assert 'id="witness"' in text and "jingchu-draw-v2" in text
    assert f'data-ledger-index="{draw.commit_entry}"' in text
    assert entity.uscc in text and entity.name not in text
    assert "代表" not in text and "amr_insp" not in text  # no personal data
    bundle = public.get(reverse("supervision:public_draw_json", args=[plan.number]))
    assert bundle["Content-Disposition"].startswith("attachment")
    data = json.loads(bundle.content)
    assert data["witness"] == WITNESS
    assert all(c.ok for c in drawing.verify_bundle(data))
    assert public.get(reverse("supervision:public_draw", args=["nope"])).status_code == 404
    waiting = make_plan(supervision_world)
    assert public.get(reverse("supervision:public_draw", args=[waiting.number])).status_code \
        == 404


def test_the_api_plans_previews_commits_and_draws(supervision_world: World) -> None:
    leader = signed_in("amr_leader")
    body = form_data(supervision_world, partners=[str(supervision_world["env"].uid)],
                     items=["SC-001", "HJ-001"], inspectors_per_entity=2)
    made = post_json(leader, "/plans", body)
    assert made.status_code == 201, made.content
    number = made.json()["number"]
    assert made.json()["partners"][0]["uscc"] == supervision_world["env"].uscc
    preview = leader.get(f"{API}/plans/{number}/preview").json()
    assert preview["entities"] == 20 and preview["team_size"] == 2 and not preview["problems"]
    assert [g["grade"] for g in preview["grades"]] == ["A", "B", "C", "D"]
    committed = post_json(leader, f"/plans/{number}/commit").json()
    assert committed["status"] == "committed" and committed["draw"]["seed"] is None
    drawn = post_json(leader, f"/plans/{number}/draw", {"witness": WITNESS}).json()
    assert drawn["status"] == "drawn" and len(drawn["inspections"]) == preview["drawn"]
    assert drawn["draw"]["witness"] == WITNESS
    again = post_json(leader, f"/plans/{number}/draw", {"witness": WITNESS})
    assert again.status_code == 409 and again.json()["code"] == "wrong_state"
    listed = leader.get(f"{API}/plans").json()
    assert listed["count"] == 1 and listed["items"][0]["number"] == number
    draws = Client().get(f"{API}/draws").json()
    assert draws["items"][0]["plan"] == number and draws["items"][0]["seed"]
    assert draws["items"][0]["witness"] == WITNESS
    bundle = Client().get(f"{API}/draws/{number}").json()
    assert bundle["witness"] == WITNESS
    assert all(c.ok for c in drawing.verify_bundle(bundle))
    assert Client().get(f"{API}/draws/none").status_code == 404


def test_the_api_refuses_outsiders_and_bad_input(supervision_world: World) -> None:
    plan = make_plan(supervision_world)
    outsider = signed_in("outsider")
    assert outsider.get(f"{API}/plans/{plan.number}").status_code == 403
    assert outsider.get(f"{API}/plans/{plan.number}/preview").status_code == 403
    for step in ("commit", "draw"):
        assert post_json(outsider, f"/plans/{plan.number}/{step}").status_code == 403
    assert post_json(outsider, f"/plans/{plan.number}/cancel",
                     {"reason": "x"}).status_code == 403
    refused = post_json(outsider, "/plans", form_data(supervision_world))
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert outsider.get(f"{API}/plans").json()["count"] == 0
    assert Client().get(f"{API}/plans").status_code == 401
    leader = signed_in("amr_leader")
    bad = post_json(leader, "/plans", form_data(supervision_world, items=["NOPE"]))
    assert bad.status_code == 400 and bad.json()["details"]["field"] == "items"
    bad = post_json(leader, "/plans", form_data(supervision_world, ratio_percent="0"))
    assert bad.status_code == 400 and bad.json()["code"] == "ratio_invalid"
    assert leader.get(f"{API}/plans/none").status_code == 404
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def assert_not_drawn(plan: InspectionPlan, entries: int) -> None:
    plan.refresh_from_db()
    draw = Draw.objects.get(plan=plan)
    assert plan.status == PlanStatus.COMMITTED and not plan.inspections.exists()
    assert draw.secret_seed and not draw.seed and not draw.witness
    assert Entry.objects.count() == entries


def test_the_draw_page_refuses_a_missing_or_bad_witness(supervision_world: World) -> None:
    plan = make_plan(supervision_world)
    plan_actions.do_commit_draw(supervision_world["users"]["amr_leader"], plan)
    entries = Entry.objects.count()
    leader = signed_in("amr_leader")
    url = reverse("supervision:plan_draw", args=[plan.number])
    missing = leader.post(url)
    assert missing.status_code == 400
    assert 'id="witness-error"' in missing.content.decode()
    bad = leader.post(url, {"witness": "第3号\u200b"})
    text = bad.content.decode()
    assert bad.status_code == 400 and 'id="witness-error"' in text and "第3号" in text
    too_long = leader.post(url, {"witness": "9" * 65})
    assert too_long.status_code == 400
    assert_not_drawn(plan, entries)
    outsider = signed_in("outsider")
    assert outsider.post(url, {"witness": WITNESS}).status_code == 403
    assert_not_drawn(plan, entries)


def test_the_draw_api_refuses_a_missing_or_bad_witness(supervision_world: World) -> None:
    plan = make_plan(supervision_world)
    plan_actions.do_commit_draw(supervision_world["users"]["amr_leader"], plan)
    entries = Entry.objects.count()
    leader = signed_in("amr_leader")
    url = f"/plans/{plan.number}/draw"
    for body, code in (({}, "witness_required"), ({"witness": "  "}, "witness_required"),
                       ({"witness": "a\x07b"}, "witness_invalid"),
                       ({"witness": "9" * 65}, "witness_invalid")):
        refused = post_json(leader, url, body)
        assert refused.status_code == 400, refused.content
        assert refused.json()["code"] == code and refused.json()["details"]["field"] == "witness"
    assert post_json(leader, url, {"witness": 7}).status_code == 422
    assert_not_drawn(plan, entries)
