"""好差评's KPI feeds (jingchu.reviews.kpis) on window ratings made through the actions: the
good-rating rate per local day, on-time rectification per deadline day, ratings set aside by an
upheld appeal left out, and pending rectifications in no row."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from jingchu.cases.tests.conftest import make_staff
from jingchu.core import kpi
from jingchu.identity.choices import StaffRole
from jingchu.reviews import actions, kpis
from jingchu.reviews.models import Rectification, Review

pytestmark = pytest.mark.django_db
LOCAL = ZoneInfo("Asia/Shanghai")
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
TODAY = dt.date(2026, 3, 10)


def day(n: int) -> dt.date:
    return dt.date(2026, 3, n)


def rated(clerk: Any, token: str, org: Any, level: int, at: dt.datetime,
          deadline: dt.date | None = None) -> Review:
    """A window rating, given at `at` (and its rectification due on `deadline`): the times are
    set on the rows after the action, as a fixture."""
    review = actions.do_rate_at_window(clerk, token, org, event="consultation", level=level)
    Review.objects.filter(pk=review.pk).update(created_at=at)
    if deadline is not None:
        Rectification.objects.filter(review=review).update(deadline=deadline)
    return Review.objects.get(pk=review.pk)


@pytest.fixture
def ratings(demo_orgs: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """市场监管局 (武汉):
    - 5 on Tue 3 March 10:00 local;
    - 3 at 23:30 UTC on 3 March = Wed 4 March 07:30 local;
    - 2 on 4 March, rectification due Fri 6 March, fixed and closed on Thu 5 March: on time;
    - 1 on 4 March, rectification due Fri 20 March, still open (pending on 10 March);
    - 1 on 4 March, appealed as malicious and the appeal upheld: left out everywhere.
    宜昌市市场监管局: 1 on 4 March, rectification due Thu 5 March, still open: overdue."""
    amr, yichang = demo_orgs["wh-scjg"], demo_orgs["yc-scjg"]
    clerk = make_staff("kpi_clerk", amr, StaffRole.WINDOW_CLERK)
    reviewer = make_staff("kpi_reviewer", amr, StaffRole.REVIEWER)
    approver = make_staff("kpi_approver", amr, StaffRole.APPROVER)
    yc_clerk = make_staff("kpi_yc_clerk", yichang, StaffRole.WINDOW_CLERK)
    _device, token = actions.do_open_window_device(clerk, amr)
    _device, yc_token = actions.do_open_window_device(yc_clerk, yichang)
    morning = dt.datetime(2026, 3, 4, 10, 0, tzinfo=LOCAL)
    rated(clerk, token, amr, 5, dt.datetime(2026, 3, 3, 10, 0, tzinfo=LOCAL))
    rated(clerk, token, amr, 3, dt.datetime(2026, 3, 3, 23, 30, tzinfo=dt.UTC))
    fixed = rated(clerk, token, amr, 2, morning, deadline=day(6))
    rated(clerk, token, amr, 1, morning, deadline=day(20))
    malicious = rated(clerk, token, amr, 1, morning, deadline=day(6))
    rated(yc_clerk, yc_token, yichang, 1, morning, deadline=day(5))
    appeal = actions.do_file_appeal(reviewer, malicious, reason="恶意差评")
    actions.do_decide_appeal(approver, appeal, uphold=True, note="属实")
    monkeypatch.setattr(timezone, "now",
                        lambda: dt.datetime(2026, 3, 5, 16, 0, tzinfo=LOCAL))
    rect = fixed.rectification
    actions.do_resolve_rectification(reviewer, rect, resolution="fixed", text="已整改")
    actions.do_close_rectification(approver, rect)
    return {"amr": amr, "yichang": yichang}


def parts(rows: list[kpi.KpiRow]) -> list[tuple[dt.date, int | None, int | None, float, float]]:
    return [(r.day, r.organization_id, r.region_id, r.numerator, r.denominator) for r in rows]


def parts_only(rows: list[kpi.KpiRow], on: dt.date) -> list[kpi.KpiRow]:
    return [r for r in rows if r.day == on]


def test_good_rate_per_local_day(ratings: dict[str, Any]) -> None:
    amr, yichang = ratings["amr"], ratings["yichang"]
    rows = kpis.good_rows(*MARCH)
    # 3 March: the 5; 4 March: the 3 (23:30 UTC on the 3rd), the 2 and the open 1 → 1 good of
    # 3 (the appealed 1 is left out); 宜昌 4 March: its 1 → 0 of 1
    assert parts(rows) == [(day(3), amr.pk, amr.region_id, 1.0, 1.0),
                           (day(4), amr.pk, amr.region_id, 1.0, 3.0),
                           (day(4), yichang.pk, yichang.region_id, 0.0, 1.0)]
    assert kpi.value(rows, "rate") == pytest.approx(2 / 5)
    assert kpis.good_rows(day(3), day(3)) == parts_only(rows, day(3))


def test_rectification_on_time_per_deadline_day(ratings: dict[str, Any]) -> None:
    amr, yichang = ratings["amr"], ratings["yichang"]
    rows = kpis.rectification_rows(*MARCH, today=TODAY)
    # 宜昌's due 5 March, still open: 0 of 1; 市场监管局's due 6 March, closed 5 March: 1 of 1;
    # the one due 20 March is pending on 10 March; the appealed one is left out
    assert parts(rows) == [(day(5), yichang.pk, yichang.region_id, 0.0, 1.0),
                           (day(6), amr.pk, amr.region_id, 1.0, 1.0)]
    assert kpi.value(rows, "rate") == 0.5
    later = kpis.rectification_rows(*MARCH, today=day(21))
    # past 20 March the open one is decided too: late
    assert parts(later)[-1] == (day(20), amr.pk, amr.region_id, 0.0, 1.0)
    assert kpi.value(later, "rate") == pytest.approx(1 / 3)


def test_the_specs_are_registered(db: Any) -> None:
    specs = kpi.registry()
    assert {s.code for s in kpis.KPIS} <= set(specs)
    assert specs["reviews.good_rate"].compute is kpis.good_rows
    with translation.override("en"):
        assert "deadline" in str(specs["reviews.rectification_on_time_rate"].definition)
