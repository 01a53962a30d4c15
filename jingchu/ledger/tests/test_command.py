"""`jingchu ledger verify` passes on an untouched log and names the first tampered entry, node
or tree head; `jingchu ledger sign` signs."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from jingchu.ledger import actions, tree
from jingchu.ledger.models import Entry, Node, TreeHead

from .conftest import payload

pytestmark = pytest.mark.django_db


def verify() -> str:
    out, err = StringIO(), StringIO()
    call_command("ledger", "verify", stdout=out, stderr=err)
    return out.getvalue()


def refused() -> str:
    with pytest.raises(CommandError) as caught:
        verify()
    return str(caught.value)


@pytest.fixture
def signed(platform_root, filled):
    out = StringIO()
    call_command("ledger", "sign", stdout=out)
    assert "Signed tree head: size 23" in out.getvalue()
    actions.do_append_many("test.thing", [payload(i) for i in range(23, 30)])
    call_command("ledger", "sign", "--force", stdout=out)
    return TreeHead.objects.order_by("tree_size")


def test_an_untouched_log_verifies(signed):
    assert "The ledger verifies: 30 entries" in verify()


def test_a_changed_payload_is_named(signed):
    Entry.objects.filter(index=11).update(payload='{"n":666}')
    assert "entry 11: its payload does not hash" in refused()


def test_a_changed_payload_with_its_leaf_hash_is_caught_by_the_tree(signed):
    data = b'{"n":666}'
    Entry.objects.filter(index=4).update(payload=data.decode(), leaf_hash=tree.leaf_hash(data))
    assert "entry 4:" in refused()


def test_a_deleted_entry_is_named(signed):
    Entry.objects.filter(index=17).delete()
    assert "entry 17: missing" in refused()


def test_a_changed_node_is_named(signed):
    Node.objects.filter(key=tree.node_key(2, 3)).update(hash=b"\x00" * 32)
    assert "node (2, 3)" in refused()


def test_an_extra_node_is_caught(signed):
    Node.objects.create(key=tree.node_key(5, 0), hash=b"\x01" * 32)
    assert "nodes:" in refused()


def test_a_changed_tree_head_root_is_named(signed):
    head = signed.first()
    TreeHead.objects.filter(pk=head.pk).update(root_hash=b"\x02" * 32)
    assert f"tree head {head.pk} (size 23): its root hash" in refused()


def test_a_changed_tree_head_signature_or_time_is_named(signed):
    head = signed.last()
    TreeHead.objects.filter(pk=head.pk).update(timestamp_ms=head.timestamp_ms + 1)
    assert f"tree head {head.pk} (size 30): its SM2 signature" in refused()


def test_a_tree_head_beyond_the_log_is_named(signed):
    TreeHead.objects.filter(pk=signed.last().pk).update(tree_size=31)
    assert "larger than the log" in refused()
