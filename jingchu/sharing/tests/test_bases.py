"""The demo base registers: valid, realistic, deterministic, resumable records, written with the
same cryptography as the rest of the platform (COPY on PostgreSQL, executemany on SQLite)."""

from __future__ import annotations

import datetime as dt
import io
import random
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection

from jingchu.core import crypto
from jingchu.core.identifiers import (
    id_birth_date,
    id_is_male,
    make_id_number,
    validate_id_number,
    validate_uscc,
)
from jingchu.core.models import AuditEvent, Region
from jingchu.identity import actions as identity_actions
from jingchu.identity.choices import LegalEntityKind
from jingchu.sharing import bases
from jingchu.sharing import bases_gen as gen
from jingchu.sharing.models.bases import EntityRecord, PersonRecord

SEED = 7


def _chunk_persons(seed: int = SEED, chunk: int = 0) -> list[gen.PersonData]:
    counts = [0] * len(gen.counties())
    for earlier in range(chunk):
        for region in gen.region_draws(seed, earlier):
            counts[region] += 1
    return gen.persons_of_chunk(seed, chunk, gen.region_draws(seed, chunk), counts)


# --- cryptography ----------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["42010219880315004X", "42010219880315004x ", "", "湖北省"])
def test_fast_blind_index_is_core_blind_index(value):
    assert bases.FastCrypto().blind_index(value) == crypto.blind_index(value)


def test_pads_mac_is_core_hmac_sm3():
    for key in (b"short", b"k" * 64, b"long" * 40):
        assert bases._PadsMac(key).hexdigest(b"420102") == crypto.hmac_sm3(key, b"420102").hex()


def test_fast_encryption_interoperates_with_core():
    fast = bases.FastCrypto()
    for text in ("42010219880315004X", "湖北省武汉市江岸区沿江大道188号", "13871234567"):
        assert crypto.decrypt(fast.encrypt(text)) == text
        assert fast.decrypt(crypto.encrypt(text)) == text
    assert fast.encrypt("") == ""
    with pytest.raises(crypto.DecryptionError):
        fast.decrypt(crypto.encrypt("x", "ff" * 16))
    with pytest.raises(crypto.DecryptionError):
        fast.decrypt("sm4gcm:AAAA")


# --- persons ---------------------------------------------------------------------------------

def test_generated_persons_are_valid_and_consistent():
    people = _chunk_persons()
    assert len({p.id_number for p in people}) == len(people) == gen.CHUNK
    codes = {c.code12 for c in gen.counties()}
    for p in people:
        assert validate_id_number(p.id_number) == p.id_number
        assert id_birth_date(p.id_number) == p.birth_date
        assert (p.gender == "male") == id_is_male(p.id_number)
        assert p.region_code in codes and p.region_code[:6] == p.id_number[:6]
        assert p.address.startswith("湖北省")
        assert p.ethnicity in gen.ETHNICITIES
        assert p.marital_status in gen.MARITAL_STATUSES
        assert p.education in gen.EDUCATION_LEVELS
        assert 2 <= len(p.name) <= 3
        assert p.phone == "" or (len(p.phone) == 11 and p.phone[:3] in gen.MOBILE_PREFIXES)
        if gen.age_at(p.birth_date) < 16:
            assert p.phone == "" and p.marital_status == "10"


def test_persons_look_like_hubei():
    people = _chunk_persons()
    wuhan = sum(p.region_code.startswith("4201") for p in people) / len(people)
    assert 0.15 < wuhan < 0.27  # 12.3 of Hubei's 57.8 million
    enshi = [p for p in people if p.region_code.startswith("4228")]
    assert sum(p.ethnicity in ("15", "06") for p in enshi) > len(enshi) / 3
    elsewhere = [p for p in people if not p.region_code.startswith(("4228", "420528", "420529"))]
    assert sum(p.ethnicity == "01" for p in elsewhere) / len(elsewhere) > 0.98
    assert 0.45 < sum(p.gender == "male" for p in people) / len(people) < 0.55
    assert sum(p.name[0] in "王李张刘陈" for p in people) / len(people) > 0.2


def test_id_number_matches_the_core_builder():
    county = gen.counties()[0]
    for nth in range(0, 50_000, 997):
        number = gen.id_number_at(SEED, county, nth)
        order = int(number[14:17])
        assert number == make_id_number(county.code6, id_birth_date(number), order // 2,
                                        order % 2 == 1)


def test_a_county_never_repeats_a_number():
    county = gen.counties()[5]
    numbers = {gen.id_number_at(SEED, county, nth) for nth in range(30_000)}
    assert len(numbers) == 30_000


