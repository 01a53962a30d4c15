"""Generating the demo base registers (人口库, 法人库) fast, deterministically and resumably.

`generate_persons(N)` makes the population base hold generated positions 0..N-1; a record's
primary key is its position + 1, so a top-up continues after the highest one and a second call
with the same N writes nothing. Records that come from elsewhere (the demo's account holders,
`upsert_person` / `upsert_entity`) take negative keys and never a generated position; a
generated record that would repeat one of their ID numbers or credit codes is left out.

Speed: records are built and encrypted in chunks by forked workers (`core.bulk.forked_pool`),
the parent writes each chunk in its own transaction (binary COPY on PostgreSQL, executemany on
SQLite), at most a few chunks are in flight, so memory stays flat for any size. `FastCrypto`
gives the same bytes as `core.crypto` (tests compare them) without rebuilding the cipher and
the HMAC pads for every value. Measured figures: docs/sharing-bases.md.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import random
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.pool import Pool
from typing import Any

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import Max, Min, Model
from tongsuopy.crypto import hashes
from tongsuopy.crypto.ciphers.aead import SM4GCM

from jingchu.core import audit, bulk, crypto
from jingchu.sharing import bases_gen as gen
from jingchu.sharing.models.bases import EntityRecord, PersonRecord

DEFAULT_SEED = 2020  # the plan's first year
DEMO_PERSONS = 1_000_000
DEMO_ENTITIES = 100_000
WINDOW_PER_WORKER = 2  # chunks in flight per worker: enough to keep both sides busy

Progress = Callable[[str, int, int], None]
Row = tuple[Any, ...]

PERSON_COLUMNS = ("id", "id_number_index", "id_number", "name", "gender", "birth_date",
                  "ethnicity", "region_code", "address", "phone", "marital_status", "education",
                  "updated_at")
ENTITY_COLUMNS = ("id", "uscc", "name", "kind", "legal_representative", "registered_capital",
                  "established_on", "region_code", "address", "business_scope", "status",
                  "authority", "updated_at")


# --- crypto, byte-identical to core.crypto ---------------------------------------------------

class _PadsMac:
    """HMAC-SM3 with the key's inner and outer pads hashed once (for an OpenSSL without SM3)."""

    def __init__(self, key: bytes) -> None:
        if len(key) > 64:
            key = crypto.sm3(key)
        key = key.ljust(64, b"\x00")
        self.inner, self.outer = hashes.Hash(hashes.SM3()), hashes.Hash(hashes.SM3())
        self.inner.update(bytes(b ^ 0x36 for b in key))
        self.outer.update(bytes(b ^ 0x5C for b in key))

    def hexdigest(self, message: bytes) -> str:
        inner, outer = self.inner.copy(), self.outer.copy()
        inner.update(message)
        outer.update(inner.finalize())
        return outer.finalize().hex()


class FastCrypto:
    """`encrypt`, `decrypt` and `blind_index` of core.crypto with the SM4 cipher and the HMAC
    key prepared once: about 12 µs per encryption and 2 µs per index instead of 17 and 17."""

    def __init__(self, sm4_hex: str | None = None, index_key: str | None = None) -> None:
        try:
            key = bytes.fromhex(sm4_hex or settings.SM4_KEY_HEX)
        except ValueError:
            key = b""
        if len(key) != 16:
            raise ValueError("JINGCHU_SM4_KEY must be 32 hexadecimal digits (128 bits)")
        self._aead = SM4GCM(key)
        mac_key = (settings.BLIND_INDEX_KEY if index_key is None else index_key).encode()
        self._mac: Any = (hmac.new(mac_key, digestmod="sm3")
                          if "sm3" in hashlib.algorithms_available else None)
        self._pads = None if self._mac is not None else _PadsMac(mac_key)

    def encrypt(self, text: str) -> str:
        if not text:  # as EncryptedTextField: an empty value is stored empty
            return text
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, text.encode(), None)
        return crypto.PREFIX + base64.b64encode(nonce + sealed).decode()

    def decrypt(self, token: str) -> str:
        if not token:
            return token
        if not token.startswith(crypto.PREFIX):
            raise crypto.DecryptionError("not an SM4-GCM token")
        try:
            raw = base64.b64decode(token[len(crypto.PREFIX):], validate=True)
            if len(raw) < 28:
                raise crypto.DecryptionError("the SM4-GCM token is too short")
            return self._aead.decrypt(raw[:12], raw[12:], None).decode()
        except (binascii.Error, ValueError) as exc:
            raise crypto.DecryptionError("not a valid SM4-GCM token") from exc
        except crypto.DecryptionError:
            raise
        except Exception as exc:  # InvalidTag: wrong key or tampering
            raise crypto.DecryptionError("SM4-GCM authentication failed") from exc

    def blind_index(self, value: str) -> str:
        message = value.strip().upper().encode()
        if self._pads is not None:
            return self._pads.hexdigest(message)
        mac = self._mac.copy()
        mac.update(message)
        return str(mac.hexdigest())


