"""Reading the ledger: entries, tree heads, and proofs built from the stored nodes.

A proof is one query: every node it uses — the path, the root(s), the leaf — by primary key;
the hashing of the incomplete right-edge subtrees happens here, O(log n) of it. A size beyond
the log needs no query of its own: one of its nodes is then missing (see `_check_size`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from jingchu.core.errors import ActionError, NotFound
from jingchu.ledger import tree
from jingchu.ledger.actions import current_size, load_nodes
from jingchu.ledger.models import Entry, TreeHead


@dataclass(frozen=True)
class InclusionProof:
    leaf_index: int
    tree_size: int
    leaf_hash: bytes
    path: list[bytes]
    root_hash: bytes


@dataclass(frozen=True)
class ConsistencyProof:
    first: int
    second: int
    path: list[bytes]
    first_root: bytes
    second_root: bytes


def latest_tree_head() -> TreeHead | None:
    return TreeHead.objects.select_related("seal").order_by("-timestamp_ms", "-id").first()


def entry_at(index: int) -> Entry:
    entry = Entry.objects.filter(index=index).first() if index >= 0 else None
    if entry is None:
        raise NotFound(_("There is no ledger entry at this index."), {"index": index})
    return entry


def entry_by_hash(leaf_hash: str) -> Entry:
    try:
        raw = bytes.fromhex(leaf_hash)
    except ValueError:
        raw = b""
    if len(raw) != tree.HASH_SIZE:
        raise ActionError("hash_invalid", _("A leaf hash is 64 hexadecimal digits."),
                          {"leaf_hash": leaf_hash[:80]})
    entry = Entry.objects.filter(leaf_hash=raw).order_by("index").first()
    if entry is None:
        raise NotFound(_("No ledger entry has this leaf hash."), {"leaf_hash": leaf_hash})
    return entry


def _size_error(size: int, field: str, current: int) -> ActionError:
    return ActionError("tree_size_invalid",
                       _("The tree size must be between 1 and the ledger's size, %(size)d.")
                       % {"size": current}, {"field": field, "value": size,
                                             "ledger_size": current})


def _check_size(size: int, field: str, current: int | None) -> None:
    """Refuse a size out of range. Without `current`, only what needs no query: a size too
    large then shows as a missing node (the nodes of the decomposition of n include the one
    over leaf n - 1, stored only once that leaf is), see `_nodes`."""
    if size <= 0 or (current is not None and size > current):
        raise _size_error(size, field, current_size() if current is None else current)


def _nodes(coords: set[tree.Coord], sizes: dict[str, int]) -> dict[tree.Coord, bytes]:
    """The nodes a proof needs, in one query; a missing one means a size beyond the log."""
    nodes = load_nodes(coords)
    if len(nodes) != len(coords):
        current = current_size()
        for field, size in sizes.items():
            _check_size(size, field, current)
        raise RuntimeError("ledger nodes are missing: run `jingchu ledger verify`")
    return nodes


def inclusion_proof(index: int, tree_size: int, current: int | None = None) -> InclusionProof:
    """RFC 9162 §2.1.3.1 audit path of the leaf at `index` in the tree of `tree_size`."""
    _check_size(tree_size, "tree_size", current)
    if not 0 <= index < tree_size:
        raise ActionError("index_invalid",
                          _("The index must be below the tree size (%(size)d).")
                          % {"size": tree_size}, {"field": "index", "value": index})
    ranges = tree.inclusion_ranges(index, tree_size)
    coords = tree.coords_for(ranges) | set(tree.range_nodes(0, tree_size)) | {(0, index)}
    nodes = _nodes(coords, {"tree_size": tree_size})
    return InclusionProof(index, tree_size, nodes[(0, index)],
                          [tree.range_hash(nodes, rng) for rng in ranges],
                          tree.range_hash(nodes, (0, tree_size)))


def consistency_proof(first: int, second: int,
                      current: int | None = None) -> ConsistencyProof:
    """RFC 9162 §2.1.4.1 proof that the tree of `first` entries is a prefix of the tree of
    `second`; empty when the sizes are equal."""
    _check_size(first, "first", current)
    _check_size(second, "second", current)
    if first > second:
        raise ActionError("sizes_invalid", _("The first size may not exceed the second."),
                          {"first": first, "second": second})
    ranges = tree.consistency_ranges(first, second) if first < second else []
    coords = (tree.coords_for(ranges) | set(tree.range_nodes(0, first))
              | set(tree.range_nodes(0, second)))
    nodes = _nodes(coords, {"first": first, "second": second})
    return ConsistencyProof(first, second, [tree.range_hash(nodes, rng) for rng in ranges],
                            tree.range_hash(nodes, (0, first)),
                            tree.range_hash(nodes, (0, second)))
