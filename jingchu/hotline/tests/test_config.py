"""The set-up actions: centres, categories, the routing table and time limits."""

from __future__ import annotations

from typing import Any

import pytest

from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import AuditEvent
from jingchu.hotline.actions import config
from jingchu.hotline.models import Category, RoutingRule, TimeLimit


@pytest.mark.django_db
def test_world_has_shipped_categories_and_routes(hotline_world: dict[str, Any]) -> None:
    assert Category.objects.count() == 22
    assert RoutingRule.objects.filter(region=hotline_world["wuhan"]).count() == 22
    utilities = Category.objects.get(code="utilities")
    assert [a["code"] for a in utilities.attributes] == ["utility", "households"]


@pytest.mark.django_db
def test_setting_a_route_twice_updates_the_cell(hotline_world: dict[str, Any]) -> None:
    orgs = hotline_world["orgs"]
    food = Category.objects.get(code="market-food")
    sup = hotline_world["users"]["supervisor"]
    config.do_set_route(sup, category=food, region=hotline_world["hongshan"],
                        organization=orgs["wh-scjg"])
    config.do_set_route(sup, category=food, region=hotline_world["hongshan"],
                        organization=orgs["wh-wjw"])
    rules = RoutingRule.objects.filter(category=food, region=hotline_world["hongshan"])
    assert [r.organization for r in rules] == [orgs["wh-wjw"]]
    assert AuditEvent.objects.filter(action="hotline.route.set", actor=sup).count() == 2


@pytest.mark.django_db
def test_handlers_may_not_change_the_routing_table(hotline_world: dict[str, Any]) -> None:
    with pytest.raises(NotPermitted):
        config.do_set_route(hotline_world["users"]["amr_approver"], category=None,
                            region=hotline_world["wuhan"],
                            organization=hotline_world["orgs"]["wh-scjg"])


@pytest.mark.django_db
def test_time_limit_needs_days_or_hours_not_both(hotline_world: dict[str, Any]) -> None:
    sup = hotline_world["users"]["supervisor"]
    with pytest.raises(ActionError) as err:
        config.do_set_time_limit(sup, kind="help", urgency="normal", working_days=3, hours=4)
    assert err.value.code == "limit_invalid"
    with pytest.raises(ActionError):
        config.do_set_time_limit(sup, kind="nonsense", urgency="normal", working_days=3)
    limit = config.do_set_time_limit(sup, kind="help", urgency="normal", working_days="3")
    assert (limit.working_days, limit.hours) == (3, None)
    assert TimeLimit.objects.count() == 1
