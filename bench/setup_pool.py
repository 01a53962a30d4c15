"""Django-side set-up and profile of the case-submission benchmark (run by bench/cases_submit.py).

`setup OUT_DIR`: a pool of citizens with bearer tokens from the platform's OIDC provider, the
request body, and the bare anchor's table. `profile OUT_DIR N`: N submissions in-process under
cProfile, with the SQL statements per submission, written as JSON for the results page.
`statement OUT_DIR`: one submission's statement with its values, and a batch of four as the
group commit writes them, for pgbench.
`loop OUT_DIR N [PATH STATUS]`: 30 warm posts, then N more, straight to the API process's WSGI
application, nothing else, the per-process caches kept throughout (bench/instructions.py counts
the instructions of this under callgrind).
`parts OUT_DIR N`: the same loop with the thread's CPU time taken around named parts of a
submission and of the anchor, written as JSON (bench/parts.py prints the table).
"""

from __future__ import annotations

import cProfile
import datetime as dt
import io
import json
import pstats
import sys
import time
from pathlib import Path
from typing import Any

import django

POOL = 20
BATCH = 4  # submissions in the batch statement written for bench/counter_contention.py
SERVICE = "000136002000"  # 开具个人所得税纳税记录: person, 全省通办, no upload needed


def _form(person: Any) -> dict[str, Any]:
    return {"applicant_name": person.name, "id_number": person.id_number,
            "phone": "13871234567", "from": "2026-01-01", "to": "2026-06-30", "pledge": True}


def setup(out: Path) -> None:
    from django.db import connection
    from django.utils import timezone
    from oauth2_provider.models import AccessToken, Application

    from jingchu.core.identifiers import make_id_number
    from jingchu.identity import actions as identity_actions
    from jingchu.identity.demo import DEMO_PASSWORD
    from jingchu.identity.models import ClientPolicy, Person
    from jingchu.services.models import ItemImplementation

    for i in range(POOL):
        number = make_id_number("420102", dt.date(1980, 1, 1) + dt.timedelta(days=97 * i),
                                100 + i, i % 2 == 0)
        if identity_actions.find_person(number) is None:
            identity_actions.do_register_person(None, name=f"测试{i:02d}", id_number=number,
                                                username=f"bench{i:02d}", password=DEMO_PASSWORD)
    app = Application.objects.create(
        name="bench", client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="https://bench.invalid/cb", algorithm=Application.RS256_ALGORITHM)
    ClientPolicy.objects.create(application=app, allowed_scopes="openid profile")
    tokens = []
    for n, person in enumerate(Person.objects.filter(user__isnull=False).select_related("user")):
        raw = f"bench-token-{n:03d}-{person.uid.hex}"
        AccessToken.objects.create(user=person.user, application=app, token=raw,
                                   scope="openid profile",
                                   expires=timezone.now() + dt.timedelta(hours=2))
        tokens.append(raw)
    impl = ItemImplementation.objects.filter(item__code=SERVICE, is_active=True).order_by(
        "code").first()
    person = Person.objects.filter(user__isnull=False).first()
    assert impl is not None and person is not None
    body = {"service": SERVICE, "implementation": impl.code, "form": _form(person)}
    (out / "tokens.txt").write_text("\n".join(tokens) + "\n")
    (out / "body.json").write_text(json.dumps(body, ensure_ascii=False))
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_bare_insert "
                       "(id bigserial PRIMARY KEY, body text NOT NULL, "
                       "at timestamptz NOT NULL DEFAULT now())")
    print(json.dumps({"tokens": len(tokens), "implementation": impl.code}))


def _phase_times(stats: pstats.Stats, n: int) -> dict[str, float]:
    """Milliseconds per submission inside the main phases (cumulative time)."""
    wanted = {"authenticate": "bearer.py", "_lookup": "bearer.py",
              "implementation_for": "services.py",
              "do_submit_application": "applications.py", "clean": "eforms.py",
              "material_problems": "precheck.py", "eligibility_problems": "precheck.py",
              "store_submitted": "writes.py", "_statement": "writes.py",
              "_submitted_out": "api.py", "_case_out": "api.py",
              # the draft path, still taken by applications with uploads
              "do_create_draft": "drafts.py", "do_save_form": "drafts.py",
              "do_transition": "lifecycle.py", "_detail": "api.py",
              "next_number": "numbering.py", "record": "audit.py"}
    out: dict[str, float] = {}
    for (filename, _line, func), row in stats.stats.items():  # type: ignore[attr-defined]
        if func in wanted and filename.endswith(wanted[func]):
            key = f"{func} ({wanted[func]})"
            out[key] = out.get(key, 0.0) + row[3] * 1000 / n
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def _without_machine_paths(text: str) -> str:
    """File names relative to the project, site-packages or the standard library: the report
    is committed, and where this machine keeps them is nobody's business."""
    import site
    import sysconfig

    prefixes = [*site.getsitepackages(), sysconfig.get_paths()["stdlib"],
                str(Path(__file__).resolve().parent.parent)]
    for prefix in sorted(prefixes, key=len, reverse=True):
        text = text.replace(prefix.rstrip("/") + "/", "")
    return text


