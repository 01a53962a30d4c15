"""The supervision world shared by a module's tests (jingchu.conftest.SharedDemo.share_world):
built once, and each test given a copy of its own on its own organizations."""

from __future__ import annotations

from typing import Any

from jingchu.conftest import SharedDemo, World
from jingchu.supervision.tests.conftest import WORLD


def test_the_world_is_shared_and_each_test_gets_its_own_copy(
        supervision_world: World, demo_orgs: dict[str, Any], _shared_demo: SharedDemo) -> None:
    assert _shared_demo.world_key == WORLD  # built once for the module, not by this test
    other = _shared_demo.world_for(WORLD, demo_orgs)
    assert other is not None
    # The copy stands on the test's own organizations, as a world the test built would.
    assert supervision_world["orgs"] is demo_orgs
    assert supervision_world["amr"] is demo_orgs["wh-scjg"]
    # What one copy's holder changes in memory, another copy does not see.
    food = supervision_world["items"]["food"]
    assert food is not other["items"]["food"]
    name = food.name
    food.name = "改过的名称"
    supervision_world["entities"].clear()
    assert other["items"]["food"].name == name
    assert other["entities"]