# --- rows, built in the workers --------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _init_worker(fast: FastCrypto, vendor: str) -> None:
    _WORKER["crypto"], _WORKER["sqlite"] = fast, vendor != "postgresql"


def _stamp(row: list[Any], date_at: int) -> Row:
    """SQLite takes dates as ISO text and datetimes as naive UTC text, as Django stores them."""
    if _WORKER["sqlite"]:
        row[date_at] = row[date_at].isoformat()
        row[-1] = str(row[-1].replace(tzinfo=None))
    return tuple(row)


def person_rows(task: tuple[int, int, list[int], tuple[int, ...], int, int]) -> list[Row]:
    seed, chunk, regions, counts, lo, hi = task
    fast: FastCrypto = _WORKER["crypto"]
    people = gen.persons_of_chunk(seed, chunk, regions, list(counts))
    rows = []
    for offset in range(lo, hi):
        p = people[offset]
        rows.append(_stamp([
            chunk * gen.CHUNK + offset + 1, fast.blind_index(p.id_number),
            fast.encrypt(p.id_number), p.name, p.gender, p.birth_date, p.ethnicity,
            p.region_code, fast.encrypt(p.address), fast.encrypt(p.phone), p.marital_status,
            p.education, p.updated_at], 5))
    return rows


def entity_rows(task: tuple[int, int, int, int]) -> list[Row]:
    seed, chunk, lo, hi = task
    rows = []
    for offset, e in enumerate(gen.entities_of_chunk(seed, chunk)[lo:hi], start=lo):
        capital = str(e.registered_capital) if _WORKER["sqlite"] else e.registered_capital
        rows.append(_stamp([
            chunk * gen.CHUNK + offset + 1, e.uscc, e.name, e.kind, e.legal_representative,
            capital, e.established_on, e.region_code, e.address, e.business_scope, e.status,
            e.authority, e.updated_at], 6))
    return rows


# --- planning --------------------------------------------------------------------------------

def _bounds(chunk: int, have: int, target: int) -> tuple[int, int]:
    start = chunk * gen.CHUNK
    return max(have - start, 0), min(target - start, gen.CHUNK)


def person_tasks(seed: int, have: int, target: int) -> Iterator[tuple[Any, ...]]:
    """One task per chunk from the one holding position `have`, each with the counties'
    counters at its start (re-drawn from the earlier chunks: ~2 s per 10M positions)."""
    counts: Counter[int] = Counter()
    first = have // gen.CHUNK
    for chunk in range(first):
        counts.update(gen.region_draws(seed, chunk))
    size = len(gen.counties())
    for chunk in range(first, (target - 1) // gen.CHUNK + 1):
        regions = gen.region_draws(seed, chunk)
        lo, hi = _bounds(chunk, have, target)
        yield (seed, chunk, regions, tuple(counts[c] for c in range(size)), lo, hi)
        counts.update(regions)


def entity_tasks(seed: int, have: int, target: int) -> Iterator[tuple[Any, ...]]:
    for chunk in range(have // gen.CHUNK, (target - 1) // gen.CHUNK + 1):
        yield (seed, chunk, *_bounds(chunk, have, target))


def _pipeline(tasks: Iterable[tuple[Any, ...]], work: Callable[[Any], list[Row]],
              pool: Pool | None, window: int) -> Iterator[list[Row]]:
    """The workers' results in task order, with at most `window` chunks in flight."""
    if pool is None:
        yield from map(work, tasks)
        return
    pending: deque[Any] = deque()
    for task in tasks:
        pending.append(pool.apply_async(work, (task,)))
        if len(pending) >= window:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


# --- writing ---------------------------------------------------------------------------------

class _Writer:
    """Appends rows to a model's table, one transaction per chunk."""

    def __init__(self, model: type[Model], columns: tuple[str, ...]) -> None:
        self.alias = router.db_for_write(model)
        self.connection = connections[self.alias]
        quote = self.connection.ops.quote_name
        self.table = quote(model._meta.db_table)
        self.columns = ", ".join(quote(c) for c in columns)
        self.width = len(columns)
        self.postgres = self.connection.vendor == "postgresql"
        self._type_codes: list[int] = []

    def write(self, rows: list[Row]) -> None:
        if not rows:
            return
        # The column types are read before the COPY starts: no other query may run on the
        # connection while it is in COPY mode (it would wait for the COPY forever).
        types = self._types() if self.postgres else []
        with transaction.atomic(using=self.alias), self.connection.cursor() as cursor:
            if self.postgres:
                sql = f"COPY {self.table} ({self.columns}) FROM STDIN (FORMAT BINARY)"
                with cursor.cursor.copy(sql) as copy:
                    copy.set_types(types)
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * self.width)
                cursor.executemany(
                    f"INSERT INTO {self.table} ({self.columns}) VALUES ({marks})",  # noqa: S608
                    rows)

    def _types(self) -> list[int]:
        if self._type_codes:
            return self._type_codes
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT {self.columns} FROM {self.table} LIMIT 0")  # noqa: S608
            self._type_codes = [column.type_code for column in cursor.description]
        return self._type_codes

    def reset_sequence(self) -> None:
        """Generated rows carry their own keys; a later ordinary insert must not reuse one."""
        if self.postgres:
            with self.connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{self.table}', 'id'), "  # noqa: S608
                    f"GREATEST((SELECT MAX(id) FROM {self.table}), 1))")


