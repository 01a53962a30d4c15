"""Every state change of the ledger: appending entries and signing tree heads.

Appends run inside the caller's transaction (a licence and its ledger entry commit together or
not at all) and serialize on a row lock on the single LedgerState row, so two appends at once
never take the same index. Per call: one lock, one query for the right edge of the tree, the
hashes computed here, the entries and the completed nodes inserted in one statement each
(jingchu.core.bulk: a binary COPY on PostgreSQL), one AuditEvent.

Payloads are PUBLIC (the /ledger/ page and API show them to anyone): hashes and official
identifiers only, never a name, an ID number, a phone number or an address.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.core import audit, bulk
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import Organization
from jingchu.ledger import permissions, tree
from jingchu.ledger.models import Entry, LedgerState, Node, TreeHead
from jingchu.ledger.verify import tree_head_bytes
from jingchu.seals import actions as seal_actions
from jingchu.seals import service as seals
from jingchu.seals import x509
from jingchu.seals.choices import SealKind, SealStatus
from jingchu.seals.models import Seal

KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
KIND_MAX = 60
PAYLOAD_MAX = 16_384  # bytes of canonical JSON
BATCH_MAX = 100_000
SIGN_INTERVAL_SECONDS = 60  # a new tree head at most this often unless forced
SIGNER_KIND = SealKind.BUSINESS

# The object an entry is about: the object itself, or its object_ref (label, id) when only
# that is at hand (a bulk import's licences, made in forked workers, travel as rows).
About = models.Model | tuple[str, str] | None
Item = Mapping[str, Any] | tuple[Mapping[str, Any], About]


def canonical(payload: Mapping[str, Any]) -> bytes:
    """The leaf bytes: JSON with sorted keys, no spaces, UTF-8 (RFC 8785 for the strings,
    integers, booleans and nulls payloads are made of)."""
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def _clean_kind(kind: Any) -> str:
    text = str(kind or "")
    if len(text) > KIND_MAX or not KIND_PATTERN.match(text):
        raise ActionError("kind_invalid", _("The entry kind must look like \"license.issued\"."),
                          {"kind": text[:KIND_MAX]})
    return text


def _clean_payload(payload: Any) -> bytes:
    if not isinstance(payload, Mapping):
        raise ActionError("payload_invalid", _("The payload must be a JSON object."))
    try:
        data = canonical(payload)
    except (TypeError, ValueError) as exc:
        raise ActionError("payload_invalid",
                          _("The payload must hold only JSON strings, numbers, booleans, "
                            "null, lists and objects.")) from exc
    if len(data) > PAYLOAD_MAX:
        raise ActionError("payload_too_large", _("A payload holds at most %(limit)d bytes.")
                          % {"limit": PAYLOAD_MAX})
    return data


def object_ref(obj: About) -> tuple[str, str]:
    """(object_type, object_id) recorded on an entry about `obj`."""
    if obj is None:
        return "", ""
    if isinstance(obj, tuple):
        return obj
    ident = getattr(obj, "uid", None) or getattr(obj, "code", None) or obj.pk
    return obj._meta.label_lower, str(ident)


def _split(item: Item) -> tuple[Mapping[str, Any], About]:
    if isinstance(item, tuple):
        return item[0], item[1]
    return item, None


def _locked_state() -> LedgerState:
    """The state row under a row lock (SELECT ... FOR UPDATE): later appends wait here."""
    state = LedgerState.objects.select_for_update().filter(pk=1).first()
    if state is None:
        LedgerState.objects.get_or_create(pk=1)
        state = LedgerState.objects.select_for_update().get(pk=1)
    return state


def load_nodes(coords: set[tree.Coord]) -> dict[tree.Coord, bytes]:
    """Stored perfect nodes by (level, index), in one query by primary key. Plain SQL: the
    ORM's own cost would be most of a proof's time (bench/RESULTS-ledger.md)."""
    if not coords:
        return {}
    keys = [tree.node_key(*c) for c in coords]
    table = connection.ops.quote_name(Node._meta.db_table)
    marks = ", ".join(["%s"] * len(keys))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, hash FROM {table} WHERE key IN ({marks})",  # noqa: S608
                       keys)
        return {tree.key_coord(key): bytes(value) for key, value in cursor.fetchall()}


def do_append(kind: str, payload: Mapping[str, Any], obj: models.Model | None = None, *,
              actor: Any = None) -> Entry:
    """Append one entry; see do_append_many."""
    return do_append_many(kind, [(payload, obj)], actor=actor)[0]


@transaction.atomic
def do_append_many(kind: str, items: Sequence[Item], *, actor: Any = None) -> list[Entry]:
    """Append entries of one kind, in order, each item a payload or (payload, object); returns
    the entries with their indexes. Everything is checked before anything is written."""
    kind = _clean_kind(kind)
    pairs = [_split(item) for item in items]
    if not 0 < len(pairs) <= BATCH_MAX:
        raise ActionError("batch_size", _("Append 1 to %(limit)d entries at a time.")
                          % {"limit": BATCH_MAX})
    cleaned = [(_clean_payload(payload), object_ref(obj)) for payload, obj in pairs]
    state = _locked_state()
    size, now = state.size, timezone.now()
    entries = [Entry(index=size + at, kind=kind, object_type=ref[0], object_id=ref[1],
                     payload=data.decode("utf-8"), leaf_hash=tree.leaf_hash(data),
                     appended_at=now)
               for at, (data, ref) in enumerate(cleaned)]
    edge = load_nodes(set(tree.frontier(size)))
    made = tree.append_leaves(size, edge, [bytes(e.leaf_hash) for e in entries])
    bulk.insert(entries)
    bulk.insert([Node(key=tree.node_key(*c), hash=value) for c, value in made.items()])
    state.size = size + len(entries)
    state.save(update_fields=["size", "updated_at"])
    audit.record("ledger.entry.append", actor, entries[0], {
        "kind": kind, "first": size, "count": len(entries),
        "root_hash": tree.range_hash(edge | made, (0, state.size)).hex()},
                 actor_label="" if actor is not None else "system")
    return entries


# --- signed tree heads -----------------------------------------------------------------------


def current_size() -> int:
    state = LedgerState.objects.filter(pk=1).first()
    return state.size if state else 0


def root_at(size: int) -> bytes:
    """MTH of the first `size` entries, from the stored nodes (one query)."""
    nodes = load_nodes(set(tree.range_nodes(0, size)))
    return tree.range_hash(nodes, (0, size))


def _platform_organization() -> Organization:
    """The organization named in the root certificate (its organizationIdentifier, 2.5.4.97):
    the platform's operator, whose seal signs the tree heads."""
    root = seal_actions.current_root()
    uscc = ""
    if root is not None:
        subject = x509.load(bytes(root.certificate))["tbs_certificate"]["subject"].native
        uscc = str(subject.get("organization_identifier") or "")
    org = Organization.objects.filter(uscc=uscc).first() if uscc else None
    if org is None:
        raise ActionError("no_signer", _("The ledger cannot sign: the root certificate names "
                                         "no organization of this platform."), status=409)
    return org


