"""The linkage model for Chinese person records: blocking rules, comparisons with their prior
m probabilities, training, and the settled model that scores the pairs.

Comparisons (levels in order, after "null": a side missing says nothing):
- id_number: exact; one typo or transposition (Damerau–Levenshtein 1); else
- name: exact (term-frequency adjusted: 王伟 agreeing says less than 欧阳娜娜); one character
  different; else. Names are compared as characters, without pinyin: a homophone typo is one
  character different, which the second level catches.
- birth_date: exact; a day apart; else.   - gender: exact; else.
- phone: exact (term-frequency adjusted: a number a whole village registered under says
  little); one typo; else.                - region_code (county): exact; else.

Training: u from random pairs; m by expectation maximisation on pairs sharing an ID number
(trains every comparison but the ID number's), then on pairs sharing birth date and surname —
or name and county where no input has a birth date — (trains the ID number's). The m values
start from the priors below (what registers are known to look like), and where the data cannot
train a level (no duplicates of that kind, a column absent on one side) the prior stays.

Settling: every m is floored at M_FLOOR and every u at U_FLOOR before scoring. EM on clean data
learns m = 0 for a disagreement it never saw, which would make that one disagreement absolute
proof of two different persons (a match weight of -70); real registers have name changes and
typing errors beyond one character, so no single field may veto: the floor bounds a
disagreement's weight at about log2(M_FLOOR) ≈ -7.6.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any

from splink import Linker, SettingsCreator, block_on
from splink import comparison_level_library as cll
from splink import comparison_library as cl
from splink.internals.exceptions import EMTrainingException

# Prior m per non-null level, in the levels' order (they sum to 1 per comparison).
PRIOR_M: dict[str, tuple[float, ...]] = {
    "id_number": (0.85, 0.12, 0.03),
    "name": (0.85, 0.12, 0.03),
    "birth_date": (0.92, 0.04, 0.04),
    "gender": (0.98, 0.02),
    "phone": (0.55, 0.02, 0.43),  # people change numbers
    "region_code": (0.80, 0.20),  # and move
}
M_FLOOR, U_FLOOR = 0.005, 1e-6
MIN_EM_PAIRS = 200


def _one_edit(column: str, keep: int) -> cll.CustomLevel:
    """Damerau–Levenshtein distance at most 1 (one typo, one transposition, one character
    more or less), behind a cheap filter: one edit leaves the first or the last `keep`
    characters of a string at least 2 * keep + 2 long unchanged, so the costly distance runs
    on about one random pair in a hundred rather than on all (u training samples millions)."""
    left, right = f"{column}_l", f"{column}_r"
    return cll.CustomLevel(
        f"(left({left}, {keep}) = left({right}, {keep}) "
        f"OR right({left}, {keep}) = right({right}, {keep})) "
        f"AND damerau_levenshtein({left}, {right}) <= 1",
        label_for_charts=f"{column}: one typo or transposition", base_dialect_str="duckdb")


def _levels(column: str) -> list[Any]:
    specific: dict[str, list[Any]] = {
        "id_number": [cll.ExactMatchLevel("id_number"), _one_edit("id_number", 6)],
        "name": [cll.ExactMatchLevel("name", term_frequency_adjustments=True),
                 cll.DamerauLevenshteinLevel("name", 1)],
        "birth_date": [cll.ExactMatchLevel("birth_date"),
                       cll.CustomLevel("abs(date_diff('day', birth_date_l, birth_date_r)) <= 1",
                                       label_for_charts="a day apart",
                                       base_dialect_str="duckdb")],
        "gender": [cll.ExactMatchLevel("gender")],
        "phone": [cll.ExactMatchLevel("phone", term_frequency_adjustments=True),
                  _one_edit("phone", 4)],
        "region_code": [cll.ExactMatchLevel("region_code")],
    }
    return [*specific[column], cll.ElseLevel()]


def comparisons(present: Sequence[str]) -> list[cl.CustomComparison]:
    out = []
    for column in present:
        levels = [level.configure(m_probability=m)
                  for level, m in zip(_levels(column), PRIOR_M[column], strict=True)]
        out.append(cl.CustomComparison([cll.NullLevel(column), *levels],
                                       output_column_name=column))
    return out


def blocking_rules(present: Sequence[str]) -> list[Any]:
    """The same ID number; the same phone; birth date and surname; name and county; name and
    the ID number's birth-date part; name and its last four characters (so a transposition
    across the county and birth-date parts still meets its record)."""
    rules = [block_on("id_number")]
    if "phone" in present:
        rules.append(block_on("phone"))
    if "birth_date" in present:
        rules.append(block_on("birth_date", "surname"))
    rules += [block_on("name", "area"), block_on("name", "id_birth"),
              block_on("name", "id_tail")]
    return rules


def settings(present: Sequence[str], sources: int, prior: float) -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only" if sources == 1 else "link_and_dedupe",
        comparisons=list(comparisons(present)),
        blocking_rules_to_generate_predictions=blocking_rules(present),
        probability_two_random_records_match=prior,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def train(linker: Linker, present: Sequence[str], *, u_max_pairs: float, em_max_pairs: float,
          seed: int, step: Callable[[int, int], None],
          pairs: Callable[[Sequence[str]], int]) -> list[dict[str, Any]]:
    """The three training steps. An EM step whose blocking rule finds fewer than MIN_EM_PAIRS
    pairs (`pairs(columns)` counts them) is skipped, the priors standing in: on a handful of
    pairs EM takes whatever they share for the mark of a match (one number copied into
    another person's record would teach it that different names match). Returns what each
    step did."""
    training = linker.training
    training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=seed)
    done: list[dict[str, Any]] = [{"step": "u", "trained": True}]
    step(1, 3)
    rules = [("id_number",), ("birth_date", "surname") if "birth_date" in present
             else ("name", "area")]
    for i, columns in enumerate(rules):
        found = pairs(columns)
        if found < MIN_EM_PAIRS:
            done.append({"step": "em " + " + ".join(columns), "trained": False,
                         "pairs": found})
            step(2 + i, 3)
            continue
        try:
            training.estimate_parameters_using_expectation_maximisation(
                block_on(*columns), estimate_without_term_frequencies=True,
                max_pairs=em_max_pairs)
        except EMTrainingException:
            done.append({"step": "em " + " + ".join(columns), "trained": False, "pairs": found})
        else:
            done.append({"step": "em " + " + ".join(columns), "trained": True, "pairs": found})
        step(2 + i, 3)
    return done


def settle(model: dict[str, Any]) -> dict[str, Any]:
    """The trained model with every level's m and u set and floored (see the module's
    docstring); m renormalised per comparison."""
    out = copy.deepcopy(model)
    for comparison in out.get("comparisons", []):
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        priors = PRIOR_M.get(comparison.get("output_column_name", ""), ())
        for i, level in enumerate(levels):
            m = level.get("m_probability")
            if m is None:
                m = priors[i] if i < len(priors) else 1 / len(levels)
            level["m_probability"] = max(float(m), M_FLOOR)
            u = level.get("u_probability")
            if u is None:
                u = 1.0 if i == len(levels) - 1 else U_FLOOR
            level["u_probability"] = max(float(u), U_FLOOR)
        total = sum(lv["m_probability"] for lv in levels)
        for level in levels:
            level["m_probability"] /= total
    return out


def settled_linker(linker: Linker, frames: Any) -> Linker:
    """A linker over the same inputs with the settled model."""
    model = settle(linker.misc.save_model_to_json())
    return Linker(frames, model, log_level=None)