def test_slot_permutation_is_a_bijection():
    for size in (1, 2, 1000, 4097):
        perm = gen.SlotPermutation(size, "key")
        assert sorted(perm(v) for v in range(size)) == list(range(size))
    with pytest.raises(ValueError):
        gen.SlotPermutation(10, "key")(10)


def test_generation_is_deterministic():
    assert _chunk_persons(SEED, 1) == _chunk_persons(SEED, 1)
    assert _chunk_persons(SEED, 1)[0] != _chunk_persons(SEED + 1, 1)[0]
    assert gen.entities_of_chunk(SEED, 2) == gen.entities_of_chunk(SEED, 2)


def test_numbers_stay_unique_across_chunks():
    numbers = [p.id_number for chunk in range(3) for p in _chunk_persons(SEED, chunk)]
    assert len(set(numbers)) == len(numbers)


# --- legal entities --------------------------------------------------------------------------

def test_generated_entities_are_valid():
    entities = gen.entities_of_chunk(SEED, 0) + gen.entities_of_chunk(SEED, 1)
    assert len({e.uscc for e in entities}) == len(entities)
    kinds = {k[0]: k[1] for k in gen.KINDS}
    for e in entities:
        assert validate_uscc(e.uscc) == e.uscc
        assert e.uscc[:2] == "9" + kinds[e.kind]
        assert e.uscc[2:6] == e.region_code[:4]
        assert e.status in gen.STATUSES
        assert e.authority.endswith("市场监督管理局")
        assert e.registered_capital > 0 and e.established_on <= gen.AS_OF
        assert (e.uscc[8:10] == "MA") == (e.established_on.year >= 2015)
    shares = {s: sum(e.status == s for e in entities) / len(entities) for s in gen.STATUSES}
    assert shares["存续"] + shares["在业"] > 0.8 and shares["注销"] > 0.01
    assert any(e.name.endswith("有限公司") for e in entities)
    assert any(e.kind == "个体工商户" and e.name.endswith("店") for e in entities)


def test_authority_names():
    by_code = {c.code6: c for c in gen.counties()}
    assert gen.authority(by_code["420102"]) == "武汉市江岸区市场监督管理局"
    assert gen.authority(by_code["420222"]) == "阳新县市场监督管理局"
    assert gen.authority(by_code["429004"]) == "仙桃市市场监督管理局"
    assert gen.authority(by_code["420102"], city_level=True) == "武汉市市场监督管理局"


# --- writing ---------------------------------------------------------------------------------

def _stored_numbers() -> list[str]:
    # values_list goes through EncryptedTextField.from_db_value: core.crypto decrypts them.
    return list(PersonRecord.objects.filter(id__gt=0).order_by("id").values_list(
        "id_number", flat=True))


@pytest.mark.django_db
def test_top_up_is_idempotent_and_deterministic_by_position():
    assert bases.generate_persons(1200, seed=SEED, workers=1) == 1200
    assert bases.generate_persons(1200, seed=SEED, workers=1) == 0
    assert bases.generate_persons(800, seed=SEED, workers=1) == 0
    assert bases.generate_persons(6100, seed=SEED, workers=2) == 4900  # forked workers
    expected = [p.id_number for chunk in range(2) for p in _chunk_persons(SEED, chunk)]
    assert _stored_numbers() == expected[:6100]
    assert PersonRecord.objects.count() == 6100


@pytest.mark.django_db
def test_stored_records_read_back_through_the_model():
    bases.generate_persons(50, seed=SEED, workers=1)
    bases.generate_entities(50, seed=SEED, workers=1)
    first = _chunk_persons()[0]
    record = PersonRecord.objects.get(id=1)
    assert record.id_number == first.id_number  # EncryptedTextField decrypts
    assert record.id_number_index == crypto.blind_index(first.id_number)
    assert (record.address, record.phone, record.name) == (first.address, first.phone,
                                                            first.name)
    assert record.birth_date == first.birth_date and record.updated_at == first.updated_at
    entity = gen.entities_of_chunk(SEED, 0)[0]
    stored = EntityRecord.objects.get(id=1)
    assert (stored.uscc, stored.registered_capital, stored.established_on) == (
        entity.uscc, entity.registered_capital, entity.established_on)


@pytest.mark.django_db
def test_an_ordinary_insert_after_generation_takes_a_fresh_key():
    bases.generate_entities(20, seed=SEED, workers=1)
    data = gen.entities_of_chunk(SEED + 1, 0)[0]
    record = EntityRecord.objects.create(
        **{f: getattr(data, f) for f in bases.ENTITY_COLUMNS[1:]})
    assert record.id > 20


