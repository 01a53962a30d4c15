"""The sharing KPI feeds on small fixtures, against figures counted by hand: the catalog
snapshots (registration, mounting, demand met) emitted on the last day asked for, and the call
volume on the right local day."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from jingchu.core.kpi import KpiRow, registry, value
from jingchu.sharing import actions, kpis
from jingchu.sharing.models import ExchangeCall
from jingchu.sharing.tests.test_reports import listed as _listed

listed = _listed  # the fixture of the reports' tests, found here by pytest
pytestmark = pytest.mark.django_db
LOCAL = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC
D = dt.date


def by_org(rows: list[KpiRow]) -> dict[int | None, tuple[float, float]]:
    return {r.organization_id: (r.numerator, r.denominator) for r in rows}


def test_registration_and_mounting_snapshots(listed: dict[str, Any]) -> None:
    gat, scjg = listed["orgs"]["hb-gat"], listed["orgs"]["hb-scjg"]
    rows = kpis.registration_rate(D(2026, 11, 1), D(2026, 11, 2))
    # 省公安厅 lists 3 (1 linked to a published resource); 省市场监管局 lists 1, registered
    assert by_org(rows) == {gat.pk: (1.0, 3.0), scjg.pk: (1.0, 1.0)}
    assert {r.day for r in rows} == {D(2026, 11, 2)}  # the snapshot lands on `end` only
    assert {r.region_id for r in rows if r.organization_id == gat.pk} == {gat.region_id}
    assert value(rows, "rate") == 0.5  # (1 + 1) / (3 + 1)
    mounted = kpis.mounting_rate(D(2026, 11, 2), D(2026, 11, 2))
    # 省公安厅's one registered resource is mounted; 省市场监管局's is not
    assert by_org(mounted) == {gat.pk: (1.0, 1.0), scjg.pk: (0.0, 1.0)}
    assert value(mounted, "rate") == 0.5  # (1 + 0) / (1 + 1)


def test_demand_met_rate(listed: dict[str, Any]) -> None:
    w = listed
    wh, whgaj = w["orgs"]["wh-scjg"], w["orgs"]["wh-gaj"]
    for name, data in [("身份核验", {"provider": w["orgs"]["hb-gat"],
                                   "fields_wanted": ["id_number", "name"]}),  # met by fields
                       ("收入", {"provider": w["orgs"]["hb-gat"],
                               "fields_wanted": ["income"]}),  # no resource has it
                       ("法人", {"resource": w["entities"]}),  # met by its link
                       ("无提供方", {"fields_wanted": ["name"]})]:  # no provider: unmet
        actions.do_create_list_entry(w["users"]["wh"], wh, "demand", {"name": name, **data})
    actions.do_create_list_entry(w["users"]["whgaj"], whgaj, "demand",
                                 {"name": "法人", "resource": w["entities"]})
    rows = kpis.demand_met_rate(D(2026, 11, 2), D(2026, 11, 2))
    assert by_org(rows) == {wh.pk: (2.0, 4.0), whgaj.pk: (1.0, 1.0)}
    assert value(rows, "rate") == 0.6  # (2 + 1) / (4 + 1)
    assert kpis.registration_rate(D(2026, 11, 2), D(2026, 11, 2))  # the lists are untouched


def call(at: dt.datetime, consumer: Any, result: str = "ok") -> None:
    # The gateway writes these records (its own tests cover how); here they are the input.
    ExchangeCall.objects.create(request_id=f"req-{ExchangeCall.objects.count():04d}", at=at,
                                consumer=consumer, result=result,
                                status_code=200 if result == "ok" else 403)


def test_call_volume_and_refusals_per_local_day(sharing_world: dict[str, Any]) -> None:
    wh, whgaj = sharing_world["orgs"]["wh-scjg"], sharing_world["orgs"]["wh-gaj"]
    call(dt.datetime(2026, 11, 1, 15, 30, tzinfo=UTC), wh)  # 23:30 local: still 11-01
    call(dt.datetime(2026, 11, 1, 23, 30, tzinfo=UTC), wh)  # 07:30 local on 11-02
    call(dt.datetime(2026, 11, 2, 10, tzinfo=LOCAL), wh)
    call(dt.datetime(2026, 11, 2, 11, tzinfo=LOCAL), wh, "no_grant")
    call(dt.datetime(2026, 11, 2, 9, tzinfo=LOCAL), whgaj, "rate_limited")
    call(dt.datetime(2026, 11, 2, 12, tzinfo=LOCAL), None, "unauthenticated")
    call(dt.datetime(2026, 11, 3, 0, 30, tzinfo=LOCAL), wh)  # after the period
    call(dt.datetime(2026, 10, 31, 23, 59, tzinfo=LOCAL), wh)  # before it
    rows = kpis.call_volume(D(2026, 11, 1), D(2026, 11, 2))
    got = {(r.day, r.organization_id): r.numerator for r in rows}
    assert got == {(D(2026, 11, 1), wh.pk): 1.0, (D(2026, 11, 2), wh.pk): 3.0,
                   (D(2026, 11, 2), whgaj.pk): 1.0, (D(2026, 11, 2), None): 1.0}
    assert {r.region_id for r in rows if r.organization_id == whgaj.pk} == {whgaj.region_id}
    assert value(rows, "count") == 6  # 1 + 3 + 1 + 1
    refused = kpis.refused_calls(D(2026, 11, 1), D(2026, 11, 2))
    split = {(r.day, r.organization_id): (r.numerator, r.denominator) for r in refused}
    assert split[(D(2026, 11, 2), wh.pk)] == (1.0, 3.0)  # no_grant of the three
    assert split[(D(2026, 11, 1), wh.pk)] == (0.0, 1.0)
    assert value(refused, "count") == 3  # no_grant, rate_limited, unauthenticated
    assert value(refused, "rate") == 0.5  # 3 of 6, the refusal share


def test_the_specs_are_registered() -> None:
    specs = registry()
    for spec in kpis.KPIS:
        assert specs[spec.code] is spec and spec.code.startswith("sharing.")
    assert {s.code: s.target for s in kpis.KPIS if s.unit == "rate"} == {
        "sharing.registration_rate": 1.0, "sharing.mounting_rate": 1.0,
        "sharing.demand_met_rate": 1.0}
