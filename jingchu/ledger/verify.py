"""Check the ledger's answers without trusting the platform: a small verifier for clients.

Standalone on purpose: it imports nothing from Jingchu, only the standard library (and tongsuopy
for the SM2 signature of a tree head), so a department system or an auditor can copy this file.

    leaf_hash(payload_bytes) -> bytes
    verify_inclusion(leaf_hash, index, tree_size, path, root_hash) -> bool     RFC 9162 §2.1.3.2
    verify_consistency(first, second, path, first_root, second_root) -> bool  RFC 9162 §2.1.4.2
    tree_head_bytes(tree_size, timestamp_ms, root_hash) -> bytes              what is signed
    verify_tree_head(tree_size, timestamp_ms, root_hash, signature, cert_pem) -> bool

Hashes are SM3 (GB/T 32905); hashlib provides it when Python's OpenSSL does (OpenSSL 1.1.1+),
otherwise tongsuopy's is used.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence

# The signed tree head, version 1 (56 bytes): the 8 ASCII bytes "JCLSTH01", the timestamp in
# milliseconds since 1970-01-01 UTC and the tree size as unsigned 64-bit big-endian integers,
# then the 32-byte SM3 root hash.
TREE_HEAD_MAGIC = b"JCLSTH01"
SM2_USER_ID = b"1234567812345678"


def sm3(data: bytes) -> bytes:
    try:
        return hashlib.new("sm3", data).digest()
    except ValueError:  # this Python's OpenSSL has no SM3
        from tongsuopy.crypto import hashes

        digest = hashes.Hash(hashes.SM3())
        digest.update(data)
        return digest.finalize()


def leaf_hash(leaf: bytes) -> bytes:
    return sm3(b"\x00" + leaf)


def _node(left: bytes, right: bytes) -> bytes:
    return sm3(b"\x01" + left + right)


def _shift_until_odd(fn: int, sn: int) -> tuple[int, int]:
    while not fn & 1 and fn:
        fn, sn = fn >> 1, sn >> 1
    return fn, sn


def verify_inclusion(leaf: bytes, index: int, tree_size: int, path: Sequence[bytes],
                     root: bytes) -> bool:
    """RFC 9162 §2.1.3.2: the leaf hash is at `index` in the tree of `tree_size` with `root`."""
    if index < 0 or index >= tree_size:
        return False
    fn, sn, r = index, tree_size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = _node(p, r)
            if not fn & 1:
                fn, sn = _shift_until_odd(fn, sn)
        else:
            r = _node(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(first: int, second: int, path: Sequence[bytes], first_root: bytes,
                       second_root: bytes) -> bool:
    """RFC 9162 §2.1.4.2: the tree of `first` leaves is a prefix of the tree of `second`.
    Equal sizes need an empty path and equal roots."""
    if first <= 0 or first > second:
        return False
    if first == second:
        return not path and first_root == second_root
    if not path:
        return False
    items = list(path)
    if first & (first - 1) == 0:  # an exact power of two
        items.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = items[0]
    for c in items[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = _node(c, fr), _node(c, sr)
            if not fn & 1:
                fn, sn = _shift_until_odd(fn, sn)
        else:
            sr = _node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_root and sr == second_root and sn == 0


def tree_head_bytes(tree_size: int, timestamp_ms: int, root_hash: bytes) -> bytes:
    if len(root_hash) != 32:
        raise ValueError("the root hash is 32 bytes")
    return TREE_HEAD_MAGIC + struct.pack(">QQ", timestamp_ms, tree_size) + root_hash


def verify_tree_head(tree_size: int, timestamp_ms: int, root_hash: bytes, signature: bytes,
                     certificate: bytes) -> bool:
    """The SM2 signature (SM3, user ID 1234567812345678, DER r, s) of the tree head under the
    key of the certificate (PEM or DER). Whether the certificate chains to the platform's root
    is a separate check (openssl verify, docs/ledger.md)."""
    from asn1crypto import pem, x509
    from tongsuopy.crypto import hashes, serialization
    from tongsuopy.crypto.asymciphers import ec

    der = pem.unarmor(certificate)[2] if pem.detect(certificate) else certificate
    try:
        spki = x509.Certificate.load(der)["tbs_certificate"]["subject_public_key_info"].dump()
        key = serialization.load_der_public_key(spki)
        key.verify(signature, tree_head_bytes(tree_size, timestamp_ms, root_hash),
                   ec.ECDSA(hashes.SM3()))
    except Exception:  # not a certificate, not an SM2 key, or InvalidSignature
        return False
    return True