def generated_count(model: type[PersonRecord] | type[EntityRecord]) -> int:
    """The generated high-water mark: the highest positive key (= position + 1)."""
    top = model.objects.filter(id__gt=0).aggregate(top=Max("id"))["top"]
    return int(top or 0)


def generated_count_persons() -> int:
    return generated_count(PersonRecord)


def generated_count_entities() -> int:
    return generated_count(EntityRecord)


def _generate(model: type[PersonRecord] | type[EntityRecord], target: int,
              tasks: Iterator[tuple[Any, ...]], work: Callable[[Any], list[Row]],
              label: str, workers: int, progress: Progress | None) -> int:
    have = generated_count(model)
    if target <= have:
        return 0
    columns = PERSON_COLUMNS if model is PersonRecord else ENTITY_COLUMNS
    key_field = "id_number_index" if model is PersonRecord else "uscc"
    taken = set(model.objects.filter(id__lt=0).values_list(key_field, flat=True))
    writer = _Writer(model, columns)
    fast, vendor = FastCrypto(), writer.connection.vendor
    workers = workers or os.cpu_count() or 1
    pool = (bulk.forked_pool(workers, _init_worker, (fast, vendor))
            if target - have > gen.CHUNK else None)
    if pool is None:
        _init_worker(fast, vendor)
    written, done = 0, 0
    try:
        for rows in _pipeline(tasks, work, pool, WINDOW_PER_WORKER * workers + 1):
            done += len(rows)
            if taken:
                rows = [row for row in rows if row[1] not in taken]
            writer.write(rows)
            written += len(rows)
            if progress:
                progress(label, done, target - have)
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    writer.reset_sequence()
    return written


def generate_persons(target: int, *, seed: int = DEFAULT_SEED, workers: int = 0,
                     progress: Progress | None = None) -> int:
    """Top the population base up to `target` generated persons; returns the rows written."""
    have = generated_count(PersonRecord)
    return _generate(PersonRecord, target, person_tasks(seed, have, target), person_rows,
                     "persons", workers, progress)


def generate_entities(target: int, *, seed: int = DEFAULT_SEED, workers: int = 0,
                      progress: Progress | None = None) -> int:
    """Top the legal-entity base up to `target` generated entities; returns the rows written."""
    have = generated_count(EntityRecord)
    return _generate(EntityRecord, target, entity_tasks(seed, have, target), entity_rows,
                     "entities", workers, progress)


def generate_bases(persons: int, entities: int, *, seed: int = DEFAULT_SEED, workers: int = 0,
                   progress: Progress | None = None, actor_label: str = "") -> tuple[int, int]:
    """Both bases; one AuditEvent says what was added. Returns (persons, entities) written."""
    started = time.monotonic()
    added = (generate_persons(persons, seed=seed, workers=workers, progress=progress),
             generate_entities(entities, seed=seed, workers=workers, progress=progress))
    if any(added):
        audit.record("sharing.bases.generate", None, None, {
            "persons": persons, "entities": entities, "seed": seed,
            "persons_added": added[0], "entities_added": added[1],
            "seconds": round(time.monotonic() - started, 1),
        }, actor_label=actor_label or "jingchu sharing generate-bases")
    return added


# --- records from elsewhere ------------------------------------------------------------------

def _upsert(model: type[PersonRecord] | type[EntityRecord], lookup: dict[str, str],
            values: dict[str, Any]) -> bool:
    """Insert or update one record by its key; a new one takes the next negative key.
    Returns whether anything was written (an unchanged record is left alone)."""
    record = model.objects.filter(**lookup).first()
    if record is not None:
        changed = {k: v for k, v in values.items()
                   if k != "updated_at" and getattr(record, k) != v}
        if not changed:
            return False
        for name, value in values.items():
            setattr(record, name, value)
        record.save()
        return True
    lowest = model.objects.aggregate(low=Min("id"))["low"] or 0
    model.objects.create(id=min(lowest, 0) - 1, **lookup, **values)
    return True


