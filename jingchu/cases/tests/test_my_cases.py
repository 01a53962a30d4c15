"""My cases: only mine and my enterprises'; the detail page with the public timeline in Beijing
time, the decision and its reasons, and the next step; outsiders get 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from jingchu.cases import actions
from jingchu.cases.models import CaseEvent
from jingchu.cases.tests.applicant_helpers import (
    ENTERPRISE_START,
    SOLE_TRADER,
    fill,
    snapshot,
    upload,
)
from jingchu.cases.tests.conftest import implementation, make_staff
from jingchu.identity import actions as identity_actions
from jingchu.identity.choices import StaffRole
from jingchu.identity.models import LegalEntity, User
from jingchu.services.choices import MaterialNecessity, MaterialSource

pytestmark = pytest.mark.django_db


def _user(name):
    return User.objects.get(username=name)


@pytest.fixture
def cases(catalog):
    entity = LegalEntity.objects.get()
    sole = implementation(SOLE_TRADER, "wh-ja-scjg", catalog)
    start = implementation(ENTERPRISE_START, "wh-scjg", catalog)
    return {
        "zhangsan": actions.do_create_draft(_user("zhangsan"), implementation=sole,
                                            applicant=_user("zhangsan").person),
        "lisi": actions.do_create_draft(_user("lisi"), implementation=sole,
                                        applicant=_user("lisi").person),
        "enterprise": actions.do_create_draft(_user("wangwu"), implementation=start,
                                              applicant=_user("wangwu").person,
                                              on_behalf_of=entity),
    }


def _listed(client, username):
    client.force_login(_user(username))
    response = client.get(reverse("cases:mine"))
    assert response.status_code == 200
    return {row["case"].uid for row in response.context["rows"]}


def test_each_applicant_sees_only_their_own_and_their_enterprises(client, cases):
    assert _listed(client, "zhangsan") == {cases["zhangsan"].uid}
    assert _listed(client, "wangwu") == {cases["enterprise"].uid}
    assert _listed(client, "lisi") == {cases["lisi"].uid, cases["enterprise"].uid}


def test_a_revoked_agent_loses_the_enterprise_cases(client, cases):
    lisi = _user("lisi")
    identity_actions.do_revoke_authorization(_user("wangwu"), lisi.person.authorizations.get())
    assert _listed(client, "lisi") == {cases["lisi"].uid}
    assert client.get(reverse("cases:detail", args=[cases["enterprise"].uid])).status_code == 404


def test_staff_have_no_my_cases_page(client, cases):
    client.force_login(_user("clerk_wuhan"))
    assert client.get(reverse("cases:mine")).status_code == 403


def test_outsiders_get_404_on_every_case_page(client, cases, catalog):
    case = cases["zhangsan"]
    yichang = make_staff("yc_reviewer", catalog["yc-scjg"], StaffRole.REVIEWER)
    before = snapshot()
    for user in (_user("lisi"), yichang):
        client.force_login(user)
        for name in ("detail", "edit", "submit"):
            assert client.get(reverse(f"cases:{name}", args=[case.uid])).status_code == 404
    client.logout()
    assert client.get(reverse("cases:detail", args=[case.uid])).status_code == 302
    assert snapshot() == before


def _decided(case, catalog, reason):
    zhangsan = case.applicant.user
    actions.do_save_form(zhangsan, case, fill(case))
    for req in case.version.materials.filter(necessity=MaterialNecessity.REQUIRED,
                                             source=MaterialSource.UPLOAD):
        actions.do_attach_material(zhangsan, case, req, upload())
    actions.do_transition(zhangsan, case, "submit")
    actions.do_transition(_user("clerk_wuhan"), case, "accept")
    org = catalog["wh-ja-scjg"]
    reviewer = make_staff("ja_reviewer", org, StaffRole.REVIEWER)
    actions.do_transition(reviewer, case, "start_review")
    actions.do_transition(make_staff("ja_approver", org, StaffRole.APPROVER), case, "deny",
                          reason=reason)
    return reviewer


def test_detail_shows_timeline_in_beijing_time_decision_and_next_step(client, cases, catalog,
                                                                      media):
    case = cases["zhangsan"]
    reviewer = _decided(case, catalog, "经营场所属于禁止经营区域")
    CaseEvent.objects.filter(case=case, action="create").update(
        at=dt.datetime(2026, 1, 5, 16, 30, tzinfo=dt.UTC))
    CaseEvent.objects.create(case=case, action="claim", to_status=case.status,
                             note="内部备注不应显示", public=False)
    client.force_login(case.applicant.user)
    response = client.get(reverse("cases:detail", args=[case.uid]))
    text = response.content.decode()
    assert "2026-01-06 00:30" in text  # 16:30 UTC is half past midnight in Asia/Shanghai
    actions_shown = [e["action"] for e in response.context["timeline"]]
    assert actions_shown == ["create", "submit", "accept", "start_review", "deny"]
    assert "内部备注不应显示" not in text
    assert 'id="case-decision"' in text and "经营场所属于禁止经营区域" in text
    assert response.context["next_step"] and response.context["next_step"] in text
    client.force_login(reviewer)  # staff of the handling organization may view it too
    assert client.get(reverse("cases:detail", args=[case.uid])).status_code == 200


def test_my_cases_row_shows_number_status_and_next_step(client, cases, catalog, media):
    case = cases["zhangsan"]
    _decided(case, catalog, "理由")
    case.refresh_from_db()
    client.force_login(case.applicant.user)
    text = client.get(reverse("cases:mine")).content.decode()
    assert case.number in text and case.get_status_display() in text
