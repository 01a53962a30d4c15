"""The Celery application. With JINGCHU_REDIS_URL unset, tasks run in-process (eager)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jingchu.settings")

app = Celery("jingchu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
