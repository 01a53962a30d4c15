"""Proofs from the stored nodes, checked by a verifier written here from RFC 9162's text
(§2.1.1 MTH, §2.1.3.2 and §2.1.4.2 verification), not by the app's tree or verify code."""

from __future__ import annotations

import hashlib
import random

import pytest

from jingchu.core.errors import ActionError
from jingchu.ledger import actions, queries

from .conftest import payload

pytestmark = pytest.mark.django_db


# --- the independent verifier -----------------------------------------------------------------

def H(data: bytes) -> bytes:  # the RFC's name
    return hashlib.new("sm3", data).digest()


def leaf(entry_bytes: bytes) -> bytes:
    return H(b"\x00" + entry_bytes)


def mth(entries: list[bytes]) -> bytes:
    """RFC 9162 §2.1.1, recursively, straight from the definition."""
    n = len(entries)
    if n == 0:
        return H(b"")
    if n == 1:
        return leaf(entries[0])
    k = 1
    while k * 2 < n:
        k *= 2
    return H(b"\x01" + mth(entries[:k]) + mth(entries[k:]))


def rfc_verify_inclusion(hash_: bytes, leaf_index: int, tree_size: int, path: list[bytes],
                         root_hash: bytes) -> bool:
    """RFC 9162 §2.1.3.2, step by step."""
    if leaf_index >= tree_size:                                     # step 1
        return False
    fn, sn = leaf_index, tree_size - 1                              # step 2
    r = hash_                                                       # step 3
    for p in path:                                                  # step 4
        if sn == 0:                                                 # 4a
            return False
        if fn % 2 == 1 or fn == sn:                                 # 4b
            r = H(b"\x01" + p + r)                                  # 4b i
            if fn % 2 == 0:                                         # 4b ii
                while fn % 2 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = H(b"\x01" + r + p)                                  # otherwise, i
        fn >>= 1                                                    # 4c
        sn >>= 1
    return sn == 0 and r == root_hash                               # step 5


def rfc_verify_consistency(first: int, second: int, first_hash: bytes, second_hash: bytes,
                           path: list[bytes]) -> bool:
    """RFC 9162 §2.1.4.2, step by step (first < second; equal trees are compared directly)."""
    if first == second:
        return path == [] and first_hash == second_hash
    if not path:                                                    # step 1
        return False
    if first & (first - 1) == 0:                                    # step 2
        path = [first_hash, *path]
    fn, sn = first - 1, second - 1                                  # step 3
    if fn % 2 == 1:                                                 # step 4
        while fn % 2 == 1:
            fn >>= 1
            sn >>= 1
    fr = sr = path[0]                                               # step 5
    for c in path[1:]:                                              # step 6
        if sn == 0:                                                 # 6a
            return False
        if fn % 2 == 1 or fn == sn:                                 # 6b
            fr = H(b"\x01" + c + fr)                                # 6b i
            sr = H(b"\x01" + c + sr)                                # 6b ii
            if fn % 2 == 0:                                         # 6b iii
                while fn % 2 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = H(b"\x01" + sr + c)                                # otherwise, i
        fn >>= 1                                                    # 6c
        sn >>= 1
    return fr == first_hash and sr == second_hash and sn == 0       # step 7


# --- the tests --------------------------------------------------------------------------------

def _fill(count: int) -> list[bytes]:
    """Append `count` entries one call each; answers their leaf bytes as the test knows them."""
    for i in range(count):
        actions.do_append("test.thing", payload(i))
    return [actions.canonical(payload(i)) for i in range(count)]


def test_the_sm3_here_is_gb_t_32905():
    assert H(b"abc").hex() == ("66c7f0f462eeedd9d1f2d46bdc10e4e2"
                               "4167c4875cf2f7a2297da02b8f4ba8e0")


def test_every_proof_up_to_40_entries():
    data = _fill(40)
    roots = [mth(data[:n]) for n in range(41)]
    for n in range(1, 41):
        for m in range(n):
            proof = queries.inclusion_proof(m, n)
            assert proof.root_hash == roots[n]
            assert proof.leaf_hash == leaf(data[m])
            assert rfc_verify_inclusion(leaf(data[m]), m, n, proof.path, roots[n]), (m, n)
        for m in range(1, n + 1):
            cons = queries.consistency_proof(m, n)
            assert (cons.first_root, cons.second_root) == (roots[m], roots[n])
            assert rfc_verify_consistency(m, n, roots[m], roots[n], cons.path), (m, n)


