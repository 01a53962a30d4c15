"""Appending (validation, atomicity, audit) and signing tree heads (the seal, the signed bytes,
when a head is due), with OpenSSL as the independent judge of the SM2 signature."""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path

import pytest
from django.db import transaction

from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import AuditEvent
from jingchu.ledger import actions, verify
from jingchu.ledger.models import Entry, LedgerState, Node, TreeHead
from jingchu.seals import service as seals
from jingchu.seals.choices import SealKind
from jingchu.seals.models import SealUse
from jingchu.seals.tests.conftest import DIST_ID, needs_openssl, openssl

from .conftest import payload

pytestmark = pytest.mark.django_db


def test_append_stores_canonical_bytes_hashes_and_one_audit_event(demo_orgs):
    org = demo_orgs["hb-zwb"]
    entries = actions.do_append_many("test.thing", [({"b": "二", "a": 1}, org), {"z": None}])
    assert [e.index for e in entries] == [0, 1]
    first = Entry.objects.get(index=0)
    assert first.payload == '{"a":1,"b":"二"}'
    assert bytes(first.leaf_hash) == hashlib.new(
        "sm3", b"\x00" + '{"a":1,"b":"二"}'.encode()).digest()
    assert (first.object_type, first.object_id) == ("core.organization", str(org.uid))
    assert LedgerState.objects.get(pk=1).size == 2
    assert Node.objects.count() == 3  # two leaves and their parent
    event = AuditEvent.objects.get(action="ledger.entry.append")
    assert event.details["count"] == 2 and event.details["first"] == 0
    assert event.actor_label == "system"
    assert actions.do_append("test.thing", {"n": 3}).index == 2


@pytest.mark.parametrize(("kind", "items", "code"), [
    ("License issued", [{"a": 1}], "kind_invalid"),
    ("license", [{"a": 1}], "kind_invalid"),
    ("test.thing", [], "batch_size"),
    ("test.thing", [["not", "an", "object"]], "payload_invalid"),
    ("test.thing", [{"a": float("nan")}], "payload_invalid"),
    ("test.thing", [{"a": object()}], "payload_invalid"),
    ("test.thing", [{"a": "x" * 20_000}], "payload_too_large"),
])
def test_bad_appends_are_refused_before_writing(kind, items, code):
    actions.do_append("test.thing", {"n": 0})
    with pytest.raises(ActionError) as caught:
        actions.do_append_many(kind, items if not items else [{"ok": 1}, *items])
    assert caught.value.code == code
    assert Entry.objects.count() == 1 and Node.objects.count() == 1
    assert LedgerState.objects.get(pk=1).size == 1


def test_an_append_rolls_back_with_the_callers_transaction():
    actions.do_append("test.thing", {"n": 0})
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.do_append_many("test.thing", [payload(1), payload(2)])
        raise RuntimeError("the caller fails after appending")
    assert Entry.objects.count() == 1 and LedgerState.objects.get(pk=1).size == 1
    assert actions.do_append("test.thing", payload(1)).index == 1


def test_signing_makes_the_platform_seal_once_and_signs_the_documented_bytes(
        demo_orgs, platform_root, filled):
    head = actions.do_sign_tree_head(None)
    assert head is not None and head.tree_size == 23
    seal = head.seal
    assert seal.organization == demo_orgs["hb-zwb"] and seal.kind == SealKind.BUSINESS
    expected = b"JCLSTH01" + struct.pack(">QQ", head.timestamp_ms, 23) + bytes(head.root_hash)
    assert verify.tree_head_bytes(23, head.timestamp_ms, bytes(head.root_hash)) == expected
    assert seals.verify_raw(bytes(seal.certificate), expected, bytes(head.signature))
    assert verify.verify_tree_head(23, head.timestamp_ms, bytes(head.root_hash),
                                   bytes(head.signature),
                                   seals.seal_certificate_pem(seal).encode())
    assert not verify.verify_tree_head(22, head.timestamp_ms, bytes(head.root_hash),
                                       bytes(head.signature), bytes(seal.certificate))
    assert head.key_id == hashlib.new("sm3", bytes(seal.certificate)).hexdigest()
    assert SealUse.objects.filter(seal=seal).count() == 1
    assert AuditEvent.objects.filter(action="ledger.tree_head.sign").count() == 1
    # Nothing appended since: nothing due, even when forced a second seal is not made.
    assert actions.do_sign_tree_head(None) is None
    again = actions.do_sign_tree_head(None, force=True)
    assert again is not None and again.seal == seal and again.timestamp_ms > head.timestamp_ms


