"""Demo ratings for `jingchu demo`: a morning of anonymous ratings at 武汉市民之家's window, so
the public statistics page has something to show. Idempotent: skipped once any rating exists."""

from __future__ import annotations

from typing import Any

from jingchu.identity.models import User
from jingchu.reviews import actions
from jingchu.reviews.models import Review

# (level, event, attitude, efficiency, comment): all good, so no rectification is left without
# a handler (the hall's demo staff is a window clerk only).
RATINGS = [
    (5, "consultation", 5, 5, "工作人员很耐心"),
    (5, "submission", 5, 4, ""),
    (4, "submission", 4, 4, "排队稍久"),
    (4, "consultation", 5, 3, ""),
    (3, "submission", 3, 3, "材料清单可以更清楚"),
    (5, "submission", 5, 5, "一次办好"),
]


def load_demo(ctx: Any) -> None:
    if Review.objects.exists():
        return
    hall = ctx.orgs.get("wh-smzj")
    clerk = User.objects.filter(username="clerk_wuhan").first()
    if hall is None or clerk is None:
        return
    _device, token = actions.do_open_window_device(clerk, hall)
    for level, event, attitude, efficiency, comment in RATINGS:
        actions.do_rate_at_window(clerk, token, hall, event=event, level=level, comment=comment,
                                  scores={"attitude": attitude, "efficiency": efficiency})
    actions.do_close_window_device(clerk, token, hall)
    ctx.report.append(f"Service ratings: {len(RATINGS)} at {hall.name} (window device)")
