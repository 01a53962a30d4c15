"""`jingchu supervision scan-publication`: the publication-deadline scan on the command line,
the same work as the Celery beat task."""

from __future__ import annotations

from typing import Any


def scan(stdout: Any) -> int:
    """Alert on results due soon or late for publication and mark overdue rectifications;
    print the counts; exit code 0."""
    from jingchu.supervision.actions.inspections import do_scan_publication_deadlines

    counts = do_scan_publication_deadlines(None)
    stdout.write(f"Publication alerts: {counts['soon']} due soon, {counts['late']} late; "
                 f"rectifications now overdue: {counts['follow_ups_overdue']}.\n")
    return 0
