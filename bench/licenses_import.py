"""Bulk licence import with signing on both cores (issue 4; goal >= 2,000 licences/s), next to
its anchors measured in the same run. `make bench-licenses` runs it and writes
bench/RESULTS-licenses.md.

What is timed: `actions.do_create_import` + `actions.do_run_import` of a CSV file of BENCH_ROWS
driving licences (default 20,000) held by as many registered people, from the file's bytes to
the commit: reading, checking every row (ID check digits, the blind-index holder lookup, the
JSON Schema of the data, numbers), reserving serials and status-list positions, building the
canonical content, one SES_Signature each under the issuer's seal on two forked workers, and
inserting the licences, their seal uses and audit events in one transaction. Wall-clock time.

Anchors, in the same round as each import:
- primary: `openssl speed -elapsed -multi 2 sm2`, native OpenSSL's SM2 signatures per second
  of wall-clock time on two processes. An import needs one SM2 signature a licence, so this is
  the machine's ceiling for it; the ratio says how much of it the whole import keeps, and it
  moves with a busy neighbour as the import does.
- secondary: the bare INSERT of the same rows (licences and seal uses, with signature-sized
  bytes, through the import's own insert path in batches of 250, one transaction), with no
  reading, checking or signing: the database's share of the work.

Each database runs in a child process of its own (Django is set up once per process): SQLite in
a temporary folder, and PostgreSQL when 127.0.0.1:5432 answers (a database created for the run
and dropped after; BENCH_PG_URL to point elsewhere, BENCH_PG=0 to skip).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS-licenses.md"
ROWS = int(os.environ.get("BENCH_ROWS", "20000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
ANCHOR_SECONDS = int(os.environ.get("BENCH_SECONDS", "3"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_DB = "jingchu_bench_licenses"
GOAL = 2000
TYPE_KEY, ISSUER_KEY = "DRIVING_LICENSE", "wh-gaj"
HEADER = "holder_code,holder_name,number,issued_on,valid_from,valid_until,license_no,class"


# --- the child: one database --------------------------------------------------------------

def setup_django(database_url: str, var_dir: Path) -> None:
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "jingchu.settings", "JINGCHU_DEMO": "false",
        "JINGCHU_SECRET_KEY": "bench-secret-key-not-for-production-0123456789abcdef",
        "JINGCHU_SM4_KEY": "00112233445566778899aabbccddeeff",
        "JINGCHU_BLIND_INDEX_KEY": "bench-blind-index-key",
        "JINGCHU_DATABASE_URL": database_url, "JINGCHU_VAR_DIR": str(var_dir),
        "JINGCHU_LOG_LEVEL": "WARNING", "JINGCHU_REDIS_URL": "",
    })
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def make_world() -> dict[str, Any]:
    """Regions, organizations, the root, the demo licence types with their seals, an approver
    of the issuer, and ROWS registered people (written in bulk, as the registry would)."""
    from jingchu.core import crypto
    from jingchu.core.demo import load_organizations
    from jingchu.core.identifiers import make_id_number
    from jingchu.core.regions import load_regions
    from jingchu.identity import actions as identity_actions
    from jingchu.identity.choices import Gender, StaffRole
    from jingchu.identity.models import Person
    from jingchu.licenses.demo import load_types
    from jingchu.seals import actions as seal_actions

    load_regions(townships_under=[])
    orgs = load_organizations()
    seal_actions.do_create_root(None, organization=orgs["hb-zwb"])
    load_types(orgs)
    staff = identity_actions.do_create_staff(None, username="bench_importer",
                                             password=secrets.token_urlsafe(16), name="导入员")
    identity_actions.do_assign_role(None, staff=staff, organization=orgs[ISSUER_KEY],
                                    role=StaffRole.APPROVER)
    people = []
    for i in range(ROWS):
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=i // 500)
        number = make_id_number("420102", birth, i % 500, i % 2 == 0)
        people.append(Person(name=f"持证人{i}", id_number=number,
                             id_number_index=crypto.blind_index(number),
                             gender=Gender.MALE if i % 2 == 0 else Gender.FEMALE,
                             birth_date=birth))
    Person.objects.bulk_create(people, batch_size=1000)
    return {"orgs": orgs, "user": staff.user, "people": people}


def csv_file(people: list[Any], round_no: int) -> bytes:
    lines = [HEADER] + [
        f"{p.id_number},{p.name},R{round_no}-{i:06d},2021-0{1 + i % 9}-1{i % 10},,,"
        f"4201{i:08d},C1" for i, p in enumerate(people)]
    return "\n".join(lines).encode()


def openssl_two_cores() -> float:
    done = subprocess.run(["openssl", "speed", "-elapsed", "-multi", "2", "-seconds",
                           str(ANCHOR_SECONDS), "-mr", "sm2"],
                          capture_output=True, text=True, check=True)
    totals = [line for line in done.stdout.splitlines() if line.startswith("+F7:")]
    if not totals:
        raise SystemExit("no +F7 line from `openssl speed -multi 2 -mr sm2`:\n" + done.stdout)
    return float(totals[-1].split(":")[4])  # the last +F7 line sums the processes


def run_import(world: dict[str, Any], round_no: int, workers: int,
               people: list[Any]) -> dict[str, float]:
    from jingchu.licenses import actions
    from jingchu.licenses.choices import ImportStatus
    from jingchu.licenses.models import LicenseType

    payload = csv_file(people, round_no)
    marks: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "check" and done == total:
            marks["checked"] = time.perf_counter()

    start = time.perf_counter()
    imp = actions.do_create_import(world["user"], license_type=LicenseType.objects.get(
        key=TYPE_KEY), issuer=world["orgs"][ISSUER_KEY], filename="bench.csv", payload=payload)
    imp = actions.do_run_import(world["user"], imp, progress=progress, workers=workers)
    seconds = time.perf_counter() - start
    assert imp.status == ImportStatus.DONE and imp.imported == len(people), imp.rejected_rows
    return {"rows": len(people), "seconds": seconds, "rate": len(people) / seconds,
            "check_seconds": marks["checked"] - start,
            "sign_store_seconds": start + seconds - marks["checked"]}


def spot_check(round_no: int) -> None:
    from jingchu.licenses import content
    from jingchu.licenses.models import License
    from jingchu.seals import service

    for lic in License.objects.select_related("seal", "license_type", "issuer", "holder_person"
                                              ).filter(number__startswith=f"R{round_no}-")[:5]:
        assert service.verify(content.signed_bytes(lic), bytes(lic.signature)).valid


def bare_insert(world: dict[str, Any], round_no: int, signature: bytes) -> float:
    """The same licences and seal-use rows inserted alone: built first (not timed), then
    inserted as the import inserts them (jingchu.core.bulk, batches of 250, one transaction;
    timed, with the commit)."""
    from django.db import transaction
    from django.utils import timezone

    from jingchu.core import bulk
    from jingchu.licenses import actions
    from jingchu.licenses.models import LicenseType
    from jingchu.seals.models import SealUse

    license_type = LicenseType.objects.get(key=TYPE_KEY)
    binding = actions.issuer_seal(license_type, world["orgs"][ISSUER_KEY])
    blob, today, now = signature, timezone.localdate(), timezone.now()
    lics, uses = [], []
    for i, person in enumerate(world["people"]):
        lic = actions.build_license(license_type, binding, person,
                                    {"license_no": f"4201{i:08d}", "class": "C1"},
                                    serial=10_000_000 + round_no * ROWS + i,
                                    status_index=10_000_000 + round_no * ROWS + i,
                                    number=f"B{round_no}-{i:06d}", issued_on=today)
        lic.signature = blob
        lics.append(lic)
        uses.append(SealUse(seal=binding.seal, document_name=lic.identifier,
                            document_digest="0" * 64, document_size=700, signature=blob,
                            signed_at=now, actor_label="bench"))
    start = time.perf_counter()
    with transaction.atomic():
        for at in range(0, len(lics), actions.IMPORT_BATCH):
            bulk.insert(lics[at:at + actions.IMPORT_BATCH])
            bulk.insert(uses[at:at + actions.IMPORT_BATCH])
    return len(lics) / (time.perf_counter() - start)


def clean_up() -> None:
    """Forget the round's rows, so every round starts from the same tables (the bench owns its
    database; the app itself never deletes licences)."""
    from django.db import transaction

    from jingchu.core.models import AuditEvent
    from jingchu.licenses.models import License
    from jingchu.seals.models import SealUse

    with transaction.atomic():
        License.objects.all()._raw_delete(License.objects.db)  # type: ignore[attr-defined]
        SealUse.objects.all()._raw_delete(SealUse.objects.db)  # type: ignore[attr-defined]
        AuditEvent.objects.filter(action__startswith="licenses.license.")._raw_delete(
            AuditEvent.objects.db)  # type: ignore[attr-defined]


def server_version() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}, a file in a temporary folder"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]} on 127.0.0.1"


def child(database: str, url: str) -> None:
    with tempfile.TemporaryDirectory(prefix="jingchu-bench-licenses-") as tmp:
        setup_django(url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", Path(tmp))
        world = make_world()
        rounds: list[dict[str, float]] = []
        for n in range(1, ROUNDS + 1):
            anchor = openssl_two_cores()
            result = run_import(world, n, WORKERS, world["people"])
            spot_check(n)
            from jingchu.licenses.models import License

            sample = bytes(License.objects.filter(number__startswith=f"R{n}-")
                           .values_list("signature", flat=True)[0])  # a real one, for the anchor
            clean_up()
            result |= {"openssl_2": anchor, "insert": bare_insert(world, n, sample),
                       "signature_bytes": len(sample), "load": os.getloadavg()[0]}
            clean_up()
            rounds.append(result)
            print(f"{database} round {n}/{ROUNDS}: import {result['rate']:.0f}/s, openssl 2 "
                  f"cores {anchor:.0f}/s, bare insert {result['insert']:.0f}/s", file=sys.stderr,
                  flush=True)
        half = world["people"][: ROWS // 2]
        single = run_import(world, 99, 1, half)
        clean_up()
        print(json.dumps({"database": database, "server": server_version(),
                          "rounds": rounds, "one_worker": single}))


# --- the parent: every database, then the report -----------------------------------------

def _pg_admin(sql: str) -> bool:
    try:
        import psycopg
    except ImportError:
        return False
    try:
        with psycopg.connect(f"{PG_URL}/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(sql)
    except psycopg.Error as exc:
        print(f"postgres: {exc}", file=sys.stderr)
        return False
    return True


def run_child(database: str, url: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--child", database, url],
                          stdout=subprocess.PIPE, text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def machine() -> str:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    openssl = subprocess.run(["openssl", "version"], capture_output=True, text=True).stdout
    return (f"nproc: {os.cpu_count()}, cpu: {cpu}, python: {platform.python_version()}, "
            f"openssl: {openssl.strip()}")


def _median(rounds: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in rounds)


def section(result: dict[str, Any]) -> str:
    rounds = result["rounds"]
    rate, anchor, insert = (_median(rounds, k) for k in ("rate", "openssl_2", "insert"))
    paired = statistics.median(r["rate"] / r["openssl_2"] for r in rounds)
    one = result["one_worker"]
    met = "met" if rate >= GOAL else "not met"
    summary = [
        f"| **bulk import, {WORKERS} signing workers** (median of {len(rounds)}) | "
        f"**{rate:.0f}** | goal {GOAL:,}: **{met}** |",
        f"| anchor: `openssl speed -elapsed -multi 2 sm2`, signatures/s | {anchor:.0f} | "
        f"import / anchor = **{rate / anchor:.2f}** (median of per-round ratios {paired:.2f}) |",
        f"| anchor: bare INSERT of the same licence and seal-use rows | {insert:.0f} | "
        f"import / insert = {rate / insert:.2f} |",
        f"| the import on 1 worker ({one['rows']} rows, once, informational) | "
        f"{one['rate']:.0f} | {WORKERS} workers / 1 = {rate / one['rate']:.2f} |",
    ]
    rows = "\n".join(
        f"| {n} | {r['rate']:.0f} | {r['openssl_2']:.0f} | {r['rate'] / r['openssl_2']:.2f} | "
        f"{r['insert']:.0f} | {r['rate'] / r['insert']:.2f} | {r['check_seconds']:.2f} | "
        f"{r['sign_store_seconds']:.2f} | {r['load']:.2f} |"
        for n, r in enumerate(rounds, start=1))
    head = ("| round | import/s | openssl 2 cores/s | ratio | bare insert/s | ratio | check s "
            "| sign+store s | load |")
    return f"""## {result['database']} ({result['server']})

