"""Demo ratings for `jingchu demo`: a morning of anonymous ratings at 武汉市民之家's window, so
the public statistics page has something to show. Idempotent: skipped once any rating exists."""

from __future__ import annotations

from typing import Any

from jingchu.identity.models import User
from jingchu.reviews import actions
from jingchu.reviews.choices import ServiceEvent
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
    """The reviews app's part of `jingchu demo`: window ratings, then the demo cases' ratings
    (the cases app's demo loads first, so its cases exist by now)."""
    _load_window_ratings(ctx)
    load_case_ratings(ctx)


def _load_window_ratings(ctx: Any) -> None:
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


# Ratings of the completed demo cases (jingchu.cases.demo) by their applicants: a good one, and a
# bad one that opens a rectification at 武汉市人社局, whose demo reviewer and approver handle it.
# (case key, level, comment, indicator scores)
CASE_RATINGS = [
    ("enterprise-change", 5, "全程网办，第二天就拿到了新执照，很方便。",
     {"attitude": 5, "efficiency": 5, "convenience": 5, "disclosure": 4}),
    ("unemployment-benefit", 1, "审核期间打了三次电话都没人接，进度也查不到。",
     {"attitude": 1, "efficiency": 2, "convenience": 2, "disclosure": 1}),
]


def load_case_ratings(ctx: Any) -> None:
    """Rate each demo case once, as its applicant; skipped for a case already rated."""
    from jingchu.cases.demo import find_demo_case

    rated = 0
    for key, level, comment, scores in CASE_RATINGS:
        case = find_demo_case(key, ctx.orgs)
        if case is None or case.applicant.user is None or Review.objects.filter(
                case=case, event=ServiceEvent.COMPLETION).exists():
            continue
        actions.do_rate_case(case.applicant.user, case, event=ServiceEvent.COMPLETION,
                             level=level, scores=scores, comment=comment)
        rated += 1
    if rated:
        ctx.report.append(f"Ratings of demo cases: {rated}")
