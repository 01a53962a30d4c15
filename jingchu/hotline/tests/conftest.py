"""Fixtures of the hotline tests: the demo organizations, the Wuhan 12345 centre, the shipped
categories, a routing table, and the people who play the parts.

Users (password `PASSWORD` of the case tests):
- operator       武汉市民服务热线中心, window clerk       (an operator)
- supervisor     武汉市民服务热线中心, approver           (a centre supervisor)
- amr_handler    武汉市市场监督管理局, reviewer
- amr_approver   武汉市市场监督管理局, approver
- cg_handler     武汉市城市管理执法委员会, reviewer
- hs_cg_handler  武汉市洪山区城市管理执法局, reviewer
- amr_steward    武汉市市场监督管理局, data steward (not a handler)
- outsider       宜昌市市场监督管理局, reviewer (no business with Wuhan's tickets)
- citizen        a Person with an account (phone 13800138000)
"""

from __future__ import annotations

from typing import Any

import pytest

from jingchu.cases.tests.conftest import PASSWORD, make_staff
from jingchu.core.models import Region
from jingchu.hotline.actions import config
from jingchu.hotline.models import Category
from jingchu.identity import actions as identity_actions
from jingchu.identity.choices import StaffRole

CITIZEN_PHONE = "13800138000"

# department kind of a category → demo organization key, in Wuhan
WUHAN_ROUTES = {
    "market": "wh-scjg", "hrss": "wh-rsj", "medical_insurance": "wh-ybj", "health": "wh-wjw",
    "housing": "wh-zgj", "housing_fund": "wh-gjj", "natural_resources": "wh-zrzyj",
    "urban_management": "wh-cgw", "environment": "wh-sthjj", "transport": "wh-jtj",
    "public_security": "wh-gaj", "education": "wh-jyj", "civil_affairs": "wh-mzj",
    "tax": "wh-swj", "government_service": "wh-zwb",
}


def make_citizen(username: str = "citizen", phone: str = CITIZEN_PHONE) -> Any:
    person = identity_actions.do_register_person(
        None, name="张小明", id_number="420102199001011236", phone=phone,
        username=username, password=PASSWORD)
    return person.user


@pytest.fixture
def hotline_world(demo_orgs: dict[str, Any]) -> dict[str, Any]:
    """Wuhan's centre, the shipped categories routed to Wuhan's departments (洪山区's urban
    management to its district bureau), the province centre, and the users above."""
    wuhan = Region.objects.get(code="420100000000")
    hongshan = Region.objects.get(code="420111000000")
    province = Region.objects.get(code="420000000000")
    centre = config.do_create_centre(None, organization=demo_orgs["wh-12345"], region=wuhan,
                                     name="武汉12345")
    province_centre = config.do_create_centre(None, organization=demo_orgs["hb-12345"],
                                              region=province, name="湖北12345")
    config.do_load_categories(None)
    for category in Category.objects.all():
        config.do_set_route(None, category=category, region=wuhan,
                            organization=demo_orgs[WUHAN_ROUTES[category.department]])
    config.do_set_route(None, category=Category.objects.get(code="urban-management"),
                        region=hongshan, organization=demo_orgs["hs-cgj"])
    config.do_set_route(None, category=None, region=None, organization=demo_orgs["hb-zwb"])
    users = {
        "operator": make_staff("operator", demo_orgs["wh-12345"], StaffRole.WINDOW_CLERK),
        "supervisor": make_staff("supervisor", demo_orgs["wh-12345"], StaffRole.APPROVER),
        "amr_handler": make_staff("amr_handler", demo_orgs["wh-scjg"], StaffRole.REVIEWER),
        "amr_approver": make_staff("amr_approver", demo_orgs["wh-scjg"], StaffRole.APPROVER),
        "cg_handler": make_staff("cg_handler", demo_orgs["wh-cgw"], StaffRole.REVIEWER),
        "hs_cg_handler": make_staff("hs_cg_handler", demo_orgs["hs-cgj"], StaffRole.REVIEWER),
        "amr_steward": make_staff("amr_steward", demo_orgs["wh-scjg"], StaffRole.DATA_STEWARD),
        "outsider": make_staff("outsider", demo_orgs["yc-scjg"], StaffRole.REVIEWER),
        "citizen": make_citizen(),
    }
    return {"orgs": demo_orgs, "centre": centre, "province_centre": province_centre,
            "users": users, "wuhan": wuhan, "hongshan": hongshan}
