"""The draw algorithm alone (jingchu.supervision.drawing, no database): SM3 and HMAC-SM3,
canonical JSON, reproducibility and independence of input order, exact counts per grade with
caps and key items, conflicts never drawn, joint teams, balanced load, refused inputs, the
witness of jingchu-draw-v2 (it changes the result; its form; v1 takes none), and the published
test vectors of docs/supervision-draw.md (v1 and v2)."""

from __future__ import annotations

import copy
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from jingchu.supervision import drawing

SEED = bytes(range(32))
WITNESS = "见证码 2026-10-20 第3号"
RULES = [{"grade": "A", "factor": "0.50", "cap_percent": "5.00"},
         {"grade": "B", "factor": "1.00", "cap_percent": "10.00"},
         {"grade": "C", "factor": "2.00", "cap_percent": "30.00"},
         {"grade": "D", "factor": "3.00", "cap_percent": None}]


def uscc(n: int) -> str:
    return f"91420100{n:010d}"


def make_inputs(entities: int = 40, *, ratio: str = "10.00", partners: tuple[str, ...] = (),
                inspectors: int = 6, partner_inspectors: int = 3, key: bool = False,
                exclude: dict[int, list[str]] | None = None, per_entity: int = 2,
                grades: str = "AAAAAAAAAABBBBBBBBBBBBBBBBBBBBCCCCCCDDDD") -> dict[str, Any]:
    staff = [{"certificate": f"ZF-SC-{n:04d}", "department": "LEAD"}
             for n in range(1, inspectors + 1)]
    for partner in partners:
        staff += [{"certificate": f"ZF-{partner}-{n:04d}", "department": partner}
                  for n in range(1, partner_inspectors + 1)]
    return {
        "algorithm": drawing.ALGORITHM,
        "plan": {"number": "420100-CC-2026-0001", "lead_department": "LEAD",
                 "partner_departments": list(partners), "ratio_percent": ratio,
                 "inspectors_per_entity": per_entity,
                 "items": [{"code": "SC-001", "department": "LEAD", "is_key": key}]},
        "rules": copy.deepcopy(RULES),
        "entities": [{"uscc": uscc(i), "grade": grades[i % len(grades)],
                      "exclude": sorted((exclude or {}).get(i, []))} for i in range(entities)],
        "inspectors": staff,
    }


def run(inputs: dict[str, Any], seed: bytes = SEED, witness: str = WITNESS) -> dict[str, Any]:
    """drawing.run of v2 inputs with a witness."""
    return drawing.run(inputs, seed, witness)


def shuffled(inputs: dict[str, Any], seed: int) -> dict[str, Any]:
    """The same inputs with every list the algorithm treats as a set in another order."""
    other = copy.deepcopy(inputs)
    rng = random.Random(seed)
    for key in ("entities", "inspectors", "rules"):
        rng.shuffle(other[key])
    for entity in other["entities"]:
        rng.shuffle(entity["exclude"])
    rng.shuffle(other["plan"]["partner_departments"])
    return other


def test_sm3_and_hmac_sm3_known_answers() -> None:
    # GB/T 32905 appendix A example 1, and HMAC-SM3 of RFC 2104's first test case shape
    assert drawing.sm3(b"abc").hex() == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")
    long_key = bytes(100)
    assert drawing.hmac_sm3(long_key, b"x") == drawing.hmac_sm3(drawing.sm3(long_key), b"x")
    assert drawing.hmac_sm3(b"k", b"m") != drawing.hmac_sm3(b"k", b"n")


def test_canonical_json_is_sorted_compact_utf8_and_refuses_floats() -> None:
    assert drawing.canonical({"b": [1, "荆楚"], "a": None}) == '{"a":null,"b":[1,"荆楚"]}'.encode()
    with pytest.raises(drawing.DrawInputError):
        drawing.canonical({"ratio": 0.5})


def test_same_inputs_and_seed_give_the_same_result_in_any_order() -> None:
    inputs = make_inputs(exclude={3: ["ZF-SC-0001"], 7: ["ZF-SC-0002", "ZF-SC-0003"]})
    first = run(inputs)
    assert run(copy.deepcopy(inputs)) == first
    for n in range(5):
        again = run(shuffled(inputs, n))
        assert again["inspections"] == first["inspections"]
        assert again["grades"] == first["grades"] and again["load"] == first["load"]
    assert run(inputs, bytes(32))["inspections"] != first["inspections"]


