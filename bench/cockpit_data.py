"""The data of the cockpit benchmark: BENCH_CASES cases (10,000,000) and BENCH_TICKETS 12345
tickets (1,000,000) over the 365 local days ending BENCH_END_DAY (2026-10-31), in the
PostgreSQL database `jingchu_bench_cockpit` (kept between runs; BENCH_KEEP=false in
bench/cockpit_pages.py drops it). Run alone: `.venv/bin/python bench/cockpit_data.py`.

What is generated is what the KPIs read (jingchu/cases/kpis.py, jingchu/hotline/kpis.py), with
valid values in every NOT NULL column:

- the demo (`jingchu demo`, no population base) for regions, the calendar, items, persons;
- bench organizations, so that every city and county has some: a service hall and a city
  management bureau in each city- or county-level region the demo leaves empty, the halls with
  implementations of the items of a demo hall of the same level (half of them promising fewer
  days than the item), so a drill-down has children everywhere;
- cases: spread over the days (a non-working day has a quarter of a working day's), over the
  implementations (the handling organization is the implementation's); 96% accepted (mostly the
  same or next day, 1% after the 5-day intake limit, "deemed accepted"), the rest refused,
  withdrawn or waiting for corrections; the deadline from the promised days (about 1.4
  calendar days a working day) moved by pauses (8% paused 1–8 working days); handled in 15% to
  115% of the promise (8% late); completed unless that falls after the end day; one "submit"
  CaseEvent each;
- tickets: spread over the days (a non-working day has 70%), over the organizations; 4%
  answered by the centre, 2% merged duplicates, the rest dispatched with a reply deadline of
  1, 3 or 5 working days, replied (about 92% on time) unless after the end day, 80% of the
  replies rated (72% satisfied, 18% basically, 10% unsatisfied).

Server-side SQL only (INSERT … SELECT over generate_series, about a million rows a statement,
progress printed), then ANALYZE. Idempotent: when the counts in bench_cockpit_meta match, it
only reports the first generation's time; otherwise the bench rows are deleted and made again.
Bench rows have ids from BASE + 1 (cases and tickets), their numbers start with "B".
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cases_submit import BIN, PG, ROOT, run

DB = "jingchu_bench_cockpit"
CASES = int(os.environ.get("BENCH_CASES", "10000000"))
TICKETS = int(os.environ.get("BENCH_TICKETS", "1000000"))
END_DAY = dt.date.fromisoformat(os.environ.get("BENCH_END_DAY", "2026-10-31"))
DAYS = 365
BATCH = 1_000_000
BASE = 100_000_000  # bench rows: ids BASE+1 .. 2*BASE; the app's own rows go below or above
TZ = "Asia/Shanghai"
META = "bench_cockpit_meta"
CITY_TEMPLATE, COUNTY_TEMPLATE = "武汉市民之家", "武汉市洪山区政务服务中心"
BENCH_ORG_INDEX = 90_000_000  # the serial part of the bench organizations' credit codes


def database_url() -> str:
    return f"postgres://postgres@127.0.0.1:5432/{DB}"


def first_day() -> dt.date:
    return END_DAY - dt.timedelta(days=DAYS - 1)


# --- the orchestrator side (no Django) -------------------------------------------------------


def ensure(env: dict[str, str]) -> dict[str, Any]:
    """Create the database if missing, migrate, load the demo, generate (or find) the data;
    answers the generation summary."""
    names = run(["psql", *PG, "-d", "postgres", "-tAc", "SELECT datname FROM pg_database"])
    if DB not in names.split():
        run(["createdb", *PG, DB])
    started = time.perf_counter()
    run([str(BIN / "jingchu"), "migrate", "--noinput"], env)
    if _generated():
        # The demo is loaded already; loading it again over 10M cases costs minutes (the
        # licences' loader visits every approved case) and changes nothing the bench reads.
        print(f"migrated in {time.perf_counter() - started:.0f} s (demo loaded before)",
              flush=True)
    else:
        run([str(BIN / "jingchu"), "demo"], env | {"JINGCHU_DEMO_PERSONS": "0"})
        print(f"migrated and loaded the demo in {time.perf_counter() - started:.0f} s",
              flush=True)
    lines = stream([str(BIN / "python"), str(Path(__file__).resolve()), "generate"], env)
    line = next(x for x in reversed(lines) if x.startswith("RESULT "))
    return dict(json.loads(line.removeprefix("RESULT ")))


def _generated() -> bool:
    """Whether the database holds the data asked for (as its meta table says)."""
    query = f"SELECT value::text FROM {META} WHERE key = 'generation'"  # noqa: S608
    done = subprocess.run(["psql", *PG, "-d", DB, "-tAc", query], check=False, text=True,
                          capture_output=True)
    if done.returncode or not done.stdout.strip():
        return False
    meta = json.loads(done.stdout)
    return bool(meta.get("cases") == CASES and meta.get("tickets") == TICKETS
                and meta.get("end_day") == END_DAY.isoformat())


def stream(cmd: list[str], env: dict[str, str]) -> list[str]:
    """Run a command, echoing its output as it comes (the progress of long steps); answers
    its lines."""
    lines = []
    with subprocess.Popen(cmd, env=env, cwd=ROOT, text=True, stdout=subprocess.PIPE) as child:
        assert child.stdout is not None
        for line in child.stdout:
            print(line, end="", flush=True)
            lines.append(line.rstrip("\n"))
    if child.returncode:
        raise SystemExit(f"failed ({child.returncode}): {' '.join(cmd)}")
    return lines


def main() -> None:
    import shutil
    import tempfile

    from cases_submit import bench_env

    tmp = Path(tempfile.mkdtemp(prefix="jingchu-bench-cockpit-data-"))
    try:
        env = bench_env(tmp / "var") | {"JINGCHU_DATABASE_URL": database_url()}
        print(json.dumps(ensure(env), indent=1))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# --- the Django side -------------------------------------------------------------------------


def _sql(query: str, params: Any = None) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return list(cursor.fetchall()) if cursor.description else []


def _bench_organizations() -> int:
    """A service hall and a city management bureau in each city- or county-level region the
    demo has no organization in; the halls implement the items of a demo hall of their level."""
    from jingchu.core import actions
    from jingchu.core.demo import org_uscc
    from jingchu.core.models import Organization, Region
    from jingchu.services.models import ItemImplementation, ItemVersion

    templates = {
        "city": list(ItemImplementation.objects.filter(organization__name=CITY_TEMPLATE)),
        "county": list(ItemImplementation.objects.filter(organization__name=COUNTY_TEMPLATE)),
    }
    taken = set(Organization.objects.values_list("region_id", flat=True))
    for n, region in enumerate(Region.objects.filter(level__in=["city", "county"])
                               .order_by("code")):
        if region.pk in taken and not Organization.objects.filter(
                region=region, uscc=org_uscc(region.code, BENCH_ORG_INDEX + 1)).exists():
            continue
        hall = actions.do_upsert_organization(
            None, uscc=org_uscc(region.code, BENCH_ORG_INDEX + 1), kind="service_hall",
            name=f"{region.name}政务服务中心（基准）", region=region)
        actions.do_upsert_organization(
            None, uscc=org_uscc(region.code, BENCH_ORG_INDEX + 2), kind="department",
            name=f"{region.name}城市管理执法局（基准）", region=region)
        for t in templates[region.level]:
            version = ItemVersion.objects.filter(item_id=t.item_id).order_by("-number").first()
            days = version.promised_days if version is not None else 0
            # Every other region's hall promises less than the item: the KPI's Coalesce.
            promised = max(1, round(days * 0.6)) if n % 2 and days else None
            ItemImplementation.objects.get_or_create(
                item_id=t.item_id, organization=hall, defaults={
                    "code": f"BENCH-{hall.pk}-{t.item_id}", "service_area": t.service_area,
                    "promised_days": promised, "hours": t.hours})
    return Organization.objects.filter(name__endswith="（基准）").count()


def _pick_tables() -> tuple[int, int, int]:
    """Small tables the generating statements join on a random index: implementations (with
    the version, organization and promised days of a case there), applicants, ticket orgs."""
    _sql("DROP TABLE IF EXISTS bench_impl, bench_people, bench_torg")
    _sql("""
        CREATE TABLE bench_impl AS
        SELECT (row_number() OVER (ORDER BY i.id) - 1)::int AS n, i.id AS impl_id, i.item_id,
               v.id AS version_id, i.organization_id AS org_id,
               CASE WHEN v.case_kind = 'on_the_spot' THEN 0
                    ELSE coalesce(i.promised_days, v.promised_days) END AS promised
          FROM services_itemimplementation i
          JOIN LATERAL (SELECT * FROM services_itemversion v WHERE v.item_id = i.item_id
                        ORDER BY v.number DESC LIMIT 1) v ON true
         WHERE i.is_active""")
    _sql("""
        CREATE TABLE bench_people AS
        SELECT (row_number() OVER (ORDER BY p.id) - 1)::int AS n, p.id AS person_id,
               coalesce(p.user_id, (SELECT min(id) FROM identity_user)) AS user_id
          FROM identity_person p""")
    # Tickets go to any organization but the hotline centres themselves; the centre is the
    # one whose region holds the organization's (the province's otherwise).
    _sql("""
        CREATE TABLE bench_torg AS
        SELECT (row_number() OVER (ORDER BY o.id) - 1)::int AS n, o.id AS org_id,
               o.region_id,
               coalesce((SELECT c.id FROM hotline_centre c JOIN core_region cr
                                ON cr.id = c.region_id
                          WHERE r.path = cr.path OR r.path LIKE cr.path || '/%%'
                          ORDER BY length(cr.path) DESC LIMIT 1),
                        (SELECT min(id) FROM hotline_centre)) AS centre_id
          FROM core_organization o JOIN core_region r ON r.id = o.region_id
         WHERE o.id NOT IN (SELECT organization_id FROM hotline_centre)""")
    for table in ("bench_impl", "bench_people", "bench_torg"):
        _sql(f"CREATE UNIQUE INDEX ON {table} (n)")
    counts = [_sql(f"SELECT count(*) FROM {t}")[0][0]  # noqa: S608 - fixed table names
              for t in ("bench_impl", "bench_people", "bench_torg")]
    return counts[0], counts[1], counts[2]


def _per_day(total: int, off_day_weight: float) -> list[tuple[dt.date, int]]:
    """`total` rows over the days, a non-working day weighing `off_day_weight`; exact total."""
    from jingchu.core.calendar import is_working_day

    days = [first_day() + dt.timedelta(days=i) for i in range(DAYS)]
    weights = [1.0 if is_working_day(d) else off_day_weight for d in days]
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    for i in range(total - sum(counts)):
        counts[i % DAYS] += 1
    return list(zip(days, counts, strict=True))


def _batches(per_day: list[tuple[dt.date, int]]) -> list[list[tuple[dt.date, int, int]]]:
    """Consecutive days in batches of about BATCH rows: (day, rows, first id)."""
    out: list[list[tuple[dt.date, int, int]]] = [[]]
    next_id, size = BASE + 1, 0
    for day, count in per_day:
        if size >= BATCH:
            out.append([])
            size = 0
        out[-1].append((day, count, next_id))
        next_id += count
        size += count
    return out


CASES_SQL = """
INSERT INTO cases_case (id, uid, number, channel, status, form_data, created_at, submitted_at,
    accepted_at, deadline, clock_paused_on, paused_working_days, decision, decision_reason,
    decided_at, completed_at, escalated_at, accepting_org_id, applicant_id, claimed_by_id,
    created_by_id, handling_org_id, implementation_id, item_id, on_behalf_of_id, version_id)
