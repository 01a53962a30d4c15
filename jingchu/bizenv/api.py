"""The business-environment JSON API under /api/v1/bizenv/: the indicator system, the months
evaluated, a month's ranking (the cities the caller may read) and one city's result, and
computing a month (the evaluation office). Thin wrappers of jingchu.bizenv.actions and
queries; every endpoint names its permission check first."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.security import django_auth

from jingchu.bizenv import months, permissions, queries
from jingchu.bizenv.actions.evaluate import do_evaluate
from jingchu.bizenv.models import CityResult, Evaluation, Indicator
from jingchu.bizenv.schemas import (
    BizenvCityOut,
    BizenvCityRowOut,
    BizenvEvaluationOut,
    BizenvIndicatorOut,
    BizenvScoreOut,
    BizenvTopicOut,
)
from jingchu.core.errors import NotFound, NotPermitted
from jingchu.core.models import Region

router = Router(tags=["bizenv"])


def require(allowed: bool) -> None:
    if not allowed:
        raise NotPermitted(_("You may not do this."))


def _row(r: CityResult) -> BizenvCityRowOut:
    return BizenvCityRowOut(city=r.region.code, name=r.region.name, overall=r.overall,
                            overall_low=r.overall_low, overall_high=r.overall_high,
                            rank=r.rank, change=r.change, rank_change=r.rank_change,
                            missing=r.missing)


def _evaluation(month: str) -> Evaluation:
    found = queries.evaluation_for(months.parse_month(month))
    if found is None:
        raise NotFound(_("This month has not been evaluated."))
    return found


@router.get("/indicators", response=list[BizenvIndicatorOut], auth=django_auth)
def list_indicators(request: HttpRequest) -> list[BizenvIndicatorOut]:
    """The indicator system: every topic's indicators, in order."""
    require(permissions.can_view_indicators(request.user))
    return [BizenvIndicatorOut(
        code=i.code, topic=i.topic.code, topic_name=i.topic.name, name=i.name, unit=i.unit,
        direction=i.direction, frontier=i.frontier, worst=i.worst, weight=i.weight,
        source=i.source, is_local=i.is_local, is_active=i.is_active)
        for i in Indicator.objects.select_related("topic")]


@router.get("/evaluations", response=list[str], auth=django_auth)
def list_months(request: HttpRequest) -> list[str]:
    """The months evaluated, newest first."""
    require(permissions.can_use_bizenv(request.user))
    return [months.label(e.month) for e in queries.evaluations()]


@router.get("/evaluations/{month}", response=BizenvEvaluationOut, auth=django_auth)
def get_evaluation(request: HttpRequest, month: str) -> BizenvEvaluationOut:
    """A month's ranking: every city for the province, the caller's own city otherwise."""
    require(permissions.can_use_bizenv(request.user))
    evaluation = _evaluation(month)
    rows = queries.ranking(evaluation, permissions.readable_city_paths(request.user))
    return BizenvEvaluationOut(month=months.label(evaluation.month),
                               computed_at=evaluation.computed_at.isoformat(),
                               unavailable_kpis=evaluation.unknown_kpis,
                               cities=[_row(r) for r in rows])


@router.get("/evaluations/{month}/cities/{code}", response=BizenvCityOut, auth=django_auth)
def get_city(request: HttpRequest, month: str, code: str) -> BizenvCityOut:
    """One city's result: topics, indicator scores, missing values and sensitivity, trend."""
    region = Region.objects.cities().filter(code=code).first()
    if region is None:
        raise NotFound(_("No such city."))
    require(permissions.can_view_city(request.user, region))
    result = queries.result_for(_evaluation(month), region)
    if result is None:
        raise NotFound(_("This month has no evaluation for the city."))
    view = queries.city_view(result)
    topics = [BizenvTopicOut(
        topic=t.topic.topic.code, name=t.topic.topic.name, score=t.topic.score,
        low=t.topic.low, high=t.topic.high, missing=[s.indicator.code for s in t.missing],
        indicators=[BizenvScoreOut(indicator=s.indicator.code, name=s.indicator.name,
                                   unit=s.indicator.unit, value=s.value, source=s.source,
                                   score=s.dtf, missing_reason=s.missing_reason)
                    for s in t.scores]) for t in view.topics]
    return BizenvCityOut(month=month, city=_row(result), topics=topics,
                         missing_topics=[t.topic.code for t in view.missing_topics],
                         trend=view.trend)


@router.post("/evaluations/{month}", response=BizenvEvaluationOut, auth=django_auth)
def compute(request: HttpRequest, month: str) -> BizenvEvaluationOut:
    """Compute (or recompute, replacing it) a month's evaluation: the evaluation office."""
    require(permissions.can_evaluate(request.user))
    do_evaluate(request.user, months.parse_month(month))
    return get_evaluation(request, month)
