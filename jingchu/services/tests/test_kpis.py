"""The catalog's KPI feeds (jingchu.services.kpis) on a small catalog published through the
actions: exact shares per implementing organization, snapshots on the last day asked for,
application-based items only, current versions and active implementations only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from jingchu.core import kpi
from jingchu.services import actions, kpis
from jingchu.services.models import ServiceItem

pytestmark = pytest.mark.django_db
START, END = dt.date(2026, 3, 1), dt.date(2026, 3, 31)
LICENCE = {"name": "居民身份证", "source": "license", "license_type_code": "ID_CARD"}
SHARED = {"name": "户籍信息", "source": "data_resource", "data_resource_code": "HB-GA-HJ-001"}
UPLOAD = {"name": "经营场所使用证明"}
CONDITIONAL_UPLOAD = {"name": "委托书", "necessity": "conditional", "condition": "委托他人办理的"}


def publish(content: dict[str, Any], code: str, materials: list[dict[str, Any]],
            **changes: Any) -> ServiceItem:
    actions.do_publish_item(None, code=code, content=content | changes, materials=materials)
    return ServiceItem.objects.get(code=code)


def implement(item: ServiceItem, org: Any, area: str, *, active: bool = True) -> None:
    actions.do_upsert_implementation(None, item=item, organization=org,
                                     code=f"{item.code}-{org.pk}", service_area=area,
                                     is_active=active)


@pytest.fixture
def catalog(demo_orgs: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
    """- A 01 licensing, fully online, no visit; 4 materials, 2 supplied by a licence or data;
    - B 20 public service: version 1 fully online with no visit, current version 2 partly
      online with one visit; 1 material to upload;
    - C 02 penalty (ex officio), fully online, no visit: never counted.
    市场监管局 implements A province-wide, B city-wide and C province-wide; 人社局 implements A
    at its own office only, and B province-wide but no longer (inactive)."""
    a = publish(content, "000172001000", [LICENCE, SHARED, UPLOAD, CONDITIONAL_UPLOAD])
    publish(content, "000113004000", [UPLOAD], item_type="20", name="养老保险待遇申领")
    b = publish(content, "000113004000", [UPLOAD], item_type="20", name="养老保险待遇申领",
                online_depth=3, onsite_visits=1)
    c = publish(content, "000172099000", [UPLOAD], item_type="02", name="行政处罚")
    amr, hrss = demo_orgs["wh-scjg"], demo_orgs["wh-rsj"]
    implement(a, amr, "province")
    implement(b, amr, "city")
    implement(c, amr, "province")
    implement(a, hrss, "fixed")
    implement(b, hrss, "province", active=False)
    return {"amr": amr, "hrss": hrss}


def parts(rows: list[kpi.KpiRow]) -> dict[int | None, tuple[dt.date, int | None, float, float]]:
    return {r.organization_id: (r.day, r.region_id, r.numerator, r.denominator) for r in rows}


def test_catalog_shares_per_organization_are_exact(catalog: dict[str, Any]) -> None:
    amr, hrss = catalog["amr"], catalog["hrss"]
    # 市场监管局 counts A and B (C is a penalty); 人社局 counts A (its B is inactive)
    province = kpis.province_wide_rows(START, END)
    assert parts(province) == {amr.pk: (END, amr.region_id, 1.0, 2.0),  # A of A, B
                               hrss.pk: (END, hrss.region_id, 0.0, 1.0)}  # A is fixed
    assert kpi.value(province, "rate") == pytest.approx(1 / 3)
    # fully online: A at both; B's current version is partly online
    online = kpis.fully_online_rows(START, END)
    assert parts(online) == {amr.pk: (END, amr.region_id, 1.0, 2.0),
                             hrss.pk: (END, hrss.region_id, 1.0, 1.0)}
    assert kpi.value(online, "rate") == pytest.approx(2 / 3)
    # no visit: A at both; B's current version needs one
    visits = kpis.zero_visit_rows(START, END)
    assert parts(visits) == parts(online)
    # materials: 市场监管局 A's 4 (licence, data) + B's 1 upload = 2 of 5; 人社局 A's 2 of 4
    materials = kpis.no_upload_rows(START, END)
    assert parts(materials) == {amr.pk: (END, amr.region_id, 2.0, 5.0),
                                hrss.pk: (END, hrss.region_id, 2.0, 4.0)}
    assert kpi.value(materials, "rate") == pytest.approx(4 / 9)


def test_snapshot_lands_on_the_last_day_asked_for(catalog: dict[str, Any]) -> None:
    day = dt.date(2026, 4, 2)
    rows = kpis.province_wide_rows(day, day)
    assert {r.day for r in rows} == {day}
    assert kpi.value(rows, "rate") == pytest.approx(1 / 3)


def test_the_specs_are_registered(db: Any) -> None:
    specs = kpi.registry()
    share = specs["services.province_wide_share"]
    assert (share.unit, share.target, share.compute) == ("rate", 0.8, kpis.province_wide_rows)
    assert {s.code for s in kpis.KPIS} <= set(specs)
    with translation.override("en"):
        assert "snapshot" in str(specs["services.no_upload_material_share"].definition)