def test_the_witness_changes_the_result() -> None:
    inputs = make_inputs(exclude={3: ["ZF-SC-0001"]})
    first = run(inputs, SEED, WITNESS)
    other = run(inputs, SEED, "见证码 2026-10-20 第4号")
    assert first["inspections"] != other["inspections"]
    assert first["grades"] == other["grades"]  # the counts come from the inputs alone
    assert (first["witness"], other["witness"]) == (WITNESS, "见证码 2026-10-20 第4号")
    assert run(copy.deepcopy(inputs), SEED, WITNESS) == first
    # the effective seed: HMAC-SM3 keyed with the seed over ["witness", witness]
    key = drawing.effective_seed(SEED, WITNESS)
    assert key == drawing.hmac_sm3(SEED, '["witness","见证码 2026-10-20 第3号"]'.encode())
    assert key != drawing.effective_seed(SEED, "见证码 2026-10-20 第4号")
    v1 = dict(inputs, algorithm=drawing.ALGORITHM_V1)
    assert drawing.run(v1, key)["inspections"] == first["inspections"]


@pytest.mark.parametrize("witness", ["7", "见证码 2026-10-20 第3号", "A" * 64, "No. 12-α ✓"])
def test_well_formed_witnesses(witness: str) -> None:
    assert drawing.witness_problem(witness) is None
    assert run(make_inputs(8), SEED, witness)["witness"] == witness


@pytest.mark.parametrize("witness", [None, "", "A" * 65, "第3号\n", "a\x07b", " 12", "12 ",
                                     "1  2", "１２", "1\u200b2", "1\u30002", 12])
def test_malformed_witnesses_are_refused(witness: Any) -> None:
    assert drawing.witness_problem(witness) is not None
    with pytest.raises(drawing.DrawInputError):
        drawing.run(make_inputs(8), SEED, witness)


def test_v1_takes_no_witness_and_v2_needs_one() -> None:
    v1 = dict(make_inputs(8), algorithm=drawing.ALGORITHM_V1)
    assert "witness" not in drawing.run(v1, SEED)
    assert drawing.run(v1, SEED)["algorithm"] == "jingchu-draw-v1"
    with pytest.raises(drawing.DrawInputError, match="no witness"):
        drawing.run(v1, SEED, WITNESS)
    with pytest.raises(drawing.DrawInputError):
        drawing.run(make_inputs(8), SEED)
    assert drawing.ALGORITHM == drawing.ALGORITHM_V2 == "jingchu-draw-v2"


def test_counts_per_grade_follow_ratio_factor_and_caps() -> None:
    result = run(make_inputs(ratio="10.00"))
    # A: 10 × min(10×0.5, 5)% → 1; B: 20 × 10% → 2; C: 6 × 20% → ceil(1.2) = 2; D: 4 × 30% → 2
    assert [(g["grade"], g["in_scope"], g["ratio_percent"], g["drawn"])
            for g in result["grades"]] == [("A", 10, "5", 1), ("B", 20, "10", 2),
                                           ("C", 6, "20", 2), ("D", 4, "30", 2)]
    drawn = Counter(row["grade"] for row in result["inspections"])
    assert drawn == {"A": 1, "B": 2, "C": 2, "D": 2}
    capped = run(make_inputs(ratio="40.00"))["grades"]
    # caps: A 5%, B 10%, C 30%; D has none: 120% → 100%
    assert [g["ratio_percent"] for g in capped] == ["5", "10", "30", "100"]
    assert [g["drawn"] for g in capped] == [1, 2, 2, 4]


def test_a_key_item_lifts_the_caps() -> None:
    grades = run(make_inputs(ratio="40.00", key=True))["grades"]
    assert [g["ratio_percent"] for g in grades] == ["20", "40", "80", "100"]
    assert [g["drawn"] for g in grades] == [2, 8, 5, 4]


