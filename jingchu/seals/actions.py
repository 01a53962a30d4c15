"""Every state change of 电子印章: the root of trust, seals, their status, and every use.

Each action is atomic, writes an AuditEvent, and refuses bad input with an ActionError before it
writes anything: 400 bad input, 403 not permitted, 409 wrong state. `actor=None` is the platform
itself (the demo loader, a background task); a signed-in user is checked against permissions.py.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar
from urllib.parse import urlencode

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.core import audit, bulk
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import Organization, Region
from jingchu.seals import authority, crypto, esid, permissions, ses, x509
from jingchu.seals.choices import KIND_CAPTIONS, SealKind, SealStatus, UseKind, VerifyCode
from jingchu.seals.keystore import get_keystore
from jingchu.seals.models import Seal, SealUse, TrustRoot

NAME_MAX = 100
REASON_MAX = 500
DOCUMENT_NAME_MAX = 255
DEFAULT_SEAL_YEARS = 5


def _check(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotPermitted(message)


def _system_or(actor: Any, allowed: bool) -> bool:
    return actor is None or allowed


def _text(raw: Any, field: str, limit: int, *, required: bool = True) -> str:
    text = str(raw or "").strip()
    if required and not text:
        raise ActionError("text_required", _("Please fill in this field."), {"field": field})
    if len(text) > limit:
        raise ActionError("text_too_long", _("At most %(limit)d characters.") % {"limit": limit},
                          {"field": field})
    return text


# --- the root of trust --------------------------------------------------------------------


def current_root() -> TrustRoot | None:
    return TrustRoot.objects.order_by("-created_at", "-id").first()


@transaction.atomic
def do_create_root(actor: Any = None, *, name: str = authority.ROOT_NAME,
                   organization: Organization | None = None) -> TrustRoot:
    """Create the platform's root certificate and key, once: with a root in place this returns
    it unchanged (idempotent)."""
    _check(_system_or(actor, permissions.can_create_root(actor)),
           _("Only the platform administrator may create the root certificate."))
    existing = current_root()
    if existing is not None:
        return existing
    name = _text(name, "name", 200)
    material = authority.make_root(get_keystore(), name, organization, timezone.now())
    root = TrustRoot.objects.create(name=name, key_ref=material.key_ref,
                                    certificate=material.certificate,
                                    valid_from=material.valid_from, valid_to=material.valid_to)
    audit.record("seals.root.create", actor, root, {
        "fingerprint_sm3": x509.fingerprint(material.certificate),
        "valid_to": material.valid_to.isoformat()})
    return root


# --- seals ----------------------------------------------------------------------------------


def _clean_kind(raw: Any) -> str:
    if raw not in SealKind.values:
        raise ActionError("kind_invalid", _("Choose one of the seal kinds."), {"field": "kind"})
    return str(raw)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _day_end(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def _years_on(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _validity(valid_from: dt.date | None, valid_to: dt.date | None,
              root: TrustRoot) -> tuple[dt.datetime, dt.datetime]:
    today = timezone.localdate()
    start = valid_from or today
    if start < today:
        raise ActionError("valid_from_past", _("A new seal cannot be valid from a past day."),
                          {"field": "valid_from"})
    end = valid_to or _years_on(start, DEFAULT_SEAL_YEARS) - dt.timedelta(days=1)
    if end <= start:
        raise ActionError("validity_invalid",
                          _("The end of the validity period must come after its start."),
                          {"field": "valid_to"})
    end_at = _day_end(end)
    if end_at > root.valid_to:
        raise ActionError("validity_beyond_root",
                          _("A seal cannot be valid beyond the root certificate (%(date)s).")
                          % {"date": timezone.localdate(root.valid_to).isoformat()},
                          {"field": "valid_to"})
    return _day_start(start), end_at


def _next_es_id(organization: Organization, kind: str) -> str:
    """The next free seal code in the organization's region; the region row is locked so two
    seals made at once in one region do not draw the same serial number."""
    region = Region.objects.select_for_update().get(pk=organization.region_id)
    prefix = esid.region_prefix(region.code)
    codes = Seal.objects.filter(es_id__startswith=prefix).values_list("es_id", flat=True)
    serial = max((esid.serial_of(code) for code in codes), default=0) + 1
    return esid.make(region.code, kind, serial)


@transaction.atomic
def do_create_seal(actor: Any, organization: Organization, *, kind: Any, name: Any = "",
                   valid_from: dt.date | None = None, valid_to: dt.date | None = None) -> Seal:
    """Make a seal for the organization: a new SM2 key in the key store, a certificate from the
    root, the seal image and the seal data signed by the root. One live seal per kind."""
    _check(_system_or(actor, permissions.can_manage_seals_of(actor, organization)),
           _("Only the organization's administrator or the platform administrator may create "
             "its seals."))
    kind = _clean_kind(kind)
    name = _text(name or organization.name + KIND_CAPTIONS[kind], "name", NAME_MAX)
    if not organization.is_active:
        raise ActionError("organization_inactive",
                          _("The organization is not active."), status=409)
    root = current_root()
    if root is None:
        raise ActionError("no_root", _("The root certificate has not been created yet."),
                          status=409)
    start, end = _validity(valid_from, valid_to, root)
    live = Seal.objects.filter(organization=organization, kind=kind).exclude(
        status=SealStatus.REVOKED)
    if live.exists():
        raise ActionError("seal_exists", _("The organization already has a seal of this kind; "
                                           "revoke it before making a new one."),
                          {"field": "kind"}, status=409)
    now = timezone.now()
    spec = authority.SealSpec(organization, kind, name, _next_es_id(organization, kind),
                              start, end)
    material = authority.issue_seal(get_keystore(), root.key_ref, bytes(root.certificate),
                                    spec, now)
    seal = Seal.objects.create(
        organization=organization, kind=kind, name=name, es_id=spec.es_id, valid_from=start,
        valid_to=end, root=root, key_ref=material.key_ref, certificate=material.certificate,
        seal_data=material.seal_data, image_svg=material.image_svg,
        created_by=actor if actor is not None and actor.is_authenticated else None)
    audit.record("seals.seal.create", actor, seal, {
        "es_id": seal.es_id, "kind": kind, "organization": str(organization.uid),
        "valid_from": start.isoformat(), "valid_to": end.isoformat(),
        "certificate_sm3": x509.fingerprint(material.certificate)})
    return seal


def _change_status(actor: Any, seal: Seal, reason: Any, allowed_from: set[str], to: str,
                   action: str) -> Seal:
    seal = Seal.objects.select_for_update().select_related("organization").get(pk=seal.pk)
    _check(_system_or(actor, permissions.can_change_seal_status(actor, seal)),
           _("Only the organization's administrator or the platform administrator may change "
             "its seals."))
    text = _text(reason, "reason", REASON_MAX)
    if seal.status not in allowed_from:
        raise ActionError("status_conflict",
                          _("The seal is %(status)s; this cannot be done now.")
                          % {"status": seal.get_status_display()},
                          {"status": seal.status}, status=409)
    before = seal.status
    seal.status, seal.status_reason, seal.status_changed_at = to, text, timezone.now()
    seal.save(update_fields=["status", "status_reason", "status_changed_at"])
    audit.record(action, actor, seal, {"from": before, "to": to, "reason": text})
    return seal


@transaction.atomic
def do_suspend_seal(actor: Any, seal: Seal, *, reason: Any) -> Seal:
    return _change_status(actor, seal, reason, {SealStatus.ACTIVE}, SealStatus.SUSPENDED,
                          "seals.seal.suspend")


@transaction.atomic
def do_resume_seal(actor: Any, seal: Seal, *, reason: Any) -> Seal:
    return _change_status(actor, seal, reason, {SealStatus.SUSPENDED}, SealStatus.ACTIVE,
                          "seals.seal.resume")


@transaction.atomic
def do_revoke_seal(actor: Any, seal: Seal, *, reason: Any) -> Seal:
    """Final: a revoked seal never seals again, and its signatures no longer verify."""
    return _change_status(actor, seal, reason, {SealStatus.ACTIVE, SealStatus.SUSPENDED},
                          SealStatus.REVOKED, "seals.seal.revoke")


# --- using a seal -----------------------------------------------------------------------------

def _usable_seal(actor: Any, seal: Seal, now: dt.datetime) -> Seal:
    """The seal re-read under a row lock (a concurrent revocation waits or is seen), after the
    permission and state checks."""
    seal = Seal.objects.select_for_update().select_related("organization").get(pk=seal.pk)
    _check(_system_or(actor, permissions.can_use_seal(actor, seal)),
           _("Only the organization's approvers and administrators may use its seals."))
    problem = seal.problem_at(now)
    if problem:
        raise ActionError(problem, str(VerifyCode(problem).label), {"es_id": seal.es_id},
                          status=409)
    return seal


def _actor_fields(actor: Any) -> dict[str, Any]:
    user = actor if actor is not None and actor.is_authenticated else None
    return {"actor": user, "actor_label": user.get_username() if user else "system"}


def property_info(document_name: str, size: int) -> str:
    """TBS_Sign.propertyInfo (IA5String): the document's name percent-encoded, and its size."""
    return urlencode({"name": document_name, "size": size})