def test_random_larger_logs_appended_in_batches():
    rng = random.Random(9162)
    size = 0
    while size < 3000:
        count = rng.choice([1, 2, 7, 64, 100, 511, 777])
        actions.do_append_many("test.thing", [payload(size + i) for i in range(count)])
        size += count
    data = [actions.canonical(payload(i)) for i in range(size)]
    for _ in range(60):
        n = rng.randint(1, size)
        m = rng.randrange(n)
        root = mth(data[:n])
        proof = queries.inclusion_proof(m, n)
        assert rfc_verify_inclusion(leaf(data[m]), m, n, proof.path, root), (m, n)
        first = rng.randint(1, n)
        consistency = queries.consistency_proof(first, n)
        assert rfc_verify_consistency(first, n, mth(data[:first]), root, consistency.path)


def test_wrong_hash_index_or_size_is_rejected():
    data = _fill(13)
    root = mth(data)
    proof = queries.inclusion_proof(5, 13)
    assert rfc_verify_inclusion(leaf(data[5]), 5, 13, proof.path, root)
    assert not rfc_verify_inclusion(leaf(data[6]), 5, 13, proof.path, root)
    assert not rfc_verify_inclusion(leaf(data[5]), 4, 13, proof.path, root)
    # A size with a differently shaped tree (12 or 16 shape the path of leaf 5 as 13 does: the
    # size is bound by the signed tree head, whose root the path must reach).
    for size in (6, 8, 40):
        assert not rfc_verify_inclusion(leaf(data[5]), 5, size, proof.path, root)
    assert not rfc_verify_inclusion(leaf(data[5]), 5, 13, proof.path, mth(data[:12]))
    bent = [proof.path[0][:-1] + bytes([proof.path[0][-1] ^ 1]), *proof.path[1:]]
    assert not rfc_verify_inclusion(leaf(data[5]), 5, 13, bent, root)
    assert not rfc_verify_inclusion(leaf(data[5]), 5, 13, proof.path[:-1], root)
    consistency = queries.consistency_proof(6, 13)
    first = mth(data[:6])
    assert rfc_verify_consistency(6, 13, first, root, consistency.path)
    assert not rfc_verify_consistency(6, 13, mth(data[:5]), root, consistency.path)
    assert not rfc_verify_consistency(6, 13, first, mth(data[:12]), consistency.path)
    assert not rfc_verify_consistency(5, 13, first, root, consistency.path)
    for size in (8, 40):  # differently shaped (9 to 16 would shape it as 13 does)
        assert not rfc_verify_consistency(6, size, first, root, consistency.path)
    assert not rfc_verify_consistency(6, 13, first, root, consistency.path[:-1])


def test_the_app_verifier_agrees_with_the_rfc_one():
    from jingchu.ledger import verify

    data = _fill(21)
    for n in (1, 2, 5, 8, 21):
        root = mth(data[:n])
        for m in range(n):
            path = queries.inclusion_proof(m, n).path
            assert verify.verify_inclusion(leaf(data[m]), m, n, path, root)
            assert not verify.verify_inclusion(leaf(data[m]), (m + 1) % n or n, n, path, root) \
                or n == 1
        for m in range(1, n + 1):
            path = queries.consistency_proof(m, n).path
            assert verify.verify_consistency(m, n, path, mth(data[:m]), root)
            assert not verify.verify_consistency(m, n, path, H(b"x"), root)


@pytest.mark.parametrize(("index", "size", "code"), [
    (0, 0, "tree_size_invalid"), (0, 6, "tree_size_invalid"), (5, 5, "index_invalid"),
    (-1, 3, "index_invalid")])
def test_bad_inclusion_requests_are_refused(index, size, code):
    _fill(5)
    with pytest.raises(ActionError) as caught:
        queries.inclusion_proof(index, size)
    assert caught.value.code == code and caught.value.status == 400


@pytest.mark.parametrize(("first", "second", "code"), [
    (0, 3, "tree_size_invalid"), (4, 3, "sizes_invalid"), (2, 9, "tree_size_invalid")])
def test_bad_consistency_requests_are_refused(first, second, code):
    _fill(5)
    with pytest.raises(ActionError) as caught:
        queries.consistency_proof(first, second)
    assert caught.value.code == code
