"""A real Celery worker, a real Redis broker and PostgreSQL deliver a notification end to end."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection

from jingchu import celery_app
from jingchu.conftest import is_postgres, redis_url
from jingchu.core import actions
from jingchu.core.choices import NotificationChannel, NotificationStatus
from jingchu.core.models import AuditEvent, Notification
from jingchu.identity.choices import UserKind
from jingchu.identity.models import User

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.skipif(not redis_url(), reason="needs a Redis server: set JINGCHU_TEST_REDIS_URL "
                       "(e.g. redis://127.0.0.1:6379/15)"),
    pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL: the worker process must "
                       "reach the test database, which SQLite cannot share safely"),
]

CELERY = Path(sys.executable).parent / "celery"
WAIT_SECONDS = 60


def _test_database_url() -> str:
    """The database pytest-django created (`test_…`, `_gwN` under xdist), as a URL."""
    conf = connection.settings_dict
    user = quote(conf.get("USER") or "")
    password = f":{quote(conf['PASSWORD'])}" if conf.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = conf.get("HOST") or "127.0.0.1"
    port = f":{conf['PORT']}" if conf.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{quote(conf['NAME'])}"


@pytest.fixture
def _reference_data_back(django_db_blocker: Any) -> Iterator[None]:
    """A transactional test empties every table when it ends; put back the regions and the
    calendar the session fixture loaded, for the tests that run after this one.

    Requested before `transactional_db`, so this teardown runs after its flush."""
    yield
    from jingchu.core.calendar_data import load_calendar_files
    from jingchu.core.regions import load_regions

    with django_db_blocker.unblock():
        load_regions()
        load_calendar_files()


@pytest.fixture
def broker_queue() -> Iterator[str]:
    """Point this process's Celery app at the test Redis, on a queue of its own so that runs
    sharing the Redis database cannot take each other's messages; restore it afterwards."""
    conf = celery_app.conf
    keys = ("task_always_eager", "broker_url", "task_default_queue")
    saved = {key: conf[key] for key in keys}
    queue = f"jingchu-test-{uuid.uuid4().hex[:12]}"
    conf.update(task_always_eager=False, broker_url=redis_url(), task_default_queue=queue)
    _reset_broker_connections()
    try:
        yield queue
    finally:
        conf.update(saved)
        _reset_broker_connections()
        import redis

        with redis.Redis.from_url(str(redis_url())) as client:
            client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


def _reset_broker_connections() -> None:
    # The app caches its connection and producer pools on first use; a changed broker URL
    # needs fresh ones. The pools also live in kombu's registry, keyed by broker: closing one
    # without emptying the registry would hand the closed pool to every later task of this
    # process (eager tasks take a producer too), so the registry is reset as a whole.
    from kombu import pools

    app: Any = celery_app
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


def _start_worker(queue: str, mail_dir: Path, log: Any) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "JINGCHU_REDIS_URL": str(redis_url()),
        "JINGCHU_TASKS_EAGER": "false",
        "JINGCHU_DATABASE_URL": _test_database_url(),
        "JINGCHU_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "JINGCHU_EMAIL_FILE_PATH": str(mail_dir),
        "PYTHONUNBUFFERED": "1",
    }
    command = [str(CELERY), "-A", "jingchu", "worker", "--pool=solo", "--concurrency=1",
               "-Q", queue, "--without-heartbeat", "--without-gossip", "--without-mingle",
               "--loglevel=INFO"]
    return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                            cwd=Path(__file__).resolve().parents[3])


def _wait_until_sent(note: Notification, worker: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        note.refresh_from_db()
        if note.status != NotificationStatus.PENDING or worker.poll() is not None:
            return
        time.sleep(0.5)


def test_worker_delivers_an_email_from_the_outbox(
    _reference_data_back, transactional_db, broker_queue, settings, tmp_path
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    citizen = User.objects.create_user(username="worker_citizen", email="w@example.org",
                                       kind=UserKind.PERSON)
    mail_dir = tmp_path / "mail"
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        worker = _start_worker(broker_queue, mail_dir, log)
        try:
            # Committed for real (transactional test), so on_commit publishes to Redis.
            note = actions.do_enqueue_notification(
                None, citizen, NotificationChannel.EMAIL, "Licence issued", "Your licence …"
            )
            _wait_until_sent(note, worker)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
    output = log_path.read_text(errors="replace")
    assert note.status == NotificationStatus.SENT, f"not sent; worker log:\n{output[-4000:]}"
    assert note.attempts == 1
    sent_files = list(mail_dir.glob("*.log"))
    assert len(sent_files) == 1
    assert "Subject: Licence issued" in sent_files[0].read_text()
    assert AuditEvent.objects.filter(action="core.notification.send",
                                     object_id=str(note.uid)).count() == 1
