"""The public API and page: answers, the error shape of bad requests, and that every endpoint
asks can_read_ledger (closing it closes them all)."""

from __future__ import annotations

import pytest
from django.utils import translation

from jingchu.ledger import actions, permissions, verify

pytestmark = pytest.mark.django_db

BASE = "/api/v1/ledger"
URLS = [f"{BASE}/tree-head", f"{BASE}/entries/0", f"{BASE}/proofs/inclusion/0?tree_size=2",
        f"{BASE}/proofs/consistency?first=1&second=2", "/ledger/"]


def test_can_read_ledger_is_everyone(django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert permissions.can_read_ledger(AnonymousUser())
    assert permissions.can_read_ledger(django_user_model(username="x"))


def test_tree_head_entry_and_proofs_for_anyone(client, platform_root, filled):
    assert client.get(f"{BASE}/tree-head").json()["code"] == "no_tree_head"
    head = actions.do_sign_tree_head(None)
    assert head is not None
    body = client.get(f"{BASE}/tree-head").json()
    assert body["tree_size"] == 23 and body["ledger_size"] == 23
    assert "BEGIN CERTIFICATE" in body["signer_certificate_pem"]
    assert "BEGIN CERTIFICATE" in body["root_certificate_pem"]
    root = bytes.fromhex(body["root_hash"])
    assert verify.verify_tree_head(23, body["timestamp_ms"], root,
                                   bytes.fromhex(body["signature"]),
                                   body["signer_certificate_pem"].encode())
    entry = client.get(f"{BASE}/entries/7").json()
    assert entry["index"] == 7 and '"n":7' in entry["payload"]
    proof = client.get(f"{BASE}/proofs/inclusion/7").json()  # the signed head's size
    assert proof["tree_size"] == 23 and proof["root_hash"] == body["root_hash"]
    assert verify.verify_inclusion(verify.leaf_hash(entry["payload"].encode()), 7, 23,
                                   [bytes.fromhex(p) for p in proof["audit_path"]], root)
    by_hash = client.get(f"{BASE}/proofs/inclusion",
                         {"leaf_hash": entry["leaf_hash"], "tree_size": 10}).json()
    assert by_hash["leaf_index"] == 7 and by_hash["tree_size"] == 10
    cons = client.get(f"{BASE}/proofs/consistency", {"first": 10}).json()
    assert cons["second"] == 23 and cons["second_root_hash"] == body["root_hash"]
    assert verify.verify_consistency(10, 23, [bytes.fromhex(p) for p in cons["consistency_path"]],
                                     bytes.fromhex(cons["first_root_hash"]), root)


@pytest.mark.parametrize(("url", "status", "code"), [
    (f"{BASE}/entries/23", 404, "not_found"),
    (f"{BASE}/proofs/inclusion/3?tree_size=24", 400, "tree_size_invalid"),
    (f"{BASE}/proofs/inclusion/3?tree_size=0", 400, "tree_size_invalid"),
    (f"{BASE}/proofs/inclusion/9?tree_size=9", 400, "index_invalid"),
    (f"{BASE}/proofs/inclusion/3?tree_size=abc", 422, None),
    (f"{BASE}/proofs/inclusion?leaf_hash=zz&tree_size=3", 400, "hash_invalid"),
    (f"{BASE}/proofs/inclusion?leaf_hash={'0' * 64}&tree_size=3", 404, "not_found"),
    (f"{BASE}/proofs/inclusion/3", 404, "no_tree_head"),
    (f"{BASE}/proofs/consistency?first=5&second=4", 400, "sizes_invalid"),
    (f"{BASE}/proofs/consistency?first=0&second=4", 400, "tree_size_invalid"),
    (f"{BASE}/proofs/consistency?first=3&second=99", 400, "tree_size_invalid"),
])
def test_bad_requests_answer_in_the_error_shape(client, filled, url, status, code):
    with translation.override("en"):
        response = client.get(url)
    assert response.status_code == status
    body = response.json()
    assert set(body) >= {"code", "message", "details"}
    if code:
        assert body["code"] == code


def test_every_endpoint_and_the_page_ask_the_permission(client, platform_root, filled,
                                                         monkeypatch):
    actions.do_sign_tree_head(None)
    for url in URLS:
        assert client.get(url).status_code == 200, url
    monkeypatch.setattr(permissions, "can_read_ledger", lambda user: False)
    for url in URLS:
        assert client.get(url).status_code == 403, url


def test_the_page_shows_the_head_and_pages_through_entries(client, platform_root, filled,
                                                            monkeypatch):
    from jingchu.ledger import views

    monkeypatch.setattr(views, "PAGE_SIZE", 10)
    head = actions.do_sign_tree_head(None)
    assert head is not None
    with translation.override("zh-hans"):
        page = client.get("/ledger/").content.decode()
    assert bytes(head.root_hash).hex() in page and 'data-index="22"' in page
    assert 'data-index="12"' not in page and "?page=2" in page
    last = client.get("/ledger/?page=3").content.decode()
    assert 'data-index="0"' in last and 'data-index="2"' in last and 'data-index="3"' not in last
    assert client.get("/ledger/?page=x").status_code == 200
