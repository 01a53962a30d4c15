"""Synthetic person records with known duplicates, for the linkage tests and the benchmark.

The persons come from the demo population generator (`jingchu.sharing.bases_gen`: realistic
names, valid ID numbers spread over Hubei's counties, mobiles), so blocking and comparisons meet
the same name frequencies as on real data. Duplicates are copies of a person with the errors
that registers really carry, each drawn independently:

- a typo in the name: one character of the given name replaced by another of the same pool
  (what a wrong pick in a pinyin input method produces);
- two adjacent digits of the ID number transposed (the check digit then usually fails);
- the phone missing, or another number;
- the birth date off by one day.

Every row carries `truth` (the person's index) for measuring precision and recall; the engine
never reads it. Deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pyarrow as pa

from jingchu.sharing import bases_gen

COLUMNS = ("id_number", "name", "gender", "birth_date", "phone", "region_code", "address")
# How often each error hits a duplicate (independently).
NAME_TYPO, ID_SWAP, PHONE_MISSING, PHONE_OTHER, BIRTH_OFF = 0.3, 0.3, 0.3, 0.1, 0.2
SCHEMA = pa.schema([("id_number", pa.string()), ("name", pa.string()), ("gender", pa.string()),
                    ("birth_date", pa.date32()), ("phone", pa.string()),
                    ("region_code", pa.string()), ("address", pa.string()),
                    ("truth", pa.int64())])


def persons(count: int, seed: int) -> list[bases_gen.PersonData]:
    """The first `count` persons of the demo population base for `seed`."""
    table = bases_gen.counties()
    counts = [0] * len(table)
    out: list[bases_gen.PersonData] = []
    chunk = 0
    while len(out) < count:
        regions = bases_gen.region_draws(seed, chunk)
        out.extend(bases_gen.persons_of_chunk(seed, chunk, regions, counts))
        for region in regions:
            counts[region] += 1
        chunk += 1
    return out[:count]


def swap_id_digits(rng: random.Random, id_number: str) -> str:
    """Two adjacent, different digits of the body transposed (never the check character)."""
    spots = [i for i in range(16) if id_number[i] != id_number[i + 1]]
    if not spots:
        return id_number
    i = rng.choice(spots)
    return id_number[:i] + id_number[i + 1] + id_number[i] + id_number[i + 2:]


def name_typo(rng: random.Random, name: str, male: bool) -> str:
    if len(name) < 2:
        return name
    pool = bases_gen.MALE_CHARS if male else bases_gen.FEMALE_CHARS
    i = rng.randrange(1, len(name))
    other = rng.choice([c for c in pool if c != name[i]])
    return name[:i] + other + name[i + 1:]


def corrupt(rng: random.Random, row: dict[str, Any]) -> dict[str, Any]:
    copy = dict(row)
    male = row["gender"] == "male"
    if rng.random() < NAME_TYPO:
        copy["name"] = name_typo(rng, row["name"], male)
    if rng.random() < ID_SWAP:
        copy["id_number"] = swap_id_digits(rng, row["id_number"])
    draw = rng.random()
    if draw < PHONE_MISSING:
        copy["phone"] = None
    elif draw < PHONE_MISSING + PHONE_OTHER:
        copy["phone"] = bases_gen.mobile(rng)
    if rng.random() < BIRTH_OFF and row["birth_date"] is not None:
        copy["birth_date"] = row["birth_date"] + dt.timedelta(days=rng.choice((-1, 1)))
    return copy


def person_row(index: int, person: bases_gen.PersonData) -> dict[str, Any]:
    return {"id_number": person.id_number, "name": person.name, "gender": person.gender,
            "birth_date": person.birth_date, "phone": person.phone or None,
            "region_code": person.region_code, "address": person.address, "truth": index}


def population(count: int, duplicates: int, seed: int = 7) -> pa.Table:
    """`count` distinct persons then `duplicates` corrupted copies of persons drawn at random
    (a person may be copied more than once), shuffled."""
    rng = random.Random(f"{seed}:linkage-duplicates")
    rows = [person_row(i, p) for i, p in enumerate(persons(count, seed))]
    rows.extend(corrupt(rng, rows[rng.randrange(count)]) for _ in range(duplicates))
    rng.shuffle(rows)
    return pa.Table.from_pylist(rows, schema=SCHEMA)


def enrolment(base: pa.Table, share: float, seed: int = 11) -> pa.Table:
    """A social-insurance enrolment extract over a share of the base's adults: ID number and
    name only (as the department holds them), with the same kinds of typos, plus records of
    persons the base does not hold (moved in from another province)."""
    rng = random.Random(f"{seed}:linkage-enrolment")
    out: list[dict[str, Any]] = []
    seen: set[int] = set()
    for row in base.to_pylist():
        if row["truth"] in seen or not row["phone"] or rng.random() >= share:
            continue
        seen.add(row["truth"])
        male = row["gender"] == "male"
        name = name_typo(rng, row["name"], male) if rng.random() < 0.1 else row["name"]
        number = swap_id_digits(rng, row["id_number"]) if rng.random() < 0.1 else row["id_number"]
        out.append({"id_number": number, "name": name, "insurance_kind": "企业职工基本养老保险",
                    "truth": row["truth"]})
    # Persons the base does not hold: another seed's persons, truths below zero.
    for i, person in enumerate(persons(max(1, len(out) // 20), seed + 1000)):
        out.append({"id_number": person.id_number, "name": person.name,
                    "insurance_kind": "城乡居民基本养老保险", "truth": -1 - i})
    return pa.Table.from_pylist(out, schema=pa.schema([
        ("id_number", pa.string()), ("name", pa.string()), ("insurance_kind", pa.string()),
        ("truth", pa.int64())]))
