"""The hotline's KPI feeds (jingchu.hotline.kpis) on three tickets made through the actions:
exact parts per local day and organization, the local-day boundary, and the registry."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from jingchu.core import kpi
from jingchu.hotline import kpis
from jingchu.hotline.actions import callback, handling
from jingchu.hotline.actions.intake import do_file_ticket
from jingchu.hotline.models import Ticket

pytestmark = pytest.mark.django_db
LOCAL = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC
World = dict[str, Any]
MARCH_3, MARCH_4, MARCH_5 = dt.date(2025, 3, 3), dt.date(2025, 3, 4), dt.date(2025, 3, 5)
APRIL_3 = dt.date(2025, 4, 3)


def at(monkeypatch: pytest.MonkeyPatch, moment: dt.datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


def answered(world: World, monkeypatch: pytest.MonkeyPatch, org: str, handler: str,
             replied: dt.datetime, satisfaction: str) -> Ticket:
    """A complaint filed and dispatched on Monday 3 March 09:00 local, signed, replied at
    `replied` and rated `satisfaction` on the call-back at the same moment."""
    users = world["users"]
    at(monkeypatch, dt.datetime(2025, 3, 3, 9, 0, tzinfo=LOCAL))
    ticket = do_file_ticket(users["operator"], channel="phone", kind="complaint",
                            title="商家拒绝退款", content="商家拒绝退还预付款。", address="武汉市",
                            category="market-consumer", caller_name="王先生",
                            caller_phone="13900001111", centre=world["centre"])
    ticket = handling.do_dispatch_ticket(users["operator"], ticket,
                                         organization=world["orgs"][org])
    handling.do_sign_ticket(users[handler], ticket)
    at(monkeypatch, replied)
    handling.do_reply_ticket(users[handler], ticket, reply="已处理。")
    return callback.do_record_callback(users["operator"], ticket, reached=True, note="已回访",
                                       satisfaction=satisfaction)


@pytest.fixture
def tickets(hotline_world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    """- a: 市场监管局 replies on 3 March 10:00 local, on time; rated satisfied;
    - b: 市场监管局 replies on 4 March 23:30 UTC = 5 March 07:30 local, on time; rated
      basically satisfied;
    - c: 城管委 replies on 2 April 23:30 UTC = 3 April 07:30 local, a month late; rated
      unsatisfied;
    - a consultation the centre never dispatched: in no row."""
    w = hotline_world
    answered(w, monkeypatch, "wh-scjg", "amr_handler",
             dt.datetime(2025, 3, 3, 10, 0, tzinfo=LOCAL), "satisfied")
    answered(w, monkeypatch, "wh-scjg", "amr_handler",
             dt.datetime(2025, 3, 4, 23, 30, tzinfo=UTC), "basically")
    answered(w, monkeypatch, "wh-cgw", "cg_handler",
             dt.datetime(2025, 4, 2, 23, 30, tzinfo=UTC), "unsatisfied")
    do_file_ticket(w["users"]["operator"], channel="phone", kind="consult", title="咨询",
                   content="咨询社保卡办理。", address="武汉市", category=None,
                   caller_name="李女士", caller_phone="13900002222", centre=w["centre"])
    return w


def parts(rows: list[kpi.KpiRow]) -> list[tuple[dt.date, int | None, int | None, float, float]]:
    return [(r.day, r.organization_id, r.region_id, r.numerator, r.denominator) for r in rows]


def test_on_time_and_satisfaction_rows_are_exact(tickets: World) -> None:
    amr, cgw = tickets["orgs"]["wh-scjg"], tickets["orgs"]["wh-cgw"]
    a = (amr.pk, amr.region_id)
    c = (cgw.pk, cgw.region_id)
    # on time: a (3 March) and b (5 March local) on time at 市场监管局, c late at 城管委
    on_time = kpis.on_time_rows(dt.date(2025, 3, 1), dt.date(2025, 4, 30))
    assert parts(on_time) == [(MARCH_3, *a, 1.0, 1.0), (MARCH_5, *a, 1.0, 1.0),
                              (APRIL_3, *c, 0.0, 1.0)]
    assert kpi.value(on_time, "rate") == pytest.approx(2 / 3)  # a and b of a, b, c
    # satisfied: a (satisfied) and b (basically satisfied); c unsatisfied
    rated = kpis.satisfaction_rows(dt.date(2025, 3, 1), dt.date(2025, 4, 30))
    assert parts(rated) == [(MARCH_3, *a, 1.0, 1.0), (MARCH_5, *a, 1.0, 1.0),
                            (APRIL_3, *c, 0.0, 1.0)]
    assert kpi.value(rated, "rate") == pytest.approx(2 / 3)
    wuhan_amr = [r for r in rated if r.organization_id == amr.pk]
    assert kpi.value(wuhan_amr, "rate") == 1.0  # 2 satisfied of 2 rated


def test_a_reply_at_2330_utc_belongs_to_the_next_local_day(tickets: World) -> None:
    # b was replied to and rated at 23:30 UTC on 4 March: 07:30 on 5 March in Wuhan
    assert kpis.on_time_rows(MARCH_4, MARCH_4) == []
    assert kpis.satisfaction_rows(MARCH_4, MARCH_4) == []
    assert [r.day for r in kpis.on_time_rows(MARCH_5, MARCH_5)] == [MARCH_5]
    assert kpi.value(kpis.on_time_rows(MARCH_4, MARCH_4), "rate") is None


def test_the_specs_are_registered(db: Any) -> None:
    specs = kpi.registry()
    assert specs["hotline.on_time_rate"].compute is kpis.on_time_rows
    assert specs["hotline.satisfaction_rate"].unit == "rate"
    with translation.override("en"):
        assert "satisfied" in str(specs["hotline.satisfaction_rate"].definition)


def test_received_rows_count_every_ticket_filed(tickets: World) -> None:
    """Tickets a, b, c were filed on 3 March 09:00 local about 武汉市 (two dispatched to
    市场监管局, one to 城管委); the consultation, dispatched to nobody, when the clock stood at
    c's reply: 3 April 07:30 local."""
    from jingchu.core.models import Region

    amr, cgw = tickets["orgs"]["wh-scjg"], tickets["orgs"]["wh-cgw"]
    wuhan = Region.objects.get(code="420100000000").pk
    rows = kpis.received_rows(dt.date(2025, 3, 1), dt.date(2025, 4, 30))
    assert sorted(parts(rows), key=lambda p: (p[0], p[1] or 0)) == [
        (MARCH_3, amr.pk, wuhan, 2.0, 2.0), (MARCH_3, cgw.pk, wuhan, 1.0, 1.0),
        (APRIL_3, None, wuhan, 1.0, 1.0)]
    assert kpi.value(rows, "count") == 4.0
    assert kpis.received_rows(MARCH_4, MARCH_5) == []