WITH d AS (SELECT * FROM unnest(%(days)s::date[], %(counts)s::int[], %(firsts)s::bigint[])
            AS d(day, n, first)),
b AS MATERIALIZED (
    SELECT d.day, d.first + k - 1 AS id, k,
           floor(random() * %(impls)s)::int AS pick, floor(random() * %(people)s)::int AS who,
           random() AS r_ch, random() AS r_acc, random() AS r_speed, random() AS r_pause,
           random() AS r_dec,
           (d.day + interval '8 hours' + random() * interval '9 hours') AT TIME ZONE %(tz)s
               AS submitted
      FROM d, generate_series(1, d.n) AS k),
a AS MATERIALIZED (
    SELECT b.*, i.impl_id, i.item_id, i.version_id, i.org_id, i.promised,
           CASE WHEN r_pause < 0.08 AND i.promised > 0 THEN 1 + floor(r_pause * 100)::int
                ELSE 0 END AS paused,
           CASE WHEN r_acc < 0.04 THEN NULL
                WHEN r_acc < 0.64
                THEN submitted + interval '10 minutes' + r_speed * interval '2 hours'
                WHEN r_acc < 0.89 THEN submitted + interval '1 day'
                WHEN r_acc < 0.99
                THEN submitted + (2 + floor((r_acc - 0.89) * 30)) * interval '1 day'
                ELSE submitted + interval '9 days' END AS accepted
      FROM b JOIN bench_impl i ON i.n = b.pick),
