"""The cockpit's part of `jingchu demo`: three leaders who read it, and the rollups of the
demo's history, so the cockpit and the big screen show figures at once.

The other apps' demo loaders have run before this one (INSTALLED_APPS order) and backdated
their records over the last weeks; the rollups of those days are computed here through the
same refresh the scheduler runs (snapshot KPIs, such as the catalog shares, only for today: a
catalog's past states are not kept). Idempotent: days already refreshed are not done again
(the scheduler, the command or the refresh button bring today up to date).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from jingchu import config
from jingchu.cockpit.actions import do_refresh_rollups
from jingchu.cockpit.models import RefreshRun
from jingchu.identity import actions as identity_actions
from jingchu.identity.choices import StaffRole
from jingchu.identity.demo import DEMO_PASSWORD
from jingchu.identity.models import Staff

LEADERS = [
    ("leader_hb", "省领导 楚天", "hb-zwb", "Cockpit: the whole province (approver, 省政务办)"),
    ("leader_wh", "市领导 江城", "wh-zwb", "Cockpit: Wuhan and below (approver, 武汉市政务办)"),
    ("leader_xy", "市领导 襄樊", "xy-zwb", "Cockpit: Xiangyang only (approver, 襄阳市政务办)"),
]


def _leaders(ctx: Any) -> None:
    for username, name, key, description in LEADERS:
        if key not in ctx.orgs:
            continue
        staff = Staff.objects.filter(user__username=username).select_related("user").first()
        if staff is None:
            staff = identity_actions.do_create_staff(None, username=username, name=name,
                                                     password=ctx.password or DEMO_PASSWORD)
        identity_actions.do_assign_role(None, staff=staff, organization=ctx.orgs[key],
                                        role=StaffRole.APPROVER)
        ctx.logins.append((username, name, description))


def history_days() -> int:
    """The days back from today the demo computes (JINGCHU_DEMO_HISTORY_DAYS, at least one)."""
    return max(config.get("JINGCHU_DEMO_HISTORY_DAYS"), 1)


def _history(length: int) -> int:
    today = timezone.localdate()
    days = [today - dt.timedelta(days=n) for n in range(length)]
    done = set(RefreshRun.objects.filter(day__in=days).values_list("day", flat=True))
    wanted = [d for d in days if d not in done]
    if wanted:
        do_refresh_rollups(None, wanted)
    return len(wanted)


def load_demo(ctx: Any) -> None:
    _leaders(ctx)
    length = history_days()
    refreshed = _history(length)
    ctx.report.append(f"Cockpit: rollups of {refreshed} day(s) computed "
                      f"(the last {length} days are kept by `jingchu cockpit refresh`).")