def _sign_use(actor: Any, seal: Seal, content: bytes, document_name: str,
              now: dt.datetime) -> SealUse:
    digest = crypto.sm3(content)
    tbs = ses.to_sign(bytes(seal.seal_data), now, digest,
                      property_info(document_name, len(content)), bytes(seal.certificate))
    value = get_keystore().sign(seal.key_ref, tbs.dump())
    return SealUse(seal=seal, kind=UseKind.DOCUMENT, document_name=document_name,
                   document_digest=digest.hex(), document_size=len(content),
                   signature=ses.signature(tbs, value), signed_at=now, **_actor_fields(actor))


def _use_audit(actor: Any, use: SealUse) -> dict[str, Any]:
    return {"use": str(use.uid), "kind": use.kind, "document": use.document_name,
            "sm3": use.document_digest, "size": use.document_size, "es_id": use.seal.es_id}


@transaction.atomic
def do_sign_document(actor: Any, seal: Seal, content: bytes, document_name: Any) -> SealUse:
    """Seal a document: an SES_Signature over its SM3 digest, logged as a SealUse."""
    name = _text(document_name, "document_name", DOCUMENT_NAME_MAX)
    if not isinstance(content, bytes | bytearray):
        raise ActionError("content_invalid", _("The document must be given as bytes."))
    now = timezone.now()
    seal = _usable_seal(actor, seal, now)
    use = _sign_use(actor, seal, bytes(content), name, now)
    use.save(force_insert=True)
    audit.record("seals.seal.sign", actor, seal, _use_audit(actor, use))
    return use


