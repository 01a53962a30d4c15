"""The routing table: the most specific rule wins, from the deepest region up, then defaults."""

from __future__ import annotations

from typing import Any

import pytest

from jingchu.core.choices import RegionLevel
from jingchu.core.models import Organization, Region
from jingchu.hotline.actions import config
from jingchu.hotline.models import Category, RoutingRule
from jingchu.hotline.routing import region_chain, route


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def category(code: str) -> Category:
    return Category.objects.get(code=code)


@pytest.mark.django_db
def test_region_chain_runs_from_the_deepest_up(hotline_world: dict[str, Any]) -> None:
    township = Region.objects.filter(parent=hotline_world["hongshan"],
                                     level=RegionLevel.TOWNSHIP).first()
    assert township is not None
    assert region_chain(township) == [township.code, "420111000000", "420100000000",
                                      "420000000000"]
    assert region_chain(None) == []


@pytest.mark.django_db
def test_category_rule_of_the_deepest_region_wins(hotline_world: dict[str, Any]) -> None:
    orgs = hotline_world["orgs"]
    urban = category("urban-management")
    hongshan = hotline_world["hongshan"]
    township = Region.objects.filter(parent=hongshan, level=RegionLevel.TOWNSHIP).first()
    assert route(urban, hongshan) == orgs["hs-cgj"]
    assert route(urban, township) == orgs["hs-cgj"]  # a street office inherits its district's
    assert route(urban, region("420102000000")) == orgs["wh-cgw"]  # 江岸区: the city's rule
    assert route(urban, hotline_world["wuhan"]) == orgs["wh-cgw"]
    assert route(category("market-food"), hongshan) == orgs["wh-scjg"]


@pytest.mark.django_db
def test_any_region_rule_then_region_default_then_global(hotline_world: dict[str, Any]) -> None:
    orgs = hotline_world["orgs"]
    yichang, xiling = region("420500000000"), region("420502000000")
    food, tax = category("market-food"), category("tax")
    # Nothing for Yichang yet: the global default.
    assert route(food, xiling) == orgs["hb-zwb"]
    config.do_set_route(None, category=None, region=yichang, organization=orgs["yc-zwb"])
    assert route(food, xiling) == orgs["yc-zwb"]  # the city's default, from a district
    config.do_set_route(None, category=food, region=None, organization=orgs["hb-scjg"])
    assert route(food, xiling) == orgs["hb-scjg"]  # the category anywhere beats a default
    assert route(food, hotline_world["hongshan"]) == orgs["wh-scjg"]  # Wuhan's own rule
    config.do_set_route(None, category=food, region=yichang, organization=orgs["yc-scjg"])
    assert route(food, xiling) == orgs["yc-scjg"]
    assert route(tax, xiling) == orgs["yc-zwb"]
    assert route(tax, region("420600000000")) == orgs["hb-zwb"]  # 襄阳: the global default
    assert route(None, xiling) == orgs["yc-zwb"]
    assert route(None, None) == orgs["hb-zwb"]
    assert route(food, None) == orgs["hb-scjg"]


@pytest.mark.django_db
def test_inactive_organizations_are_passed_over(hotline_world: dict[str, Any]) -> None:
    orgs = hotline_world["orgs"]
    Organization.objects.filter(pk=orgs["hs-cgj"].pk).update(is_active=False)
    assert route(category("urban-management"), hotline_world["hongshan"]) == orgs["wh-cgw"]


@pytest.mark.django_db
def test_no_rule_routes_nowhere(hotline_world: dict[str, Any]) -> None:
    RoutingRule.objects.all().delete()
    assert route(category("tax"), hotline_world["hongshan"]) is None
    assert route(None, None) is None
