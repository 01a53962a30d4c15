"""The ledger's public API under /api/v1/ledger/: the latest signed tree head, entries, and
inclusion and consistency proofs (RFC 9162 §2.1). Read-only; no sign-in needed."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from jingchu.core.errors import ActionError
from jingchu.ledger import actions, permissions, queries
from jingchu.ledger.models import Entry, TreeHead
from jingchu.ledger.schemas import ConsistencyProofOut, EntryOut, InclusionProofOut, TreeHeadOut
from jingchu.ledger.verify import tree_head_bytes
from jingchu.seals import service as seals

router = Router(tags=["ledger"])


def tree_head_out(head: TreeHead, ledger_size: int) -> TreeHeadOut:
    root = bytes(head.root_hash)
    return TreeHeadOut(
        tree_size=head.tree_size, timestamp_ms=head.timestamp_ms,
        timestamp=head.timestamp.isoformat(), root_hash=root.hex(),
        signature=bytes(head.signature).hex(),
        signed_bytes=tree_head_bytes(head.tree_size, head.timestamp_ms, root).hex(),
        key_id=head.key_id, signer_es_id=head.seal.es_id,
        signer_certificate_pem=seals.seal_certificate_pem(head.seal),
        root_certificate_pem=seals.root_certificate_pem(), ledger_size=ledger_size)


def entry_out(entry: Entry) -> EntryOut:
    return EntryOut(index=entry.index, kind=entry.kind, object_type=entry.object_type,
                    object_id=entry.object_id, payload=entry.payload,
                    leaf_hash=bytes(entry.leaf_hash).hex(),
                    appended_at=entry.appended_at.isoformat())


@router.get("/tree-head", response=TreeHeadOut, auth=None)
def latest_tree_head(request: HttpRequest) -> TreeHeadOut:
    """The latest signed tree head, with the signer's certificate and the root certificate."""
    permissions.require(permissions.can_read_ledger(request.user))
    head = queries.latest_tree_head()
    if head is None:
        raise ActionError("no_tree_head", _("No tree head has been signed yet."), status=404)
    return tree_head_out(head, actions.current_size())


@router.get("/entries/{int:index}", response=EntryOut, auth=None)
def entry(request: HttpRequest, index: int) -> EntryOut:
    """One entry by its index (0, 1, 2 ...)."""
    permissions.require(permissions.can_read_ledger(request.user))
    return entry_out(queries.entry_at(index))


def _size_or_latest(tree_size: int | None) -> int:
    """The size asked for, or that of the latest signed tree head."""
    if tree_size is not None:
        return tree_size
    head = queries.latest_tree_head()
    if head is None:
        raise ActionError("no_tree_head", _("No tree head has been signed yet; give a "
                                            "tree_size."), {"field": "tree_size"}, status=404)
    return head.tree_size


def _proof_out(index: int, tree_size: int | None) -> InclusionProofOut:
    proof = queries.inclusion_proof(index, _size_or_latest(tree_size))
    return InclusionProofOut(leaf_index=proof.leaf_index, tree_size=proof.tree_size,
                             leaf_hash=proof.leaf_hash.hex(),
                             audit_path=[p.hex() for p in proof.path],
                             root_hash=proof.root_hash.hex())


@router.get("/proofs/inclusion/{int:index}", response=InclusionProofOut, auth=None)
def inclusion_by_index(request: HttpRequest, index: int,
                       tree_size: Query[int | None] = None) -> InclusionProofOut:
    """Inclusion proof of the entry at `index` in the tree of `tree_size` entries (default:
    the latest signed tree head's size)."""
    permissions.require(permissions.can_read_ledger(request.user))
    return _proof_out(index, tree_size)


@router.get("/proofs/inclusion", response=InclusionProofOut, auth=None)
def inclusion_by_hash(request: HttpRequest, leaf_hash: str,
                      tree_size: Query[int | None] = None) -> InclusionProofOut:
    """Inclusion proof of the (first) entry with this leaf hash (64 hex digits)."""
    permissions.require(permissions.can_read_ledger(request.user))
    return _proof_out(queries.entry_by_hash(leaf_hash.strip().lower()).index, tree_size)


@router.get("/proofs/consistency", response=ConsistencyProofOut, auth=None)
def consistency(request: HttpRequest, first: int,
                second: Query[int | None] = None) -> ConsistencyProofOut:
    """Consistency proof between the trees of `first` and `second` entries (default second:
    the latest signed tree head's size)."""
    permissions.require(permissions.can_read_ledger(request.user))
    proof = queries.consistency_proof(first, _size_or_latest(second))
    return ConsistencyProofOut(first=proof.first, second=proof.second,
                               consistency_path=[p.hex() for p in proof.path],
                               first_root_hash=proof.first_root.hex(),
                               second_root_hash=proof.second_root.hex())
