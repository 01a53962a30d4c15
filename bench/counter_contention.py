"""What the case-number counter row costs PostgreSQL (issue 3): the submission's one statement
run by pgbench with 8, 2 and 1 clients, next to the same statement without the counter, the
counter's upsert alone, a batch of four submissions in one statement (as the web process's group
commit writes them) and the bare anchor's insert, each with the machine's CPU per submission.
No web server: this isolates the database's share of a submission.

Then the batch again on two copies of the database, to price what the schema makes PostgreSQL do
for every row: one without the foreign keys of the case, event and audit tables, one without
those and without the tables' secondary (non-unique) indexes. The copies are measurements only:
the platform keeps both (the foreign keys are the database's own guarantee that a case points at
a real item, version, organization and person).

`make bench-counter` runs it (about 3 minutes plus the database's set-up); it prints a table and
writes nothing else. The statement is the one a real submission sends (`cases.writes`), taken
from a submission in the benchmark's own database with its values inlined; each run gets fresh
uids so that every insert is new.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from cases_submit import BIN, PG, bench_env, demo_database, machine_busy, run

DB = "jingchu_counter"
SECONDS = 8
BATCH_SIZE = 4  # setup_pool.BATCH
BATCH_NAME = f"{BATCH_SIZE} submissions in one statement (the group commit's batch)"
# Two clients for the batch: one per web process, as the group commit sends them.
CLIENTS = {"the submission's statement": (8, 2, 1), BATCH_NAME: (2,)}
_UUID = re.compile(r"'[0-9a-f]{32}'::uuid")
_JSON_COLON = re.compile(r'":(?=[A-Za-z_])')
_COUNTER = re.compile(r'WITH n AS \(INSERT INTO "cases_casenumbercounter".*?RETURNING last\), ',
                      re.DOTALL)
# The tables a submission writes rows into (the counter's row is updated, not inserted).
TABLES = ("cases_case", "cases_caseevent", "core_auditevent")
_NUMBER = re.compile(r"\(SELECT '[^']*'::text \|\| '-' \|\| lpad\(last::text, 6, '0'\) FROM n\)")


# pgbench draws this per transaction; each uid of a script is made from it (`_fresh`).
_DRAW = "\\set r random(1, 9223372036854775806)\n"


def _fresh(sql: str) -> str:
    """`sql` ready for pgbench: each uid new on every run and the same wherever it recurs (a
    case's uid also joins its audit row's values to it), made from pgbench's draw and the uid's
    place; and a space after each JSON key's colon before a letter (`"pledge": true`), which
    pgbench would otherwise read as its variable `:true`."""
    places: dict[str, int] = {}

    def fresh(match: re.Match[str]) -> str:
        return f"md5(:r::text || '-{places.setdefault(match.group(0), len(places))}')::uuid"

    return _DRAW + _JSON_COLON.sub('": ', _UUID.sub(fresh, sql))


def _scripts(statement: str, batch: str) -> dict[str, str]:
    full = _fresh(statement)
    counter = re.search(r"INSERT INTO \"cases_casenumbercounter\".*?RETURNING last", full,
                        re.DOTALL)
    assert counter is not None, "the statement no longer starts with the counter"
    without = _NUMBER.sub("left(gen_random_uuid()::text, 30)", _COUNTER.sub("WITH ", full))
    return {
        "bare insert (the anchor's row)":
            "INSERT INTO bench_bare_insert (body) VALUES ('{\"a\": 1}') RETURNING id;\n",
        "the submission's statement": full + ";\n",
        "the statement without the counter (number from a random uuid)": without + ";\n",
        "the counter's upsert alone": counter.group(0) + ";\n",
        BATCH_NAME: _fresh(batch) + ";\n",
    }


def _pgbench(script: Path, clients: int, database: str = DB) -> tuple[float, float]:
    """(transactions per second, machine CPU ms per transaction)."""
    busy = machine_busy()
    out = subprocess.run(
        ["pgbench", *PG, "-n", "-M", "prepared", "-c", str(clients), "-j", "2",
         "-T", str(SECONDS), "-f", str(script), database],
        text=True, capture_output=True, check=True).stdout
    ticks = machine_busy() - busy
    done = int(re.search(r"actually processed: (\d+)", out).group(1))  # type: ignore[union-attr]
    tps = float(re.search(r"tps = ([\d.]+)", out).group(1))  # type: ignore[union-attr]
    return tps, ticks * 10 / done  # 100 ticks per second


def _copy_without(source: str, name: str, what: str) -> str:
    """A copy of the database `source` named `name` without `what` ("foreign keys", or "indexes":
    foreign keys and secondary indexes) on TABLES; answers its name."""
    run(["dropdb", *PG, "--if-exists", name])
    run(["createdb", *PG, "-T", source, name])
    # The table names are this module's constant TABLES, not input.
    tables = ", ".join(f"'{t}'" for t in TABLES)
    dropping = [
        "SELECT format('ALTER TABLE %s DROP CONSTRAINT %I;', conrelid::regclass, conname) "  # noqa: S608
        f"FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text IN ({tables})"]
    if what == "indexes":
        dropping.append(
            "SELECT format('DROP INDEX %I;', indexname) FROM pg_indexes "  # noqa: S608
            f"WHERE tablename IN ({tables}) AND indexdef NOT LIKE 'CREATE UNIQUE%'")
    for query in dropping:
        run(["psql", *PG, "-d", name, "-c", run(["psql", *PG, "-d", name, "-tAc", query])])
    return name


def _schema_rows(tmp: Path, batch: str) -> None:
    """The batch with 2 clients on the copies without foreign keys, then without indexes too."""
    path = tmp / "schema_batch.sql"
    path.write_text(batch)
    for what, label in (("foreign keys", "without the foreign keys of the 3 tables"),
                        ("indexes", "without their foreign keys and secondary indexes")):
        copy = f"{DB}_{what.replace(' ', '_')}"
        try:
            tps, cpu = _pgbench(path, 2, _copy_without(DB, copy, what))
        finally:
            run(["dropdb", *PG, "--if-exists", copy])
        print(f"| {BATCH_NAME}, {label} | 2 | {tps * BATCH_SIZE:,.0f} | "
              f"{cpu / BATCH_SIZE:.3f} |", flush=True)


def main() -> None:
    if not shutil.which("pgbench"):
        raise SystemExit("pgbench is not installed")
    tmp = Path(tempfile.mkdtemp(prefix="jingchu-counter-"))
    env = bench_env(tmp / "var", DB)
    try:
        demo_database(DB, env, tmp)
        run([str(BIN / "python"), "bench/setup_pool.py", "statement", str(tmp)],
            env | {"DJANGO_SETTINGS_MODULE": "jingchu.settings_api"})  # the API process's
        scripts = _scripts((tmp / "statement.sql").read_text(),
                           (tmp / "batch.sql").read_text())
        print("| script | clients | submissions per second | machine CPU ms per submission |")
        print("|---|---|---|---|")
        for i, (name, text) in enumerate(scripts.items()):
            path = tmp / f"script{i}.sql"
            path.write_text(text)
            for clients in CLIENTS.get(name, (8,)):
                tps, cpu = _pgbench(path, clients)
                per = BATCH_SIZE if name == BATCH_NAME else 1
                print(f"| {name} | {clients} | {tps * per:,.0f} | {cpu / per:.3f} |", flush=True)
        _schema_rows(tmp, scripts[BATCH_NAME])
    finally:
        run(["dropdb", *PG, "--if-exists", DB])
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
