"""The seals API: listing, creating, status changes, sealing a file and the public verify."""

from __future__ import annotations

import base64
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jingchu.core.models import AuditEvent
from jingchu.seals import service
from jingchu.seals.models import Seal, SealUse

pytestmark = pytest.mark.django_db

BASE = "/api/v1/seals"


def post_json(client, url, payload):
    return client.post(url, json.dumps(payload), content_type="application/json")


def test_list_shows_my_organizations_seals_only(client, world, amr_seal, hrss_seal):
    assert client.get(f"{BASE}/").status_code == 401
    client.force_login(world["users"]["clerk_amr"])
    listed = client.get(f"{BASE}/").json()
    assert [s["es_id"] for s in listed] == [amr_seal.es_id]
    assert listed[0]["status"] == "active" and listed[0]["kind"] == "license"
    client.force_login(world["users"]["platform"])
    assert {s["es_id"] for s in client.get(f"{BASE}/").json()} == {amr_seal.es_id,
                                                                 hrss_seal.es_id}


def test_detail_and_uses_are_refused_to_outsiders(client, world, amr_seal):
    service.sign(None, amr_seal, b"doc", "doc.pdf")
    client.force_login(world["users"]["approver_hrss"])
    for url in (f"{BASE}/{amr_seal.uid}", f"{BASE}/{amr_seal.uid}/uses"):
        refused = client.get(url)
        assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    client.force_login(world["users"]["clerk_amr"])
    detail = client.get(f"{BASE}/{amr_seal.uid}").json()
    assert detail["certificate_pem"].startswith("-----BEGIN CERTIFICATE-----")
    assert detail["image_svg"].startswith("<svg") and detail["uses"] == 1
    uses = client.get(f"{BASE}/{amr_seal.uid}/uses").json()
    assert uses[0]["document_name"] == "doc.pdf" and uses[0]["actor"] == "system"
    missing = client.get(f"{BASE}/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_create_seal(client, world):
    org = world["orgs"]["wh-scjg"]
    payload = {"organization_uid": str(org.uid), "kind": "contract"}
    client.force_login(world["users"]["approver_amr"])
    assert post_json(client, f"{BASE}/", payload).status_code == 403
    client.force_login(world["users"]["admin_hrss"])
    assert post_json(client, f"{BASE}/", payload).status_code == 403
    assert not Seal.objects.exists()
    client.force_login(world["users"]["admin_amr"])
    made = post_json(client, f"{BASE}/", payload)
    assert made.status_code == 201, made.content
    assert made.json()["name"] == org.name + "合同专用章"
    again = post_json(client, f"{BASE}/", payload)
    assert again.status_code == 409 and again.json()["code"] == "seal_exists"
    bad = post_json(client, f"{BASE}/", {**payload, "kind": "stamp"})
    assert bad.status_code == 400 and bad.json()["code"] == "kind_invalid"


def test_suspend_resume_revoke(client, world, amr_seal):
    url = f"{BASE}/{amr_seal.uid}"
    client.force_login(world["users"]["approver_amr"])
    assert post_json(client, f"{url}/suspend", {"reason": "x"}).status_code == 403
    client.force_login(world["users"]["admin_amr"])
    no_reason = post_json(client, f"{url}/suspend", {"reason": ""})
    assert no_reason.status_code == 400 and no_reason.json()["code"] == "text_required"
    assert post_json(client, f"{url}/suspend", {"reason": "核查"}).json()["status"] == "suspended"
    assert post_json(client, f"{url}/resume", {"reason": "好了"}).json()["status"] == "active"
    revoked = post_json(client, f"{url}/revoke", {"reason": "撤销"}).json()
    assert revoked["status"] == "revoked" and revoked["status_reason"] == "撤销"
    conflict = post_json(client, f"{url}/suspend", {"reason": "again"})
    assert conflict.status_code == 409 and conflict.json()["code"] == "status_conflict"


def test_sign_a_file_and_verify_it_publicly(client, world, amr_seal):
    url = f"{BASE}/{amr_seal.uid}/sign"
    upload = {"file": SimpleUploadedFile("决定书.pdf", b"%PDF-1.4 decision")}
    client.force_login(world["users"]["clerk_amr"])
    assert client.post(url, upload).status_code == 403
    client.force_login(world["users"]["approver_hrss"])
    upload["file"].seek(0)
    assert client.post(url, upload).status_code == 403
    assert not SealUse.objects.exists()
    client.force_login(world["users"]["approver_amr"])
    upload["file"].seek(0)
    signed = client.post(url, upload)
    assert signed.status_code == 201, signed.content
    body = signed.json()
    assert body["document_name"] == "决定书.pdf"
    signature = base64.b64decode(body["signature"])
    assert SealUse.objects.get().uid.hex == body["use_uid"].replace("-", "")
    assert AuditEvent.objects.filter(action="seals.seal.sign").count() == 1

    client.logout()

    def check(content: bytes) -> dict:
        response = client.post(f"{BASE}/verify", {
            "file": SimpleUploadedFile("d.pdf", content),
            "signature": SimpleUploadedFile("d.ses", signature)})
        assert response.status_code == 200
        return response.json()

    good = check(b"%PDF-1.4 decision")
    assert good["valid"] and good["code"] == "valid" and good["es_id"] == amr_seal.es_id
    assert good["organization_name"] == amr_seal.organization.name
    assert good["document_name"] == "决定书.pdf" and good["seal_status"] == "active"
    bad = check(b"%PDF-1.4 decisioN")
    assert not bad["valid"] and bad["code"] == "hash_mismatch" and bad["message"]
    client.force_login(world["users"]["admin_amr"])
    post_json(client, f"{BASE}/{amr_seal.uid}/revoke", {"reason": "撤销"})
    client.logout()
    assert check(b"%PDF-1.4 decision")["code"] == "seal_revoked"


def test_root_certificate_is_public(client, world):
    body = client.get(f"{BASE}/root").json()
    assert body["certificate_pem"] == service.root_certificate_pem()
    assert len(body["certificate_sm3"].split(":")) == 32
