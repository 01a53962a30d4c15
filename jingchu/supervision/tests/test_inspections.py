"""Results, evidence and follow-up through the actions, the staff pages and the public pages:
who may do what (403 for outsiders), what each refuses with nothing written, the credit grade
recomputed after a result, and no personal data on the public pages."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import AuditEvent
from jingchu.supervision.actions import inspections as actions
from jingchu.supervision.actions.credit import do_load_credit_rules
from jingchu.supervision.models import CreditGrade, Inspection, InspectionEvidence
from jingchu.supervision.tests.test_inspections_world import (
    World,
    freeze,
    reload,
)
from jingchu.supervision.tests.test_inspections_world import round_world as _round_world

round_world = _round_world  # the fixture, found here by pytest
pytestmark = pytest.mark.django_db
D = dt.date
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\n%%EOF\n"
FINDINGS = "后厨未设置防蝇设施，从业人员健康证明过期。"


def user(world: World, name: str) -> Any:
    return world["users"][name]


def first(world: World) -> Inspection:
    return reload(world["inspections"][0])


def record(world: World, name: str = "amr_insp1", **changes: Any) -> Inspection:
    data: dict[str, Any] = {"inspected_on": D(2026, 9, 3), "ended_on": D(2026, 9, 4),
                            "outcome": "passed", "findings": ""}
    data.update(changes)
    return actions.do_record_result(user(world, name), first(world), **data)


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    freeze(monkeypatch, D(2026, 9, 7))
    return D(2026, 9, 7)


def client_for(world: World, name: str) -> Client:
    client = Client()
    client.force_login(user(world, name))
    return client


# --- recording the result -----------------------------------------------------------------


def test_a_drawn_inspector_records_the_result(round_world: World, today: dt.date) -> None:
    done = record(round_world, outcome="rectify", findings=FINDINGS,
                  follow_up_due=D(2026, 10, 9))
    assert (done.status, done.outcome, done.follow_up, done.follow_up_due) == (
        "recorded", "rectify", "open", D(2026, 10, 9))
    assert done.publish_due == D(2026, 10, 9)  # 20 working days after 09-04, past the holidays
    assert done.recorded_by == user(round_world, "amr_insp1")
    event = AuditEvent.objects.get(action="supervision.inspection.record_result")
    assert event.details["outcome"] == "rectify" and event.details["corrected"] is False


def test_the_result_recomputes_the_entity_grade(round_world: World, today: dt.date) -> None:
    do_load_credit_rules(None)
    entity = round_world["entities"][0]
    record(round_world, outcome="case_filed", findings="销售过期食品，已立案。")
    grade = CreditGrade.objects.get(legal_entity=entity, is_current=True)
    assert grade.score == 85 and grade.grade == "B"
    assert round_world["inspections"][0].number in json.dumps(grade.explanation)


@pytest.mark.parametrize("name", ["amr_insp3", "amr_clerk", "outsider", "env_leader"])
def test_only_the_drawn_inspectors_and_leaders_record(round_world: World, today: dt.date,
                                                      name: str) -> None:
    with pytest.raises(NotPermitted):
        record(round_world, name)
    assert first(round_world).status == "assigned"


def test_the_leader_records_and_corrects_before_publication(round_world: World,
                                                            today: dt.date) -> None:
    record(round_world, "amr_leader")
    corrected = record(round_world, "amr_insp2", outcome="rectify", findings=FINDINGS,
                       follow_up_due=D(2026, 9, 30))
    assert corrected.outcome == "rectify"
    actions.do_publish(user(round_world, "amr_leader"), corrected)
    with pytest.raises(ActionError) as refused:
        record(round_world)
    assert refused.value.code == "wrong_state" and refused.value.status == 409


@pytest.mark.parametrize(("changes", "code"), [
    ({"inspected_on": D(2026, 1, 2)}, "inspected_before_plan"),
    ({"ended_on": D(2026, 9, 2)}, "ended_before_start"),
    ({"ended_on": D(2026, 9, 8)}, "ended_in_future"),
    ({"outcome": "fine"}, "outcome_invalid"),
    ({"outcome": "case_filed", "findings": " "}, "findings_required"),
    ({"outcome": "rectify", "findings": FINDINGS}, "follow_up_due_required"),
    ({"outcome": "rectify", "findings": FINDINGS, "follow_up_due": D(2026, 9, 4)},
     "follow_up_due_invalid"),
    ({"follow_up_due": D(2026, 10, 9)}, "follow_up_due_unexpected"),
    ({"inspected_on": "2026-13-01"}, "date_invalid"),
    ({"findings": "x" * 5001}, "findings_too_long"),
])
def test_a_bad_result_is_refused_and_nothing_written(round_world: World, today: dt.date,
                                                     changes: dict[str, Any], code: str) -> None:
    with pytest.raises(ActionError) as refused:
        record(round_world, **changes)
    assert refused.value.code == code
    assert first(round_world).status == "assigned"
    assert not AuditEvent.objects.filter(action__startswith="supervision.inspection").exists()


# --- evidence -----------------------------------------------------------------------------


def test_evidence_is_kept_and_read_with_permission(round_world: World, today: dt.date) -> None:
    upload = SimpleUploadedFile("现场照片.png", PNG, content_type="image/png")
    evidence = actions.do_add_evidence(user(round_world, "amr_insp2"), first(round_world), upload)
    assert (evidence.name, evidence.content_type, evidence.size) == (
        "现场照片.png", "image/png", len(PNG))
    assert evidence.key.startswith("supervision/") and "现场" not in evidence.key
    with actions.do_open_evidence(user(round_world, "amr_leader"), evidence) as handle:
        assert handle.read() == PNG
    assert AuditEvent.objects.filter(action="supervision.evidence.read").count() == 1
    with pytest.raises(NotPermitted):
        actions.do_open_evidence(user(round_world, "outsider"), evidence)


def test_evidence_must_be_a_pdf_or_an_image(round_world: World, today: dt.date) -> None:
    for name, content, code in [("记录.pdf", PNG, "file_extension_mismatch"),
                                ("记录.docx", b"PK\x03\x04", "file_type"),
                                ("空.pdf", b"", "file_empty")]:
        with pytest.raises(ActionError) as refused:
            actions.do_add_evidence(user(round_world, "amr_insp1"), first(round_world),
                                    SimpleUploadedFile(name, content))
        assert refused.value.code == code
    with pytest.raises(NotPermitted):
        actions.do_add_evidence(user(round_world, "amr_insp3"), first(round_world),
                                SimpleUploadedFile("a.pdf", PDF))
    assert not InspectionEvidence.objects.exists()


# --- follow-up ----------------------------------------------------------------------------


def test_the_follow_up_records_rectification(round_world: World,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    freeze(monkeypatch, D(2026, 9, 7))
    with pytest.raises(ActionError) as nothing_due:
        record(round_world)
        actions.do_record_follow_up(user(round_world, "amr_insp1"), first(round_world),
                                    rectified=True, note="复查")
    assert nothing_due.value.code == "no_follow_up"
    record(round_world, outcome="rectify", findings=FINDINGS, follow_up_due=D(2026, 10, 9))
    with pytest.raises(ActionError) as early:
        actions.do_record_follow_up(user(round_world, "amr_insp1"), first(round_world),
                                    rectified=False, note="未整改")
    assert early.value.code == "follow_up_not_due"
    with pytest.raises(ActionError) as no_note:
        actions.do_record_follow_up(user(round_world, "amr_insp1"), first(round_world),
                                    rectified=True, note="")
    assert no_note.value.code == "note_required"
    done = actions.do_record_follow_up(user(round_world, "amr_insp1"), first(round_world),
                                       rectified=True, note="复查：已安装防蝇设施。")
    assert (done.follow_up, done.follow_up_note) == ("done", "复查：已安装防蝇设施。")


def test_not_rectified_after_the_date_is_overdue(round_world: World,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    freeze(monkeypatch, D(2026, 9, 7))
    record(round_world, outcome="rectify", findings=FINDINGS, follow_up_due=D(2026, 9, 30))
    freeze(monkeypatch, D(2026, 10, 8))
    done = actions.do_record_follow_up(user(round_world, "amr_leader"), first(round_world),
                                       rectified=False, note="复查仍未整改，移交立案。")
    assert done.follow_up == "overdue"
    with pytest.raises(NotPermitted):
        actions.do_record_follow_up(user(round_world, "outsider"), first(round_world),
                                    rectified=True, note="x")


# --- staff pages --------------------------------------------------------------------------


def test_the_inspector_lists_their_own_inspections(round_world: World) -> None:
    page = client_for(round_world, "amr_insp1").get(reverse("supervision:inspections"))
    assert page.status_code == 200
    numbers = [i.number for i in page.context["page"]]
    assert numbers == [round_world["inspections"][0].number, round_world["inspections"][2].number]
    leader = client_for(round_world, "amr_leader").get(
        reverse("supervision:inspections") + "?scope=departments&status=assigned")
    assert len(leader.context["page"].object_list) == 3
    mine = client_for(round_world, "amr_insp1").get(
        reverse("supervision:inspections") + "?scope=departments")
    assert mine.context["scope"] == "mine"  # not a leader: their own only


def test_outsiders_are_refused_the_staff_pages(round_world: World) -> None:
    number = round_world["inspections"][0].number
    anonymous = Client().get(reverse("supervision:inspection", kwargs={"number": number}))
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    outsider = client_for(round_world, "outsider")
    assert outsider.get(reverse("supervision:inspection",
                                kwargs={"number": number})).status_code == 403
    for name in ("inspection_result", "inspection_publish", "inspection_follow_up",
                 "inspection_evidence"):
        assert outsider.post(reverse(f"supervision:{name}",
                                     kwargs={"number": number})).status_code == 403
    assert outsider.get(reverse("supervision:kpis")).status_code == 200  # a leader elsewhere
    assert client_for(round_world, "amr_insp1").get(
        reverse("supervision:kpis")).status_code == 403
    assert client_for(round_world, "amr_insp3").get(
        reverse("supervision:inspection", kwargs={"number": number})).status_code == 200


def test_the_inspection_page_records_uploads_and_publishes(round_world: World,
                                                           today: dt.date) -> None:
    number = round_world["inspections"][0].number
    url = reverse("supervision:inspection", kwargs={"number": number})
    inspector = client_for(round_world, "amr_insp1")
    page = inspector.get(url)
    assert page.status_code == 200 and page.context["may_record"]
    assert not page.context["may_publish"]
    assert "ZF-SC-0002" in page.content.decode()  # the second drawn inspector
    done = inspector.post(reverse("supervision:inspection_result", kwargs={"number": number}), {
        "inspected_on": "2026-09-03", "ended_on": "2026-09-04", "outcome": "rectify",
        "findings": FINDINGS, "follow_up_due": "2026-10-09"})
    assert done.status_code == 302 and done["Location"] == url
    uploaded = inspector.post(reverse("supervision:inspection_evidence",
                                      kwargs={"number": number}),
                              {"file": SimpleUploadedFile("记录.pdf", PDF)})
    assert uploaded.status_code == 302
    evidence = InspectionEvidence.objects.get()
    download = client_for(round_world, "amr_leader").get(reverse(
        "supervision:inspection_evidence_file", kwargs={"number": number, "uid": evidence.uid}))
    assert download.status_code == 200 and download.getvalue() == PDF
    assert "attachment" in download["Content-Disposition"]
    assert client_for(round_world, "outsider").get(reverse(
        "supervision:inspection_evidence_file",
        kwargs={"number": number, "uid": evidence.uid})).status_code == 403
    assert inspector.post(reverse("supervision:inspection_publish",
                                  kwargs={"number": number})).status_code == 403
    leader = client_for(round_world, "amr_leader")
    assert leader.get(url).context["may_publish"]
    assert leader.post(reverse("supervision:inspection_publish",
                               kwargs={"number": number})).status_code == 302
    assert first(round_world).status == "published"


def test_a_refused_result_shows_on_the_form(round_world: World, today: dt.date) -> None:
    number = round_world["inspections"][0].number
    response = client_for(round_world, "amr_insp1").post(
        reverse("supervision:inspection_result", kwargs={"number": number}),
        {"inspected_on": "2026-09-03", "ended_on": "2026-09-04", "outcome": "rectify",
         "findings": FINDINGS})
    assert response.status_code == 400
    assert response.context["result_form"].errors["follow_up_due"]
    assert first(round_world).status == "assigned"


# --- public pages -------------------------------------------------------------------------


def _publish_two(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    freeze(monkeypatch, D(2026, 9, 7))
    leader = user(world, "amr_leader")
    record(world, outcome="rectify", findings=FINDINGS, follow_up_due=D(2026, 10, 9))
    actions.do_publish(leader, first(world))
    second = reload(world["inspections"][1])
    actions.do_record_result(leader, second, inspected_on=D(2026, 9, 2),
                             ended_on=D(2026, 9, 2), outcome="passed", findings="")
    actions.do_publish(leader, reload(second))
    actions.do_record_result(leader, reload(world["inspections"][2]),
                             inspected_on=D(2026, 9, 2), ended_on=D(2026, 9, 2),
                             outcome="case_filed", findings="无照经营")  # not published


def test_the_public_results_show_only_published_results(round_world: World,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    _publish_two(round_world, monkeypatch)
    w = round_world
    page = Client().get(reverse("supervision:public_results"))
    assert page.status_code == 200
    numbers = {i.number for i in page.context["page"]}
    assert numbers == {w["inspections"][0].number, w["inspections"][1].number}
    html = page.content.decode()
    assert w["entities"][0].uscc in html and FINDINGS not in html
    assert w["entities"][2].name not in html  # recorded, not published
    rectify = Client().get(reverse("supervision:public_results") + "?outcome=rectify")
    assert [i.number for i in rectify.context["page"]] == [w["inspections"][0].number]
    found = Client().get(reverse("supervision:public_results"),
                         {"q": w["entities"][1].uscc.lower()})
    assert [i.number for i in found.context["page"]] == [w["inspections"][1].number]
    other = Client().get(reverse("supervision:public_results"),
                         {"department": str(w["env"].uid)})
    assert other.context["page"].paginator.count == 2  # not a choice: the filter is ignored
    by_amr = Client().get(reverse("supervision:public_results"),
                          {"department": str(w["amr"].uid)})
    assert by_amr.context["page"].paginator.count == 2


def test_a_public_result_has_no_personal_data(round_world: World,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    _publish_two(round_world, monkeypatch)
    w = round_world
    published = w["inspections"][0].number
    page = Client().get(reverse("supervision:public_result", kwargs={"number": published}))
    assert page.status_code == 200
    html = page.content.decode()
    assert w["entities"][0].name in html and "SC-001" in html
    entity = w["entities"][0]
    for private in (FINDINGS, "ZF-SC-0001", entity.legal_representative.name, "amr_insp1"):
        assert private not in html
    assert page.context["ledger_index"] is not None
    unpublished = w["inspections"][2].number
    assert Client().get(reverse("supervision:public_result",
                                kwargs={"number": unpublished})).status_code == 404


def test_an_individual_business_is_shown_by_its_credit_code_only(
        round_world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    w = round_world
    person_like = w["entities"][1]
    person_like.kind = "individual_business"
    person_like.name = "张三烧烤店"
    person_like.save()
    _publish_two(w, monkeypatch)
    number = w["inspections"][1].number
    listed = Client().get(reverse("supervision:public_results"))
    assert person_like.uscc in listed.content.decode()
    assert "张三" not in listed.content.decode()
    assert Client().get(reverse("supervision:public_results"),
                        {"q": "张三"}).context["page"].paginator.count == 0
    page = Client().get(reverse("supervision:public_result", kwargs={"number": number}))
    assert "张三" not in page.content.decode() and person_like.uscc in page.content.decode()
    api = Client().get(f"/api/v1/supervision/results/{number}").json()
    assert api["entity"] == {"uscc": person_like.uscc, "name": "",
                             "region": person_like.region.name}
