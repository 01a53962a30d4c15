"""The double-random draw (双随机): a pure function of published inputs, a revealed seed and
(jingchu-draw-v2) a witness text supplied at the draw by someone other than the platform.

Standalone on purpose: no Django, no database, only the standard library and SM3 (hashlib's
when Python's OpenSSL has it, else tongsuopy's), so that anyone can copy this file and check a
published draw:

    python drawing.py bundle.json      # exit status 0 when the bundle checks out

The specification, precise enough to re-implement it in another language, is
docs/supervision-draw.md. In short:

- inputs and results are canonical JSON (keys sorted, no spaces, UTF-8, no floats);
- v2: the effective seed is HMAC-SM3(seed, ["witness", witness]), the witness being a short
  public text that someone other than the platform supplies at the draw, after the seed was
  committed (v1, kept for the draws committed before v2: the effective seed is the seed);
- every random choice is a rank: HMAC-SM3 keyed with the effective seed over a label;
- per credit grade, count = ceil(N × ratio / 100) exactly, the lowest-ranked entities drawn;
- drawn entities are visited in rank order; each gets a team (one inspector of every
  department first in a joint plan, then the least-loaded eligible inspectors; ties by rank);
  excluded (conflicted) inspectors are never eligible.

Nothing depends on the order of the input lists: entities, inspectors, exclusions and
departments are sets to the algorithm.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import sys
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

ALGORITHM_V1 = "jingchu-draw-v1"  # the seed alone (draws committed before v2)
ALGORITHM_V2 = "jingchu-draw-v2"  # the seed and a witness text given at the draw
ALGORITHM = ALGORITHM_V2  # what new draws are committed as
ALGORITHMS = (ALGORITHM_V1, ALGORITHM_V2)
WITNESS_MAX = 64  # code points
BUNDLE_FORMAT = "jingchu-draw-bundle-v1"
SEED_BYTES = 32
MIN_TEAM = 2  # 行政检查 by at least two enforcement officers
_BLOCK = 64  # SM3 block size, for HMAC
_PRECISION = 60  # decimal digits: products of two inputs are always exact
_DECIMAL = re.compile(r"^[0-9]{1,6}(\.[0-9]{1,6})?$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
PROGRESS_STEPS = 100  # run() reports its progress about every 1 %

Progress = Callable[[int, int], None]  # progress(done, total) of run()


class DrawInputError(ValueError):
    """The inputs (or a bundle) do not follow the specification."""


# --- hashing and canonical JSON -----------------------------------------------------------


def _hashlib_sm3(data: bytes) -> bytes:
    return hashlib.new("sm3", data).digest()


def _tongsuo_sm3(data: bytes) -> bytes:
    from tongsuopy.crypto import hashes

    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def _pick_sm3() -> Callable[[bytes], bytes]:
    try:
        _hashlib_sm3(b"")
    except ValueError:  # this Python's OpenSSL has no SM3
        return _tongsuo_sm3
    return _hashlib_sm3


sm3: Callable[[bytes], bytes] = _pick_sm3()


def sm3_hex(data: bytes) -> str:
    return sm3(data).hex()


class HmacSm3:
    """HMAC (RFC 2104) over SM3 (block size 64 bytes) with one key, its pads computed once."""

    def __init__(self, key: bytes) -> None:
        if len(key) > _BLOCK:
            key = sm3(key)
        key = key.ljust(_BLOCK, b"\x00")
        self._inner = bytes(b ^ 0x36 for b in key)
        self._outer = bytes(b ^ 0x5C for b in key)

    def __call__(self, message: bytes) -> bytes:
        return sm3(self._outer + sm3(self._inner + message))


def hmac_sm3(key: bytes, message: bytes) -> bytes:
    return HmacSm3(key)(message)


def canonical(value: Any) -> bytes:
    """Keys sorted, no spaces, UTF-8, no NaN; only strings, integers, booleans, null, lists and
    objects occur (for those this is RFC 8785)."""
    _no_floats(value)
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def _no_floats(value: Any) -> None:
    if isinstance(value, float):
        raise DrawInputError("floats are not allowed; write decimals as strings")
    if isinstance(value, Mapping):
        for item in value.values():
            _no_floats(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _no_floats(item)


class Ranker:
    """The random rank of one labelled choice: HMAC-SM3 keyed with the seed over the label's
    canonical JSON, e.g. ["entity","91420100MA4K0000X1"] (unambiguous whatever the codes
    hold). Lower ranks come first."""

    def __init__(self, seed: bytes) -> None:
        self._mac = HmacSm3(seed)
        self._encoded: dict[str, bytes] = {}

    def _encode(self, part: str) -> bytes:
        found = self._encoded.get(part)
        if found is None:
            found = self._encoded[part] = canonical(part)
        return found

    def __call__(self, *label: str) -> bytes:
        # the same bytes as canonical(list(label)), without re-encoding every part each time
        return self._mac(b"[" + b",".join(self._encode(part) for part in label) + b"]")


def decimal_text(value: Decimal) -> str:
    """A ratio as published: plain decimal notation, no exponent, no trailing zeros."""
    with localcontext() as context:
        context.prec = _PRECISION
        return format(value.normalize(), "f")


# --- the witness (jingchu-draw-v2) ----------------------------------------------------------


def witness_problem(witness: Any) -> str | None:
    """Why `witness` is not a valid jingchu-draw-v2 witness, or None when it is: 1 to
    WITNESS_MAX code points, every one printable (no Unicode "Other" or "Separator" character
    but the ASCII space: str.isprintable), in Unicode NFKC form, no space at either end and
    never two in a row. (The form leaves no invisible or look-alike variants of a text.)"""
    if not isinstance(witness, str) or not witness:
        return "the witness must be a non-empty string"
    if len(witness) > WITNESS_MAX:
        return f"the witness must be at most {WITNESS_MAX} characters"
    if not witness.isprintable():
        return "the witness must hold printable characters only"
    if witness != witness.strip(" ") or "  " in witness:
        return "the witness must not start or end with a space, nor hold two spaces in a row"
    if unicodedata.normalize("NFKC", witness) != witness:
        return "the witness must be in Unicode NFKC form"
    return None


def effective_seed(seed: bytes, witness: str) -> bytes:
    """jingchu-draw-v2: HMAC-SM3(key = the committed seed, message = the canonical JSON
    ["witness", witness]), 32 bytes; every rank of the draw is keyed with it."""
    return hmac_sm3(seed, canonical(["witness", witness]))


def _rank_key(inputs: Any, seed: bytes, witness: str | None) -> tuple[str, bytes]:
    """The algorithm the inputs name and the key of its ranks: the seed itself (v1, which takes
    no witness) or the effective seed of the seed and the witness (v2, which needs one)."""
    if len(seed) != SEED_BYTES:
        raise DrawInputError(f"the seed must be {SEED_BYTES} bytes")
    algorithm = inputs.get("algorithm") if isinstance(inputs, Mapping) else None
    if algorithm == ALGORITHM_V1:
        if witness is not None:
            raise DrawInputError(f"{ALGORITHM_V1} takes no witness")
        return algorithm, seed
    if algorithm == ALGORITHM_V2:
        problem = witness_problem(witness)
        if problem is not None or witness is None:
            raise DrawInputError(problem or "a witness is required")
        return algorithm, effective_seed(seed, witness)
    raise DrawInputError(f"unknown algorithm {algorithm!r}")


# --- the inputs, parsed -------------------------------------------------------------------


@dataclass(frozen=True)
class Entity:
    uscc: str
    grade: str
    exclude: frozenset[str]


@dataclass(frozen=True)
class Inspector:
    certificate: str
    department: str


@dataclass(frozen=True)
class Rule:
    factor: Decimal
    cap_percent: Decimal | None


@dataclass(frozen=True)
class Spec:
    ratio_percent: Decimal
    team_size: int
    departments: tuple[str, ...]  # sorted; more than one: a joint plan
    uncapped: bool  # a key item is in the plan: no upper limits
    rules: dict[str, Rule]
    entities: tuple[Entity, ...]  # sorted by uscc
    inspectors: tuple[Inspector, ...]  # sorted by certificate


@dataclass(frozen=True)
class GradeCount:
    grade: str
    in_scope: int
    ratio_percent: Decimal
    drawn: int


@dataclass(frozen=True)
class Problem:
    """An entity in scope for which no full team can be drawn."""

    uscc: str
    eligible: int
    missing_departments: tuple[str, ...]


def _decimal(raw: Any, field: str) -> Decimal:
    if not isinstance(raw, str) or not _DECIMAL.match(raw):
        raise DrawInputError(f"{field} must be a decimal string like \"5.00\"")
    return Decimal(raw)


def _text(raw: Any, field: str) -> str:
    if not isinstance(raw, str) or not raw:
        raise DrawInputError(f"{field} must be a non-empty string")
    return raw


def _strings(raw: Any, field: str) -> list[str]:
    if not isinstance(raw, list):
        raise DrawInputError(f"{field} must be a list")
    return [_text(value, field) for value in raw]


def _rows(raw: Any, field: str) -> list[Mapping[str, Any]]:
    if not isinstance(raw, list) or not all(isinstance(row, Mapping) for row in raw):
        raise DrawInputError(f"{field} must be a list of objects")
    return raw


def _unique(values: Sequence[str], field: str) -> None:
    if len(set(values)) != len(values):
        raise DrawInputError(f"{field} must not repeat")


def _rules(raw: Any) -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for row in _rows(raw, "rules"):
        grade = _text(row.get("grade"), "rules.grade")
        if grade in rules:
            raise DrawInputError("rules must name each grade once")
        cap = row.get("cap_percent")
        rules[grade] = Rule(_decimal(row.get("factor"), "rules.factor"),
                            None if cap is None else _decimal(cap, "rules.cap_percent"))
    return rules


def _plan(raw: Any) -> tuple[Decimal, int, tuple[str, ...], bool]:
    if not isinstance(raw, Mapping):
        raise DrawInputError("plan must be an object")
    ratio = _decimal(raw.get("ratio_percent"), "plan.ratio_percent")
    if not 0 < ratio <= 100:
        raise DrawInputError("plan.ratio_percent must be above 0 and at most 100")
    per_entity = raw.get("inspectors_per_entity")
    if not isinstance(per_entity, int) or isinstance(per_entity, bool) or per_entity < 1:
        raise DrawInputError("plan.inspectors_per_entity must be a positive integer")
    departments = [_text(raw.get("lead_department"), "plan.lead_department"),
                   *_strings(raw.get("partner_departments", []), "plan.partner_departments")]
    _unique(departments, "plan departments")
    items = _rows(raw.get("items", []), "plan.items")
    uncapped = any(item.get("is_key") is True for item in items)
    team = max(per_entity, MIN_TEAM, len(departments))
    return ratio, team, tuple(sorted(departments)), uncapped


def _entities(raw: Any) -> tuple[Entity, ...]:
    found = [Entity(_text(row.get("uscc"), "entities.uscc"),
                    _text(row.get("grade"), "entities.grade"),
                    frozenset(_strings(row.get("exclude", []), "entities.exclude")))
             for row in _rows(raw, "entities")]
    _unique([e.uscc for e in found], "entities.uscc")
    return tuple(sorted(found, key=lambda e: e.uscc))


def _inspectors(raw: Any, departments: Sequence[str]) -> tuple[Inspector, ...]:
    found = [Inspector(_text(row.get("certificate"), "inspectors.certificate"),
                       _text(row.get("department"), "inspectors.department"))
             for row in _rows(raw, "inspectors")]
    _unique([i.certificate for i in found], "inspectors.certificate")
    if any(i.department not in departments for i in found):
        raise DrawInputError("every inspector must belong to one of the plan's departments")
    return tuple(sorted(found, key=lambda i: i.certificate))


def parse(inputs: Mapping[str, Any]) -> Spec:
    """Check the inputs against the specification and read what the algorithm uses."""
    if not isinstance(inputs, Mapping):
        raise DrawInputError("the inputs must be a JSON object")
    if inputs.get("algorithm") not in ALGORITHMS:
        raise DrawInputError(f"unknown algorithm {inputs.get('algorithm')!r}")
    canonical(inputs)  # no floats anywhere
    ratio, team, departments, uncapped = _plan(inputs.get("plan"))
    return Spec(ratio_percent=ratio, team_size=team, departments=departments,
                uncapped=uncapped, rules=_rules(inputs.get("rules", [])),
                entities=_entities(inputs.get("entities")),
                inspectors=_inspectors(inputs.get("inspectors"), departments))


# --- counts per grade ---------------------------------------------------------------------


def effective_ratio(spec: Spec, grade: str) -> Decimal:
    """plan ratio × the grade's factor, at most the grade's cap (unless a key item is in the
    plan), at most 100. A grade without a rule has factor 1 and no cap."""
    rule = spec.rules.get(grade, Rule(Decimal(1), None))
    with localcontext() as context:
        context.prec = _PRECISION
        ratio = spec.ratio_percent * rule.factor  # exact: 12 digits at most on each side
    if rule.cap_percent is not None and not spec.uncapped:
        ratio = min(ratio, rule.cap_percent)
    return min(ratio, Decimal(100))


def grade_counts(spec: Spec) -> list[GradeCount]:
    """How many entities of each grade present in scope are drawn: ceil(N × ratio / 100),
    computed with exact fractions."""
    sizes: dict[str, int] = {}
    for entity in spec.entities:
        sizes[entity.grade] = sizes.get(entity.grade, 0) + 1
    counts = []
    for grade in sorted(sizes):
        ratio = effective_ratio(spec, grade)
        drawn = math.ceil(Fraction(sizes[grade]) * Fraction(ratio) / 100)
        counts.append(GradeCount(grade, sizes[grade], ratio, min(drawn, sizes[grade])))
    return counts


# --- eligibility --------------------------------------------------------------------------


def eligible(spec: Spec, entity: Entity) -> list[Inspector]:
    return [i for i in spec.inspectors if i.certificate not in entity.exclude]


def problems(spec: Spec) -> list[Problem]:
    """Entities in scope that could not get a full team: fewer eligible inspectors than the
    team size, or (joint plan) no eligible inspector of some department."""
    found = []
    for entity in spec.entities:
        pool = eligible(spec, entity)
        have = {i.department for i in pool}
        missing = tuple(d for d in spec.departments if d not in have) \
            if len(spec.departments) > 1 else ()
        if len(pool) < spec.team_size or missing:
            found.append(Problem(entity.uscc, len(pool), missing))
    return found


# --- the draw -----------------------------------------------------------------------------


def _select(spec: Spec, ranker: Ranker,
            counts: list[GradeCount]) -> list[tuple[bytes, Entity]]:
    """The drawn entities with their ranks, in visiting order (ascending rank)."""
    keyed = [(ranker("entity", e.uscc), e) for e in spec.entities]
    drawn: list[tuple[bytes, Entity]] = []
    for count in counts:
        of_grade = sorted((pair for pair in keyed if pair[1].grade == count.grade),
                          key=lambda pair: (pair[0], pair[1].uscc))
        drawn.extend(of_grade[:count.drawn])
    return sorted(drawn, key=lambda pair: (pair[0], pair[1].uscc))


def _team(spec: Spec, ranker: Ranker, entity: Entity, load: dict[str, int]) -> list[str]:
    """One department at a time first (joint plans), then anyone: the least-loaded eligible
    inspector not yet in the team, ties broken by rank, then certificate. (Ranks are computed
    only for the least-loaded candidates: the same choice, far fewer hashes.)"""
    pool = eligible(spec, entity)
    ties: dict[str, bytes] = {}
    team: list[str] = []

    def tie(certificate: str) -> bytes:
        if certificate not in ties:
            ties[certificate] = ranker("inspector", entity.uscc, certificate)
        return ties[certificate]

    def pick(candidates: list[Inspector]) -> None:
        free = [i.certificate for i in candidates if i.certificate not in team]
        if not free:
            raise DrawInputError(f"no eligible inspector left for {entity.uscc}")
        low = min(load[c] for c in free)
        best = min((c for c in free if load[c] == low), key=lambda c: (tie(c), c))
        team.append(best)
        load[best] += 1

    if len(spec.departments) > 1:
        for department in spec.departments:
            pick([i for i in pool if i.department == department])
    while len(team) < spec.team_size:
        pick(pool)
    return team


def run(inputs: Mapping[str, Any], seed: bytes, witness: str | None = None,
        progress: Progress | None = None) -> dict[str, Any]:
    """The result of the draw by the algorithm the inputs name (v2 with its witness; v1 takes
    none): counts per grade, the inspections in visiting order with their teams, and every
    inspector's load. Raises DrawInputError on bad inputs, a missing or malformed witness, or
    when an entity in scope cannot get a full team (the commitment refuses such inputs).
    `progress(done, total)`, when given, is told how many of the `total` drawn entities have
    their teams: once at 0, then at most PROGRESS_STEPS times more, the last at the total (it
    does not change the result)."""
    algorithm, key = _rank_key(inputs, seed, witness)
    spec = parse(inputs)
    trouble = problems(spec)
    if trouble:
        raise DrawInputError("too few eligible inspectors for "
                             + ", ".join(p.uscc for p in trouble[:10]))
    counts = grade_counts(spec)
    ranker = Ranker(key)
    load = {i.certificate: 0 for i in spec.inspectors}
    inspections = []
    drawn = _select(spec, ranker, counts)
    total, every = len(drawn), max(1, math.ceil(len(drawn) / PROGRESS_STEPS))
    if progress is not None:
        progress(0, total)
    for n, (_rank, entity) in enumerate(drawn, start=1):
        inspections.append({"n": n, "uscc": entity.uscc, "grade": entity.grade,
                            "inspectors": _team(spec, ranker, entity, load)})
        if progress is not None and (n % every == 0 or n == total):
            progress(n, total)
    result: dict[str, Any] = {
        "algorithm": algorithm,
        "inputs_sm3": sm3_hex(canonical(inputs)),
        "seed_sm3": sm3_hex(seed),
        "team_size": spec.team_size,
        "grades": [{"grade": c.grade, "in_scope": c.in_scope,
                    "ratio_percent": decimal_text(c.ratio_percent), "drawn": c.drawn}
                   for c in counts],
        "inspections": inspections,
        "load": [{"certificate": cert, "inspections": load[cert]} for cert in sorted(load)],
    }
    if algorithm == ALGORITHM_V2:
        result["witness"] = witness
    return result


# --- checking a published bundle ----------------------------------------------------------


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str = ""


def _seed_bytes(raw: Any) -> bytes | None:
    if not isinstance(raw, str) or not _HEX64.match(raw):
        return None
    return bytes.fromhex(raw)


def verify_bundle(bundle: Mapping[str, Any]) -> list[Check]:
    """Check a bundle on its own: its inputs hash to its inputs_sm3, its seed to its seed_sm3,
    (v2) its witness is well-formed, and re-running the draw by the algorithm its inputs name
    gives exactly its result. (Whether those hashes, and the witness, are the ones in the
    ledger is for the caller to check against the ledger's entries.)"""
    checks: list[Check] = []
    inputs = bundle.get("inputs")
    if bundle.get("bundle") != BUNDLE_FORMAT or not isinstance(inputs, Mapping):
        return [Check("format", False, f"not a {BUNDLE_FORMAT} bundle")]
    try:
        inputs_hash = sm3_hex(canonical(inputs))
    except DrawInputError as exc:
        return [Check("inputs", False, str(exc))]
    checks.append(Check("inputs_sm3", inputs_hash == bundle.get("inputs_sm3"), inputs_hash))
    seed = _seed_bytes(bundle.get("seed"))
    if seed is None:
        checks.append(Check("seed", bundle.get("seed") is None and bundle.get("result") is None,
                            "not revealed yet"))
        return checks
    checks.append(Check("seed_sm3", sm3_hex(seed) == bundle.get("seed_sm3"), sm3_hex(seed)))
    if bundle.get("status") == "cancelled":
        checks.append(Check("result", bundle.get("result") is None,
                            "cancelled before the draw: no result"))
        return checks
    witness = bundle.get("witness")
    if inputs.get("algorithm") == ALGORITHM_V2:
        problem = witness_problem(witness)
        checks.append(Check("witness", problem is None, problem or str(witness)))
    try:
        again = canonical(run(inputs, seed, witness))
    except DrawInputError as exc:
        return [*checks, Check("result", False, str(exc))]
    published = bundle.get("result")
    try:
        same = isinstance(published, Mapping) and canonical(published) == again
    except DrawInputError:
        same = False
    checks.append(Check("result", same, f"{len(json.loads(again)['inspections'])} inspections"))
    checks.append(Check("result_sm3", sm3_hex(again) == bundle.get("result_sm3"),
                        sm3_hex(again)))
    return checks


def main(argv: Sequence[str]) -> int:
    if len(argv) != 2:
        print("usage: python drawing.py bundle.json", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as handle:
        bundle = json.load(handle)
    checks = verify_bundle(bundle)
    for check in checks:
        print(f"{'OK  ' if check.ok else 'FAIL'} {check.name} {check.detail}")
    return 0 if checks and all(c.ok for c in checks) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