def test_counts_are_exact_decimals_not_floats() -> None:
    # 0.1 × 3 = 0.3 exactly (in floats 0.30000000000000004, and 1000 × that / 100 rounds up
    # to 4); the grade without a rule has factor 1 and no cap
    inputs = make_inputs(1000, ratio="0.10", grades="C")
    inputs["rules"] = [{"grade": "C", "factor": "3.00", "cap_percent": None}]
    assert run(inputs)["grades"] == [
        {"grade": "C", "in_scope": 1000, "ratio_percent": "0.3", "drawn": 3}]
    inputs["rules"] = []
    assert run(inputs)["grades"][0]["drawn"] == 1


def test_conflicts_are_never_drawn_whatever_the_seed() -> None:
    # every entity excludes three of the six inspectors, differently
    certificates = [f"ZF-SC-{n:04d}" for n in range(1, 7)]
    exclude = {i: [certificates[(i + k) % 6] for k in range(3)] for i in range(40)}
    inputs = make_inputs(ratio="50.00", exclude=exclude)
    by_uscc = {row["uscc"]: set(row["exclude"]) for row in inputs["entities"]}
    for n in range(150):
        result = run(inputs, random.Random(n).randbytes(32))
        assert result["inspections"]
        for row in result["inspections"]:
            assert not set(row["inspectors"]) & by_uscc[row["uscc"]]
            assert len(set(row["inspectors"])) == 2


def test_load_is_balanced_without_conflicts() -> None:
    result = run(make_inputs(200, ratio="30.00", inspectors=7))
    loads = [row["inspections"] for row in result["load"]]
    assert max(loads) - min(loads) <= 1
    assert sum(loads) == 2 * len(result["inspections"])


def test_joint_plan_sends_one_inspector_of_each_department() -> None:
    inputs = make_inputs(ratio="30.00", partners=("HJ", "ZJ"), per_entity=2)
    result = run(inputs)
    assert result["team_size"] == 3
    department = {i["certificate"]: i["department"] for i in inputs["inspectors"]}
    for row in result["inspections"]:
        assert {department[c] for c in row["inspectors"]} == {"LEAD", "HJ", "ZJ"}
    assert len({row["uscc"] for row in result["inspections"]}) == len(result["inspections"])


def test_too_few_eligible_inspectors_are_reported_and_refused() -> None:
    inputs = make_inputs(partners=("HJ",), partner_inspectors=1,
                         exclude={5: ["ZF-HJ-0001"], 6: [f"ZF-SC-{n:04d}" for n in range(1, 7)]})
    problems = drawing.problems(drawing.parse(inputs))
    assert [(p.uscc, p.missing_departments) for p in problems] == [
        (uscc(5), ("HJ",)), (uscc(6), ("LEAD",))]
    with pytest.raises(drawing.DrawInputError):
        run(inputs)


@pytest.mark.parametrize("change", [
    lambda i: i.update(algorithm="other-v9"),
    lambda i: i["plan"].update(ratio_percent="0"),
    lambda i: i["plan"].update(ratio_percent=5),
    lambda i: i["plan"].update(inspectors_per_entity=0),
    lambda i: i["entities"].append(dict(i["entities"][0])),
    lambda i: i["inspectors"].append({"certificate": "X", "department": "ELSEWHERE"}),
    lambda i: i["rules"].append({"grade": "A", "factor": "1", "cap_percent": None}),
])
def test_malformed_inputs_are_refused(change: Any) -> None:
    inputs = make_inputs(8)
    change(inputs)
    with pytest.raises(drawing.DrawInputError):
        run(inputs)
    with pytest.raises(drawing.DrawInputError):
        run(make_inputs(8), SEED[:16])


def vector_inputs() -> dict[str, Any]:
    """The test vector of docs/supervision-draw.md §8.1 (v1)."""
    return {
        "algorithm": "jingchu-draw-v1",
        "plan": {"lead_department": "11420100MB0000000X", "partner_departments": [],
                 "ratio_percent": "50.00", "inspectors_per_entity": 2,
                 "items": [{"code": "SC-001", "department": "11420100MB0000000X",
                            "is_key": False}]},
        "rules": [{"grade": "A", "factor": "0.50", "cap_percent": "5.00"},
                  {"grade": "B", "factor": "1.00", "cap_percent": None}],
        "entities": [{"uscc": f"9142010000000000{n:02d}", "grade": "AB"[n % 2],
                      "exclude": ["ZF-0001"] if n == 3 else []} for n in range(6)],
        "inspectors": [{"certificate": f"ZF-000{n}", "department": "11420100MB0000000X"}
                       for n in range(1, 4)],
    }