c AS MATERIALIZED (
    SELECT a.*,
           CASE WHEN accepted < %(until)s THEN accepted END AS acc,
           (accepted AT TIME ZONE %(tz)s)::date + ceil((promised + paused) * 1.4)::int
               AS due,
           CASE WHEN promised = 0
                THEN accepted + interval '20 minutes' + r_speed * interval '1 hour'
                ELSE accepted + interval '3 hours'
                     + (ceil(paused * 1.4) + floor(promised * 1.4 * CASE
                           WHEN r_speed < 0.92 THEN 0.15 + r_speed
                           ELSE 1.1 + (r_speed - 0.92) * 5 END)) * interval '1 day'
           END AS done
      FROM a),
e AS MATERIALIZED (
    SELECT c.*, CASE WHEN acc IS NOT NULL AND done < %(until)s THEN done END AS completed
      FROM c)
SELECT e.id, gen_random_uuid(), 'B' || to_char(e.day, 'YYYYMMDD') || '-' || lpad(e.k::text, 7, '0'),
       CASE WHEN r_ch < 0.7 THEN 'online' WHEN r_ch < 0.95 THEN 'counter' ELSE 'api' END,
       CASE WHEN r_acc < 0.02 THEN 'refused' WHEN r_acc < 0.03 THEN 'withdrawn'
            WHEN r_acc < 0.04 THEN 'correction' WHEN acc IS NULL THEN 'submitted'
            WHEN completed IS NULL AND paused > 0 THEN 'suspended'
            WHEN completed IS NULL THEN 'under_review'
            WHEN r_dec < 0.3 THEN 'delivered' ELSE 'completed' END,
       '{}'::jsonb, submitted - interval '6 minutes', submitted, acc,
       CASE WHEN acc IS NOT NULL THEN due END, NULL::date, paused,
       CASE WHEN completed IS NULL THEN '' WHEN r_dec < 0.97 THEN 'approved' ELSE 'denied' END,
       '', CASE WHEN r_acc < 0.02 THEN submitted + interval '1 day'
                ELSE completed - interval '10 minutes' END,
       completed, NULL::timestamptz, org_id, p.person_id, NULL::bigint, p.user_id, org_id,
       impl_id, item_id, NULL::bigint, version_id
  FROM e JOIN bench_people p ON p.n = e.who
