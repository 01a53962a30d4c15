"""National cryptography for personal data at rest: SM4-GCM encryption and keyed SM3 (HMAC-SM3).

Ciphertext format (text, so it fits a text column):
"sm4gcm:" + base64(nonce[12] || ciphertext || tag[16]).
The blind index is HMAC-SM3 (RFC 2104 over SM3, block size 64) of the normalised value, so an exact
lookup by ID number stays an indexed equality query without storing the number in clear.
"""

from __future__ import annotations

import base64
import binascii
import os
from functools import lru_cache

from django.conf import settings
from tongsuopy.crypto import hashes
from tongsuopy.crypto.ciphers import Cipher, algorithms, modes

PREFIX = "sm4gcm:"
_NONCE = 12
_TAG = 16
_BLOCK = 64


class DecryptionError(Exception):
    """The stored value cannot be decrypted with the configured key (wrong key or tampered)."""


@lru_cache(maxsize=4)
def _key(hex_key: str) -> bytes:
    try:
        key = bytes.fromhex(hex_key)
    except ValueError:
        key = b""
    if len(key) != 16:
        raise ValueError("JINGCHU_SM4_KEY must be 32 hexadecimal digits (128 bits)")
    return key


def sm3(data: bytes) -> bytes:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


@lru_cache(maxsize=16)
def _hmac_pads(key: bytes) -> tuple[hashes.Hash, hashes.Hash]:
    """SM3 states with the inner and outer padded key absorbed, copied for each message (a
    blind index is computed per row of an import)."""
    if len(key) > _BLOCK:
        key = sm3(key)
    key = key.ljust(_BLOCK, b"\x00")
    inner, outer = hashes.Hash(hashes.SM3()), hashes.Hash(hashes.SM3())
    inner.update(bytes(b ^ 0x36 for b in key))
    outer.update(bytes(b ^ 0x5C for b in key))
    return inner, outer


def hmac_sm3(key: bytes, message: bytes) -> bytes:
    """HMAC (RFC 2104) over SM3."""
    inner_pad, outer_pad = _hmac_pads(key)
    inner = inner_pad.copy()
    inner.update(message)
    outer = outer_pad.copy()
    outer.update(inner.finalize())
    return outer.finalize()


def encrypt(plaintext: str, hex_key: str | None = None) -> str:
    key = _key(hex_key or settings.SM4_KEY_HEX)
    nonce = os.urandom(_NONCE)
    enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    body = enc.update(plaintext.encode()) + enc.finalize()
    return PREFIX + base64.b64encode(nonce + body + enc.tag).decode()


def decrypt(token: str, hex_key: str | None = None) -> str:
    if not token.startswith(PREFIX):
        raise DecryptionError("not an SM4-GCM token")
    key = _key(hex_key or settings.SM4_KEY_HEX)
    try:
        raw = base64.b64decode(token[len(PREFIX):], validate=True)
    except binascii.Error:
        raise DecryptionError("the SM4-GCM token is not valid base64") from None
    # A truncated token must fail here, not be read as a shorter tag or an empty nonce.
    if len(raw) < _NONCE + _TAG:
        raise DecryptionError("the SM4-GCM token is too short")
    nonce, body, tag = raw[:_NONCE], raw[_NONCE:-_TAG], raw[-_TAG:]
    try:
        dec = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
        return (dec.update(body) + dec.finalize()).decode()
    except Exception as exc:  # tongsuopy raises InvalidTag on a wrong key or tampering
        raise DecryptionError("SM4-GCM authentication failed") from exc


def blind_index(value: str) -> str:
    """Hex HMAC-SM3 of the upper-cased, stripped value under JINGCHU_BLIND_INDEX_KEY."""
    normalised = value.strip().upper().encode()
    return hmac_sm3(settings.BLIND_INDEX_KEY.encode(), normalised).hex()