def _raw_use(actor: Any, seal: Seal, data: bytes, purpose: str, now: dt.datetime) -> SealUse:
    value = get_keystore().sign(seal.key_ref, data)
    return SealUse(seal=seal, kind=UseKind.RAW, document_name=purpose,
                   document_digest=crypto.sm3(data).hex(), document_size=len(data),
                   signature=value, signed_at=now, **_actor_fields(actor))


@transaction.atomic
def do_sign_raw(actor: Any, seal: Seal, items: Sequence[tuple[str, bytes]]) -> list[SealUse]:
    """Plain SM2 signatures (DER r, s) of each (purpose, data) under the seal, for other apps'
    own formats (the licences' Verifiable Credential proofs); one SealUse and AuditEvent each,
    written in two statements however many items there are."""
    cleaned = [(_text(purpose, "purpose", DOCUMENT_NAME_MAX), bytes(data))
               for purpose, data in items]
    now = timezone.now()
    seal = _usable_seal(actor, seal, now)
    uses = [_raw_use(actor, seal, data, purpose, now) for purpose, data in cleaned]
    SealUse.objects.bulk_create(uses)
    audit.record_many([audit.build("seals.seal.sign_raw", actor, seal, _use_audit(actor, use))
                       for use in uses])
    return uses


# --- sealing many documents at once (bulk licence import) --------------------------------------

