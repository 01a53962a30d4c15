"""Applying online: choosing where, as whom, the draft page, submitting, 补正, withdrawing;
and the pre-check's eligibility rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from jingchu.cases import actions, precheck
from jingchu.cases.choices import CaseStatus, Channel
from jingchu.cases.models import Case
from jingchu.cases.tests.applicant_helpers import (
    ENTERPRISE_START,
    FOOD_PRODUCTION,
    RESIDENCE_PERMIT,
    SOLE_TRADER,
    fill,
    snapshot,
    upload,
)
from jingchu.cases.tests.conftest import implementation
from jingchu.core.identifiers import make_id_number
from jingchu.identity import actions as identity_actions
from jingchu.identity.models import LegalEntity, User
from jingchu.identity.services import SESSION_ACTING_KEY
from jingchu.services.choices import MaterialNecessity, MaterialSource

pytestmark = pytest.mark.django_db


def _login(client, username, acting=None):
    user = User.objects.get(username=username)
    client.force_login(user)
    if acting is not None:
        session = client.session
        session[SESSION_ACTING_KEY] = str(acting.uid)
        session.save()
    return user


def _draft(username, code, org_key, catalog, entity=None):
    user = User.objects.get(username=username)
    return actions.do_create_draft(user, implementation=implementation(code, org_key, catalog),
                                   applicant=user.person, on_behalf_of=entity)


def _complete(case, user):
    actions.do_save_form(user, case, fill(case))
    for req in case.version.materials.filter(necessity=MaterialNecessity.REQUIRED,
                                             source=MaterialSource.UPLOAD):
        if req.media != precheck.ONLINE_FORM_MEDIA:
            actions.do_attach_material(user, case, req, upload())
    case.refresh_from_db()


def test_apply_page_lists_where_with_service_area(client, catalog):
    _login(client, "zhangsan")
    response = client.get(reverse("cases:apply", args=[SOLE_TRADER]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "武汉市江岸区市场监督管理局" in text and "宜昌" in text
    assert "area-city" in text and "area-county" in text


def test_apply_page_refuses_anonymous_and_staff(client, catalog):
    url = reverse("cases:apply", args=[SOLE_TRADER])
    assert client.get(url).status_code == 302
    _login(client, "clerk_wuhan")
    before = snapshot()
    assert client.post(url, {"implementation": str(implementation(
        SOLE_TRADER, "wh-ja-scjg", catalog).uid)}).status_code == 403
    assert snapshot() == before


def test_citizen_applies_as_themselves(client, catalog):
    zhangsan = _login(client, "zhangsan")
    impl = implementation(SOLE_TRADER, "wh-ja-scjg", catalog)
    response = client.post(reverse("cases:apply", args=[SOLE_TRADER]),
                           {"implementation": str(impl.uid)})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "cases:edit", args=[case.uid])
    assert (case.applicant.user, case.on_behalf_of, case.channel, case.implementation) == (
        zhangsan, None, Channel.ONLINE, impl)


def test_representative_applies_for_the_enterprise_acted_for(client, catalog):
    entity = LegalEntity.objects.get()
    _login(client, "wangwu", acting=entity)
    impl = implementation(ENTERPRISE_START, "wh-scjg", catalog)
    client.post(reverse("cases:apply", args=[ENTERPRISE_START]), {"implementation": str(impl.uid)})
    assert Case.objects.get().on_behalf_of == entity


@pytest.mark.parametrize(("code", "org_key", "acting", "blocker"), [
    (FOOD_PRODUCTION, "wh-scjg", False, "This service is for legal entities"),
    (SOLE_TRADER, "wh-ja-scjg", True, "This service is for natural persons"),
])
def test_applicant_kind_decides_who_may_apply(client, catalog, code, org_key, acting, blocker):
    entity = LegalEntity.objects.get()
    _login(client, "wangwu", acting=entity if acting else None)
    url = reverse("cases:apply", args=[code])
    client.cookies["django_language"] = "en"
    page = client.get(url)
    assert page.status_code == 200 and b"apply-blocker" in page.content
    before = snapshot()
    refused = client.post(url, {"implementation": str(implementation(code, org_key,
                                                                      catalog).uid)})
    assert refused.status_code == 400 and b"apply-error" in refused.content
    assert snapshot() == before


def test_implementation_of_another_item_is_refused(client, catalog):
    _login(client, "zhangsan")
    other = implementation(ENTERPRISE_START, "wh-scjg", catalog)
    before = snapshot()
    response = client.post(reverse("cases:apply", args=[SOLE_TRADER]),
                           {"implementation": str(other.uid)})
    assert response.status_code == 400 and snapshot() == before


def test_draft_page_shows_form_and_which_materials_need_no_upload(client, catalog):
    case = _draft("zhangsan", SOLE_TRADER, "wh-ja-scjg", catalog)
    _login(client, "zhangsan")
    text = client.get(reverse("cases:edit", args=[case.uid])).content.decode()
    assert 'name="phone"' in text and "经营场所使用证明" in text
    assert "无需上传" in text or "No upload needed" in text
    # The lease, the conditional family proof, and the ID card as a scan: no electronic ID
    # card is issued in this test (a held one is offered instead: licenses/tests/test_reuse.py).
    assert text.count('type="file"') == 3


def test_form_errors_are_shown_per_field_in_chinese_and_nothing_saved(client, catalog):
    case = _draft("zhangsan", SOLE_TRADER, "wh-ja-scjg", catalog)
    _login(client, "zhangsan")
    before = snapshot()
    response = client.post(reverse("cases:edit", args=[case.uid]), fill(case, phone="12345"))
    assert response.status_code == 400
    assert "请输入11位手机号码" in response.content.decode()
    assert snapshot() == before
    case.refresh_from_db()
    assert case.form_data == {}


def test_valid_form_is_saved(client, catalog):
    case = _draft("zhangsan", SOLE_TRADER, "wh-ja-scjg", catalog)
    _login(client, "zhangsan")
    response = client.post(reverse("cases:edit", args=[case.uid]), fill(case))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.form_data["phone"] == "13871234567" and case.form_data["pledge"] is True


def test_outsider_cannot_see_or_edit_a_draft(client, catalog):
    case = _draft("zhangsan", SOLE_TRADER, "wh-ja-scjg", catalog)
    _login(client, "lisi")
    before = snapshot()
    for name in ("edit", "detail", "submit"):
        assert client.get(reverse(f"cases:{name}", args=[case.uid])).status_code == 404
    assert client.post(reverse("cases:edit", args=[case.uid]), fill(case)).status_code == 404
    assert client.post(reverse("cases:withdraw", args=[case.uid])).status_code == 404
    assert snapshot() == before


def test_submit_lists_every_problem_at_once_and_writes_nothing(client, catalog, media):
    case = _draft("zhangsan", SOLE_TRADER, "wh-ja-scjg", catalog)
    _login(client, "zhangsan")
    before = snapshot(media)
    response = client.post(reverse("cases:submit", args=[case.uid]))
    assert response.status_code == 400
    codes = [p["code"] for p in response.context["problems"]]
    assert codes.count("form_invalid") == 7 and codes.count("material_missing") == 1
    assert response.content.decode().count('class="problem"') == len(codes)
    assert snapshot(media) == before
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT and case.number is None


def test_submit_shows_the_case_number(client, catalog, media):
    case = _draft("zhangsan", SOLE_TRADER, "wh-ja-scjg", catalog)
    _complete(case, case.applicant.user)
    _login(client, "zhangsan")
    assert client.get(reverse("cases:submit", args=[case.uid])).context["problems"] == []
    response = client.post(reverse("cases:submit", args=[case.uid]), follow=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and case.number.startswith("420102-01-")
    assert case.number in response.content.decode()


def test_correction_note_is_shown_and_resubmit_works(client, catalog, media):
    case = _draft("zhangsan", SOLE_TRADER, "wh-ja-scjg", catalog)
    zhangsan = case.applicant.user
    _complete(case, zhangsan)
    actions.do_transition(zhangsan, case, "submit")
    clerk = User.objects.get(username="clerk_wuhan")
    actions.do_transition(clerk, case, "request_correction", reason="租赁合同缺少出租方签字")
    _login(client, "zhangsan")
    detail = client.get(reverse("cases:detail", args=[case.uid])).content.decode()
    assert "租赁合同缺少出租方签字" in detail and 'id="correction-note"' in detail
    assert "租赁合同缺少出租方签字" in client.get(
        reverse("cases:edit", args=[case.uid])).content.decode()
    response = client.post(reverse("cases:submit", args=[case.uid]))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert [e.action for e in case.events.all()][-2:] == ["request_correction", "resubmit"]


def test_withdraw(client, catalog):
    case = _draft("zhangsan", SOLE_TRADER, "wh-ja-scjg", catalog)
    _login(client, "zhangsan")
    assert client.post(reverse("cases:withdraw", args=[case.uid])).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.WITHDRAWN
    before = snapshot()
    assert client.post(reverse("cases:edit", args=[case.uid]), fill(case)).status_code == 403
    assert snapshot() == before


# --- pre-check: eligibility ----------------------------------------------------------------------


def _person_born(catalog, birth, username="young"):
    identity_actions.do_register_person(
        None, name="小明", id_number=make_id_number("420102", birth, 11, True),
        username=username, password="Jingchu@2026x")
    return User.objects.get(username=username)


def test_min_age_is_reached_on_the_birthday(catalog):
    user = _person_born(catalog, dt.date(2010, 6, 1))
    case = actions.do_create_draft(user, implementation=implementation(
        RESIDENCE_PERMIT, "wh-gaj", catalog), applicant=user.person)
    assert case.version.eligibility == {"min_age": 16}
    day_before = precheck.eligibility_problems(case, dt.date(2026, 5, 31))
    assert [p.code for p in day_before] == ["too_young"]
    assert precheck.eligibility_problems(case, dt.date(2026, 6, 1)) == []


def test_max_age_boundary_on_the_birthday(catalog):
    user = User.objects.get(username="zhangsan")  # born 1988-03-15
    case = actions.do_create_draft(user, implementation=implementation(
        RESIDENCE_PERMIT, "wh-gaj", catalog), applicant=user.person)
    case.version.eligibility = {"max_age": 37}  # in memory only: published versions stay as is
    assert precheck.eligibility_problems(case, dt.date(2026, 3, 14)) == []
    assert [p.code for p in precheck.eligibility_problems(case, dt.date(2026, 3, 15))] == [
        "too_old"]


def test_age_of_someone_born_on_29_february():
    born = dt.date(2008, 2, 29)
    assert precheck.age_on(born, dt.date(2024, 2, 28)) == 15
    assert precheck.age_on(born, dt.date(2024, 2, 29)) == 16
    assert precheck.age_on(born, dt.date(2025, 2, 28)) == 16
    assert precheck.age_on(born, dt.date(2026, 3, 1)) == 18


def test_applicant_kind_and_lapsed_authorization(catalog):
    entity = LegalEntity.objects.get()
    lisi = User.objects.get(username="lisi")
    person_only = implementation(SOLE_TRADER, "wh-ja-scjg", catalog)
    unsaved = Case(version=person_only.item.current_version, applicant=lisi.person,
                   on_behalf_of=entity)
    assert "person_only" in [p.code for p in precheck.eligibility_problems(
        unsaved, dt.date(2026, 1, 5))]
    entity_only = implementation(FOOD_PRODUCTION, "wh-scjg", catalog)
    alone = Case(version=entity_only.item.current_version, applicant=lisi.person)
    assert [p.code for p in precheck.eligibility_problems(alone, dt.date(2026, 1, 5))] == [
        "entity_required"]
    case = _draft("lisi", ENTERPRISE_START, "wh-scjg", catalog, entity=entity)
    assert precheck.eligibility_problems(case, dt.date(2026, 1, 5)) == []
    grant = lisi.person.authorizations.get()
    identity_actions.do_revoke_authorization(User.objects.get(username="wangwu"), grant)
    assert [p.code for p in precheck.eligibility_problems(case, dt.date(2026, 1, 5))] == [
        "authorization_lapsed"]


def test_age_rules_do_not_bind_an_agent_acting_for_an_enterprise(catalog):
    entity = LegalEntity.objects.get()
    case = _draft("wangwu", ENTERPRISE_START, "wh-scjg", catalog, entity=entity)
    case.version.eligibility = {"min_age": 99}
    assert precheck.eligibility_problems(case, dt.date(2026, 1, 5)) == []


def test_the_online_form_stands_for_the_application_form_material(catalog, media):
    case = _draft("zhangsan", SOLE_TRADER, "wh-ja-scjg", catalog)
    _complete(case, case.applicant.user)
    form_material = case.version.materials.get(media=precheck.ONLINE_FORM_MEDIA)
    assert not case.materials.filter(requirement=form_material).exists()
    assert precheck.run(case, dt.date(2026, 1, 5)) == []
