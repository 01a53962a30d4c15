"""Which Hubei region an address names (the gazetteer of the hotline's intake).

Every region is known by its full name (武汉市, 洪山区, 关山街道) and by short forms people
say: a city or county without its suffix (武汉, 洪山, 宜都, 恩施州), a 街道 as 街 (新华街).
All names found in the address are read together: a candidate region is supported by every
name that is it or one of its ancestors, and the best supported, deepest candidate wins. So
"孝感市新华街" is 孝南区's 新华街道 and "武汉市江汉区新华街" 江汉区's 新华街街道, while a name
shared by unrelated regions with nothing around it to decide (城关镇 alone) matches nothing.

The name index is built once per process and rebuilt when the number of regions changes.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise

from jingchu.core.models import Region

# Suffixes dropped for a city's or a county's short form, longest first.
SUFFIXES = ("土家族苗族自治州", "土家族自治县", "管理区", "林区", "市", "区", "县")
# Short forms that are everyday words first (公安县 → 公安局, 公安机关).
NOT_SHORT = frozenset({"公安"})
# Names too generic to point anywhere (several townships are just called this).
GENERIC = frozenset({"开发区", "经济开发区"})
MIN_FORM = 2


@dataclass(frozen=True)
class Place:
    code: str
    path: tuple[str, ...]  # codes from the root down to this region

    @property
    def depth(self) -> int:
        return len(self.path)


@dataclass
class Index:
    count: int
    places: dict[str, Place] = field(default_factory=dict)
    # name form → codes of the regions it may mean
    forms: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    by_first: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    codes: frozenset[str]


_lock = threading.Lock()
_index: Index | None = None


def _forms(name: str, level: str) -> set[str]:
    """The full name and the short forms a region is called by."""
    name = re.sub(r"[（(].*?[）)]", "", name).strip()
    if name in GENERIC:
        return set()
    found = {name}
    if level in ("city", "county"):
        for suffix in SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= MIN_FORM:
                found.add(name[: -len(suffix)])
                break
        if name.endswith("自治州"):
            found.add(name[:2] + "州")
    elif level == "province":
        found.add(name.removesuffix("省"))
    elif name.endswith("街道") and len(name) > 3:
        base = name[:-2]  # 关山街道 → 关山街, 新华街街道 → 新华街
        found.add(base if base.endswith("街") else base + "街")
    return {f for f in found if len(f) >= MIN_FORM and f not in NOT_SHORT}


def _build(count: int) -> Index:
    index = Index(count=count)
    rows = Region.objects.filter(is_statistical=False).values_list("code", "name", "level",
                                                                   "path")
    for code, name, level, path in rows:
        index.places[code] = Place(code, tuple(path.split("/")))
        for form in _forms(name, level):
            index.forms[form].add(code)
    for form in index.forms:
        index.by_first[form[0]].append(form)
    return index


def name_index() -> Index:
    """The per-process index, rebuilt when regions were added or removed."""
    global _index
    count = Region.objects.count()
    with _lock:
        if _index is None or _index.count != count:
            _index = _build(count)
        return _index


def reset() -> None:
    global _index
    with _lock:
        _index = None


# --- matching -----------------------------------------------------------------------------


def _mentions(address: str, index: Index, within: str | None) -> list[Mention]:
    """Every place name in the address (of `within`'s subtree), without the ones inside a
    longer name found at the same place (洪山 in 洪山区)."""
    found: list[Mention] = []
    for i, char in enumerate(address):
        for form in index.by_first.get(char, ()):
            if address.startswith(form, i):
                codes = frozenset(c for c in index.forms[form]
                                  if within is None or within in index.places[c].path)
                if codes:
                    found.append(Mention(i, i + len(form), codes))
    return [m for m in found
            if not any(o.start <= m.start and m.end <= o.end and o.end - o.start > m.end - m.start
                       for o in found)]


def _on_one_chain(places: list[Place]) -> bool:
    ordered = sorted(places, key=lambda p: p.depth)
    return all(a.code in b.path for a, b in pairwise(ordered))


def _banned(mentions: list[Mention], support: dict[str, int], index: Index) -> set[str]:
    """Candidates of an ambiguous name that its context does not settle. When the best
    supported ones nest (荆州 → 荆州市 ⊃ 荆州区) the outer one stays: it is certain."""
    banned: set[str] = set()
    for mention in (m for m in mentions if len(m.codes) > 1):
        top = max(support[c] for c in mention.codes)
        tied = [index.places[c] for c in mention.codes if support[c] == top]
        banned |= {c for c in mention.codes if support[c] < top}
        if len(tied) > 1:
            keep = min(tied, key=lambda p: p.depth).code if _on_one_chain(tied) else None
            banned |= {p.code for p in tied if p.code != keep}
    return banned


def _best(mentions: list[Mention], index: Index) -> str | None:
    """The deepest candidate that most names in the address agree with (first named wins a
    tie between unrelated places)."""
    first: dict[str, int] = {}
    for mention in mentions:
        for code in mention.codes:
            first.setdefault(code, mention.start)
    support = {code: sum(1 for m in mentions if m.codes & set(index.places[code].path))
               for code in first}
    banned = _banned(mentions, support, index)
    ranked = sorted((c for c in first if c not in banned),
                    key=lambda c: (-support[c], -index.places[c].depth, first[c]))
    return ranked[0] if ranked else None


def match_region(address: str, within: Region | None = None) -> Region | None:
    """The deepest Hubei region the address names (市/区/县/街道/乡镇), only among `within` and
    the regions below it when given; None when nothing matches or the names stay ambiguous."""
    text = re.sub(r"\s+", "", address or "")
    if not text:
        return None
    index = name_index()
    code = _best(_mentions(text, index, within.code if within else None), index)
    return Region.objects.filter(code=code).first() if code else None
