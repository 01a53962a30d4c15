"""Computing a month's evaluation: every city's indicators scored by distance to frontier, topic
and overall scores with their sensitivity ranges, the ranking and the change since the previous
month. Idempotent: recomputing a month replaces its evaluation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.bizenv import months, permissions, scoring, sources
from jingchu.bizenv.actions.imports import active_indicators, cities
from jingchu.bizenv.models import CityResult, Evaluation, Indicator, Score, Topic, TopicScore
from jingchu.core import audit
from jingchu.core.errors import NotPermitted
from jingchu.core.models import Region


@dataclass
class CityScores:
    """What one city's computation produced, before it is written."""

    region: Region
    scores: list[Score]
    topics: list[TopicScore]
    overall: scoring.Aggregate


def _score(indicator: Indicator, found: sources.Found) -> Score:
    value = found.value
    return Score(indicator=indicator, value=value, source=found.source,
                 missing_reason=found.reason,
                 dtf=None if value is None else scoring.dtf(
                     value, indicator.frontier, indicator.worst, indicator.direction))


def score_city(city: Region, by_topic: dict[Topic, list[Indicator]],
               platform: sources.PlatformFigures,
               imported: dict[tuple[str, str], float]) -> CityScores:
    """One city's scores (unsaved rows) from the month's figures."""
    scores: list[Score] = []
    topics: list[TopicScore] = []
    topic_parts: list[scoring.Part] = []
    for topic, indicators in by_topic.items():
        parts = []
        for indicator in indicators:
            score = _score(indicator, sources.resolve(indicator, city, platform, imported))
            scores.append(score)
            parts.append(scoring.Part(indicator.code, score.dtf, indicator.weight))
        agg = scoring.aggregate(parts)
        topics.append(TopicScore(topic=topic, score=agg.score, low=agg.low, high=agg.high,
                                 present=agg.present, missing=len(agg.missing)))
        topic_parts.append(scoring.Part(topic.code, agg.score, topic.weight, agg.low, agg.high))
    return CityScores(city, scores, topics, scoring.aggregate(topic_parts))


def _grouped(indicators: Sequence[Indicator]) -> dict[Topic, list[Indicator]]:
    by_topic: dict[Topic, list[Indicator]] = {}
    for indicator in sorted(indicators, key=lambda i: (i.topic.order, i.topic.code, i.order,
                                                       i.code)):
        by_topic.setdefault(indicator.topic, []).append(indicator)
    return by_topic


def _write(evaluation: Evaluation, computed: list[CityScores]) -> None:
    ranks = scoring.rank({c.region.code: c.overall.score for c in computed})
    before = {r.region_id: r for r in CityResult.objects.filter(
        evaluation__month=months.previous_month(evaluation.month))}
    scores: list[Score] = []
    topics: list[TopicScore] = []
    for city in computed:
        previous = before.get(city.region.pk)
        result = CityResult.objects.create(
            evaluation=evaluation, region=city.region, overall=city.overall.score,
            overall_low=city.overall.low, overall_high=city.overall.high,
            rank=ranks[city.region.code],
            previous_overall=previous.overall if previous else None,
            previous_rank=previous.rank if previous else None,
            missing=sum(1 for s in city.scores if s.value is None))
        for score in city.scores:
            score.result = result
        for topic in city.topics:
            topic.result = result
        scores.extend(city.scores)
        topics.extend(city.topics)
    Score.objects.bulk_create(scores)
    TopicScore.objects.bulk_create(topics)


def _drop(month: dt.date) -> bool:
    """Remove the month's earlier evaluation and its kept reports; True when there was one."""
    old = Evaluation.objects.filter(month=month).first()
    if old is None:
        return False
    for result in old.results.exclude(report=""):
        result.report.delete(save=False)
    old.delete()
    return True


@transaction.atomic
def do_evaluate(actor: Any, month: dt.date, *, render: bool = False) -> Evaluation:
    """Compute (or recompute) the evaluation of `month` for every city-level division; with
    `render`, also each city's PDF report. Actor None: the scheduler or the command line."""
    if actor is not None and not permissions.can_evaluate(actor):
        raise NotPermitted(_("You may not compute business-environment evaluations."))
    month = month.replace(day=1)
    indicators = active_indicators()
    regions = cities()
    platform = sources.platform_figures(month, indicators, regions)
    imported = sources.imported_values(month)
    replaced = _drop(month)
    evaluation = Evaluation.objects.create(
        month=month, computed_at=timezone.now(),
        computed_by=actor if getattr(actor, "pk", None) else None,
        unknown_kpis=sorted(platform.unknown | platform.failed))
    by_topic = _grouped(indicators)
    _write(evaluation, [score_city(c, by_topic, platform, imported) for c in regions])
    audit.record("bizenv.evaluated", actor, evaluation,
                 {"month": months.label(month), "replaced": replaced,
                  "cities": len(regions), "indicators": len(indicators),
                  "unknown_kpis": evaluation.unknown_kpis})
    if render:
        from jingchu.bizenv.actions.reports import do_render_report

        for result in evaluation.results.select_related("region"):
            do_render_report(actor, result)
    return evaluation