BATCH_MAX = 1000
Tag = TypeVar("Tag")


def _der_length(size: int) -> bytes:
    if size < 0x80:
        return bytes([size])
    body = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def _tlv(tag: int, value: bytes) -> bytes:
    return bytes([tag]) + _der_length(len(value)) + value


@dataclass(frozen=True)
class SesTemplate:
    """What every SES_Signature made by one seal at one moment shares, DER-encoded once: the
    version, the seal (SES_Seal), the time, the signer's certificate and the algorithm. `seal`
    fills in one document's SM3 digest and property and signs; the bytes are those of
    `ses.signature(ses.to_sign(...), value)` (a test compares), made without asn1crypto's cost
    per document (about a third of the signature's own)."""

    key_ref: str
    head: bytes  # version, eseal, timeInfo
    tail: bytes  # cert, signatureAlgorithm

    @classmethod
    def for_seal(cls, seal: Seal, signed_at: dt.datetime) -> SesTemplate:
        tbs = ses.to_sign(bytes(seal.seal_data), signed_at, bytes(32), "",
                          bytes(seal.certificate))
        head = tbs["version"].dump() + tbs["eseal"].dump() + tbs["time_info"].dump()
        return cls(seal.key_ref, head, tbs["cert"].dump() + tbs["signature_algorithm"].dump())

    def seal(self, content: bytes, document_name: str) -> tuple[bytes, bytes]:
        """(SM3 digest of the content, DER SES_Signature)."""
        digest = crypto.sm3(content)
        info = property_info(document_name, len(content)).encode("ascii")
        tbs = _tlv(0x30, self.head + b"\x03\x21\x00" + digest + _tlv(0x16, info) + self.tail)
        value = get_keystore().sign(self.key_ref, tbs)
        return digest, _tlv(0x30, tbs + _tlv(0x03, b"\x00" + value))


# (document name, content, anything the caller wants back with the signature)
Prepared = list[tuple[str, bytes, Any]]
# (document name, content size, SM3 digest, DER SES_Signature, the caller's extra)
Sealed = list[tuple[str, int, bytes, bytes, Any]]


def documents(payload: Sequence[tuple[str, bytes]]) -> Prepared:
    """The plain preparation: the payload is already (document name, content) pairs."""
    return [(name, bytes(content), None) for name, content in payload]


def _seal_prepared(template: SesTemplate, prepared: Prepared) -> Sealed:
    sealed: Sealed = []
    for name, content, extra in prepared:
        digest, der = template.seal(content, name)
        sealed.append((name, len(content), digest, der, extra))
    return sealed


_worker: tuple[SesTemplate, Callable[[Any], Prepared]] | None = None


def _start_worker(template: SesTemplate, prepare: Callable[[Any], Prepared]) -> None:
    """In a forked worker: keep the template and the preparation (both inherited, with what
    they refer to, not pickled); the seal's key is already in the key store's memory, loaded by
    the parent before the fork (jingchu.core.bulk.forked_pool)."""
    global _worker
    _worker = (template, prepare)


def _seal_payload(payload: Any) -> Sealed:
    assert _worker is not None
    template, prepare = _worker
    return _seal_prepared(template, prepare(payload))


class _Pending(Protocol):
    def ready(self) -> bool: ...

    def get(self) -> Sealed: ...


@dataclass(frozen=True)
class _Done:
    value: Sealed

    def ready(self) -> bool:
        return True

    def get(self) -> Sealed:
        return self.value


