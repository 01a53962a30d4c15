"""The sharing pages: each renders in Chinese for a data steward, refuses outsiders with 403,
and the POST forms run the actions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from jingchu.sharing import actions
from jingchu.sharing.models import Grant, ListEntry, ShareRequest
from jingchu.sharing.tests.conftest import request_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(sharing_world):
    w = sharing_world
    request = actions.do_submit_request(w["users"]["wh"], w["orgs"]["wh-scjg"], w["population"],
                                        request_data(["id_number", "name"]))
    grant = actions.do_approve_request(w["users"]["gat"], request)
    pending = actions.do_submit_request(w["users"]["whgaj"], w["orgs"]["wh-gaj"],
                                        w["population"], request_data(["name"]))
    report = actions.do_report_error(w["users"]["wh"], w["orgs"]["wh-scjg"], w["population"],
                                     {"description": "姓名有误", "record_key": "x1"})
    return w | {"grant": grant, "pending": pending, "report": report}


def pages(w):
    return [
        reverse("sharing:catalog"),
        reverse("sharing:resource", kwargs={"code": "HB-GAT-0001"}),
        reverse("sharing:lists"),
        reverse("sharing:requests"),
        reverse("sharing:request", kwargs={"uid": w["pending"].uid}),
        reverse("sharing:grants"),
        reverse("sharing:grant", kwargs={"uid": w["grant"].uid}),
        reverse("sharing:errors"),
        reverse("sharing:reports"),
        reverse("sharing:resource_new"),
        reverse("sharing:resource_edit", kwargs={"code": "HB-GAT-0001"}),
    ]


def test_every_page_renders_in_chinese_for_the_owner(client, world):
    client.force_login(world["users"]["gat"])
    for url in pages(world):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200, url
        body = response.content.decode()
        assert 'lang="zh-hans"' in body, url
    catalog = client.get(reverse("sharing:catalog"), {"q": "联系电话"}).content.decode()
    assert "HB-GAT-0001" in catalog and "HB-SCJG-0001" not in catalog
    menu = client.get(reverse("sharing:catalog")).content.decode()
    assert reverse("sharing:requests") in menu and reverse("sharing:grants") in menu


def test_outsiders_get_403(client, world):
    client.force_login(world["users"]["citizen"])
    for url in pages(world):
        assert client.get(url).status_code == 403, url
    client.force_login(world["users"]["outsider"])  # staff without the steward role
    for url in pages(world)[2:]:
        assert client.get(url).status_code == 403, url
    assert client.get(pages(world)[0]).status_code == 200  # the catalog is for all staff
    client.force_login(world["users"]["scjg"])  # another owner's steward
    for name, kwargs in [("request", {"uid": world["pending"].uid}),
                         ("grant", {"uid": world["grant"].uid}),
                         ("resource_edit", {"code": "HB-GAT-0001"})]:
        assert client.get(reverse(f"sharing:{name}", kwargs=kwargs)).status_code == 403
    posted = client.post(reverse("sharing:request_review", kwargs={"uid": world["pending"].uid}),
                         {"decision": "approve"})
    assert posted.status_code == 403
    assert ShareRequest.objects.get(pk=world["pending"].pk).status == "pending"


def test_review_and_grant_forms(client, world):
    client.force_login(world["users"]["gat"])
    url = reverse("sharing:request_review", kwargs={"uid": world["pending"].uid})
    refused = client.post(url, {"decision": "refuse", "reason": ""}, follow=True)
    assert refused.status_code == 200
    assert ShareRequest.objects.get(pk=world["pending"].pk).status == "pending"
    client.post(url, {"decision": "approve", "rate_limit": "30"})  # no field ticked
    assert ShareRequest.objects.get(pk=world["pending"].pk).status == "pending"
    client.post(url, {"decision": "approve", "granted": ["name"], "rate_limit": "30"})
    grant = Grant.objects.get(request=world["pending"])
    assert grant.rate_limit == 30
    change = reverse("sharing:grant_change", kwargs={"uid": grant.uid})
    client.post(change, {"change": "suspend", "reason": "核查"})
    grant.refresh_from_db()
    assert grant.status == "suspended"
    answer = reverse("sharing:error_answer", kwargs={"uid": world["report"].uid})
    client.post(answer, {"answer": "已更正"})
    world["report"].refresh_from_db()
    assert world["report"].answer == "已更正"


def test_register_request_and_list_forms(client, world, mount_tables):
    w = world
    client.force_login(w["users"]["scjg"])
    made = client.post(reverse("sharing:resource_new"), {
        "owner": w["orgs"]["hb-scjg"].pk, "code": "HB-SCJG-0009", "name": "行政处罚信息",
        "share_type": "conditional", "legal_basis": "《行政处罚法》", "open_type": "not_open",
        "update_frequency": "daily",
        "fields_text": "uscc | 统一社会信用代码 | string | 1\ndecision_no | 决定书文号"})
    assert made.status_code == 302, made.content.decode()[:3000]
    bad = client.post(reverse("sharing:resource_new"), {
        "owner": w["orgs"]["hb-scjg"].pk, "code": "HB-SCJG-0010", "name": "x",
        "share_type": "conditional", "legal_basis": "", "open_type": "not_open",
        "update_frequency": "daily", "fields_text": "a"})
    assert bad.status_code == 400
    state = reverse("sharing:resource_state", kwargs={"code": "HB-SCJG-0009"})
    client.post(state, {"action": "publish"})
    client.post(reverse("sharing:resource_mount", kwargs={"code": "HB-SCJG-0009"}), {
        "kind": "lake", "target": "hb-scjg/penalties", "key_field": "uscc",
        "subject_kind": "legal_entity"})
    page = client.get(reverse("sharing:resource", kwargs={"code": "HB-SCJG-0009"}))
    assert "hb-scjg/penalties" in page.content.decode()
    client.force_login(w["users"]["whgaj"])
    today = dt.date.today()
    requested = client.post(reverse("sharing:request_new", kwargs={"code": "HB-SCJG-0009"}), {
        "consumer": w["orgs"]["wh-gaj"].pk, "field_names": ["uscc"], "purpose": "治安管理",
        "legal_basis": "《治安管理处罚法》", "valid_from": today, "valid_until": today,
        "expected_daily_calls": 5})
    assert requested.status_code == 302
    assert ShareRequest.objects.filter(resource__code="HB-SCJG-0009").count() == 1
    added = client.post(reverse("sharing:list_new"), {
        "org": w["orgs"]["wh-gaj"].uid, "kind": "demand", "name": "法人信息",
        "fields_wanted": "uscc, name", "provider": w["orgs"]["hb-scjg"].pk})
    assert added.status_code == 302
    entry = ListEntry.objects.get(organization=w["orgs"]["wh-gaj"])
    assert entry.fields_wanted == ["uscc", "name"]
    client.post(reverse("sharing:list_delete", kwargs={"uid": entry.uid}))
    assert not ListEntry.objects.filter(pk=entry.pk).exists()
