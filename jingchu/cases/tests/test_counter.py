"""The counter channel: a window clerk looks a walk-in citizen up by ID number, starts a draft
their hall may accept, fills it in, uploads and submits for them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jingchu.cases import actions
from jingchu.cases.choices import CaseStatus, Channel
from jingchu.cases.models import Case, CaseMaterial
from jingchu.cases.tests.applicant_helpers import (
    FOOD_PRODUCTION,
    SOLE_TRADER,
    fill,
    snapshot,
    upload,
)
from jingchu.cases.tests.conftest import implementation, make_staff
from jingchu.cases.views.counter import SESSION_PERSON
from jingchu.core.masking import mask_id_number
from jingchu.core.models import AuditEvent
from jingchu.identity.choices import StaffRole
from jingchu.identity.models import User

pytestmark = pytest.mark.django_db


def _user(name):
    return User.objects.get(username=name)


def _look_up(client, username="zhangsan"):
    person = _user(username).person
    response = client.post(reverse("cases:counter"), {"op": "lookup",
                                                      "id_number": person.id_number})
    assert response.status_code == 302
    return person


@pytest.fixture
def clerk(client, catalog):
    user = _user("clerk_wuhan")
    client.force_login(user)
    return user


def test_lookup_shows_name_and_masked_number_and_is_audited(client, clerk):
    person = _look_up(client)
    text = client.get(reverse("cases:counter")).content.decode()
    assert person.name in text and mask_id_number(person.id_number) in text
    assert person.id_number not in text
    assert AuditEvent.objects.filter(action="identity.person.look_up", actor=clerk).count() == 1


def test_unknown_or_malformed_number_is_refused(client, clerk):
    response = client.post(reverse("cases:counter"), {"op": "lookup",
                                                      "id_number": "420102198803150000"})
    assert response.status_code == 400 and b"counter-error" in response.content
    assert SESSION_PERSON not in client.session


def test_clerk_starts_fills_uploads_for_the_walk_in_citizen(client, clerk, catalog, media):
    person = _look_up(client)
    page = client.get(reverse("cases:counter"), {"code": SOLE_TRADER})
    allowed = {row["impl"].organization.name: bool(row["orgs"]) for row in page.context["rows"]}
    assert allowed["武汉市江岸区市场监督管理局"] and not allowed["宜昌市市场监督管理局"]
    impl = implementation(SOLE_TRADER, "wh-ja-scjg", catalog)
    response = client.post(reverse("cases:counter_start"), {"implementation": str(impl.uid)})
    case = Case.objects.get()
    assert response["Location"] == reverse("cases:edit", args=[case.uid])
    assert (case.channel, case.applicant, case.created_by, case.accepting_org) == (
        Channel.COUNTER, person, clerk, catalog["wh-smzj"])
    assert client.post(reverse("cases:edit", args=[case.uid]), fill(case)).status_code == 302
    lease = case.version.materials.get(name__startswith="经营场所使用证明")
    client.post(reverse("cases:upload", args=[case.uid]),
                {"requirement": str(lease.uid), "file": upload()})
    assert CaseMaterial.objects.filter(case=case).count() == 1
    # The citizen finds the counter application among their own cases.
    client.force_login(person.user)
    assert client.get(reverse("cases:detail", args=[case.uid])).status_code == 200


def test_clerk_submits_at_the_counter(client, clerk, catalog, media):
    _look_up(client)
    impl = implementation(SOLE_TRADER, "wh-ja-scjg", catalog)
    client.post(reverse("cases:counter_start"), {"implementation": str(impl.uid)})
    case = Case.objects.get()
    actions.do_save_form(clerk, case, fill(case))
    lease = case.version.materials.get(name__startswith="经营场所使用证明")
    actions.do_attach_material(clerk, case, lease, upload())
    response = client.post(reverse("cases:submit", args=[case.uid]))
    case.refresh_from_db()
    assert response.status_code == 302 and case.status == CaseStatus.SUBMITTED


def test_citizen_may_not_use_the_counter(client, catalog):
    client.force_login(_user("zhangsan"))
    impl = implementation(SOLE_TRADER, "wh-ja-scjg", catalog)
    before = snapshot()
    assert client.get(reverse("cases:counter")).status_code == 403
    assert client.post(reverse("cases:counter"), {
        "op": "lookup", "id_number": _user("lisi").person.id_number}).status_code == 403
    assert client.post(reverse("cases:counter_start"),
                       {"implementation": str(impl.uid)}).status_code == 403
    assert snapshot() == before


def test_hall_may_not_accept_a_fixed_item_of_another_city(client, clerk, catalog):
    _look_up(client, "wangwu")
    yichang = implementation(FOOD_PRODUCTION, "yc-scjg", catalog)
    page = client.get(reverse("cases:counter"), {"code": FOOD_PRODUCTION})
    rows = {row["impl"].pk: row["orgs"] for row in page.context["rows"]}
    assert rows[yichang.pk] == []
    entity = _user("wangwu").person.authorizations.get().legal_entity
    before = snapshot()
    response = client.post(reverse("cases:counter_start"), {
        "implementation": str(yichang.uid), "entity": str(entity.uid)})
    assert response.status_code == 403 and b"counter-error" in response.content
    assert snapshot() == before


def test_start_without_a_lookup_writes_nothing(client, clerk, catalog):
    impl = implementation(SOLE_TRADER, "wh-ja-scjg", catalog)
    before = snapshot()
    response = client.post(reverse("cases:counter_start"), {"implementation": str(impl.uid)})
    assert response.status_code == 302 and snapshot() == before


def test_a_clerk_of_another_hall_cannot_touch_the_counter_draft(client, clerk, catalog):
    _look_up(client)
    impl = implementation(SOLE_TRADER, "wh-ja-scjg", catalog)
    client.post(reverse("cases:counter_start"), {"implementation": str(impl.uid)})
    case = Case.objects.get()
    other = make_staff("yc_clerk", catalog["yc-zwzx"], StaffRole.WINDOW_CLERK)
    client.force_login(other)
    before = snapshot()
    assert client.get(reverse("cases:edit", args=[case.uid])).status_code == 404
    assert client.post(reverse("cases:edit", args=[case.uid]), fill(case)).status_code == 404
    assert snapshot() == before
