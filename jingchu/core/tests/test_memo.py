"""core.memo: a kept value is answered, and a full cache starts again rather than growing."""

from __future__ import annotations

from jingchu.core import memo


def test_a_value_is_kept_and_answered():
    cache: dict[str, int] = {}
    assert memo.keep(cache, "a", 1, 3) == 1 and cache == {"a": 1}


def test_a_full_cache_is_emptied_before_the_next_value():
    cache: dict[str, int] = {}
    for i, key in enumerate("abc"):
        memo.keep(cache, key, i, 3)
    assert len(cache) == 3
    memo.keep(cache, "d", 9, 3)
    assert cache == {"d": 9}  # never more than the limit
