import json

import pytest
from django.urls import reverse

from jingchu.core.models import AuditEvent
from jingchu.services import actions, permissions
from jingchu.services.models import ItemVersion, MaterialRequirement

pytestmark = pytest.mark.django_db
CODE = "000172001000"


@pytest.fixture
def v1(content, materials):
    return actions.do_publish_item(None, code=CODE, content=content, materials=materials)


def post_data(materials, **changes):
    from jingchu.services.tests.conftest import FORM

    data = {"name": "个体工商户设立登记", "acceptance_conditions": "有经营能力的自然人。",
            "legal_days": "15", "promised_days": "1", "fee": "0", "fee_basis": "不收费",
            "onsite_visits": "0", "form_schema": json.dumps(FORM, ensure_ascii=False),
            "materials": json.dumps(materials[:2], ensure_ascii=False),
            "change_note": "压缩承诺时限，减材料"}
    data.update(changes)
    return data


def url():
    return reverse("services:edit", kwargs={"code": CODE})


def test_edit_publishes_version_2_and_version_1_keeps_its_content(
        client, catalog_admin, v1, materials):
    assert permissions.can_manage_items(catalog_admin)
    client.force_login(catalog_admin)
    page = client.get(url())
    assert page.status_code == 200
    assert "经营场所使用证明" in page.content.decode()  # the materials as JSON
    held_by_a_case = v1.pk
    response = client.post(url(), post_data(materials, name="个体工商户登记"))
    assert response.status_code == 302
    v2 = ItemVersion.objects.get(item__code=CODE, number=2)
    assert (v2.name, v2.promised_days, v2.materials.count()) == ("个体工商户登记", 1, 2)
    assert v2.published_by == catalog_admin
    old = ItemVersion.objects.get(pk=held_by_a_case)
    assert (old.name, old.promised_days, old.materials.count()) == ("个体工商户设立登记", 3, 4)
    assert v2.item.current_version == v2
    # The page can still show the old version, as a case's link to it would.
    old_page = client.get(reverse("services:detail", kwargs={"code": CODE}), {"version": 1})
    assert "经营场所使用证明" in old_page.content.decode()
    assert AuditEvent.objects.filter(action="services.item.publish", actor=catalog_admin).exists()


def test_refused_edit_shows_the_reason_and_writes_nothing(client, catalog_admin, v1, materials):
    client.force_login(catalog_admin)
    before = (ItemVersion.objects.count(), MaterialRequirement.objects.count(),
              AuditEvent.objects.count())
    response = client.post(url(), post_data(materials, promised_days="30"))
    assert response.status_code == 200
    assert response.context["form"].errors["promised_days"]
    response = client.post(url(), post_data(materials, form_schema="{not json"))
    assert response.context["form"].errors["form_schema"]
    assert (ItemVersion.objects.count(), MaterialRequirement.objects.count(),
            AuditEvent.objects.count()) == before


@pytest.mark.parametrize("who", ["anonymous", "citizen", "clerk"])
def test_outsiders_cannot_edit(client, v1, materials, citizen, clerk, who):
    user = {"citizen": citizen, "clerk": clerk}.get(who)
    if user is not None:
        assert not permissions.can_manage_items(user)
        client.force_login(user)
    for response in (client.get(url()), client.post(url(), post_data(materials))):
        assert response.status_code == (302 if who == "anonymous" else 403)
        if who == "anonymous":
            assert "/login" in response["Location"]
    assert ItemVersion.objects.count() == 1


def test_admin_lists_items_read_only(client, catalog_admin, v1):
    catalog_admin.is_staff = True
    catalog_admin.is_superuser = True
    catalog_admin.save()
    client.force_login(catalog_admin)
    response = client.get("/admin/services/serviceitem/")
    assert response.status_code == 200
    assert CODE in response.content.decode()
    assert client.get("/admin/services/serviceitem/add/").status_code == 403
    version = client.get(f"/admin/services/itemversion/{v1.pk}/change/")
    assert version.status_code == 200
    assert 'name="_save"' not in version.content.decode()