class _Signer:
    """Prepares and signs batches in this process (one worker) or in forked processes."""

    def __init__(self, template: SesTemplate, prepare: Callable[[Any], Prepared],
                 workers: int) -> None:
        self.template, self.prepare = template, prepare
        self.pool = bulk.forked_pool(workers, _start_worker, (template, prepare))
        self.workers = workers if self.pool is not None else 1

    def submit(self, payload: Any) -> _Pending:
        if self.pool is None:
            return _Done(_seal_prepared(self.template, self.prepare(payload)))
        pending: _Pending = self.pool.apply_async(_seal_payload, (payload,))
        return pending

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()


def _batch_uses(actor: Any, seal: Seal, now: dt.datetime, sealed: Sealed) -> list[SealUse]:
    if not 0 < len(sealed) <= BATCH_MAX:
        raise ActionError("batch_size", _("A batch holds 1 to %(limit)d documents.")
                          % {"limit": BATCH_MAX})
    who = _actor_fields(actor)
    uses = [SealUse(seal=seal, kind=UseKind.DOCUMENT,
                    document_name=_text(name, "document_name", DOCUMENT_NAME_MAX),
                    document_digest=digest.hex(), document_size=size, signature=der,
                    signed_at=now, **who)
            for name, size, digest, der, _extra in sealed]
    bulk.insert(uses)
    audit.record("seals.seal.sign_batch", actor, seal, {
        "count": len(uses), "es_id": seal.es_id, "first": uses[0].document_name,
        "last": uses[-1].document_name,
        "sm3_of_digests": crypto.sm3(b"".join(item[2] for item in sealed)).hex()})
    return uses


def do_sign_documents(actor: Any, seal: Seal, batches: Iterable[tuple[Tag, Any]], *,
                      prepare: Callable[[Any], Prepared] = documents,
                      workers: int | None = None,
                      ) -> Iterator[tuple[Tag, list[SealUse], list[Any]]]:
    """Seal many documents on `workers` processes (default: every core). `batches` yields
    (tag, payload); `prepare(payload)` turns a payload into at most BATCH_MAX (document name,
    content, extra) triples, in the worker (default: the payload already is (name, content)
    pairs). Yields each batch's tag, its SealUse rows and the extras, in order, as soon as the
    rows are written (one INSERT without primary keys read back, see jingchu.core.bulk; one
    AuditEvent a batch).

    Runs inside the caller's transaction (required: the seal row stays locked, so a revocation
    waits) and must be consumed to the end. The caller stores the batches done while the
    workers prepare and sign the next ones. Workers are forked from this process after it has
    loaded the key through the key store, and inherit `prepare` with what it refers to; they
    never touch the database (jingchu.core.bulk.forked_pool), so `prepare` must not either. A
    key store whose keys live outside the process (an HSM) must open its session again in each
    worker."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("do_sign_documents runs inside the caller's transaction")
    now = timezone.now()
    seal = _usable_seal(actor, seal, now)
    template = SesTemplate.for_seal(seal, now)
    get_keystore().sign(seal.key_ref, b"")  # load the key here, before the workers fork
    signer = _Signer(template, prepare, max(1, workers or os.cpu_count() or 1))
    try:
        yield from _sign_stream(actor, seal, now, batches, signer)
    finally:
        signer.close()


def _sign_stream(actor: Any, seal: Seal, now: dt.datetime, batches: Iterable[tuple[Tag, Any]],
                 signer: _Signer) -> Iterator[tuple[Tag, list[SealUse], list[Any]]]:
    queue: deque[tuple[Tag, _Pending]] = deque()

    def finish() -> tuple[Tag, list[SealUse], list[Any]]:
        tag, pending = queue.popleft()
        sealed = pending.get()
        return tag, _batch_uses(actor, seal, now, sealed), [item[4] for item in sealed]

    for tag, payload in batches:
        queue.append((tag, signer.submit(payload)))
        # Keep every worker busy and one batch waiting; hand back what is done, in order.
        while queue and (len(queue) > signer.workers or queue[0][1].ready()):
            yield finish()
    while queue:
        yield finish()
