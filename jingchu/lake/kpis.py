"""KPI feeds of the data lake's quality audits for the cockpit (the contract: jingchu.core.kpi).

Data quality scores (0–100) by dimension (规范性 conformity, 准确性 accuracy, 一致性 consistency,
完整性 completeness, 时效性 timeliness) and overall, from the audit runs that succeeded, put on
the local day (Asia/Shanghai) of `finished_at`, per organization owning the dataset. Each row is
(Σ score, runs), so the cockpit's figure over any days and organizations is the mean score of
the runs in them (every run weighs the same, however many rows its dataset has). A run's
dimension score exists only when the dataset has rules of that dimension: a dimension's rows
count the runs that scored it. Failed and unfinished runs are left out. One GROUP BY query per
figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db.models import Count, FloatField, Q, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from jingchu.core.kpi import KpiRow, KpiSpec
from jingchu.core.periods import day_start, local_day
from jingchu.lake.choices import Dimension, JobStatus
from jingchu.lake.models import AuditRun

OVERALL = "overall"


def quality_scores(start: dt.date, end: dt.date, dimension: str) -> list[KpiRow]:
    """(Σ score, runs) per local day of finishing and owning organization, for one dimension
    of AuditRun.scores or, with OVERALL, for AuditRun.score."""
    if dimension == OVERALL:
        total, runs = Sum("score"), Count("id", filter=Q(score__isnull=False))
    else:
        has = Q(scores__has_key=dimension)
        total = Sum(Cast(KT(f"scores__{dimension}"), FloatField()), filter=has)
        runs = Count("id", filter=has)
    rows = (AuditRun.objects.filter(status=JobStatus.SUCCEEDED,
                                    finished_at__gte=day_start(start),
                                    finished_at__lt=day_start(end + dt.timedelta(days=1)))
            .order_by()
            .annotate(day=local_day("finished_at"))
            .values("day", "dataset__owner_id", "dataset__owner__region_id")
            .annotate(total=total, runs=runs)
            .values_list("day", "dataset__owner_id", "dataset__owner__region_id", "total",
                         "runs"))
    return [KpiRow(day, org, region, float(total or 0), float(n))
            for day, org, region, total, n in rows if n]


def _scores_of(dimension: str) -> Callable[[dt.date, dt.date], list[KpiRow]]:
    def compute(start: dt.date, end: dt.date) -> list[KpiRow]:
        return quality_scores(start, end, dimension)

    compute.__name__ = f"quality_{dimension}"
    return compute


_DIMENSION_DEFINITION = _(
    "Mean %(dimension)s score (0–100) of the quality audits of the organization's datasets "
    "that succeeded on the day (the local day of finishing): the sum of the runs' "
    "%(dimension)s scores divided by the number of those runs that scored the dimension (a "
    "run scores it when the dataset has rules of it). A dimension's score is 100 × (1 − "
    "weighted failed rows / weighted checked rows) over its rules.")
_NAMES = {
    Dimension.CONFORMITY: _("Data quality: conformity"),
    Dimension.ACCURACY: _("Data quality: accuracy"),
    Dimension.CONSISTENCY: _("Data quality: consistency"),
    Dimension.COMPLETENESS: _("Data quality: completeness"),
    Dimension.TIMELINESS: _("Data quality: timeliness"),
}


def _definition(dimension: Dimension) -> str:
    return str(_DIMENSION_DEFINITION) % {"dimension": dimension.label}


_lazy_definition = lazy(_definition, str)  # translated when shown, like gettext_lazy


KPIS: list[KpiSpec] = [
    *(KpiSpec(code=f"lake.quality_{dimension.value}", name=_NAMES[dimension],
              definition=_lazy_definition(dimension), source="lake: AuditRun.scores, Dataset.owner",
              unit="score", compute=_scores_of(dimension.value))
      for dimension in Dimension),
    KpiSpec(
        code="lake.quality_overall", name=_("Data quality: overall score"),
        definition=_(
            "Mean overall score (0–100) of the quality audits of the organization's datasets "
            "that succeeded on the day (the local day of finishing): the sum of the runs' "
            "overall scores divided by the number of runs. A run's overall score is the mean "
            "of its dimension scores weighted by each dimension's total rule weight."),
        source="lake: AuditRun.score, Dataset.owner", unit="score",
        compute=_scores_of(OVERALL)),
]