"""

EVENTS_SQL = """
INSERT INTO cases_caseevent (at, action, from_status, to_status, note, details, public,
                             actor_id, case_id)
SELECT submitted_at, 'submit', 'draft', 'submitted', '', '{}'::jsonb, true, created_by_id, id
  FROM cases_case WHERE id BETWEEN %(lo)s AND %(hi)s
"""

TICKETS_SQL = """
INSERT INTO hotline_ticket (id, uid, token, number, channel, kind, urgency, title, content,
    attributes, address, caller_name, caller_phone, caller_phone_index, status, created_at,
    dispatched_at, sign_deadline, signed_at, deadline, reply, replied_at, replied_on_time,
    satisfaction, rating_channel, rating_comment, rated_at, callback_at, callback_note,
    reopen_count, closed_at, supervision_level, centre_id, category_id, merged_into_id,
    organization_id, region_id)
WITH d AS (SELECT * FROM unnest(%(days)s::date[], %(counts)s::int[], %(firsts)s::bigint[])
            AS d(day, n, first)),
b AS MATERIALIZED (
    SELECT d.day, d.first + k - 1 AS id, k, floor(random() * %(orgs)s)::int AS pick,
           random() AS r_fate, random() AS r_kind, random() AS r_ch, random() AS r_speed,
           random() AS r_rate, random() AS r_sat, random() AS r_cat,
           (d.day + interval '7 hours' + random() * interval '15 hours') AT TIME ZONE %(tz)s
               AS created
      FROM d, generate_series(1, d.n) AS k),
