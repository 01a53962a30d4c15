"""Local secrets for the embedded demo only, generated once and kept under the var directory.

Production never reaches this module: without JINGCHU_DEMO a missing secret refuses to start.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from pathlib import Path


def _rsa_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def _generators() -> dict[str, Callable[[], str]]:
    return {
        "JINGCHU_SECRET_KEY": lambda: secrets.token_urlsafe(50),
        "JINGCHU_SM4_KEY": lambda: secrets.token_hex(16),
        "JINGCHU_BLIND_INDEX_KEY": lambda: secrets.token_urlsafe(32),
        "JINGCHU_OIDC_RSA_KEY": _rsa_pem,
        "JINGCHU_SMS_INBOUND_SECRET": lambda: secrets.token_urlsafe(32),
    }


def load(var_dir: Path) -> dict[str, str]:
    """The demo secrets; one added to the platform since the file was written is generated
    and kept beside the others (the existing ones never change: they key stored data)."""
    path = var_dir / "demo-secrets.json"
    data: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    missing = {name: make for name, make in _generators().items() if name not in data}
    if not missing:
        return data
    for name, make in missing.items():
        data[name] = make()
    var_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))
    path.chmod(0o600)
    return data
