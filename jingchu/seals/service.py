"""The seals app's Python API for other apps (licences, documents): seal, verify, certificates.

    sign(actor, seal, content, document_name) -> bytes      DER SES_Signature; logs a SealUse
    verify(content, signature_der, *, expected_seal=None) -> Verification
    sign_raw(seal, data, *, actor=None, purpose=...) -> bytes   DER SM2 signature (r, s)
    sign_raw_many(seal, items, *, actor=None) -> list[bytes]    many at once, two INSERTs
    sign_many(actor, seal, batches, *, prepare=..., workers=None)
                                    -> iterator of (tag, [DER SES_Signature], [extra])
    verify_raw(cert, data, signature) -> bool               SM2 only, cert as PEM or DER
    verify_seal_raw(seal, data, signature, *, signed_at=None) -> Verification
    root_certificate_pem() -> str;  seal_certificate_pem(seal) -> str
    seal_for(organization, kind) -> Seal | None;  seal_by_es_id(es_id) -> Seal | None

Signing refuses (ActionError, nothing written) a suspended, revoked or out-of-validity seal and
an actor who may not use it; `actor=None` is the platform itself (a background task).
All signatures are SM2 with SM3 and the user ID 1234567812345678 (see docs/seals.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from jingchu.core.models import Organization
from jingchu.seals import actions, x509
from jingchu.seals.actions import Tag
from jingchu.seals.choices import SealStatus
from jingchu.seals.models import Seal
from jingchu.seals.verification import Verification, verify, verify_raw, verify_seal_raw

__all__ = [
    "Verification", "root_certificate_pem", "seal_by_es_id", "seal_certificate_pem",
    "seal_for", "sign", "sign_many", "sign_raw", "sign_raw_many", "verify", "verify_raw",
    "verify_seal_raw",
]

RAW_PURPOSE = "plain signature"


def sign(actor: Any, seal: Seal, content: bytes, document_name: str) -> bytes:
    """Seal the content; returns the DER SES_Signature (also kept on the SealUse)."""
    return bytes(actions.do_sign_document(actor, seal, content, document_name).signature)


def sign_raw(seal: Seal, data: bytes, *, actor: Any = None, purpose: str = RAW_PURPOSE) -> bytes:
    """Plain SM2 signature (DER SEQUENCE {r, s}) of `data` under the seal's key, logged."""
    return bytes(actions.do_sign_raw(actor, seal, [(purpose, data)])[0].signature)


def sign_raw_many(seal: Seal, items: Sequence[tuple[str, bytes]], *,
                  actor: Any = None) -> list[bytes]:
    """Plain signatures of many (purpose, data) pairs, in order; one transaction."""
    return [bytes(use.signature) for use in actions.do_sign_raw(actor, seal, items)]


def root_certificate_pem() -> str:
    """The platform root's certificate (PEM), or "" before the root exists."""
    root = actions.current_root()
    return x509.to_pem(bytes(root.certificate)) if root else ""


def seal_certificate_pem(seal: Seal) -> str:
    return x509.to_pem(bytes(seal.certificate))


def seal_for(organization: Organization, kind: str) -> Seal | None:
    """The organization's live (active or suspended) seal of this kind."""
    return (Seal.objects.select_related("organization")
            .filter(organization=organization, kind=kind)
            .exclude(status=SealStatus.REVOKED).first())


def seal_by_es_id(es_id: str) -> Seal | None:
    return Seal.objects.select_related("organization").filter(es_id=es_id).first()


def sign_many(actor: Any, seal: Seal, batches: Iterable[tuple[Tag, Any]], *,
              prepare: Callable[[Any], actions.Prepared] = actions.documents,
              workers: int | None = None) -> Iterator[tuple[Tag, list[bytes], list[Any]]]:
    """Seal many documents on every core: `batches` yields (tag, payload), `prepare(payload)`
    makes at most actions.BATCH_MAX (document name, content, extra) triples in a worker (by
    default the payload is (name, content) pairs); this yields (tag, [DER SES_Signature],
    [extra]) in order, each batch logged (SealUse rows, one AuditEvent). Call inside a
    transaction and consume to the end; see actions.do_sign_documents."""
    for tag, uses, extras in actions.do_sign_documents(actor, seal, batches, prepare=prepare,
                                                       workers=workers):
        yield tag, [bytes(use.signature) for use in uses], extras
