"""The standard population rule set in Great Expectations 1.x on pandas, for bench/lake_audit.py.

Runs inside the benchmark's own venv (.venv-bench-ge, from requirements/bench-ge-lock.txt), never
the product's: `python bench/lake_audit_ge.py <file.parquet> <audit date> <regions file>` prints
one JSON object with the failed (and, where GE says it, checked) count of each rule and the time
of each stage.

GE has no check-digit or ID-date expectation, so the ID columns GE checks are computed first, the
way its users do it: vectorised pandas string and integer operations on the loaded frame (part of
the timed work, as is loading the file). Then one expectation suite, validated once:
  id_number_valid    id_ok in {1}, rows with an ID (row condition)
  birth_date_agrees  birth_date == id_birth, rows whose ID is valid, either side null ignored
  gender_agrees      gender == id_gender, likewise
  region_code_valid  region_code in the reference codes (GE skips nulls)
  phone_valid        phone matches the two phone patterns (GE skips nulls)
  name_present       name not null + name holds something besides spaces (ASCII or U+3000)
                     (two expectations, their failures are disjoint and add up)
  id_number_unique   id_number unique (GE counts every row of a repeated value, skips nulls)
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

WEIGHTS_HEAD = (7, 9, 10, 5, 8, 4, 2, 1, 6)  # digits 1-9
WEIGHTS_TAIL = (3, 7, 9, 10, 5, 8, 4, 2)  # digits 10-17
PHONE = r"^1[3-9][0-9]{9}$|^0[0-9]{2,3}-?[0-9]{7,8}$"


def _weighted(values: np.ndarray, weights: tuple[int, ...]) -> np.ndarray:
    """Σ digit × weight over the decimal digits of `values` (most significant first)."""
    total = np.zeros(len(values), dtype=np.int64)
    for power, weight in enumerate(reversed(weights)):
        total += (values // 10**power) % 10 * weight
    return total


def add_id_columns(df: pd.DataFrame, audit_date: dt.date) -> None:
    """id_ok (1 when the ID passes rule 1, else 0), id_birth, id_gender."""
    ids = df["id_number"]
    shaped = ids.str.fullmatch(r"[0-9]{17}[0-9X]").fillna(False).astype(bool).to_numpy()
    good = ids[shaped]
    head = good.str.slice(0, 9).astype("int64").to_numpy()
    tail = good.str.slice(9, 17).astype("int64").to_numpy()
    expected = np.array(list("10X98765432"))[
        (_weighted(head, WEIGHTS_HEAD) + _weighted(tail, WEIGHTS_TAIL)) % 11]
    check_ok = expected == good.str.slice(17, 18).to_numpy(dtype=str)
    born = pd.to_datetime(good.str.slice(6, 14), format="%Y%m%d", errors="coerce")
    in_range = ((born >= pd.Timestamp("1900-01-01"))
                & (born <= pd.Timestamp(audit_date))).to_numpy()
    ok = np.zeros(len(df), dtype=np.int8)
    ok[shaped] = check_ok & in_range
    df["id_ok"] = ok
    df["id_birth"] = pd.Series(born, index=good.index).reindex(df.index)
    odd = (tail % 2 == 1)  # digit 17 is the last digit of the tail
    df["id_gender"] = pd.Series(np.where(odd, "男", "女"), index=good.index).reindex(df.index)


def suite(gx: Any, regions: list[str]) -> Any:
    from great_expectations.expectations.row_conditions import Column

    e = gx.expectations
    valid = Column("id_ok") == 1
    out = gx.ExpectationSuite(name="population")
    for expectation in [
        e.ExpectColumnValuesToBeInSet(column="id_ok", value_set=[1],
                                      row_condition=Column("id_number").is_not_null(),
                                      meta={"rule": "id_number_valid"}),
        e.ExpectColumnPairValuesToBeEqual(column_A="birth_date", column_B="id_birth",
                                          row_condition=valid,
                                          ignore_row_if="either_value_is_missing",
                                          meta={"rule": "birth_date_agrees"}),
        e.ExpectColumnPairValuesToBeEqual(column_A="gender", column_B="id_gender",
                                          row_condition=valid,
                                          ignore_row_if="either_value_is_missing",
                                          meta={"rule": "gender_agrees"}),
        e.ExpectColumnValuesToBeInSet(column="region_code", value_set=regions,
                                      meta={"rule": "region_code_valid"}),
        e.ExpectColumnValuesToMatchRegex(column="phone", regex=PHONE,
                                         meta={"rule": "phone_valid"}),
        e.ExpectColumnValuesToNotBeNull(column="name", meta={"rule": "name_present"}),
        e.ExpectColumnValuesToMatchRegex(column="name", regex="[^ \u3000]",
                                         meta={"rule": "name_present"}),
        e.ExpectColumnValuesToBeUnique(column="id_number", meta={"rule": "id_number_unique"}),
    ]:
        out.add_expectation(expectation)
    return out


def validate(df: pd.DataFrame, regions: list[str]) -> dict[str, dict[str, int]]:
    import great_expectations as gx

    context = gx.get_context(mode="ephemeral")
    asset = context.data_sources.add_pandas("bench").add_dataframe_asset("population")
    batch = asset.add_batch_definition_whole_dataframe("all").get_batch(
        batch_parameters={"dataframe": df})
    result = batch.validate(suite(gx, regions), result_format="SUMMARY")
    counts: dict[str, dict[str, int]] = {}
    for one in result.results:
        rule = one.expectation_config.meta["rule"]
        kind = one.expectation_config.type
        got = one.result
        entry = counts.setdefault(rule, {"failed": 0})
        entry["failed"] += int(got.get("unexpected_count") or 0)
        if kind == "expect_column_values_to_not_be_null":
            entry["checked"] = int(got["element_count"])  # every row
        elif rule != "name_present":
            # element_count: the rows the expectation saw (after its row condition);
            # missing_count: those it skipped for a null.
            entry["checked"] = int(got["element_count"]) - int(got.get("missing_count") or 0)
    return counts


def main() -> None:
    path, audit_date = Path(sys.argv[1]), dt.date.fromisoformat(sys.argv[2])
    regions = Path(sys.argv[3]).read_text(encoding="utf-8").split()
    warnings.filterwarnings("ignore")
    began, cpu = time.perf_counter(), time.process_time()
    df = pd.read_parquet(path)
    df["birth_date"] = pd.to_datetime(df["birth_date"])  # date objects -> datetime64, as id_birth
    loaded = time.perf_counter()
    add_id_columns(df, audit_date)
    computed = time.perf_counter()
    counts = validate(df, regions)
    done = time.perf_counter()
    import great_expectations as gx

    print(json.dumps({
        "rows": len(df), "results": counts, "load_s": loaded - began,
        "helpers_s": computed - loaded, "validate_s": done - computed, "total_s": done - began,
        "cpu_s": time.process_time() - cpu,
        "versions": {"great_expectations": gx.__version__, "pandas": pd.__version__,
                     "numpy": np.__version__},
    }))


if __name__ == "__main__":
    main()
