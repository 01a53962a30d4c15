"""What the pages, the API and the PDF report read: evaluations, a city's result with its
topics, indicators, missing values and sensitivity, and its trend over the months."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from jingchu.bizenv.models import CityResult, Evaluation, Score, TopicScore
from jingchu.core.models import Region


def evaluations() -> QuerySet[Evaluation]:
    return Evaluation.objects.order_by("-month")


def evaluation_for(month: dt.date | None) -> Evaluation | None:
    """The evaluation of `month`, or the latest one when no month is given."""
    found = evaluations()
    if month is not None:
        found = found.filter(month=month)
    return found.first()


def ranking(evaluation: Evaluation, paths: set[str] | None = None) -> list[CityResult]:
    """The results of the month, ranked (unranked last); limited to `paths` when given."""
    rows = evaluation.results.select_related("region")
    if paths is not None:
        rows = rows.filter(region__path__in=paths)
    return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.region.code))


@dataclass
class TopicView:
    topic: TopicScore
    scores: list[Score] = field(default_factory=list)

    @property
    def missing(self) -> list[Score]:
        return [s for s in self.scores if s.value is None]

    @property
    def uncertain(self) -> bool:
        return self.topic.low != self.topic.high


@dataclass
class CityView:
    result: CityResult
    topics: list[TopicView]
    trend: list[dict[str, Any]]
    count: int

    @property
    def missing(self) -> list[Score]:
        return [s for t in self.topics for s in t.missing]

    @property
    def missing_topics(self) -> list[TopicScore]:
        return [t.topic for t in self.topics if t.topic.score is None]


def result_for(evaluation: Evaluation, region: Region) -> CityResult | None:
    return evaluation.results.select_related("region", "evaluation").filter(
        region=region).first()


def trend(region: Region, limit: int = 12) -> list[dict[str, Any]]:
    """The city's overall score and rank over the latest `limit` evaluated months, oldest
    first."""
    rows = (CityResult.objects.filter(region=region).select_related("evaluation")
            .order_by("-evaluation__month")[:limit])
    return [{"month": f"{r.evaluation.month:%Y-%m}", "overall": r.overall, "rank": r.rank}
            for r in reversed(list(rows))]


def city_view(result: CityResult) -> CityView:
    scores = list(result.scores.select_related("indicator__topic"))
    by_topic: dict[int, list[Score]] = {}
    for score in scores:
        by_topic.setdefault(score.indicator.topic_id, []).append(score)
    topics = [TopicView(t, by_topic.get(t.topic_id, []))
              for t in result.topics.select_related("topic")]
    return CityView(result, topics, trend(result.region),
                    result.evaluation.results.count())


def chart_data(rows: list[CityResult]) -> dict[str, Any]:
    """The province summary's bar chart: overall scores (None when missing) and ranges."""
    return {"cities": [r.region.name for r in rows],
            "overall": [None if r.overall is None else round(r.overall, 2) for r in rows],
            "low": [round(r.overall_low, 2) for r in rows],
            "high": [round(r.overall_high, 2) for r in rows]}