def test_a_new_head_is_due_only_after_appends_and_the_interval(platform_root, filled,
                                                              monkeypatch):
    first = actions.do_sign_tree_head(None)
    assert first is not None
    actions.do_append("test.thing", payload(99))
    assert actions.do_sign_tree_head(None) is None  # appended, but the head is too recent
    monkeypatch.setattr(actions, "SIGN_INTERVAL_SECONDS", 0)
    second = actions.do_sign_tree_head(None)
    assert second is not None and second.tree_size == 24


def test_only_the_platform_administrator_signs_on_request(demo_orgs, platform_root, filled):
    from jingchu.cases.tests.conftest import make_staff
    from jingchu.identity.choices import StaffRole

    admin = make_staff("ledger_admin", demo_orgs["hb-zwb"], StaffRole.ADMINISTRATOR)
    with pytest.raises(NotPermitted):
        actions.do_sign_tree_head(admin, force=True)
    assert not TreeHead.objects.exists()
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    assert actions.do_sign_tree_head(admin, force=True) is not None


def test_without_a_root_naming_an_organization_nothing_is_signed(demo_orgs, filled):
    from jingchu.seals import actions as seal_actions

    seal_actions.do_create_root(None)
    with pytest.raises(ActionError) as caught:
        actions.do_sign_tree_head(None)
    assert caught.value.code == "no_signer" and caught.value.status == 409
    assert not TreeHead.objects.exists()


@needs_openssl
def test_openssl_verifies_the_tree_head_and_the_signer_chain(platform_root, filled,
                                                            tmp_path: Path):
    head = actions.do_sign_tree_head(None)
    assert head is not None
    (tmp_path / "sth.bin").write_bytes(
        b"JCLSTH01" + struct.pack(">QQ", head.timestamp_ms, head.tree_size)
        + bytes(head.root_hash))
    (tmp_path / "sth.sig").write_bytes(bytes(head.signature))
    (tmp_path / "signer.pem").write_text(seals.seal_certificate_pem(head.seal))
    (tmp_path / "root.pem").write_text(seals.root_certificate_pem())
    openssl("x509", "-in", "signer.pem", "-noout", "-pubkey", "-out", "pub.pem", cwd=tmp_path)
    ok = openssl("pkeyutl", "-verify", "-rawin", "-digest", "sm3", "-pubin", "-inkey",
                 "pub.pem", "-in", "sth.bin", "-sigfile", "sth.sig", "-pkeyopt", DIST_ID,
                 cwd=tmp_path)
    assert "Signature Verified Successfully" in ok.stdout
    chain = openssl("verify", "-CAfile", "root.pem", "-vfyopt", DIST_ID, "signer.pem",
                    cwd=tmp_path)
    assert "signer.pem: OK" in chain.stdout
    (tmp_path / "sth.bin").write_bytes(b"JCLSTH01" + struct.pack(
        ">QQ", head.timestamp_ms, head.tree_size + 1) + bytes(head.root_hash))
    bad = openssl("pkeyutl", "-verify", "-rawin", "-digest", "sm3", "-pubin", "-inkey",
                  "pub.pem", "-in", "sth.bin", "-sigfile", "sth.sig", "-pkeyopt", DIST_ID,
                  cwd=tmp_path, check=False)
    assert bad.returncode != 0


def test_the_periodic_task_signs_when_due_and_only_then(platform_root, filled):
    from jingchu.ledger import tasks

    assert tasks.sign_tree_head() == 23
    assert tasks.sign_tree_head() is None
    assert TreeHead.objects.count() == 1
