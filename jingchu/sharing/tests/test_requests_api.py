"""The sharing API end to end: catalog search, registration, lists, a request approved in part,
the grant suspended, an error reported and answered, the reports; refusals in the error shape."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import translation

from jingchu.sharing.models import Grant

pytestmark = pytest.mark.django_db

BASE = "/api/v1/sharing"


def send(client, method, url, body=None):
    return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json")


def test_catalog_search_and_register(client, sharing_world):
    w = sharing_world
    client.force_login(w["users"]["outsider"])  # any staff member browses the catalog
    found = client.get(f"{BASE}/resources", {"q": "联系电话"}).json()
    assert [r["code"] for r in found["items"]] == ["HB-GAT-0001"]
    assert found["items"][0]["fields"][0]["name"] == "id_number"
    shared = client.get(f"{BASE}/resources", {"share_type": "unconditional"}).json()
    assert [r["code"] for r in shared["items"]] == ["HB-SCJG-0001"]
    owned = client.get(f"{BASE}/resources", {"owner": w["orgs"]["hb-gat"].uscc}).json()
    assert owned["count"] == 1
    assert client.get(f"{BASE}/resources", {"mounted": "true"}).json()["count"] == 0
    client.force_login(w["users"]["scjg"])
    made = send(client, "post", f"{BASE}/resources", {
        "owner": str(w["orgs"]["hb-scjg"].uid), "code": "HB-SCJG-0002", "name": "食品经营许可",
        "share_type": "unconditional", "fields": [{"name": "license_no", "label": "许可证编号"}]})
    assert made.status_code == 201 and made.json()["status"] == "draft"
    client.force_login(w["users"]["outsider"])
    assert client.get(f"{BASE}/resources/HB-SCJG-0002").status_code == 403  # a draft
    client.force_login(w["users"]["scjg"])
    bad = send(client, "post", f"{BASE}/resources", {
        "owner": str(w["orgs"]["hb-scjg"].uid), "code": "HB-SCJG-0002", "name": "x",
        "share_type": "unconditional", "fields": [{"name": "a"}]})
    assert bad.status_code == 409 and bad.json()["code"] == "code_taken"
    published = send(client, "post", f"{BASE}/resources/HB-SCJG-0002/publish")
    assert published.json()["status"] == "published"
    assert client.get(f"{BASE}/resources/NOPE-1").status_code == 404


def test_request_review_grant_and_errors(client, sharing_world):
    w = sharing_world
    today = dt.date.today()
    client.force_login(w["users"]["wh"])
    made = send(client, "post", f"{BASE}/requests", {
        "consumer": w["orgs"]["wh-scjg"].uscc, "resource": "HB-GAT-0001",
        "fields": ["id_number", "name", "phone"], "purpose": "企业开办核验", "legal_basis": "法",
        "valid_from": str(today), "valid_until": str(today + dt.timedelta(days=30)),
        "expected_daily_calls": 50})
    assert made.status_code == 201, made.content
    uid = made.json()["uid"]
    assert made.json()["status"] == "pending" and made.json()["review_deadline"]
    client.force_login(w["users"]["gat"])
    received = client.get(f"{BASE}/requests", {"role": "received"}).json()
    assert [r["uid"] for r in received] == [uid]
    approved = send(client, "post", f"{BASE}/requests/{uid}/approve",
                    {"fields": ["id_number", "name"], "rate_limit": 30})
    assert approved.json()["status"] == "partly_approved" and approved.json()["grant_uid"]
    grant_uid = approved.json()["grant_uid"]
    given = client.get(f"{BASE}/grants", {"role": "given"}).json()
    assert given[0]["masked_fields"] == ["id_number"] and given[0]["rate_limit"] == 30
    refused = send(client, "post", f"{BASE}/grants/{grant_uid}/suspend", {"reason": ""})
    assert refused.status_code == 400 and refused.json()["code"] == "reason_required"
    suspended = send(client, "post", f"{BASE}/grants/{grant_uid}/suspend", {"reason": "核查"})
    assert suspended.json()["status"] == "suspended"
    client.force_login(w["users"]["wh"])
    assert client.get(f"{BASE}/grants").json()[0]["uid"] == grant_uid
    reported = send(client, "post", f"{BASE}/error-reports", {
        "reporter": str(w["orgs"]["wh-scjg"].uid), "resource": "HB-GAT-0001",
        "record_key": "420102199001020156", "field_name": "name", "description": "姓名有误"})
    assert reported.status_code == 201 and "*" in reported.json()["record_key"]
    client.force_login(w["users"]["gat"])
    answered = send(client, "post", f"{BASE}/error-reports/{reported.json()['uid']}/answer",
                    {"answer": "已更正"})
    assert answered.json()["status"] == "answered"
    assert Grant.objects.count() == 1


def test_lists_reports_and_the_negative_list(client, sharing_world):
    w = sharing_world
    gat = w["orgs"]["hb-gat"]
    client.force_login(w["users"]["gat"])
    made = send(client, "post", f"{BASE}/organizations/{gat.uid}/lists", {
        "kind": "negative", "resource": "HB-GAT-0001", "legal_basis": "《居民身份证法》"})
    assert made.status_code == 201 and made.json()["resource"] == "HB-GAT-0001"
    assert client.get(f"{BASE}/organizations/{gat.uid}/lists").json()[0]["kind"] == "negative"
    conflicts = client.get(f"{BASE}/reports/negative").json()
    assert conflicts[0]["resource_code"] == "HB-GAT-0001"
    client.force_login(w["users"]["wh"])
    refused = client.post(f"{BASE}/requests", json.dumps({
        "consumer": str(w["orgs"]["wh-scjg"].uid), "resource": "HB-GAT-0001",
        "fields": ["name"], "purpose": "x", "legal_basis": "x",
        "valid_from": str(dt.date.today()), "valid_until": str(dt.date.today())}),
        content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 409 and refused.json()["code"] == "negative_list"
    text = "This resource is on a negative list and is never shared."
    messages = set()
    for language in ("en", "zh-hans"):
        with translation.override(language):
            messages.add(translation.gettext(text))
    assert refused.json()["message"] in messages
    client.force_login(w["users"]["dsj"])
    assert client.get(f"{BASE}/reports/demand").status_code == 200
    assert client.get(f"{BASE}/reports/nothing").status_code == 404
