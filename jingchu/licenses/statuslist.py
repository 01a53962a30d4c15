"""W3C Bitstring Status List v1.0: the revocation and suspension status of every licence of an
issuer, published as one compressed bitstring, so a verifier fetches the whole list and the
issuer never learns which licence is being checked.

Bit `i` is the i-th bit from the left: the most significant bit of byte i // 8. The list is
GZIP-compressed and written as a multibase base64url string without padding (prefix "u"). Lists
hold at least 131,072 entries (16 KiB): the specification's minimum, so that a list of few
licences does not single out its holders.
"""

from __future__ import annotations

import base64
import gzip

MIN_ENTRIES = 131_072
MULTIBASE_BASE64URL = "u"


def new_bits(size: int = MIN_ENTRIES) -> bytearray:
    if size < MIN_ENTRIES or size % 8:
        raise ValueError(f"a status list holds a multiple of 8 and at least {MIN_ENTRIES} bits")
    return bytearray(size // 8)


def set_bit(bits: bytearray, index: int, value: bool) -> None:
    byte, offset = divmod(index, 8)
    mask = 0x80 >> offset
    if value:
        bits[byte] |= mask
    else:
        bits[byte] &= ~mask & 0xFF


def get_bit(bits: bytes, index: int) -> bool:
    byte, offset = divmod(index, 8)
    if index < 0 or byte >= len(bits):
        raise IndexError("status list index out of range")
    return bool(bits[byte] & (0x80 >> offset))


def encode(bits: bytes) -> str:
    # mtime=0: the same list always encodes to the same text.
    packed = gzip.compress(bytes(bits), mtime=0)
    return MULTIBASE_BASE64URL + base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")


def decode(encoded: str) -> bytes:
    if not encoded.startswith(MULTIBASE_BASE64URL):
        raise ValueError("a status list is multibase base64url (it starts with 'u')")
    text = encoded[1:]
    packed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    return gzip.decompress(packed)
