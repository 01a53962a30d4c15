"""The Verifiable Credential export and check through the API."""

from __future__ import annotations

import json

import pytest

from jingchu.identity.models import User
from jingchu.licenses.models import License

pytestmark = pytest.mark.django_db


def _driving() -> License:
    return License.objects.get(license_type__key="DRIVING_LICENSE")


def test_the_holder_exports_a_credential_that_the_platform_verifies(client, held_licences):
    client.force_login(User.objects.get(username="zhangsan"))
    answer = client.get(f"/api/v1/licenses/{_driving().identifier}/vc")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/vc"
    credential = json.loads(answer.content)
    assert credential["proof"]["cryptosuite"] == "sm2-sm3-jcs-2026"
    client.logout()  # checking is open to anyone
    checked = client.post("/api/v1/licenses/verify-credential", credential,
                          content_type="application/json")
    assert checked.status_code == 200 and checked.json()["valid"] is True, checked.json()
    credential["credentialSubject"]["name"] = "李四"
    tampered = client.post("/api/v1/licenses/verify-credential", credential,
                           content_type="application/json").json()
    assert tampered["valid"] is False and tampered["code"] == "signature_invalid"


def test_an_outsider_cannot_export_someone_elses_licence(client, held_licences):
    client.force_login(User.objects.get(username="lisi"))
    answer = client.get(f"/api/v1/licenses/{_driving().identifier}/vc")
    assert answer.status_code == 404 and answer.json()["code"] == "not_found"
