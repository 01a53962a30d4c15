"""The open-data demo: a lake dataset loaded through the lake's actions, open datasets in each
state of the workflow, idempotent."""

from __future__ import annotations

from typing import Any

import pytest

from jingchu.core.demo import DemoContext
from jingchu.identity.choices import StaffRole
from jingchu.lake.tests.conftest import make_user
from jingchu.opendata.demo import load_demo
from jingchu.opendata.models import OpenDataset

pytestmark = pytest.mark.django_db


def test_demo_publishes_and_leaves_examples(demo_world: dict[str, Any]) -> None:
    make_user("steward_jyt", demo_world["hb-jyt"], StaffRole.DATA_STEWARD)
    ctx = DemoContext(orgs=demo_world)
    load_demo(ctx)
    states = dict(OpenDataset.objects.values_list("name", "status"))
    assert states == {"school-stats": "published", "school-teachers": "draft"}
    stats = OpenDataset.objects.get(name="school-stats")
    assert stats.row_count > 50 and "pupils" in stats.details["stats"]
    assert stats.usage.exists()
    assert "food-licences: skipped" in ctx.report[-1]
    load_demo(DemoContext(orgs=demo_world))
    assert OpenDataset.objects.count() == 2
