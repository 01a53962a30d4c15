"""The whole-log check behind `jingchu ledger verify`: recompute everything, trust nothing stored.

In index order, a segment at a time: every entry's leaf hash is recomputed from its payload and
compared with the stored one, the tree is rebuilt from the recomputed leaves and every stored
node compared with its recomputed value, the number of stored nodes must be exactly that of a
log of this size, and every tree head must carry the recomputed root of its size and a valid SM2
signature by a certificate that chains to the platform's root. The first difference is answered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import pairwise

from jingchu.ledger import tree
from jingchu.ledger.actions import current_size
from jingchu.ledger.models import Entry, Node, TreeHead
from jingchu.ledger.verify import tree_head_bytes
from jingchu.seals import service as seals
from jingchu.seals import x509
from jingchu.seals.verification import chains_to_root, trusted_roots

SEGMENT = 1 << 14
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Problem:
    where: str  # "entry 12", "node (3, 1)", "tree head 7" ...
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def expected_node_count(size: int) -> int:
    return sum(size >> level for level in range(size.bit_length()))


def _entries(start: int, end: int) -> Iterator[tuple[int, bytes, bytes]]:
    rows = (Entry.objects.filter(index__gte=start, index__lt=end).order_by("index")
            .values_list("index", "payload", "leaf_hash"))
    for index, payload, leaf in rows.iterator(chunk_size=4096):
        yield index, payload.encode("utf-8"), bytes(leaf)


def _leaves(start: int, end: int) -> tuple[list[bytes], Problem | None]:
    leaves: list[bytes] = []
    for index, payload, stored in _entries(start, end):
        if index != start + len(leaves):
            return leaves, Problem(f"entry {start + len(leaves)}", "missing from the log")
        leaf = tree.leaf_hash(payload)
        if leaf != stored:
            return leaves, Problem(f"entry {index}",
                                   "its payload does not hash to its stored leaf hash")
        leaves.append(leaf)
    if len(leaves) != end - start:
        return leaves, Problem(f"entry {start + len(leaves)}", "missing from the log")
    return leaves, None


def _stored(made: dict[tree.Coord, bytes]) -> dict[tree.Coord, bytes]:
    """The stored nodes at the coordinates of `made`: one range query per level (the nodes
    completed by consecutive leaves have consecutive indexes on each level)."""
    found: dict[tree.Coord, bytes] = {}
    for level in {c[0] for c in made}:
        indexes = [c[1] for c in made if c[0] == level]
        rows = Node.objects.filter(key__gte=tree.node_key(level, min(indexes)),
                                   key__lte=tree.node_key(level, max(indexes)))
        found.update((tree.key_coord(k), bytes(h)) for k, h in rows.values_list("key", "hash"))
    return found


def _node_problem(made: dict[tree.Coord, bytes]) -> Problem | None:
    stored = _stored(made)
    # Lowest level first: a changed leaf is named as its entry, not as its ancestors.
    for (level, index), value in sorted(made.items()):
        if stored.get((level, index)) != value:
            first = index << level
            what = "missing" if (level, index) not in stored else "differs from the entries"
            return Problem(f"node ({level}, {index})" if level else f"entry {first}",
                           f"the stored tree hash {what} (leaves from {first})")
    return None


def _head_problem(head: TreeHead, root: bytes) -> Problem | None:
    where = f"tree head {head.pk} (size {head.tree_size})"
    if bytes(head.root_hash) != root:
        return Problem(where, "its root hash is not the root of the entries")
    cert = bytes(head.seal.certificate)
    if head.key_id != tree.sm3(cert).hex():
        return Problem(where, "its key id is not that of the signer's certificate")
    data = tree_head_bytes(head.tree_size, head.timestamp_ms, root)
    if not seals.verify_raw(cert, data, bytes(head.signature)):
        return Problem(where, "its SM2 signature does not verify")
    if not chains_to_root(x509.load(cert), trusted_roots()):
        return Problem(where, "the signer's certificate does not chain to the root")
    return None


def _heads_by_size(size: int) -> tuple[dict[int, list[TreeHead]], Problem | None]:
    heads: dict[int, list[TreeHead]] = {}
    for head in TreeHead.objects.select_related("seal").order_by("tree_size", "id"):
        if head.tree_size > size:
            return heads, Problem(f"tree head {head.pk}", "it is larger than the log")
        heads.setdefault(head.tree_size, []).append(head)
    return heads, None


def _segments(size: int, cuts: set[int]) -> list[tuple[int, int]]:
    bounds = sorted({*range(0, size, SEGMENT), size, *cuts})
    return list(pairwise(bounds))


def check_log(progress: Progress | None = None) -> Problem | None:
    """The first problem found in the whole log, or None when everything verifies."""
    size = current_size()
    heads, problem = _heads_by_size(size)
    if problem:
        return problem
    edge: dict[tree.Coord, bytes] = {}
    for head in heads.get(0, []):
        if problem := _head_problem(head, tree.empty_root()):
            return problem
    for start, end in _segments(size, set(heads)):
        leaves, problem = _leaves(start, end)
        if problem:
            return problem
        made = tree.append_leaves(start, edge, leaves)
        if problem := _node_problem(made):
            return problem
        edge = {c: (made | edge)[c] for c in tree.frontier(end)}
        for head in heads.get(end, []):
            if problem := _head_problem(head, tree.range_hash(edge, (0, end))):
                return problem
        if progress:
            progress(end, size)
    if Node.objects.count() != expected_node_count(size):
        return Problem("nodes", "the log holds nodes no entry accounts for")
    if Entry.objects.count() != size:
        return Problem(f"entry {size}", "entries beyond the log's size")
    return None