def upsert_person(data: gen.PersonData) -> bool:
    """Put a real person (e.g. the demo's account holders) in the population base."""
    values = {f: getattr(data, f) for f in PERSON_COLUMNS[2:]}
    return _upsert(PersonRecord, {"id_number_index": crypto.blind_index(data.id_number)},
                   values)


def upsert_entity(data: gen.EntityData) -> bool:
    """Put a real legal entity (e.g. the demo enterprise) in the legal-entity base."""
    values = {f: getattr(data, f) for f in ENTITY_COLUMNS[2:]}
    return _upsert(EntityRecord, {"uscc": data.uscc}, values)


# --- the demo --------------------------------------------------------------------------------

def _option_int(name: str) -> int:
    from jingchu import config

    return max(int(config.get(name)), 0)


def _county(code: str) -> gen.County | None:
    return next((c for c in gen.counties() if c.code6 == code[:6]), None)


def person_from_identity(person: Any) -> gen.PersonData:
    """An identity.Person as a population-base record; what the account does not hold is
    drawn from a generator seeded by the ID number, so it stays the same on every load."""
    number = person.id_number
    rng = random.Random(f"identity:{number}")
    county = _county(number) or gen.counties()[0]
    age = gen.age_at(person.birth_date)
    address = person.address or gen.person_address(rng, county)
    if not address.startswith("湖北省") and number.startswith("42"):
        address = "湖北省" + address
    return gen.PersonData(
        id_number=number, name=person.name, gender=person.gender, birth_date=person.birth_date,
        ethnicity="01", region_code=county.code12, address=address, phone=person.phone,
        marital_status=gen.marital_status(rng, age),
        education=gen.education(rng, age, person.birth_date.year),
        updated_at=gen.AS_OF_TIME)


_KIND_LABELS = {"enterprise": "有限责任公司", "individual_business": "个体工商户",
                "social_organization": "社会团体", "institution": "事业单位"}


def entity_from_identity(entity: Any) -> gen.EntityData:
    rng = random.Random(f"identity:{entity.uscc}")
    county = _county(entity.region.code)
    kind = _KIND_LABELS.get(entity.kind, "其他")
    scope = next((s for word, s in gen.INDUSTRIES if word in entity.name), gen.INDUSTRIES[1][1])
    return gen.EntityData(
        uscc=entity.uscc, name=entity.name, kind=kind,
        legal_representative=entity.legal_representative.name,
        registered_capital=gen._capital(rng, kind),
        established_on=entity.established_on or gen.AS_OF, region_code=entity.region.code,
        address=entity.address or "", business_scope=scope, status=gen.ACTIVE,
        authority=gen.authority(county) if county else "湖北省市场监督管理局",
        updated_at=gen.AS_OF_TIME)


def add_identity_records() -> tuple[int, int]:
    """Every identity Person and LegalEntity in the bases, so that a gateway call about a demo
    account holder shows on their "who read my data" page. Returns how many were written."""
    from jingchu.identity.models import LegalEntity, Person

    persons = sum(upsert_person(person_from_identity(p)) for p in Person.objects.iterator())
    entities = sum(upsert_entity(entity_from_identity(e)) for e in
                   LegalEntity.objects.select_related("region", "legal_representative"))
    return persons, entities


def _stderr_progress(label: str, done: int, total: int) -> None:
    sys.stderr.write(f"\r{label}: {done}/{total}")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def load_demo_bases(ctx: Any) -> None:
    """The demo's bases: JINGCHU_DEMO_PERSONS (default 1,000,000) persons and
    JINGCHU_DEMO_ENTITIES (default 100,000) entities, then the demo's own account holders."""
    started = time.monotonic()
    persons = _option_int("JINGCHU_DEMO_PERSONS")
    entities = _option_int("JINGCHU_DEMO_ENTITIES")
    progress = _stderr_progress if sys.stderr.isatty() else None
    added = generate_bases(persons, entities, progress=progress, actor_label="jingchu demo")
    real = add_identity_records()
    ctx.report.append(
        f"Base registers: {PersonRecord.objects.count()} persons ({added[0]} new), "
        f"{EntityRecord.objects.count()} legal entities ({added[1]} new), "
        f"{real[0]} person(s) and {real[1]} entity(ies) from the accounts written, "
        f"in {time.monotonic() - started:.0f} s")
