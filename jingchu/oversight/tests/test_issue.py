"""Issuing a task (下达): numbering, the assignments down the levels, validation with nothing
written on refusal, who may issue, and attachments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import AuditEvent
from jingchu.oversight.choices import AssignmentRole, AssignmentStatus, TaskStatus
from jingchu.oversight.models import OversightTask, TaskAttachment, TaskNumberCounter
from jingchu.oversight.storage import backend
from jingchu.oversight.tests.conftest import World, inbox, issue_task, pdf

pytestmark = pytest.mark.django_db


def refused(code: str, world: World, **kwargs: object) -> ActionError:
    with pytest.raises(ActionError) as caught:
        issue_task(world, **kwargs)  # type: ignore[arg-type]
    assert caught.value.code == code, caught.value.as_dict()
    assert not OversightTask.objects.exists()
    return caught.value


def test_issue_numbers_the_task_and_assigns_lead_and_co(world: World) -> None:
    users = world["users"]
    task = issue_task(world, co=("yc-zwb",))
    assert task.number == "DC-420000-2026-0001" and task.status == TaskStatus.OPEN
    assert task.issued_by == users["hb_leader"]
    parts = {a.organization.uid: a for a in task.assignments.select_related("organization")}
    lead, co = parts[world["orgs"]["wh-scjg"].uid], parts[world["orgs"]["yc-zwb"].uid]
    assert (lead.role, co.role) == (AssignmentRole.LEAD, AssignmentRole.CO)
    assert {lead.status, co.status} == {AssignmentStatus.ASSIGNED}
    assert lead.deadline == co.deadline == dt.date(2026, 9, 30) and lead.parent is None
    assert list(task.events.values_list("action", flat=True)) == ["issued", "assigned",
                                                                  "assigned"]
    assert AuditEvent.objects.filter(action="oversight.task.issue",
                                     object_id=str(task.uid)).count() == 1
    # the assignees' handlers hear of it; the steward and the issuer do not
    assert [inbox(users[n]) for n in ("scjg_leader", "scjg_handler", "yc_leader",
                                      "scjg_steward", "hb_leader")] == [1, 1, 1, 0, 0]
    assert issue_task(world, title="第二项").number == "DC-420000-2026-0002"
    city = issue_task(world, by="wh_leader", issuer="wh-zwb", lead="wh-ja-scjg")
    assert city.number == "DC-420100-2026-0001"


def test_tasks_go_down_the_levels_never_up(world: World) -> None:
    # a city bureau cannot assign to a province department, nor to another city
    refused("lead_out_of_region", world, by="wh_leader", issuer="wh-zwb", lead="hb-scjg")
    refused("co_organizations_out_of_region", world, by="wh_leader", issuer="wh-zwb",
            lead="wh-scjg", co=("yc-zwb",))
    # the same region (a department of the city) and below are fine
    assert issue_task(world, by="wh_leader", issuer="wh-zwb", lead="wh-scjg",
                      co=("wh-ja-scjg",)).assignments.count() == 2


def test_deadline_must_be_a_future_date(world: World) -> None:
    refused("deadline_not_future", world, deadline=dt.date(2026, 9, 21))  # today
    refused("deadline_not_future", world, deadline=dt.date(2026, 9, 1))
    refused("deadline_invalid", world, deadline="2026-13-01")
    refused("deadline_invalid", world, deadline=None)
    assert not TaskNumberCounter.objects.exists()
    assert issue_task(world, deadline="2026-09-22").deadline == dt.date(2026, 9, 22)


def test_lead_and_co_organizations_are_distinct_and_not_the_issuer(world: World) -> None:
    refused("co_organizations_duplicate", world, co=("wh-scjg",))
    refused("co_organizations_duplicate", world, co=("yc-zwb", "yc-zwb"))
    refused("lead_is_issuer", world, lead="hb-zwb")
    refused("title_required", world, title="  ")
    orgs = world["orgs"]
    orgs["yc-zwb"].is_active = False
    orgs["yc-zwb"].save()
    refused("co_organizations_inactive", world, co=("yc-zwb",))


def test_only_leaders_issue_for_their_own_organization(world: World) -> None:
    with pytest.raises(NotPermitted):
        issue_task(world, by="hb_clerk")  # staff of the issuer, but not a leader
    with pytest.raises(NotPermitted):
        issue_task(world, by="wh_leader")  # a leader, but of another organization
    assert not OversightTask.objects.exists()
    admin = world["users"]["outsider"]
    admin.is_superuser = True
    admin.save()
    assert issue_task(world, by="outsider").issuer == world["orgs"]["hb-zwb"]


def test_attachments_are_stored_and_bad_files_refused(world: World) -> None:
    text = SimpleUploadedFile("说明.pdf", b"just text", content_type="application/pdf")
    error = refused("file_type", world, attachments=[pdf(), text])
    assert error.details == {"field": "attachments"}
    assert not TaskAttachment.objects.exists()
    task = issue_task(world, attachments=[pdf("督查方案.pdf")])
    stored = task.attachments.get()
    assert stored.name == "督查方案.pdf" and stored.report is None
    assert stored.key.startswith("oversight/2026/09/") and stored.content_type == "application/pdf"
    with backend().open(stored.key) as handle:
        assert handle.read().startswith(b"%PDF-")
