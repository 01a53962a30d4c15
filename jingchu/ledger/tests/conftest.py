"""Fixtures for ledger tests: a platform root naming its organization, and a filled log."""

from __future__ import annotations

from typing import Any

import pytest

from jingchu.ledger import actions
from jingchu.ledger.models import Entry
from jingchu.seals import actions as seal_actions
from jingchu.seals.models import TrustRoot


def payload(i: int) -> dict[str, Any]:
    return {"identifier": f"1.2.156.3005.2.TEST.{i:06d}", "sm3": f"{i:064x}", "n": i}


@pytest.fixture
def platform_root(demo_orgs: dict[str, Any]) -> TrustRoot:
    """The root certificate naming the platform's operator (hb-zwb), as the demo makes it."""
    return seal_actions.do_create_root(None, organization=demo_orgs["hb-zwb"])


@pytest.fixture
def filled(db: Any) -> list[Entry]:
    """23 entries appended in batches of uneven sizes."""
    made: list[Entry] = []
    for start, stop in ((0, 1), (1, 4), (4, 5), (5, 16), (16, 23)):
        made += actions.do_append_many("test.thing", [payload(i) for i in range(start, stop)])
    return made
