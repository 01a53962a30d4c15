"""好差评's KPI feeds for the cockpit (the contract is jingchu.core.kpi).

The definitions are those of jingchu.reviews.stats, split by local day (Asia/Shanghai) and rated
organization; the region of a row is the organization's region at rating time (Review.region):

- reviews.good_rate (好评率): ratings of 非常满意, 满意 or 基本满意 / all ratings (差评 are the two
  lowest levels, as the glossary and Level define them). A rating counts on the local day it
  was given (Review.created_at); ratings set aside by an upheld appeal are left out.
- reviews.rectification_on_time_rate (整改及时率): bad ratings' rectifications closed by their
  deadline / rectifications decided. A rectification counts on its deadline day
  (Rectification.deadline, a local date) once it is decided: closed with a fix or an
  explanation, or its deadline has passed (then, if still open or closed late, it is not on
  time). One due today or later and not closed yet is pending and in no row; rectifications of
  ratings set aside by an upheld appeal are left out. So a day's figure is final once the day
  is over.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingchu.core.kpi import KpiRow, KpiSpec
from jingchu.core.periods import Period, local_day
from jingchu.reviews.choices import GOOD_LEVELS, RectificationStatus, Resolution
from jingchu.reviews.models import Rectification, Review

SOURCE = "reviews: Review, Rectification"
ANSWERED = (Resolution.FIXED, Resolution.EXPLAINED)


def good_rows(start: dt.date, end: dt.date) -> list[KpiRow]:
    """Good ratings / ratings, per local day of rating and rated organization."""
    period = Period(start, end)
    grouped = (Review.objects.filter(excluded_from_stats=False, created_at__gte=period.since,
                                     created_at__lt=period.until)
               .annotate(day=local_day("created_at"))
               .values("day", "organization_id", "region_id")
               .annotate(good=Count("id", filter=Q(level__in=GOOD_LEVELS)), n=Count("id"))
               .order_by("day", "organization_id"))
    return [KpiRow(r["day"], r["organization_id"], r["region_id"], float(r["good"]),
                   float(r["n"])) for r in grouped]


def rectification_rows(start: dt.date, end: dt.date,
                       today: dt.date | None = None) -> list[KpiRow]:
    """Rectifications closed on time / decided, per deadline day and organization."""
    today = today or timezone.localdate()
    decided = (Q(status=RectificationStatus.CLOSED, resolution__in=ANSWERED)
               | Q(deadline__lt=today))
    grouped = (Rectification.objects
               .filter(decided, review__excluded_from_stats=False, deadline__gte=start,
                       deadline__lte=end)
               .values("deadline", "organization_id", "review__region_id")
               .annotate(on_time=Count("id", filter=Q(closed_on_time=True)), n=Count("id"))
               .order_by("deadline", "organization_id"))
    return [KpiRow(r["deadline"], r["organization_id"], r["review__region_id"],
                   float(r["on_time"]), float(r["n"])) for r in grouped]


KPIS: list[KpiSpec] = [
    KpiSpec(
        code="reviews.good_rate",
        name=_("Good-rating rate"),
        definition=_(
            "Ratings of very satisfied, satisfied or basically satisfied, divided by all "
            "ratings (the two lowest levels are bad ratings). A rating counts on the local day "
            "it was given, for the rated organization; ratings set aside by an upheld appeal "
            "are left out."),
        source=SOURCE, unit="rate", compute=good_rows),
    KpiSpec(
        code="reviews.rectification_on_time_rate",
        name=_("On-time rectification rate"),
        definition=_(
            "Rectifications of bad ratings closed with a fix or an explanation by their "
            "deadline, divided by the rectifications decided: closed with a fix or an "
            "explanation, or past their deadline. A rectification counts on the day of its "
            "deadline, for the rated organization; those of ratings set aside by an upheld "
            "appeal are left out."),
        source=SOURCE, unit="rate", compute=rectification_rows),
]
