"""The mount layer the exchange gateway reads the base registers through."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.utils import translation

from jingchu.core import crypto
from jingchu.core.errors import ActionError
from jingchu.sharing import bases, mounts
from jingchu.sharing import bases_gen as gen

SEED = 11


@pytest.fixture
def base(db):
    bases.generate_persons(40, seed=SEED, workers=1)
    bases.generate_entities(40, seed=SEED, workers=1)
    counts = [0] * len(gen.counties())
    people = gen.persons_of_chunk(SEED, 0, gen.region_draws(SEED, 0), counts)[:40]
    return people, gen.entities_of_chunk(SEED, 0)[:40]


def test_tables_fields_and_keys():
    assert mounts.table_names() == ["population", "legal_entities"]
    assert mounts.fields_of("population") == [
        "id_number", "name", "gender", "birth_date", "ethnicity", "region_code", "address",
        "phone", "marital_status", "education"]
    assert mounts.fields_of("legal_entities") == [
        "uscc", "name", "kind", "legal_representative", "registered_capital", "established_on",
        "region_code", "address", "business_scope", "status", "authority"]
    assert (mounts.key_of("population"), mounts.key_of("legal_entities")) == ("id_number",
                                                                            "uscc")


def test_unknown_table_is_refused():
    with pytest.raises(ActionError) as exc:
        mounts.fields_of("tax")
    assert (exc.value.code, exc.value.status) == ("unknown_table", 404)


def test_lookup_returns_exactly_the_asked_fields_decrypted(base):
    people, _entities = base
    person = next(p for p in people if p.phone)
    found = mounts.lookup("population", person.id_number.lower(), ["phone", "name", "address"])
    assert found == {"phone": person.phone, "name": person.name, "address": person.address}
    assert list(found) == ["phone", "name", "address"]
    full = mounts.lookup("population", person.id_number, mounts.fields_of("population"))
    assert full is not None and full["id_number"] == person.id_number
    assert full["birth_date"] == person.birth_date.isoformat()
    assert (full["gender"], full["region_code"]) == (person.gender, person.region_code)
    assert mounts.lookup("population", person.id_number, ["birth_date"]) == {
        "birth_date": person.birth_date.isoformat()}


def test_lookup_of_an_entity_is_json_ready(base):
    _people, entities = base
    entity = entities[3]
    found = mounts.lookup("legal_entities", entity.uscc.lower(),
                          ["registered_capital", "established_on", "uscc", "status"])
    assert found == {"registered_capital": str(entity.registered_capital),
                     "established_on": entity.established_on.isoformat(),
                     "uscc": entity.uscc, "status": entity.status}
    assert re.fullmatch(r"\d+\.\d\d", str(found["registered_capital"]))


def test_lookup_of_an_unknown_key_is_none(base):
    people, _entities = base
    other = gen.persons_of_chunk(SEED + 1, 0, gen.region_draws(SEED + 1, 0),
                                 [0] * len(gen.counties()))[0]
    assert other.id_number not in {p.id_number for p in people}
    assert mounts.lookup("population", other.id_number, ["name"]) is None
    assert mounts.lookup("legal_entities", gen.entities_of_chunk(SEED + 1, 0)[0].uscc,
                         ["name"]) is None


@pytest.mark.parametrize(("table", "key"), [
    ("population", "420102198803150431"),  # wrong check digit
    ("population", "4201021988"),
    ("legal_entities", "91420102MA4K7Q2B0X"),
    ("legal_entities", "not a code"),
])
def test_a_malformed_key_is_a_400(base, table, key):
    with translation.override("en"), pytest.raises(ActionError) as exc:
        mounts.lookup(table, key, ["name"])
    assert (exc.value.code, exc.value.status) == ("bad_key", 400)
    assert exc.value.details["table"] == table and exc.value.details["reason"]


def test_an_unknown_field_is_a_400(base):
    people, _entities = base
    with pytest.raises(ActionError) as exc:
        mounts.lookup("population", people[0].id_number, ["name", "salary"])
    assert (exc.value.code, exc.value.status) == ("unknown_field", 400)
    assert exc.value.details == {"fields": ["salary"]}


def test_subject_index_is_the_identity_index():
    number = "42010219880315004X"
    assert mounts.subject_index("population", number.lower()) == crypto.blind_index(number)
    assert mounts.subject_index("legal_entities", " 91420102ma4k7q2b0x ") == "91420102MA4K7Q2B0X"


def test_anchor_select_finds_the_row_by_the_indexed_column(base):
    people, entities = base
    with connection.cursor() as cursor:
        cursor.execute(mounts.anchor_sql("population"),
                       [mounts.anchor_param("population", people[5].id_number)])
        row = cursor.fetchone()
    assert row is not None and crypto.blind_index(people[5].id_number) in row
    point = mounts.point_select("legal_entities", entities[5].uscc)
    assert point is not None and entities[5].uscc in point
    assert mounts.point_select("legal_entities", gen.entities_of_chunk(SEED, 1)[0].uscc) is None


def test_lookup_is_one_query(base, django_assert_num_queries):
    people, _entities = base
    with django_assert_num_queries(1):
        mounts.lookup("population", people[1].id_number, ["name", "phone", "id_number"])
