"""Chinese word segmentation for the hotline (jieba): the classifier's features, duplicate
detection and the rising-keywords statistics all read a text through `words`.

jieba loads its dictionary (~1 s) on first use, once per process; its cache file goes to the
system temporary directory, never into the repository.
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

STOPWORDS_FILE = Path(__file__).resolve().parent / "data" / "stopwords.txt"

# Words of 12345 work that jieba's dictionary splits (来电人 → 来电/人, 个税 → 个/税 …).
DOMAIN_WORDS = ("来电人", "一网通办", "鄂汇办", "占道经营", "个税", "渣土车", "维修基金",
                "异地就医", "慢特病", "不动产权证", "冇得", "么样", "12345")

_lock = threading.Lock()
_ready = False


def _jieba() -> Any:
    """jieba, initialised once per process (quietly: it logs the dictionary load at DEBUG)."""
    global _ready
    import jieba

    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                for word in DOMAIN_WORDS:
                    jieba.add_word(word)
                _ready = True
    return jieba


@cache
def stopwords() -> frozenset[str]:
    lines = STOPWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


def _is_content(token: str) -> bool:
    """False for whitespace, punctuation, symbols and pure numbers (dates, amounts, phones)."""
    if not token or token.isdigit():
        return False
    return any(unicodedata.category(ch)[0] in "LN" for ch in token) and not _is_number(token)


def _is_number(token: str) -> bool:
    return all(ch.isdigit() or ch in ".,%" for ch in token)


def words(text: str) -> list[str]:
    """The text's words in order, lowercased, without stopwords, punctuation or numbers."""
    if not text:
        return []
    stop = stopwords()
    tokens = (t.strip().lower() for t in _jieba().lcut(text))
    return [t for t in tokens if _is_content(t) and t not in stop]


def keywords(text: str, top: int = 5) -> list[str]:
    """The text's `top` keywords by jieba's TF-IDF (its bundled IDF table), stopwords excluded."""
    _jieba()
    import jieba.analyse

    stop = stopwords()
    found = jieba.analyse.extract_tags(text or "", topK=top + len(stop))
    return [w for w in (str(x).lower() for x in found) if _is_content(w) and w not in stop][:top]