def test_published_test_vector() -> None:
    result = drawing.run(vector_inputs(), bytes(range(32)))
    assert [(g["grade"], g["ratio_percent"], g["drawn"]) for g in result["grades"]] == [
        ("A", "5", 1), ("B", "50", 2)]
    assert drawing.sm3_hex(drawing.canonical(vector_inputs())) == VECTOR_INPUTS_SM3
    assert drawing.sm3_hex(drawing.canonical(result)) == VECTOR_RESULT_SM3
    assert result["inspections"] == VECTOR_INSPECTIONS


VECTOR_INPUTS_SM3 = "61af66807aa0354e8e2f9d5eec89ba918b679158f31bbe0edeaadba55cd5cc15"
VECTOR_RESULT_SM3 = "529e96e3d29c34a39e4f738c75242af194fb4aca8139c7d4b6c4f1677774013b"
VECTOR_INSPECTIONS = [
    {"n": 1, "uscc": "914201000000000003", "grade": "B", "inspectors": ["ZF-0003", "ZF-0002"]},
    {"n": 2, "uscc": "914201000000000002", "grade": "A", "inspectors": ["ZF-0001", "ZF-0002"]},
    {"n": 3, "uscc": "914201000000000005", "grade": "B", "inspectors": ["ZF-0003", "ZF-0001"]},
]


def test_published_test_vector_v2() -> None:
    """The same inputs as v1's, named jingchu-draw-v2, with the seed 00…1f and a witness."""
    inputs = dict(vector_inputs(), algorithm="jingchu-draw-v2")
    assert drawing.sm3_hex(drawing.canonical(inputs)) == VECTOR_V2_INPUTS_SM3
    assert drawing.canonical(["witness", WITNESS]).hex() == VECTOR_V2_WITNESS_MESSAGE
    assert drawing.effective_seed(bytes(range(32)), WITNESS).hex() == VECTOR_V2_EFFECTIVE_SEED
    result = drawing.run(inputs, bytes(range(32)), WITNESS)
    assert result["inspections"] == VECTOR_V2_INSPECTIONS
    assert result["witness"] == WITNESS and result["algorithm"] == "jingchu-draw-v2"
    assert drawing.sm3_hex(drawing.canonical(result)) == VECTOR_V2_RESULT_SM3


VECTOR_V2_INPUTS_SM3 = "3c21fbf3126b6570caddabd80b70aa81bef29b074c21aa9dc897879b2fb289fc"
VECTOR_V2_WITNESS_MESSAGE = ("5b227769746e657373222c22e8a781e8af81e7a08120323032362d31302d3230"
                             "20e7acac33e58fb7225d")
VECTOR_V2_EFFECTIVE_SEED = "156100592c86dff20043e8dd2e1e1f97742d034d77e3b6dcf65fb1fb39ec212b"
VECTOR_V2_RESULT_SM3 = "7f95e0cae8012e1cd5e7fab88deb3bdafe55612936220a9c7465c2a6d0acd940"
VECTOR_V2_INSPECTIONS = [
    {"n": 1, "uscc": "914201000000000004", "grade": "A", "inspectors": ["ZF-0002", "ZF-0001"]},
    {"n": 2, "uscc": "914201000000000003", "grade": "B", "inspectors": ["ZF-0003", "ZF-0002"]},
    {"n": 3, "uscc": "914201000000000005", "grade": "B", "inspectors": ["ZF-0001", "ZF-0003"]},
]


def test_the_docs_publish_both_vectors() -> None:
    docs = Path(__file__).resolve().parents[3] / "docs" / "supervision-draw.md"
    text = docs.read_text(encoding="utf-8")
    for value in (VECTOR_INPUTS_SM3, VECTOR_RESULT_SM3, VECTOR_V2_INPUTS_SM3,
                  VECTOR_V2_WITNESS_MESSAGE, VECTOR_V2_EFFECTIVE_SEED, VECTOR_V2_RESULT_SM3,
                  WITNESS):
        assert value in text, value
    v1_bytes = drawing.canonical(vector_inputs()).decode()
    assert v1_bytes in text
