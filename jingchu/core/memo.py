"""Per-process caches bounded by emptying: the rule the API's hot path keeps its memos by.

Why emptying, not least-recently-used order: these caches hold values that are few in practice
(a version's requirements, a source address), so one that fills up is rare and
starting again costs one miss per key, where keeping an order would cost on every hit.
"""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


def keep(cache: dict[K, V], key: K, value: V, limit: int) -> V:
    """Store `value` under `key`, emptying `cache` first when it holds `limit` entries; answers
    `value`. A dict's operations are atomic under the GIL: threads may share `cache`."""
    if len(cache) >= limit:
        cache.clear()
    cache[key] = value
    return value
