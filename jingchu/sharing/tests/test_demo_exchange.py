"""The sharing demo end to end: catalog, bases (at test size), a gateway client whose reads of
the demo citizens' records go through the real gateway and show on their "who read my data"
page; loading it again writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from jingchu.core.demo import DemoContext
from jingchu.identity.models import User
from jingchu.sharing.demo import load_demo
from jingchu.sharing.models import ExchangeCall, GatewayClient


@pytest.mark.django_db
def test_the_demo_citizens_find_the_demo_reads(demo_world: dict[str, Any]) -> None:
    cache.clear()
    ctx = DemoContext(orgs=demo_world)
    load_demo(ctx)
    assert GatewayClient.objects.filter(code="WH-GAJ-HJXT").count() == 1
    assert ExchangeCall.objects.filter(result="ok").count() == 3
    browser = Client()
    browser.force_login(User.objects.get(username="zhangsan"))
    page = browser.get("/exchange/my-data/").content.decode()
    assert "武汉市公安局" in page and "户籍业务办理中核验人口信息" in page
    load_demo(DemoContext(orgs=demo_world))
    assert ExchangeCall.objects.count() == 3
