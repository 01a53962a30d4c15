"""Statistics and hotspots (jingchu.hotline.stats) on tickets made through the actions: exact
counts and rates, the region rollup, rising keywords, scopes, and the statistics page."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone, translation

from jingchu.cases.tests.conftest import PASSWORD
from jingchu.core.errors import ActionError
from jingchu.core.models import Region
from jingchu.hotline import stats
from jingchu.hotline.actions import callback, handling
from jingchu.hotline.actions.intake import do_file_ticket
from jingchu.hotline.choices import TicketStatus
from jingchu.hotline.models import Ticket

pytestmark = pytest.mark.django_db
LOCAL = ZoneInfo("Asia/Shanghai")
World = dict[str, Any]
BASE = dt.datetime(2025, 3, 3, 9, 0, tzinfo=LOCAL)  # a Monday
PERIOD = stats.Period(dt.date(2025, 3, 1), dt.date(2025, 4, 30))
LATER = dt.datetime(2025, 5, 1, 9, 0, tzinfo=LOCAL)


def freeze(monkeypatch: pytest.MonkeyPatch, moment: dt.datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


def file(world: World, *, kind: str = "complaint", category: str | None = "market-consumer",
         title: str = "商家拒绝退款", content: str = "商家拒绝退还预付款，请求维权。",
         region: str = "420111000000") -> Ticket:
    """A phone call taken by the operator, located in `region` (fixed here so the figures do
    not depend on address matching, which test_geo covers)."""
    ticket = do_file_ticket(world["users"]["operator"], channel="phone", kind=kind,
                            title=title, content=content, address="武汉市", category=category,
                            caller_name="王先生", caller_phone="13900001111",
                            centre=world["centre"])
    Ticket.objects.filter(pk=ticket.pk).update(region=Region.objects.get(code=region))
    ticket.refresh_from_db()
    return ticket


def dispatch(world: World, ticket: Ticket, org: str, note: str = "") -> Ticket:
    return handling.do_dispatch_ticket(world["users"]["operator"], ticket,
                                       organization=world["orgs"][org], note=note)


def step(monkeypatch: pytest.MonkeyPatch, hours: float) -> None:
    freeze(monkeypatch, BASE + dt.timedelta(hours=hours))


@pytest.fixture
def figures(hotline_world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    """Four tickets:
    - a: 市场监管局 replies 10 h after dispatch, on time; rated satisfied on the call-back;
    - b: 市场监管局 replies 30 days after dispatch, late; rated unsatisfied;
    - c: 市场监管局 returns it (退单); re-dispatched to 城管委, signed, still open and late;
    - d: a consultation still at the centre (江岸区), not dispatched.
    """
    w, users = hotline_world, hotline_world["users"]
    amr, cg = users["amr_handler"], users["cg_handler"]
    step(monkeypatch, 0)
    a, b, c = file(w), file(w), file(w, category="urban-management", region="420102000000")
    file(w, kind="consult", category=None, region="420102000000")
    for ticket in (a, b):
        handling.do_sign_ticket(amr, dispatch(w, ticket, "wh-scjg"))
    dispatch(w, c, "wh-scjg")
    step(monkeypatch, 2)
    handling.do_return_ticket(amr, c, reason="不属于本单位职责。")
    dispatch(w, c, "wh-cgw")
    handling.do_sign_ticket(cg, c)
    step(monkeypatch, 10)
    handling.do_reply_ticket(amr, a, reply="已处理。")
    callback.do_record_callback(users["operator"], a, reached=True, note="已回访",
                                satisfaction="satisfied")
    step(monkeypatch, 30 * 24)
    handling.do_reply_ticket(amr, b, reply="已处理。")
    callback.do_record_callback(users["operator"], b, reached=True, note="已回访",
                                satisfaction="unsatisfied")
    return w


def test_department_figures_are_exact(figures: World) -> None:
    rows = {r.organization_name: r for r in stats.departments(PERIOD, stats.Scope(), LATER)}
    amr, cgw = rows["武汉市市场监督管理局"], rows["武汉市城市管理执法委员会"]
    assert (amr.replied, amr.replied_on_time, amr.on_time_rate) == (2, 1, 0.5)
    assert (amr.rated, amr.satisfied, amr.satisfaction_rate) == (2, 1, 0.5)
    assert amr.average_hours == (10 + 30 * 24) / 2
    assert (amr.returns, amr.overdue_open) == (1, 0)
    assert (cgw.replied, cgw.on_time_rate, cgw.overdue_open, cgw.returns) == (0, None, 1, 0)
    assert set(rows) == {"武汉市市场监督管理局", "武汉市城市管理执法委员会"}


def test_summary_and_volumes(figures: World) -> None:
    summary = stats.summary(PERIOD, stats.Scope(), LATER)
    assert summary.received == 4
    assert summary.by_status[TicketStatus.CLOSED] == 1
    assert summary.by_status[TicketStatus.REPLIED] == 1
    assert summary.by_status[TicketStatus.HANDLING] == 1
    assert summary.by_status[TicketStatus.RECEIVED] == 1
    assert (summary.open_now, summary.overdue_now) == (2, 1)
    assert (summary.replied, summary.on_time_rate, summary.satisfaction_rate) == (2, 0.5, 0.5)
    kinds = {r.key: r.count for r in stats.volumes_by_kind(PERIOD, stats.Scope())}
    assert kinds == {"consult": 1, "help": 0, "complaint": 3, "report": 0, "suggestion": 0}
    categories = {r.key: r.count for r in stats.volumes_by_category(PERIOD, stats.Scope())}
    assert categories == {"market-consumer": 2, "": 1, "urban-management": 1}
    days = stats.volumes_by_day(PERIOD, stats.Scope())
    assert len(days) == 61 and sum(d.count for d in days) == 4
    assert [d.count for d in days if d.day == BASE.date()] == [4]


def test_regions_roll_up_to_city_and_county(figures: World) -> None:
    city = stats.volumes_by_region(PERIOD, stats.Scope(), "city")
    assert [(r.key, r.label, r.count) for r in city] == [("420100000000", "武汉市", 4)]
    county = {r.label: r.count for r in stats.volumes_by_region(PERIOD, stats.Scope(), "county")}
    assert county == {"洪山区": 2, "江岸区": 2}
    hongshan = stats.Scope(region=figures["hongshan"])
    assert stats.summary(PERIOD, hongshan, LATER).received == 2
    assert stats.default_level(stats.Scope(region=figures["wuhan"])) == "county"
    assert stats.default_level(stats.Scope()) == "city"


def test_hotspots_count_open_tickets_by_county_and_category(figures: World) -> None:
    spots = [(h.region_name, h.category_code, h.open_count) for h in stats.hotspots(
        stats.Scope())]
    # Open: c (江岸区, urban management, being handled) and d (江岸区, unclassified).
    assert sorted(spots) == [("江岸区", "", 1), ("江岸区", "urban-management", 1)]


def test_scope_by_organization(figures: World) -> None:
    amr = stats.scope_for(figures["users"]["amr_handler"])
    assert amr is not None and amr.organization == figures["orgs"]["wh-scjg"]
    rows = stats.departments(PERIOD, amr, LATER)
    assert [r.organization_name for r in rows] == ["武汉市市场监督管理局"]
    assert stats.summary(PERIOD, amr, LATER).received == 2  # c left it when returned


def test_who_sees_which_scope(hotline_world: World) -> None:
    users = hotline_world["users"]
    operator = stats.scope_for(users["operator"])
    assert operator == stats.Scope(region=hotline_world["wuhan"])
    assert stats.scope_for(users["citizen"]) is None
    assert stats.scope_for(users["amr_steward"]) is None


def test_rising_keywords_pick_the_word_that_grew(hotline_world: World,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    today = dt.date(2025, 3, 20)  # the current window: 18-20 March; the previous: 15-17
    parking = ("停车问题", "小区停车难")  # the same text in both windows: not rising
    texts = [(15, "工地噪音扰民", "夜里工地噪音很大")]
    texts += [(d, *parking) for d in (15, 16, 17, 18, 19, 20)]
    texts += [(d, "工地噪音", "晚上噪音吵得睡不着") for d in (18, 19, 19, 20)]
    for day, title, content in texts:
        freeze(monkeypatch, dt.datetime(2025, 3, day, 10, tzinfo=LOCAL))
        file(hotline_world, title=title, content=content)
    found = stats.rising_keywords(stats.Scope(), days=3, today=today, min_count=3)
    rows = {r.word: r for r in found}
    assert "噪音" in rows
    assert (rows["噪音"].current, rows["噪音"].previous, rows["噪音"].growth) == (4, 1, 2.5)
    assert "停车" not in rows and "小区" not in rows
    assert all(r.current >= 3 and r.current > r.previous for r in found)


def test_period_parsing_refuses_bad_input() -> None:
    assert stats.parse_period("", "2025-03-31", 7) == stats.Period(dt.date(2025, 3, 25),
                                                                    dt.date(2025, 3, 31))
    for args in (("2025-13-01", "", 30), ("2025-03-02", "2025-03-01", 30), ("", "", 0),
                 ("2020-01-01", "2025-01-01", 30)):
        with pytest.raises(ActionError):
            stats.parse_period(*args)


def test_statistics_page(figures: World, client: Client) -> None:
    client.login(username="operator", password=PASSWORD)
    with translation.override("en"):
        page = client.get("/hotline/stats/", {"date_from": "2025-03-01",
                                              "date_to": "2025-04-30"})
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="departments"' in body and "武汉市市场监督管理局" in body and "50.0%" in body
    assert 'id="hl-chart-data"' in body and "vendor/echarts/echarts.min.js" in body
    csv = client.get("/hotline/stats/departments.csv", {"date_from": "2025-03-01",
                                                        "date_to": "2025-04-30"})
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    assert "武汉市市场监督管理局,2,1,50.0%,2,1,50.0%,365.0,0,1" in csv.content.decode("utf-8-sig")
    assert client.get("/hotline/stats/", {"date_from": "nonsense"}).status_code == 400


def test_statistics_page_refuses_outsiders(hotline_world: World, client: Client) -> None:
    client.login(username="amr_steward", password=PASSWORD)
    assert client.get("/hotline/stats/").status_code == 403
    client.logout()
    assert client.get("/hotline/stats/").status_code == 302  # to the sign-in page