def profile(out: Path, n: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    body = (out / "body.json").read_text()
    token = (out / "tokens.txt").read_text().split()[0]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    def submit() -> None:
        response = client.post("/api/v1/cases/", body, content_type="application/json")
        assert response.status_code == 201, response.content[:300]

    for _ in range(20):
        submit()  # warm caches and connections
    with CaptureQueriesContext(connection) as queries:
        submit()
    # Copied at once: the next request's `request_started` signal clears the query log.
    captured = [q["sql"] for q in queries.captured_queries]
    kinds: dict[str, int] = {}
    for q in captured:
        word = q.split(None, 1)[0].upper()
        kinds[word] = kinds.get(word, 0) + 1
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(n):
        submit()
    profiler.disable()
    elapsed = time.perf_counter() - started
    stats = pstats.Stats(profiler)
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(15)
    top = _without_machine_paths(text.getvalue())
    (out / "profile.json").write_text(json.dumps({
        "n": n, "ms_per_submission": elapsed * 1000 / n, "queries": len(captured),
        "query_kinds": kinds, "phases_ms": _phase_times(stats, n),
        "top_tottime": top,
        "sql": [q[:160] for q in captured],
    }, ensure_ascii=False, indent=1))


def _steady_caches() -> None:
    """The per-process caches (bearer token, implementation: 2 s; calendar: 5 min) kept for
    the whole loop. Why: under callgrind a request takes ~0.3 s of wall time, so a 2 s cache ran
    out every few requests and the count carried a token and an implementation lookup per ~6
    submissions, which varied with the machine's speed. At the rates measured by `make bench`
    they hit on nearly every request, but not on all: with 23 tokens, 3 processes and ~1,000/s,
    a token misses about once per 20-30 submissions. So the loop leaves the misses out, and
    `parts` times them alone (`_misses`)."""
    from jingchu.cases import bearer, services
    from jingchu.core import calendar

    bearer.TOKEN_CACHE_SECONDS = services.IMPLEMENTATION_CACHE_SECONDS = 1e9
    calendar.CACHE_SECONDS = 1e9


def loop(out: Path, n: int, path: str, status: int) -> None:
    """Posts straight to the API process's WSGI application (jingchu.wsgi_api), as granian
    calls it: its handler, hot operations included, not Django's test client."""
    from jingchu.wsgi_api import application

    _steady_caches()
    body = (out / "body.json").read_bytes()
    token = (out / "tokens.txt").read_text().split()[0]
    base = {"REQUEST_METHOD": "POST", "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8765", "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1", "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)), "HTTP_HOST": "127.0.0.1:8765",
            "HTTP_AUTHORIZATION": f"Bearer {token}", "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": True,
            "wsgi.run_once": False, "wsgi.version": (1, 0)}
    started: list[str] = []

    def start_response(line: str, headers: Any, exc_info: Any = None) -> None:
        started.append(line)

    for _ in range(30 + n):
        answer = application(base | {"wsgi.input": io.BytesIO(body)}, start_response)
        content = b"".join(answer)
        getattr(answer, "close", lambda: None)()
        assert started.pop().startswith(str(status)), content[:300]


# The parts timed by `parts`: (module, attribute, what it is). Each is called through its
# module's global or its class, so replacing the attribute times every call.
PARTS = (
    ("jingchu.cases.bearer", "OIDCBearer.authenticate", "the bearer check"),
    ("jingchu.services.eforms", "clean", "JSON Schema (eforms.clean)"),
    ("jingchu.cases.actions.applications", "_checked_version", "the version's checks"),
    ("jingchu.cases.precheck", "eligibility_problems", "eligibility pre-check"),
    ("jingchu.core.instances", "new", "new model instances"),
    ("jingchu.cases.writes", "store_submitted", "storing (all of it)"),
    ("jingchu.cases.writes", "_store_in_one_statement", "- one statement (a batch of one)"),
    ("jingchu.cases.writes", "_statement", "- - the statement's text and values"),
    ("jingchu.core.prepared", "prepared_cursor", "- - the kept cursor"),
    ("django.db.backends.utils", "CursorWrapper.execute", "- - Django's cursor execute"),
    ("jingchu.core.prepared", "_Preparing.execute", "- - - psycopg's execute (prepared)"),
    ("jingchu.cases.api", "_bare_insert", "the anchor's insert (all of it)"),
    ("jingchu.cases.api", "_submitted_out", "the answer's dict (_submitted_out)"),
    ("jingchu.core.renderers", "dumps", "writing the answer's JSON"),
    ("ninja.main", "NinjaAPI.create_response", "the response (JSON and HttpResponse)"),
)


def _timed(totals: dict[str, int], label: str, function: Any) -> Any:
    """`function`, adding the calling thread's CPU time in it to `totals[label]`. Calls of one
    part inside another (a recursion) are counted once, at the outermost."""
    depth = [0]

    def timed(*args: Any, **kwargs: Any) -> Any:
        if depth[0]:
            return function(*args, **kwargs)
        depth[0] += 1
        started = time.thread_time_ns()
        try:
            return function(*args, **kwargs)
        finally:
            totals[label] += time.thread_time_ns() - started
            depth[0] -= 1
    return timed


def parts(out: Path, n: int) -> None:
    """Per request, µs of the thread's CPU in each of PARTS and in the whole request, for the
    submission and for the anchor: what each part costs in place, run once per request amid
    everything else (bench/HISTORY.md, "Fifteenth session": in place such a part can cost
    several times what it costs alone in a loop). One thread; the timers themselves cost
    ~0.3 µs per timed call."""
    import importlib

    from bench_report import WHOLE  # beside this script

    from jingchu.wsgi_api import application  # noqa: F401  # everything imported first

    totals: dict[str, int] = {}
    for module_name, attribute, label in PARTS:
        owner: Any = importlib.import_module(module_name)
        name = attribute
        if "." in attribute:
            class_name, name = attribute.split(".")
            owner = getattr(owner, class_name)
        totals[label] = 0
        setattr(owner, name, _timed(totals, label, getattr(owner, name)))
    answer: dict[str, dict[str, float | None]] = {}
    for kind, path, status in (("submission", "/api/v1/cases/", 201),
                               ("anchor", "/api/v1/cases/bench/bare", 200)):
        loop(out, 0, path, status)  # the 30 warm posts, not counted
        for label in totals:
            totals[label] = 0
        started = time.thread_time_ns()
        loop(out, n - 30, path, status)  # 30 warm posts more: n posts in all, all counted
        whole = time.thread_time_ns() - started
        answer[kind] = {WHOLE: whole / n / 1000} | {
            label: spent / n / 1000 if spent else None for label, spent in totals.items()}
    answer["submission"] |= _misses(out)
    (out / "parts.json").write_text(json.dumps(answer, ensure_ascii=False, indent=1))


# The lookups behind the per-process caches, each timed alone: the loop above never misses
# (`_steady_caches`), and under load each token misses every TOKEN_CACHE_SECONDS in each process,
# each implementation every IMPLEMENTATION_CACHE_SECONDS (bench/HISTORY.md, "Twenty-first
# session": compiled by the ORM on every miss, these took ~18% of the API process's Python time).
MISSES = ("a token's lookup, per cache miss (not per request)",
          "an implementation's load, per cache miss (not per request)")


def _misses(out: Path, n: int = 200) -> dict[str, float | None]:
    import hashlib

    from jingchu.cases import bearer, services

    checksum = hashlib.sha256((out / "tokens.txt").read_text().split()[0].encode()).hexdigest()
    impl = json.loads((out / "body.json").read_text()).get("implementation", "")
    answer: dict[str, float | None] = {}
    for label, call in ((MISSES[0], lambda: bearer._lookup(checksum)),
                        (MISSES[1], lambda: services._load_implementation(SERVICE, impl))):
        call()  # compiled and prepared first, as after the first miss of a process
        started = time.thread_time_ns()
        for _ in range(n):
            call()
        answer[label] = (time.thread_time_ns() - started) / n / 1000
    return answer


def statement(out: Path) -> None:
    """The statement of one real submission (cases.writes), its values inlined, as
    OUT/statement.sql for pgbench (bench/counter_contention.py)."""
    import psycopg
    from django.db import connection

    from jingchu.cases import writes

    seen: list[tuple[str, list[Any]]] = []
    pending: list[Any] = []
    real = writes._statement

    def spy(case: Any, prefix: str, origin: Any, conn: Any,
            ) -> tuple[str, list[Any]]:
        pending.append(writes._Pending(case, prefix, origin))
        seen.append(real(case, prefix, origin, conn))
        return seen[-1]

    writes._statement = spy
    loop(out, 0, "/api/v1/cases/", 201)
    connection.ensure_connection()  # the request's end may have closed it
    client = psycopg.ClientCursor(connection.connection)
    (out / "statement.sql").write_text(client.mogrify(*seen[-1]))
    # The last four as one batch, as the web process's group commit writes them.
    sql, params = writes._batch_statement(pending[-BATCH:], connection)
    (out / "batch.sql").write_text(client.mogrify(sql, params))


def main() -> None:
    django.setup()
    command, out = sys.argv[1], Path(sys.argv[2])
    if command == "setup":
        setup(out)
    elif command == "profile":
        profile(out, int(sys.argv[3]))
    elif command == "statement":
        statement(out)
    elif command == "parts":
        parts(out, int(sys.argv[3]))
    elif command == "loop":
        path, status = (sys.argv[4], int(sys.argv[5])) if len(sys.argv) > 5 else (
            "/api/v1/cases/", 201)
        loop(out, int(sys.argv[3]), path, status)
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main()
