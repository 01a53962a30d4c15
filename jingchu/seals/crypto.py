"""SM2 signatures over SM3 (GB/T 32918, GB/T 32905) through tongsuopy, and their encodings.

tongsuopy's `sign(data, ECDSA(SM3()))` on an SM2 key computes e = SM3(Z || M) itself, with Z taken
from the default user ID 1234567812345678 (GB/T 35276 §5.2, GM/T 0009); tests prove it by checking
the signatures with `openssl pkeyutl -pkeyopt distid:1234567812345678` both ways, and by
recomputing Z here (`z_value`) in a pure-Python verification. Signatures are DER
SEQUENCE { r INTEGER, s INTEGER } (GB/T 35276 §7.3), the form OpenSSL and GM/T 0009 use.
"""

from __future__ import annotations

from typing import Any

from tongsuopy.crypto import hashes, serialization
from tongsuopy.crypto.asymciphers import ec
from tongsuopy.crypto.exceptions import InvalidSignature

from jingchu.core.crypto import sm3

__all__ = ["sm3"]

# Object identifiers of GM/T 0006 (国密算法标识).
SM2_CURVE_OID = "1.2.156.10197.1.301"
SM2_SM3_OID = "1.2.156.10197.1.501"  # SM2 signature with SM3 (SM3WithSM2Encryption)
SM3_OID = "1.2.156.10197.1.401"
EC_PUBLIC_KEY_OID = "1.2.840.10045.2.1"
DEFAULT_USER_ID = b"1234567812345678"

# The recommended curve of GB/T 32918.5 (sm2p256v1).
P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
A = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC
B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
GX = 0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7
GY = 0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0

PrivateKey = Any  # tongsuopy's EllipticCurvePrivateKey on the SM2 curve (untyped library)
PublicKey = Any
_ALGORITHM = ec.ECDSA(hashes.SM3())


class InvalidKey(ValueError):
    """Bytes that are not an SM2 key."""


def generate_key() -> PrivateKey:
    return ec.generate_private_key(ec.SM2())


def private_key_der(key: PrivateKey) -> bytes:
    """PKCS #8 DER, unencrypted: only the key store handles it, and encrypts it at once."""
    der: bytes = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption())
    return der


def load_private_key(der: bytes) -> PrivateKey:
    key = serialization.load_der_private_key(der, None)
    if not isinstance(getattr(key, "curve", None), ec.SM2):
        raise InvalidKey("not an SM2 private key")
    return key


def public_key_der(key: PublicKey) -> bytes:
    """SubjectPublicKeyInfo: id-ecPublicKey with the SM2 curve OID as its parameter."""
    der: bytes = key.public_bytes(serialization.Encoding.DER,
                                  serialization.PublicFormat.SubjectPublicKeyInfo)
    return der


def public_point(key: PublicKey) -> bytes:
    """The uncompressed point 04 || x || y (65 bytes)."""
    point: bytes = key.public_bytes(serialization.Encoding.X962,
                                    serialization.PublicFormat.UncompressedPoint)
    return point


def load_public_key(der: bytes) -> PublicKey:
    try:
        key = serialization.load_der_public_key(der)
    except Exception as exc:  # tongsuopy raises ValueError or its own errors on junk
        raise InvalidKey("not a public key") from exc
    if not isinstance(getattr(key, "curve", None), ec.SM2):
        raise InvalidKey("not an SM2 public key")
    return key


def public_key_from_point(point: bytes) -> PublicKey:
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SM2(), point)
    except Exception as exc:
        raise InvalidKey("not a point on the SM2 curve") from exc


def sign(key: PrivateKey, data: bytes) -> bytes:
    """SM2 signature of `data` (the message M, not a digest) with the default user ID."""
    signature: bytes = key.sign(data, _ALGORITHM)
    return signature


def verify(public: PublicKey, data: bytes, signature: bytes) -> bool:
    try:
        public.verify(signature, data, _ALGORITHM)
    except InvalidSignature:
        return False
    except Exception:  # a signature that is not DER at all
        return False
    return True


def z_value(point: bytes, user_id: bytes = DEFAULT_USER_ID) -> bytes:
    """Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA), GB/T 32918.2 §5.5."""
    if len(point) != 65 or point[0] != 4:
        raise InvalidKey("expected an uncompressed point")
    entl = (len(user_id) * 8).to_bytes(2, "big")
    parts = [entl, user_id] + [v.to_bytes(32, "big") for v in (A, B, GX, GY)] + [point[1:]]
    return sm3(b"".join(parts))


def message_digest(point: bytes, data: bytes, user_id: bytes = DEFAULT_USER_ID) -> bytes:
    """e = SM3(Z || M): what an SM2 signature actually signs (GB/T 32918.2 §6.1 A1–A2)."""
    return sm3(z_value(point, user_id) + data)
