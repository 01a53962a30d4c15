"""The staff workbench pages: queues, filters, claim, the case page and its steps."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jingchu.cases.choices import CaseStatus as S
from jingchu.cases.models import Case, CaseMaterial
from jingchu.cases.tests.workbench_helpers import (
    PENSION,
    SOCIAL_CARD,
    counts,
    make_case,
    user,
)

pytestmark = pytest.mark.django_db

URL = "/cases/workbench/"
TODAY = dt.date(2026, 10, 12)


@pytest.fixture(autouse=True)
def _frozen_today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


def _login(client, username):
    client.force_login(user(username))
    return client


def _listed(response) -> set[str]:
    return {c.number for c in (r["case"] for r in response.context["rows"])}


def test_outsiders_are_refused(client, catalog):
    case = make_case(catalog, S.SUBMITTED)
    for url in (URL, URL + "overdue/", f"{URL}{case.uid}/", f"{URL}{case.uid}/steps/accept/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"], url
    _login(client, "zhangsan")
    for url in (URL, URL + "overdue/", f"{URL}{case.uid}/", f"{URL}{case.uid}/steps/accept/"):
        assert client.get(url).status_code == 403, url
    before = counts(case)
    assert client.post(f"{URL}{case.uid}/steps/accept/").status_code == 403
    assert client.post(f"{URL}{case.uid}/claim/").status_code == 403
    assert counts(case) == before


def test_staff_of_another_organization_cannot_open_the_case(client, catalog):
    case = make_case(catalog, S.UNDER_REVIEW)
    _login(client, "reviewer_wh_amr")
    assert client.get(f"{URL}{case.uid}/").status_code == 403
    before = counts(case)
    assert client.post(f"{URL}{case.uid}/steps/suspend/", {"reason": "x"}).status_code == 403
    assert counts(case) == before


def test_a_clerk_sees_what_they_may_accept_including_province_wide_cases(client, catalog):
    province = make_case(catalog, S.SUBMITTED, code=SOCIAL_CARD)
    city = make_case(catalog, S.SUBMITTED, code=PENSION)
    draft = make_case(catalog, S.DRAFT)
    yichang = _listed(_login(client, "clerk_yichang").get(URL))
    assert province.number in yichang and city.number not in yichang
    wuhan = _listed(_login(client, "clerk_wuhan").get(URL))
    assert {province.number, city.number} <= wuhan and draft.number not in wuhan


def test_reviewers_see_their_organizations_cases_by_status(client, catalog):
    review = make_case(catalog, S.UNDER_REVIEW)
    accepted = make_case(catalog, S.ACCEPTED)
    other = make_case(catalog, S.UNDER_REVIEW, code="000172002000", org_key="wh-scjg")
    _login(client, "reviewer_wh_hrss")
    response = client.get(URL)
    assert _listed(response) == {review.number, accepted.number}
    assert _listed(client.get(URL, {"status": S.ACCEPTED})) == {accepted.number}
    tabs = {value: n for value, _label, n in response.context["tabs"]}
    assert tabs[S.UNDER_REVIEW] == 1 and tabs[S.ACCEPTED] == 1
    assert other.number not in _listed(_login(client, "reviewer_wh_hrss").get(URL))


def test_filters_by_item_number_and_sla_and_sorts_by_deadline(client, catalog):
    late = make_case(catalog, S.UNDER_REVIEW, deadline=dt.date(2026, 10, 9))
    soon = make_case(catalog, S.UNDER_REVIEW, deadline=dt.date(2026, 10, 13))
    later = make_case(catalog, S.UNDER_REVIEW, deadline=dt.date(2026, 11, 30))
    paused = make_case(catalog, S.SUSPENDED, deadline=dt.date(2026, 10, 1),
                       paused_on=dt.date(2026, 9, 30))
    pension = make_case(catalog, S.ACCEPTED, code=PENSION, deadline=dt.date(2026, 12, 1))
    _login(client, "reviewer_wh_hrss")
    rows = client.get(URL).context["rows"]
    assert [r["case"].number for r in rows] == [
        paused.number, late.number, soon.number, later.number, pension.number]
    assert [r["sla"] for r in rows] == ["paused", "overdue", "near_due", "on_time", "on_time"]
    assert _listed(client.get(URL, {"sla": "overdue"})) == {late.number}
    assert _listed(client.get(URL, {"sla": "near_due"})) == {soon.number}
    assert _listed(client.get(URL, {"sla": "paused"})) == {paused.number}
    assert _listed(client.get(URL, {"item": PENSION})) == {pension.number}
    assert soon.number is not None
    assert _listed(client.get(URL, {"q": soon.number[-6:]})) == {soon.number}
    assert _listed(client.get(URL, {"sla": "bogus", "status": "nope"})) == _listed(
        client.get(URL))
    page = client.get(URL).content.decode()
    assert 'class="sla sla-overdue"' in page and 'class="sla sla-paused"' in page


def test_the_queue_is_paginated(client, catalog):
    for _ in range(23):
        make_case(catalog, S.UNDER_REVIEW)
    _login(client, "reviewer_wh_hrss")
    first, second = client.get(URL), client.get(URL, {"page": 2})
    assert len(first.context["rows"]) == 20 and len(second.context["rows"]) == 3
    assert not _listed(first) & _listed(second)


def test_the_overdue_page_lists_only_overdue_cases(client, catalog):
    late = make_case(catalog, S.DECIDED, deadline=dt.date(2026, 10, 9))
    make_case(catalog, S.UNDER_REVIEW, deadline=dt.date(2026, 11, 9))
    make_case(catalog, S.COMPLETED, deadline=dt.date(2026, 9, 9))
    response = _login(client, "approver_wh_hrss").get(URL + "overdue/")
    assert _listed(response) == {late.number}
    assert response.context["rows"][0]["days_late"] == 2  # 10-10 (make-up) and 10-12


def test_claim_from_the_list(client, catalog):
    case = make_case(catalog, S.ACCEPTED)
    _login(client, "reviewer_wh_hrss")
    assert f"{URL}{case.uid}/claim/" in client.get(URL).content.decode()
    response = client.post(f"{URL}{case.uid}/claim/", {"next": "list"})
    assert response.status_code == 302 and response["Location"] == URL
    case.refresh_from_db()
    assert case.claimed_by is not None and case.claimed_by.user.username == "reviewer_wh_hrss"
    assert _listed(client.get(URL, {"mine": "1"})) == {case.number}


def test_the_case_page_shows_form_materials_and_only_my_steps(client, catalog):
    case = make_case(catalog, S.SUBMITTED)
    material = CaseMaterial.objects.create(
        case=case, requirement=case.version.materials.first() or _any_requirement(),
        source="upload", file="cases/test/x.pdf", filename="申请表.pdf")
    page = _login(client, "clerk_wuhan").get(f"{URL}{case.uid}/").content.decode()
    assert f'href="/cases/{case.uid}/materials/{material.uid}/"' in page
    assert 'id="step-accept"' in page and 'id="step-refuse"' in page
    assert 'id="step-request_correction"' in page and 'id="step-approve"' not in page
    assert "420102198803150215" not in page and "420102********0215" in page  # masked
    reviewer_page = _login(client, "reviewer_wh_hrss").get(f"{URL}{case.uid}/").content.decode()
    assert 'id="step-accept"' not in reviewer_page


def _any_requirement():
    from jingchu.services.models import MaterialRequirement

    return MaterialRequirement.objects.first()


def test_taking_a_step_from_the_page(client, catalog):
    case = make_case(catalog, S.SUBMITTED)
    _login(client, "clerk_wuhan")
    response = client.post(f"{URL}{case.uid}/steps/accept/")
    assert response.status_code == 302 and response["Location"] == f"{URL}{case.uid}/"
    case.refresh_from_db()
    assert case.status == S.ACCEPTED and case.deadline == dt.date(2026, 10, 19)


def test_a_refused_step_reshows_the_form_and_writes_nothing(client, catalog):
    case = make_case(catalog, S.SUBMITTED)
    _login(client, "clerk_wuhan")
    before = counts(case)
    response = client.post(f"{URL}{case.uid}/steps/refuse/", {"reason": "  "})
    assert response.status_code == 400 and 'data-code="reason_required"' in (
        response.content.decode())
    response = client.post(f"{URL}{case.uid}/steps/start_review/")
    assert response.status_code == 403
    response = client.post(f"{URL}{case.uid}/steps/deliver/")
    assert response.status_code == 409
    assert client.post(f"{URL}{case.uid}/steps/submit/").status_code == 404
    assert counts(case) == before


def test_a_correction_request_from_the_page_sends_every_problem(client, catalog):
    case = make_case(catalog, S.SUBMITTED)
    _login(client, "clerk_wuhan")
    form = client.get(f"{URL}{case.uid}/steps/request_correction/")
    assert form.status_code == 200 and 'name="problem"' in form.content.decode()
    client.post(f"{URL}{case.uid}/steps/request_correction/",
                {"problem": ["照片不清晰", "缺少签名"], "reason": "银行名称有误"})
    case = Case.objects.get(pk=case.pk)
    assert case.status == S.CORRECTION_REQUESTED
    assert case.events.latest("id").details["problems"] == [
        "照片不清晰", "缺少签名", "银行名称有误"]


def test_the_menu_shows_the_workbench_to_case_staff_only(client, catalog):
    assert 'href="/cases/workbench/"' in _login(client, "clerk_yichang").get("/").content.decode()
    assert 'href="/cases/workbench/"' not in _login(client, "zhangsan").get("/").content.decode()


def test_the_demo_staff_personas_load_idempotently(catalog):
    from jingchu.core.models import AuditEvent
    from jingchu.identity.demo import load_personas
    from jingchu.identity.models import StaffAssignment

    expected = {("reviewer_wh_amr", "wh-scjg", "reviewer"), ("approver_wh_amr", "wh-scjg",
                "approver"), ("reviewer_wh_hrss", "wh-rsj", "reviewer"),
                ("approver_wh_hrss", "wh-rsj", "approver"),
                ("clerk_yichang", "yc-zwzx", "window_clerk")}
    for username, key, role in expected:
        assert StaffAssignment.objects.filter(staff__user__username=username, role=role,
                                              organization=catalog[key]).exists()
    before = (StaffAssignment.objects.count(), AuditEvent.objects.count())
    load_personas(catalog)
    assert (StaffAssignment.objects.count(), AuditEvent.objects.count()) == before