a AS MATERIALIZED (
    SELECT b.*, o.org_id, o.region_id, o.centre_id,
           CASE WHEN r_fate < 0.04 THEN 'centre' WHEN r_fate < 0.06 AND b.id > %(base)s + 1
                THEN 'merged' ELSE 'dispatched' END AS fate,
           CASE WHEN r_kind < 0.3 THEN 'consult' WHEN r_kind < 0.6 THEN 'help'
                WHEN r_kind < 0.85 THEN 'complaint' WHEN r_kind < 0.9 THEN 'report'
                ELSE 'suggestion' END AS kind,
           CASE WHEN r_kind < 0.3 THEN 3 WHEN r_ch > 0.95 THEN 1 ELSE 5 END AS limit_days
      FROM b JOIN bench_torg o ON o.n = b.pick),
c AS MATERIALIZED (
    SELECT a.*, created + interval '20 minutes' AS dispatched,
           ((created AT TIME ZONE %(tz)s)::date + ceil(limit_days * 1.4)::int + 1)
               AT TIME ZONE %(tz)s AS due,
           created + ceil(limit_days * 1.4) * interval '1 day' * CASE
               WHEN r_speed < 0.9 THEN 0.1 + r_speed * 0.95 ELSE 1.05 + r_speed END AS answer
      FROM a),
e AS MATERIALIZED (
    SELECT c.*,
           CASE WHEN fate = 'dispatched' AND answer < %(until)s THEN answer END AS replied,
           CASE WHEN fate = 'dispatched' AND r_rate < 0.8
                     AND answer + interval '1 day' + r_rate * interval '2 days' < %(until)s
                THEN answer + interval '1 day' + r_rate * interval '2 days' END AS rated,
           CASE WHEN fate = 'dispatched' AND r_rate >= 0.8
                     AND answer + interval '3 days' < %(until)s
                THEN answer + interval '3 days' END AS closed_unrated
      FROM c)
SELECT e.id, gen_random_uuid(), gen_random_uuid(),
       'B12345-' || to_char(e.day, 'YYYYMMDD') || '-' || lpad(e.k::text, 6, '0'),
       CASE WHEN r_ch < 0.75 THEN 'phone' WHEN r_ch < 0.9 THEN 'web' WHEN r_ch < 0.98
            THEN 'mobile' ELSE 'open311' END,
       kind, CASE WHEN limit_days = 1 THEN 'urgent' ELSE 'normal' END,
       '基准测试工单 ' || e.k, '基准测试生成的工单内容。', '{}'::jsonb, '', '', '', '',
       CASE WHEN fate = 'centre' THEN 'closed' WHEN fate = 'merged' THEN 'merged'
            WHEN rated IS NOT NULL OR closed_unrated IS NOT NULL THEN 'closed'
            WHEN replied IS NOT NULL THEN 'replied' ELSE 'handling' END,
       created,
       CASE WHEN fate = 'dispatched' THEN dispatched END,
       CASE WHEN fate = 'dispatched' THEN dispatched + interval '1 day' END,
       CASE WHEN fate = 'dispatched' THEN dispatched + interval '2 hours' END,
       CASE WHEN fate = 'dispatched' THEN due END,
       CASE WHEN replied IS NOT NULL THEN '已办理并答复来电人。' ELSE '' END,
       replied, CASE WHEN replied IS NOT NULL THEN replied <= due END,
       CASE WHEN rated IS NULL THEN '' WHEN r_sat < 0.72 THEN 'satisfied'
            WHEN r_sat < 0.9 THEN 'basically' ELSE 'unsatisfied' END,
       CASE WHEN rated IS NULL THEN '' WHEN r_sat < 0.3 THEN 'self' ELSE 'callback' END,
       '', rated, CASE WHEN rated IS NOT NULL AND r_sat >= 0.3 THEN rated END, '', 0,
       CASE WHEN fate = 'centre' THEN created + interval '10 minutes'
            ELSE coalesce(rated, closed_unrated) END,
       0, centre_id,
       (%(categories)s::bigint[])[1 + floor(r_cat * cardinality(%(categories)s::bigint[]))::int],
       CASE WHEN fate = 'merged' THEN e.id - 1 END,
       CASE WHEN fate <> 'centre' THEN org_id END, region_id
  FROM e
