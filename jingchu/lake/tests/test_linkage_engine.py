"""The linkage engine on generated person records with known duplicates (no database).

The population: 3,000 persons of the demo population generator and 400 corrupted copies (name
typos, transposed ID digits, missing or other phones, birth dates a day off: linkage_synth).
Measured on this data (seed 5): pairwise precision 1.000 and recall 0.983 for the dedupe; for
the link, 797 of the 809 enrolment records of base persons find their person. The assertions
leave a margin below those figures.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from jingchu.core.crypto import hmac_sm3
from jingchu.core.identifiers import id_check_char
from jingchu.lake import linkage, linkage_keys, linkage_report, linkage_synth

SECRET = b"linkage-test-secret"
NEW_ID = "42010219900102007" + id_check_char("42010219900102007")
OPTIONS: dict[str, Any] = {"u_max_pairs": 3e5, "em_max_pairs": 2e5}


def _write(table: pa.Table, path: Path) -> Path:
    pq.write_table(table, path)
    return path


def pairwise(map_path: Path, files: dict[str, Path]) -> dict[str, float]:
    """Precision and recall over record pairs: same person key vs same true person."""
    con = duckdb.connect()
    con.execute("CREATE TABLE t (ds VARCHAR, r BIGINT, truth BIGINT)")
    for name, path in files.items():
        con.execute("INSERT INTO t SELECT ?, file_row_number, truth "
                    "FROM read_parquet(?, file_row_number = true)", [name, str(path)])
    con.execute("CREATE TABLE j AS SELECT t.ds, t.r, t.truth, m.person_key FROM t "
                "JOIN read_parquet(?) m ON m.source_dataset = t.ds AND m.source_row = t.r",
                [str(map_path)])
    found, right, true = con.execute("""
        SELECT count(*) FILTER (WHERE a.person_key = b.person_key),
               count(*) FILTER (WHERE a.person_key = b.person_key AND a.truth = b.truth),
               count(*) FILTER (WHERE a.truth = b.truth)
        FROM j a JOIN j b ON (a.ds, a.r) < (b.ds, b.r)
         AND (a.person_key = b.person_key OR a.truth = b.truth)
    """).fetchall()[0]
    return {"precision": right / found, "recall": right / true, "pairs": true}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("linkage")
    population = linkage_synth.population(3000, 400, seed=5)
    enrolment = linkage_synth.enrolment(population, 0.3)
    files = {"pop": _write(population, folder / "pop.parquet"),
             "si": _write(enrolment, folder / "si.parquet")}
    dedupe = linkage.dedupe(linkage.Source("pop", files["pop"]), folder / "dedupe.parquet",
                            secret=SECRET, options=linkage.Options(**OPTIONS))
    linked = linkage.link(linkage.Source("pop", files["pop"]),
                          [linkage.Source("si", files["si"])], folder / "link.parquet",
                          secret=SECRET, options=linkage.Options(**OPTIONS))
    return {"folder": folder, "files": files, "population": population,
            "enrolment": enrolment, "dedupe": dedupe, "link": linked}


def test_dedupe_finds_the_true_clusters(world: dict[str, Any]) -> None:
    result = world["dedupe"]
    scores = pairwise(result.output, {"pop": world["files"]["pop"]})
    assert scores["pairs"] >= 400
    assert scores["precision"] >= 0.995
    assert scores["recall"] >= 0.96
    assert result.record_count == 3400
    # 3,000 persons; the few unlinked copies (several errors at once) add their own clusters.
    assert 3000 <= result.cluster_count <= 3020
    report = result.report
    assert report["records"] == 3400 and report["persons"] == result.cluster_count
    assert sum(b["count"] for b in report["histogram"]) == report["pairs"] == result.pair_count
    assert sum(s["size"] * s["count"] for s in report["cluster_sizes"]) == 3400
    assert [s["size"] for s in report["cluster_sizes"]][:2] == [1, 2]
    assert set(result.seconds) == set(linkage.STAGES)


def test_link_puts_enrolment_records_with_their_person(world: dict[str, Any]) -> None:
    result, enrolment = world["link"], world["enrolment"]
    scores = pairwise(result.output, world["files"])
    assert scores["precision"] >= 0.995 and scores["recall"] >= 0.96
    si = next(s for s in result.report["sources"] if s["dataset"] == "si")
    of_base = sum(1 for t in enrolment.column("truth").to_pylist() if t >= 0)
    outsiders = enrolment.num_rows - of_base
    assert si["records"] == enrolment.num_rows
    assert of_base * 0.97 <= si["in_base"] <= of_base  # the outsiders stay outside
    assert outsiders > 0
    keys = pq.read_table(result.output).to_pylist()
    base_keys = {k["person_key"] for k in keys if k["source_dataset"] == "pop"}
    truths = enrolment.column("truth").to_pylist()
    wrong = [k for k in keys if k["source_dataset"] == "si" and truths[k["source_row"]] < 0
             and k["person_key"] in base_keys]
    assert wrong == []


def _keys_by_truth(map_path: Path, table: pa.Table) -> dict[int, set[str]]:
    truths = table.column("truth").to_pylist()
    out: dict[int, set[str]] = {}
    for row in pq.read_table(map_path).to_pylist():
        out.setdefault(truths[row["source_row"]], set()).add(row["person_key"])
    return out


def test_keys_are_stable_across_shuffled_and_grown_input(world: dict[str, Any]) -> None:
    population: pa.Table = world["population"]
    rows = population.to_pylist()
    random.Random(99).shuffle(rows)
    newcomer = dict(rows[0], id_number=NEW_ID, name="欧阳娜娜", truth=10**6,
                    phone="13900000000", birth_date=dt.date(1990, 1, 2))
    grown = pa.Table.from_pylist([*rows, newcomer], schema=population.schema)
    folder: Path = world["folder"]
    path = _write(grown, folder / "grown.parquet")
    again = linkage.dedupe(path, folder / "again.parquet", secret=SECRET,
                           options=linkage.Options(**OPTIONS))
    before = _keys_by_truth(world["dedupe"].output, population)
    after = _keys_by_truth(again.output, grown)
    anchored = {t: k for t, k in before.items() if all(x.startswith("P") for x in k)}
    assert len(anchored) >= 2990
    assert all(after[t] == keys for t, keys in anchored.items())
    assert after[10**6] == {linkage_keys.person_key(SECRET, NEW_ID)}


def test_key_is_keyed_sm3_of_the_anchor_id_number(world: dict[str, Any]) -> None:
    population: pa.Table = world["population"]
    original = [p.id_number for p in linkage_synth.persons(3000, 5)]
    by_truth = _keys_by_truth(world["dedupe"].output, population)
    for truth in list(by_truth)[:50]:
        expected = "P" + hmac_sm3(SECRET, b"jingchu:person-key:" +
                                  original[truth].encode()).hex()[:32]
        assert expected in by_truth[truth]
    assert linkage_keys.person_key(b"other", original[0]) not in by_truth[0]
    assert len(linkage_keys.person_key(SECRET, original[0])) == 33


def test_id_validity_in_sql_matches_gb11643() -> None:
    rng = random.Random(3)
    numbers = []
    for _ in range(300):
        body = f"42{rng.randrange(10**4):04d}19{rng.randrange(50, 99)}0{rng.randrange(1, 10)}" \
               f"{rng.randrange(10, 29)}{rng.randrange(1000):03d}"
        good = body + id_check_char(body)
        numbers += [good, linkage_synth.swap_id_digits(rng, good), body + "Z", good[:-2]]
    con = duckdb.connect()
    con.execute(linkage_keys.ID_OK_MACRO)
    got = con.execute("SELECT x, jc_id_ok(x) FROM unnest(?) AS t(x)", [numbers]).fetchall()
    for number, ok in got:
        expected = len(number) == 18 and number[-1] == id_check_char(number[:17])
        assert ok == expected, number


def test_samples_are_masked(world: dict[str, Any]) -> None:
    report = world["link"].report
    samples = report["samples"]
    assert 1 <= len(samples) <= 8 and any(s["borderline"] for s in samples)
    clear = set()
    for row in world["population"].to_pylist():
        clear.update({row["id_number"], row["phone"] or "-", row["name"]})
    for sample in samples:
        assert sample["size"] >= 2 and sample["person_key"][0] in "PN"
        for record in sample["records"]:
            assert record["id_number"] not in clear and "*" in record["id_number"]
            assert record["name"] not in clear and "*" in record["name"]
            assert not record["phone"] or ("*" in record["phone"]
                                           and record["phone"] not in clear)
            assert set(record) >= {"dataset", "row", "birth_year"}
            assert "birth_date" not in record


def test_report_model_and_threshold_weight(world: dict[str, Any]) -> None:
    report = world["dedupe"].report
    columns = [c["column"] for c in report["model"]]
    assert columns == ["id_number", "name", "gender", "birth_date", "phone", "region_code"]
    id_levels = report["model"][0]["levels"]
    assert id_levels[0]["weight"] > 8 and id_levels[-1]["weight"] < 0
    assert report["threshold_weight"] == pytest.approx(4.248, abs=0.001)
    assert linkage_report.threshold_weight(0.5) == 0


def test_column_mapping_and_missing_columns(tmp_path: Path) -> None:
    population = linkage_synth.population(300, 40, seed=9)
    renamed = population.rename_columns(["sfzh", "xm", "xb", "csrq", "lxdh", "xzqh", "dz",
                                         "truth"])
    path = _write(renamed, tmp_path / "renamed.parquet")
    source = linkage.Source("renamed", path, columns={
        "id_number": "sfzh", "name": "xm", "gender": "xb", "birth_date": "csrq"})
    result = linkage.dedupe(source, tmp_path / "map.parquet", secret=SECRET,
                            options=linkage.Options(**OPTIONS))
    assert result.report["columns"] == ["id_number", "name", "gender", "birth_date"]
    scores = pairwise(result.output, {"renamed": path})
    assert scores["precision"] >= 0.99 and scores["recall"] >= 0.9
    with pytest.raises(linkage.LinkageError, match="no input has the column id_number"):
        linkage.dedupe(linkage.Source("x", path), tmp_path / "x.parquet", secret=SECRET)
    with pytest.raises(linkage.LinkageError, match="no such file"):
        linkage.dedupe(tmp_path / "missing.parquet", tmp_path / "y.parquet", secret=SECRET)


def test_a_copied_number_or_a_placeholder_phone_does_not_merge_persons(tmp_path: Path) -> None:
    rows = linkage_synth.population(300, 0, seed=13).to_pylist()
    rows[1]["id_number"] = rows[0]["id_number"]  # an entry error: someone else's number
    for row in rows[10:16]:
        row["phone"] = "13800000000"  # "unknown", as registers write it
    path = _write(pa.Table.from_pylist(rows, schema=linkage_synth.SCHEMA),
                  tmp_path / "pop.parquet")
    result = linkage.dedupe(path, tmp_path / "map.parquet", secret=SECRET,
                            options=linkage.Options(**OPTIONS))
    keys = [r["person_key"] for r in pq.read_table(result.output).to_pylist()]
    assert len(set(keys)) == 300 and result.cluster_count == 300
    assert sorted(keys[i][0] for i in (0, 1)) == ["N", "P"]
    report = result.report
    assert report["id_conflicts"] == 1 and report["provisional_keys"] == 1
    conflict = report["samples"][0]
    assert conflict["reason"] == "shared_id_number" and conflict["size"] == 2
    assert sorted(conflict["person_keys"]) == sorted({keys[0], keys[1]})
    assert {r["person_key"] for r in conflict["records"]} == {keys[0], keys[1]}
