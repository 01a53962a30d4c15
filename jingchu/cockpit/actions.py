"""State changes of the cockpit: refreshing rollups (by the scheduler, the command line or a
province administrator's button). Each KPI's day is replaced in its own transaction inside
`rollups.refresh_day`; this records who asked for which days and what came of it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jingchu.cockpit import permissions, rollups
from jingchu.core import audit
from jingchu.core.errors import ActionError, NotPermitted

MAX_DAYS = 366


def do_refresh_rollups(actor: Any, days: Iterable[dt.date],
                       codes: Iterable[str] | None = None) -> list[rollups.RefreshReport]:
    """Recompute the rollups of the given local days (all KPIs, or `codes`). Actor None: the
    scheduler or the command line."""
    if not permissions.can_refresh(actor):
        raise NotPermitted(_("You may not refresh the cockpit's figures."))
    wanted = sorted(set(days))
    if not wanted or len(wanted) > MAX_DAYS:
        raise ActionError("days_invalid", _("Choose from 1 to %(max)d days.")
                          % {"max": MAX_DAYS}, {"field": "days"})
    code_list = None if codes is None else list(codes)
    reports = [rollups.refresh_day(day, code_list) for day in wanted]
    with transaction.atomic():
        audit.record("cockpit.rollups_refreshed", actor, None, {
            "first_day": wanted[0].isoformat(), "last_day": wanted[-1].isoformat(),
            "days": len(wanted), "kpis": code_list or "all",
            "rows": sum(r.rows for r in reports),
            "errors": {f"{r.day}:{c}": e for r in reports for c, e in r.errors.items()}})
    return reports


def do_refresh_recent(actor: Any = None) -> list[rollups.RefreshReport]:
    """The scheduler's refresh: today and every recent day that is due."""
    return do_refresh_rollups(actor, rollups.due_days())
