"""The issue's own yardstick, rebuilt: a minimal Django app on gunicorn (2 workers x 4 threads)
with a bare insert and a django-ninja endpoint that validates, inserts through the ORM and
writes an audit row. Issue 3 measured these at ~2,600/s and ~1,400/s on the machine its goal
was set on; `make bench` serves this app beside the platform and measures both in every round,
so a run says how fast its host is against that machine (bench/HISTORY.md, "Twenty-sixth
session"). Nothing of the platform is imported here.
"""