| | licences per second | |
|---|---|---|
{chr(10).join(summary)}

{head}
|---|---|---|---|---|---|---|---|---|
{rows}

SES_Signature size: {rounds[0]['signature_bytes']} bytes a licence (it embeds the seal, with its
picture and certificates, and the signer's certificate, as GB/T 38540 does).
"""


def report(results: list[dict[str, Any]], start_load: float) -> str:
    return f"""# Benchmark: bulk licence import with signing on both cores (issue 4)

Written by `make bench-licenses` (bench/licenses_import.py) on {dt.date.today().isoformat()}:
{ROUNDS} rounds per database of {ROWS:,} driving licences each, every round measuring its anchors
right before (openssl) and after (bare insert) its import. Rerun to refresh; the docstring of
bench/licenses_import.py says exactly what is timed.

## Machine
{machine()}; load average at the start {start_load:.2f}, at the end {os.getloadavg()[0]:.2f}
(the machine is shared; the anchors move with it, which is why the ratios are the figures to
compare between runs).

{chr(10).join(section(r) for r in results)}
## Reading the figures

- Per licence the import spends one SM2 signature (about 0.4 ms of a core here; SM3 of a
  4 kB to-be-signed structure included) and, around it: checking the row (ID check digit,
  blind index, data schema: on the workers), building the licence and its canonical content
  (on the workers), and in the parent the holder and number lookups and inserting the licence
  and its seal use (binary COPY on PostgreSQL, executemany on SQLite). All of it shares the
  two cores with the PostgreSQL server and with whatever else runs on the machine: the
  two-core `openssl speed` anchor is the ceiling for the signatures alone, and the ratio says
  how much of it the whole import keeps.
- "check s" is from the file's bytes to the last row checked (reading, decrypting the kept
  upload, checking on the workers); "sign+store s" the rest (holder lookups, then building,
  signing and inserting, and the commit).
- The bare INSERT is the database's share alone (the same rows through the same insert path).
- The 1-worker line signs and checks in the parent process, for comparison with the two
  forked workers.
"""


def main() -> None:
    if len(sys.argv) >= 3 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "")
        return
    start_load = os.getloadavg()[0]
    results = [run_child("SQLite", "")]
    if os.environ.get("BENCH_PG", "1") != "0" and _pg_admin(f"DROP DATABASE IF EXISTS {PG_DB}"):
        _pg_admin(f"CREATE DATABASE {PG_DB}")
        try:
            results.append(run_child("PostgreSQL", f"{PG_URL}/{PG_DB}"))
        finally:
            _pg_admin(f"DROP DATABASE IF EXISTS {PG_DB}")
    RESULTS.write_text(report(results, start_load), encoding="utf-8")
    print(RESULTS.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
