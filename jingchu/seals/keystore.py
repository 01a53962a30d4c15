"""Where seal private keys live: one small interface, a database-backed implementation.

`KeyStore` is all the rest of the app asks of a key store: make a key pair and keep the private
half, give out the public half, and sign with it. Nothing outside the store ever sees a private
key. The default `DatabaseKeyStore` keeps each private key as PKCS #8 DER encrypted with SM4-GCM
(`jingchu.core.crypto`) under the seal master key, in the `SealKey` table.

A PKCS #11 HSM replaces it by implementing the same three methods (C_GenerateKeyPair with
CKM_EC_KEY_PAIR_GEN on the SM2 curve, C_GetAttributeValue(CKA_EC_POINT), C_Sign with the
vendor's SM2-with-SM3 mechanism and the default user ID) and naming the class in
JINGCHU_SEAL_KEYSTORE; its references would be PKCS #11 URIs (RFC 7512) instead of `db:<uuid>`.

The master key is JINGCHU_SEAL_MASTER_KEY (32 hex digits). Left empty, it is derived from
JINGCHU_SM4_KEY as HMAC-SM3(key, "jingchu/seals/keystore/v1") truncated to 128 bits, so the seal
keys and the personal data are never encrypted under the same key.
"""

from __future__ import annotations

import base64
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from jingchu import config
from jingchu.core import crypto as core_crypto
from jingchu.seals import crypto
from jingchu.seals.models import SealKey

DB_PREFIX = "db:"
DERIVATION_LABEL = b"jingchu/seals/keystore/v1"
_CACHE_SIZE = 256


class KeyStoreError(Exception):
    """The key is unknown, or its stored form cannot be opened (wrong master key, tampering)."""


@dataclass(frozen=True)
class KeyHandle:
    ref: str  # opaque reference the store understands, e.g. "db:<uuid>"
    public_key_der: bytes  # SubjectPublicKeyInfo


class KeyStore(Protocol):
    def generate(self, label: str) -> KeyHandle:
        """Make an SM2 key pair; keep the private key; return its reference and public key."""

    def public_key(self, ref: str) -> bytes:
        """The SubjectPublicKeyInfo DER of the key."""

    def sign(self, ref: str, data: bytes) -> bytes:
        """SM2 signature (DER r, s) of the message with SM3 and the default user ID."""


def master_key_hex() -> str:
    explicit = str(config.get("JINGCHU_SEAL_MASTER_KEY") or "")
    if explicit:
        return explicit
    return _derived(settings.SM4_KEY_HEX)


@lru_cache(maxsize=4)
def _derived(sm4_hex: str) -> str:
    return core_crypto.hmac_sm3(bytes.fromhex(sm4_hex), DERIVATION_LABEL)[:16].hex()


class DatabaseKeyStore:
    """Private keys SM4-GCM encrypted in the database; decrypted keys cached in memory.

    The cache holds up to 256 loaded keys so that signing does not decrypt and parse the key
    each time; keys never change under a reference, so it needs no invalidation.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: dict[str, Any] = {}

    def generate(self, label: str) -> KeyHandle:
        key = crypto.generate_key()
        public = crypto.public_key_der(key.public_key())
        plain = base64.b64encode(crypto.private_key_der(key)).decode("ascii")
        row = SealKey.objects.create(label=label[:200], public_key=public,
                                     private_key_sealed=core_crypto.encrypt(plain,
                                                                            master_key_hex()))
        ref = f"{DB_PREFIX}{row.uid}"
        self._remember(ref, key)
        return KeyHandle(ref=ref, public_key_der=public)

    def public_key(self, ref: str) -> bytes:
        return bytes(self._row(ref).public_key)

    def sign(self, ref: str, data: bytes) -> bytes:
        return crypto.sign(self._key(ref), data)

    # --- internals -----------------------------------------------------------------------

    def _row(self, ref: str) -> SealKey:
        if not ref.startswith(DB_PREFIX):
            raise KeyStoreError(f"not a database key reference: {ref!r}")
        row = SealKey.objects.filter(uid=ref[len(DB_PREFIX):]).first()
        if row is None:
            raise KeyStoreError(f"no such key: {ref!r}")
        return row

    def _key(self, ref: str) -> Any:
        key = self._keys.get(ref)
        if key is None:
            key = self._open(self._row(ref))
            self._remember(ref, key)
        return key

    def _open(self, row: SealKey) -> Any:
        try:
            plain = core_crypto.decrypt(row.private_key_sealed, master_key_hex())
            key = crypto.load_private_key(base64.b64decode(plain))
        except (core_crypto.DecryptionError, ValueError) as exc:
            raise KeyStoreError("the stored key cannot be opened with the master key") from exc
        # A row whose ciphertext was swapped with another row's would sign with the wrong key.
        if crypto.public_key_der(key.public_key()) != bytes(row.public_key):
            raise KeyStoreError("the stored private key does not match its public key")
        return key

    def _remember(self, ref: str, key: Any) -> None:
        with self._lock:
            if len(self._keys) >= _CACHE_SIZE:
                self._keys.pop(next(iter(self._keys)))
            self._keys[ref] = key

    def forget(self) -> None:
        """Drop the cached keys (tests, or after changing the master key)."""
        with self._lock:
            self._keys.clear()


_store: KeyStore | None = None
_store_lock = threading.Lock()


def get_keystore() -> KeyStore:
    """The configured key store (JINGCHU_SEAL_KEYSTORE), made once per process."""
    global _store
    with _store_lock:
        if _store is None:
            path = str(config.get("JINGCHU_SEAL_KEYSTORE") or "")
            _store = import_string(path)() if path else DatabaseKeyStore()
        return _store
