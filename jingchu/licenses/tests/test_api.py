"""The licences API: my licences, one licence, its PDF, shares and uses; the issuer's list and
status changes; the refusals for outsiders in the error shape."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jingchu.identity.models import LegalEntity
from jingchu.identity.services import SESSION_ACTING_KEY
from jingchu.licenses import content, statuslist
from jingchu.licenses.choices import LicenseStatus
from jingchu.licenses.models import License, LicenseShare

pytestmark = pytest.mark.django_db
BASE = "/api/v1/licenses"


def _error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "details"} and body["code"] == code


def test_my_licences(client, wallet_world):
    users, lics = wallet_world["users"], wallet_world["licences"]
    _error(client.get(f"{BASE}/"), 401, "not_authenticated")
    client.force_login(users["zhangsan"])
    mine = {row["identifier"]: row for row in client.get(f"{BASE}/").json()}
    assert lics["driving"].identifier in mine and lics["id_lisi"].identifier not in mine
    row = mine[lics["driving"].identifier]
    assert row["type_name"] == "机动车驾驶证" and row["status"] == "valid"
    assert row["holder_code_masked"] != content.holder_code(lics["driving"])
    assert "*" in row["holder_code_masked"]
    client.force_login(users["gaj_clerk"])
    _error(client.get(f"{BASE}/"), 403, "permission_denied")


def test_the_enterprise_licences_when_acting_for_it(client, wallet_world):
    client.force_login(wallet_world["users"]["lisi"])
    business = wallet_world["licences"]["business"].identifier
    assert business not in {r["identifier"] for r in client.get(f"{BASE}/").json()}
    session = client.session
    session[SESSION_ACTING_KEY] = str(LegalEntity.objects.get().uid)
    session.save()
    assert business in {r["identifier"] for r in client.get(f"{BASE}/").json()}


def test_one_licence_for_the_holder_and_the_issuer(client, wallet_world):
    users, lic = wallet_world["users"], wallet_world["licences"]["driving"]
    url = f"{BASE}/{lic.identifier}"
    for outsider in ("lisi", "approver_wh_amr"):
        client.force_login(users[outsider])
        _error(client.get(url), 404, "not_found")
        _error(client.get(f"{url}/uses"), 404, "not_found")
    client.force_login(users["zhangsan"])
    _error(client.get(f"{BASE}/1.2.156.3005.2.X"), 400, "bad_identifier")
    body = client.get(url).json()
    assert body["data"] == {"license_no": "420100123456", "class": "C1"}
    # The schema's order is kept on SQLite; PostgreSQL's jsonb stores object keys sorted.
    assert sorted(f["label"] for f in body["fields"]) == sorted(["档案编号", "准驾车型"])
    assert body["verification"]["valid"] and body["verification"]["code"] == "valid"
    assert body["verify_url"] == f"http://testserver/licences/verify/{lic.identifier}/"
    assert body["pdf_url"] == f"http://testserver{url}/pdf"
    client.force_login(users["gaj_clerk"])
    assert client.get(url).status_code == 200


def test_the_pdf(client, wallet_world):
    users, lic = wallet_world["users"], wallet_world["licences"]["business"]
    client.force_login(users["zhangsan"])
    _error(client.get(f"{BASE}/{lic.identifier}/pdf"), 404, "not_found")
    client.force_login(users["wangwu"])  # the legal representative
    response = client.get(f"{BASE}/{lic.identifier}/pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_share_withdraw_and_uses(client, wallet_world):
    users, orgs, lic = wallet_world["users"], wallet_world["orgs"], wallet_world["licences"][
        "driving"]
    until = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    body = {"organization_uid": str(orgs["wh-rsj"].uid), "reason": "办理社保卡", "until": until}
    url = f"{BASE}/{lic.identifier}/shares"
    client.force_login(users["gaj_clerk"])  # staff of the issuer may see, not share
    _error(client.post(url, body, content_type="application/json"), 404, "not_found")
    client.force_login(users["zhangsan"])
    _error(client.post(url, {**body, "organization_uid": "00000000-0000-0000-0000-000000000000"},
                       content_type="application/json"), 400, "unknown_organization")
    _error(client.post(url, {**body, "reason": " "}, content_type="application/json"),
           400, "text_required")
    made = client.post(url, body, content_type="application/json")
    assert made.status_code == 201, made.content
    share = made.json()
    assert share["organization_name"] == orgs["wh-rsj"].name and share["valid_until"] == until
    assert [s["uid"] for s in client.get(url).json()] == [share["uid"]]
    uses = client.get(f"{BASE}/{lic.identifier}/uses").json()
    assert [(u["kind"], u["organization_name"], u["reason"]) for u in uses] == [
        ("shared", orgs["wh-rsj"].name, "办理社保卡")]
    withdraw = f"{BASE}/shares/{share['uid']}/withdraw"
    client.force_login(users["lisi"])
    _error(client.post(withdraw), 404, "not_found")
    client.force_login(users["zhangsan"])
    assert client.post(withdraw).json()["withdrawn_at"] is not None
    assert LicenseShare.objects.get().withdrawn_at is not None
    client.force_login(users["gaj_clerk"])  # the issuer sees the uses too
    assert len(client.get(f"{BASE}/{lic.identifier}/uses").json()) == 1


def test_the_issued_list(client, wallet_world):
    users, lics = wallet_world["users"], wallet_world["licences"]
    client.force_login(users["zhangsan"])
    _error(client.get(f"{BASE}/issued"), 403, "permission_denied")
    client.force_login(users["gaj_clerk"])
    page = client.get(f"{BASE}/issued").json()
    found = {row["identifier"] for row in page["items"]}
    assert lics["driving"].identifier in found and lics["business"].identifier not in found
    assert page["count"] == License.objects.filter(issuer=lics["driving"].issuer).count()
    page = client.get(f"{BASE}/issued", {"q": "李四"}).json()
    assert [r["identifier"] for r in page["items"]] == [lics["id_lisi"].identifier]


def test_status_changes(client, wallet_world):
    users, lic = wallet_world["users"], wallet_world["licences"]["driving"]
    url = f"{BASE}/{lic.identifier}"
    reason = {"reason": "证件遗失"}
    client.force_login(users["zhangsan"])  # the holder
    _error(client.post(f"{url}/revoke", reason, content_type="application/json"),
           404, "not_found")
    client.force_login(users["approver_wh_amr"])  # another organization's approver
    _error(client.post(f"{url}/revoke", reason, content_type="application/json"),
           404, "not_found")
    client.force_login(users["gaj_clerk"])  # the issuer's clerk
    _error(client.post(f"{url}/revoke", reason, content_type="application/json"),
           403, "permission_denied")
    client.force_login(users["gaj_approver"])
    _error(client.post(f"{url}/reinstate", reason, content_type="application/json"),
           409, "status_not_allowed")
    suspended = client.post(f"{url}/suspend", {"reason": "核查"}, content_type="application/json")
    assert suspended.json()["status"] == LicenseStatus.SUSPENDED
    assert client.post(f"{url}/reinstate", {"reason": "核查完毕"},
                       content_type="application/json").json()["status"] == "valid"
    revoked = client.post(f"{url}/revoke", reason, content_type="application/json").json()
    assert revoked["status"] == "revoked" and revoked["status_reason"] == "证件遗失"
    credential = client.get(f"{BASE}/status/{lic.issuer.uscc}/revocation").json()
    bits = statuslist.decode(credential["credentialSubject"]["encodedList"])
    assert statuslist.get_bit(bits, lic.status_index)
    public = client.get(f"{BASE}/verify/{lic.identifier}").json()
    assert public["verification"]["code"] == "revoked"
    assert public["verification"]["published_revoked"]
