"""The shipped indicator set and the demo: 18 topics, three months for the 17 cities."""

from __future__ import annotations

from typing import Any

from jingchu.bizenv import demo, scoring
from jingchu.bizenv.actions.indicators import do_load_default_indicators
from jingchu.bizenv.models import CityResult, Evaluation, ImportBatch, Indicator, Topic
from jingchu.core.demo import DemoContext

TOPICS = ["开办企业", "劳动力市场监管", "办理建筑许可", "政府采购", "招标投标", "获得电力",
          "获得用水用气", "登记财产", "获得信贷", "保护中小投资者", "知识产权创造、保护和运用",
          "跨境贸易", "纳税", "执行合同", "办理破产", "市场监管", "政务服务", "包容普惠创新"]


def test_default_indicators_load_idempotently(db: Any) -> None:
    first = do_load_default_indicators(None)
    assert first["updated"] == 0
    assert list(Topic.objects.values_list("name", flat=True)) == TOPICS
    for topic in Topic.objects.all():
        assert 2 <= topic.indicators.count() <= 3
    for i in Indicator.objects.all():
        scoring.check_bounds(i.direction, i.frontier, i.worst)
    assert Indicator.objects.get(code="starting_business.days").source == (
        "kpi:cases.startup_handling_days")
    again = do_load_default_indicators(None)
    assert again == {"created": 0, "updated": first["created"]}
    assert Indicator.objects.count() == first["created"]


def test_demo(demo_orgs: dict[str, Any]) -> None:
    ctx = DemoContext(orgs=demo_orgs)
    demo.load_demo(ctx)
    assert Evaluation.objects.count() == 3 and ImportBatch.objects.count() == 3
    latest = Evaluation.objects.order_by("-month").first()
    assert latest is not None and latest.results.count() == 17
    assert latest.results.exclude(rank=None).count() == 17
    assert latest.results.get(region__code="420100000000").rank == 1  # Wuhan leads
    xiantao = latest.results.get(region__code="429004000000")
    assert xiantao.topics.get(topic__code="resolving_insolvency").score is None
    assert xiantao.overall is not None
    assert xiantao.overall_low < xiantao.overall < xiantao.overall_high
    assert CityResult.objects.exclude(previous_rank=None).count() == 34
    assert "3 months evaluated" in ctx.report[-1]


def test_every_platform_source_of_the_default_set_is_a_registered_kpi() -> None:
    import json

    from jingchu.bizenv.actions.indicators import DEFAULT_FILE
    from jingchu.core.kpi import registry

    spec = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    sources = {i["source"][4:] for t in spec["topics"] for i in t["indicators"]
               if i["source"].startswith("kpi:")}
    assert sources and sources <= set(registry())