def _signer(state: LedgerState) -> Seal:
    """The ledger's seal: the platform organization's business seal (业务专用章), made on first
    use; a revoked one is replaced the same way."""
    seal = state.signer
    if seal is not None and seal.status != SealStatus.REVOKED:
        return seal
    org = _platform_organization()
    seal = seals.seal_for(org, SIGNER_KIND) or seal_actions.do_create_seal(None, org,
                                                                           kind=SIGNER_KIND)
    state.signer = seal
    state.save(update_fields=["signer", "updated_at"])
    return seal


def _due(latest: TreeHead | None, size: int, now_ms: int) -> bool:
    if latest is None:
        return True
    return latest.tree_size != size and now_ms - latest.timestamp_ms >= \
        SIGN_INTERVAL_SECONDS * 1000


@transaction.atomic
def do_sign_tree_head(actor: Any = None, *, force: bool = False) -> TreeHead | None:
    """Sign the current tree if entries were appended since the latest tree head and that one
    is at least SIGN_INTERVAL_SECONDS old (or always, with `force`); answers the new tree
    head, or None when none was due. `actor=None` is the platform (the periodic task)."""
    if actor is not None and not permissions.can_sign_tree_head(actor):
        raise NotPermitted(_("Only the platform administrator may sign the ledger."))
    state = _locked_state()  # no append changes the size while it is signed
    latest = TreeHead.objects.order_by("-timestamp_ms", "-id").first()
    now_ms = max(int(time.time() * 1000), latest.timestamp_ms + 1 if latest else 0)
    if not force and not _due(latest, state.size, now_ms):
        return None
    seal = _signer(state)
    root = root_at(state.size)
    signature = seals.sign_raw(seal, tree_head_bytes(state.size, now_ms, root),
                               purpose=f"ledger tree head {state.size}")
    head = TreeHead.objects.create(tree_size=state.size, root_hash=root, timestamp_ms=now_ms,
                                   signature=signature, seal=seal,
                                   key_id=tree.sm3(bytes(seal.certificate)).hex())
    audit.record("ledger.tree_head.sign", actor, head, {
        "tree_size": state.size, "root_hash": root.hex(), "timestamp_ms": now_ms,
        "es_id": seal.es_id}, actor_label="" if actor is not None else "system")
    return head