"""


def _insert(label: str, statement: str, per_day: list[tuple[dt.date, int]],
            params: dict[str, Any], after: str | None = None) -> float:
    started = time.perf_counter()
    total = sum(n for _, n in per_day)
    done = 0
    for number, batch in enumerate(_batches(per_day)):
        _sql("SELECT setseed(%s)", [(number + 1) / 1000 if label == "cases" else
                                    -(number + 1) / 1000])
        _sql(statement, params | {"days": [d for d, _, _ in batch],
                                  "counts": [n for _, n, _ in batch],
                                  "firsts": [f for _, _, f in batch]})
        lo, hi = batch[0][2], batch[-1][2] + batch[-1][1] - 1
        if after:
            _sql(after, {"lo": lo, "hi": hi})
        done += hi - lo + 1
        print(f"  {label}: {done:,}/{total:,} ({batch[0][0]}..{batch[-1][0]}) "
              f"{time.perf_counter() - started:.0f} s", flush=True)
    return time.perf_counter() - started


def _meta() -> dict[str, Any]:
    _sql(f"CREATE TABLE IF NOT EXISTS {META} (key text PRIMARY KEY, value jsonb NOT NULL)")
    rows = _sql(f"SELECT value FROM {META} WHERE key = 'generation'")  # noqa: S608
    value = rows[0][0] if rows else {}
    return dict(json.loads(value) if isinstance(value, str) else value)


def _present() -> tuple[int, int]:
    cases = _sql("SELECT count(*) FROM cases_case WHERE id BETWEEN %s AND %s",
                 [BASE + 1, 2 * BASE])[0][0]
    tickets = _sql("SELECT count(*) FROM hotline_ticket WHERE id BETWEEN %s AND %s",
                   [BASE + 1, 2 * BASE])[0][0]
    return int(cases), int(tickets)


def _clear() -> None:
    """Delete the bench rows (a different size was asked for, or a run was interrupted);
    called with the indexes dropped and the foreign-key triggers off."""
    started = time.perf_counter()
    _sql("DELETE FROM cases_caseevent WHERE case_id BETWEEN %s AND %s", [BASE + 1, 2 * BASE])
    _sql("DELETE FROM cases_case WHERE id BETWEEN %s AND %s", [BASE + 1, 2 * BASE])
    _sql("UPDATE hotline_ticket SET merged_into_id = NULL WHERE id BETWEEN %s AND %s",
         [BASE + 1, 2 * BASE])
    _sql("DELETE FROM hotline_ticket WHERE id BETWEEN %s AND %s", [BASE + 1, 2 * BASE])
    _sql(f"DELETE FROM {META} WHERE key = 'generation'")  # noqa: S608
    print(f"  cleared earlier bench rows in {time.perf_counter() - started:.0f} s", flush=True)


def _move_sequences() -> None:
    """Rows the app writes later get ids above the bench range."""
    for table in ("cases_case", "hotline_ticket"):
        top = f"SELECT max(id) FROM {table}"  # noqa: S608 - fixed names
        _sql(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), greatest(%s, ({top})))",
             [table, 2 * BASE])


TABLES = ("cases_case", "cases_caseevent", "hotline_ticket")


def _drop_indexes() -> int:
    """Drop the secondary indexes and unique constraints of the loaded tables (the primary
    keys stay), keeping their definitions in the meta table first: maintaining a dozen
    indexes row by row costs five times the insert itself, building them once at the end
    does not. `_restore_indexes` puts them back as they were (a run that stops half-way puts
    them back at its next start)."""
    statements = []
    for table in TABLES:
        for name, definition in _sql(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'u'", [table]):
            statements.append((f"ALTER TABLE {table} DROP CONSTRAINT {name}",
                               f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}"))
        for name, definition in _sql(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
                "AND i.schemaname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                "WHERE c.conname = i.indexname AND c.contype IN ('p', 'u'))", [table]):
            statements.append((f"DROP INDEX {name}", definition))
    _sql(f"INSERT INTO {META} (key, value) VALUES ('dropped', %s) "  # noqa: S608
         "ON CONFLICT (key) DO NOTHING", [json.dumps([create for _, create in statements])])
    for drop, _ in statements:
        _sql(drop)
    return len(statements)


def _restore_indexes() -> float:
    """Build the indexes and constraints `_drop_indexes` kept (those still missing)."""
    started = time.perf_counter()
    rows = _sql(f"SELECT value FROM {META} WHERE key = 'dropped'")  # noqa: S608
    if not rows:
        return 0.0
    saved = rows[0][0]
    existing = {name for (name,) in _sql("SELECT indexname FROM pg_indexes "
                                         "WHERE schemaname = 'public'")}
    _sql("SET maintenance_work_mem = '1GB'")
    for create in json.loads(saved) if isinstance(saved, str) else saved:
        name = (create.split(" ADD CONSTRAINT ", 1)[1] if " ADD CONSTRAINT " in create
                else create.split(" INDEX ", 1)[1]).split()[0]
        if name not in existing:
            clock = time.perf_counter()
            _sql(create)
            print(f"  built {name} in {time.perf_counter() - clock:.0f} s", flush=True)
    _sql(f"DELETE FROM {META} WHERE key = 'dropped'")  # noqa: S608
    _sql("RESET maintenance_work_mem")
    return time.perf_counter() - started


def generate() -> dict[str, Any]:
    from django.db import connection

    wanted = {"cases": CASES, "tickets": TICKETS, "end_day": END_DAY.isoformat()}
    meta = _meta()
    _restore_indexes()  # after an interrupted run
    if {k: meta.get(k) for k in wanted} == wanted and _present() == (CASES, TICKETS):
        print(f"data present: {CASES:,} cases, {TICKETS:,} tickets up to {END_DAY}", flush=True)
        return meta | {"generated_now": False}
    started = time.perf_counter()
    orgs = _bench_organizations()
    impls, people, torgs = _pick_tables()
    print(f"generating {CASES:,} cases and {TICKETS:,} tickets, {first_day()}..{END_DAY}: "
          f"{orgs} bench organizations, {impls} implementations, {torgs} ticket "
          f"organizations, {people} applicants", flush=True)
    until = _sql("SELECT (%s::date + 1)::timestamp AT TIME ZONE %s", [END_DAY, TZ])[0][0]
    common = {"tz": TZ, "until": until, "base": BASE}
    dropped = _drop_indexes()
    # The foreign keys are not checked row by row (the ids come from the tables they point
    # to); the superuser's replica role skips their triggers for this session's statements.
    _sql("SET session_replication_role = replica")
    if any(_present()):
        _clear()
    case_seconds = _insert(
        "cases", CASES_SQL, _per_day(CASES, 0.25),
        common | {"impls": impls, "people": people}, after=EVENTS_SQL)
    categories = [pk for (pk,) in _sql("SELECT id FROM hotline_category ORDER BY id")]
    ticket_seconds = _insert("tickets", TICKETS_SQL, _per_day(TICKETS, 0.7),
                             common | {"orgs": torgs, "categories": categories})
    _sql("RESET session_replication_role")
    print(f"  building the {dropped} indexes and unique constraints", flush=True)
    index_seconds = _restore_indexes()
    _move_sequences()
    clock = time.perf_counter()
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")
    analyze_seconds = time.perf_counter() - clock
    result = wanted | {
        "seconds": round(time.perf_counter() - started, 1),
        "case_seconds": round(case_seconds, 1), "ticket_seconds": round(ticket_seconds, 1),
        "index_seconds": round(index_seconds, 1), "analyze_seconds": round(analyze_seconds, 1),
        "bench_organizations": orgs, "implementations": impls,
        "generated_on": dt.date.today().isoformat()}
    _sql(f"INSERT INTO {META} (key, value) VALUES ('generation', %s) "  # noqa: S608
         "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", [json.dumps(result)])
    print(f"generated in {result['seconds']:.0f} s (cases and events {case_seconds:.0f} s, "
          f"tickets {ticket_seconds:.0f} s, indexes {index_seconds:.0f} s, vacuum analyze "
          f"{analyze_seconds:.0f} s)", flush=True)
    return result | {"generated_now": True}


if __name__ == "__main__":
    if sys.argv[1:] == ["generate"]:
        import django

        django.setup()
        print("RESULT " + json.dumps(generate()), flush=True)
    else:
        main()