@pytest.mark.django_db
def test_a_real_record_keeps_its_number_out_of_the_generated_positions():
    later = _chunk_persons()[30]
    assert bases.upsert_person(later) is True
    assert bases.upsert_person(later) is False  # unchanged: nothing written
    assert PersonRecord.objects.get(id_number_index=crypto.blind_index(later.id_number)).id < 0
    assert bases.generate_persons(60, seed=SEED, workers=1) == 59
    assert PersonRecord.objects.count() == 60
    assert bases.generate_persons(60, seed=SEED, workers=1) == 0


def _identity_people():
    rep = identity_actions.do_register_person(
        None, name="王五", id_number=make_id_number("420111", dt.date(1979, 7, 28), 5, True),
        phone="18627001234", address="武汉市洪山区珞喻路1037号")
    entity = identity_actions.do_register_legal_entity(
        None, uscc=bases.gen.make_uscc("9", "1", "420102", "MA4K7Q2B"),
        name="武汉荆楚云数科技有限公司", kind=LegalEntityKind.ENTERPRISE,
        region=Region.objects.get(code="420102000000"), legal_representative=rep,
        address="武汉市江岸区中山大道1505号", established_on=dt.date(2021, 6, 18))
    return rep, entity


@pytest.mark.django_db
def test_demo_loader_adds_the_account_holders_and_runs_twice(monkeypatch):
    monkeypatch.setenv("JINGCHU_DEMO_PERSONS", "300")
    monkeypatch.setenv("JINGCHU_DEMO_ENTITIES", "200")
    rep, entity = _identity_people()
    ctx = SimpleNamespace(report=[])
    bases.load_demo_bases(ctx)
    assert PersonRecord.objects.count() == 301 and EntityRecord.objects.count() == 201
    record = PersonRecord.objects.get(id_number_index=rep.id_number_index)
    assert (record.name, record.id_number, record.phone) == ("王五", rep.id_number,
                                                             "18627001234")
    assert record.address == "湖北省武汉市洪山区珞喻路1037号"
    stored = EntityRecord.objects.get(uscc=entity.uscc)
    assert (stored.name, stored.legal_representative) == (entity.name, "王五")
    assert stored.authority == "武汉市江岸区市场监督管理局"
    assert "301 persons (300 new)" in ctx.report[0]
    events = AuditEvent.objects.filter(action="sharing.bases.generate").count()
    assert events == 1
    bases.load_demo_bases(ctx)
    assert PersonRecord.objects.count() == 301 and EntityRecord.objects.count() == 201
    assert "(0 new)" in ctx.report[1] and "0 person(s) and 0 entity(ies)" in ctx.report[1]
    assert AuditEvent.objects.filter(action="sharing.bases.generate").count() == events


@pytest.mark.django_db
def test_command_generates_with_progress():
    out, err = io.StringIO(), io.StringIO()
    call_command("sharing", "generate-bases", "--persons", "250", "--entities", "1_00",
                 "--seed", str(SEED), "--workers", "1", stdout=out, stderr=err)
    assert PersonRecord.objects.count() == 250 and EntityRecord.objects.count() == 100
    assert "Added 250 person(s) and 100 entity(ies)" in out.getvalue()
    assert "persons" in err.getvalue() and "250/250" in err.getvalue()
    out = io.StringIO()
    call_command("sharing", "generate-bases", "--persons", "250", "--entities", "100",
                 "--seed", str(SEED), stdout=out, stderr=io.StringIO())
    assert "Added 0 person(s) and 0 entity(ies)" in out.getvalue()


@pytest.mark.django_db
def test_writes_use_the_backends_bulk_path(monkeypatch):
    """COPY on PostgreSQL, executemany elsewhere: the statement the writer sends says which."""
    seen: list[str] = []
    original = bases._Writer.write

    def spy(self, rows):
        seen.append("copy" if self.postgres else "executemany")
        return original(self, rows)

    monkeypatch.setattr(bases._Writer, "write", spy)
    bases.generate_entities(10, seed=SEED, workers=1)
    assert seen == ["copy" if connection.vendor == "postgresql" else "executemany"]
    assert EntityRecord.objects.count() == 10


def test_random_is_only_seeded_locally():
    # The generator never touches the global random state (other code's draws stay theirs).
    state = random.getstate()
    gen.entities_of_chunk(SEED, 0)
    assert random.getstate() == state
