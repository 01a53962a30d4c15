"""The licence KPI feeds: licences issued per day of issue and issuer, licence uses per local
day and using organization, on licences issued and shared through the actions."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from jingchu.core.kpi import KpiRow, registry, value
from jingchu.identity.models import Person, User
from jingchu.licenses import actions, kpis
from jingchu.licenses.demo import load_licences, load_types
from jingchu.licenses.models import License, LicenseType, LicenseUse
from jingchu.seals.demo import load_seals

pytestmark = pytest.mark.django_db
LOCAL = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC
D = dt.date


def freeze(monkeypatch: pytest.MonkeyPatch, moment: dt.datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


def parts(rows: list[KpiRow]) -> dict[tuple[dt.date, int | None], float]:
    assert all(r.denominator == 1 for r in rows)
    return {(r.day, r.organization_id): r.numerator for r in rows}


@pytest.fixture
def issued(catalog: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The demo seals and licence types made on 2026-05-01 (a seal is valid from the day it is
    made), then the demo licences (3 ID cards and a driving licence by 武汉市公安局, a
    business licence by 武汉市市场监管局) issued at 2026-05-01 23:30 UTC, i.e. on 05-02
    local; a driving licence for lisi issued on 05-03."""
    orgs = catalog
    freeze(monkeypatch, dt.datetime(2026, 5, 1, 10, tzinfo=LOCAL))
    load_seals(orgs)
    load_types(orgs)
    freeze(monkeypatch, dt.datetime(2026, 5, 1, 23, 30, tzinfo=UTC))
    assert load_licences(orgs) == 5
    freeze(monkeypatch, dt.datetime(2026, 5, 3, 10, tzinfo=LOCAL))
    actions.do_issue_license(
        None, license_type=LicenseType.objects.get(key="DRIVING_LICENSE"), issuer=orgs["wh-gaj"],
        holder=Person.objects.get(user__username="lisi"),
        data={"license_no": "420100654321", "class": "C2"}, system=True)
    return orgs


def test_licences_issued_per_day_of_issue_and_issuer(issued: dict[str, Any]) -> None:
    gaj, scjg = issued["wh-gaj"].pk, issued["wh-scjg"].pk
    rows = kpis.licences_issued(D(2026, 5, 1), D(2026, 5, 3))
    # 05-02: three ID cards and zhangsan's driving licence by 公安局, one business licence by
    # 市场监管局 (issued at 23:30 UTC on 05-01); 05-03: lisi's driving licence
    assert parts(rows) == {(D(2026, 5, 2), gaj): 4.0, (D(2026, 5, 2), scjg): 1.0,
                           (D(2026, 5, 3), gaj): 1.0}
    assert {r.region_id for r in rows if r.organization_id == scjg} == {
        issued["wh-scjg"].region_id}
    assert value(rows, "count") == 6
    # A revoked licence was still issued that day.
    License.objects.filter(issued_on=D(2026, 5, 3)).update(status="revoked")
    assert value(kpis.licences_issued(D(2026, 5, 3), D(2026, 5, 3)), "count") == 1
    assert kpis.licences_issued(D(2026, 5, 4), D(2026, 5, 9)) == []


def share(monkeypatch: pytest.MonkeyPatch, moment: dt.datetime, holder: str, key: str,
          organization: Any) -> None:
    freeze(monkeypatch, moment)
    lic = License.objects.get(license_type__key=key, holder_person__user__username=holder,
                              issued_on=D(2026, 5, 2))
    made = actions.do_share_license(User.objects.get(username=holder), lic,
                                    organization=organization, reason="办理业务核验",
                                    until=moment.astimezone(LOCAL).date() + dt.timedelta(days=30))
    # LicenseUse.at defaults to the real clock (the model holds django's own timezone.now), so
    # the use is put at the frozen moment here.
    assert LicenseUse.objects.filter(share=made).update(at=moment) == 1


def test_licence_uses_per_local_day_and_organization(issued: dict[str, Any],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    scjg, smzj = issued["wh-scjg"], issued["wh-smzj"]
    share(monkeypatch, dt.datetime(2026, 5, 2, 15, 30, tzinfo=UTC),  # 23:30 local: 05-02
          "zhangsan", "DRIVING_LICENSE", scjg)
    share(monkeypatch, dt.datetime(2026, 5, 2, 23, 30, tzinfo=UTC),  # 07:30 local on 05-03
          "zhangsan", "DRIVING_LICENSE", smzj)
    share(monkeypatch, dt.datetime(2026, 5, 3, 9, tzinfo=LOCAL), "lisi", "ID_CARD", scjg)
    share(monkeypatch, dt.datetime(2026, 5, 4, 0, 10, tzinfo=LOCAL), "lisi", "ID_CARD", smzj)
    rows = kpis.licence_uses(D(2026, 5, 2), D(2026, 5, 3))
    assert parts(rows) == {(D(2026, 5, 2), scjg.pk): 1.0, (D(2026, 5, 3), smzj.pk): 1.0,
                           (D(2026, 5, 3), scjg.pk): 1.0}
    assert value(rows, "count") == 3  # the 05-04 share is after the days asked for
    assert value(kpis.licence_uses(D(2026, 5, 4), D(2026, 5, 4)), "count") == 1


def test_the_specs_are_registered() -> None:
    specs = registry()
    assert [s.code for s in kpis.KPIS] == ["licenses.issued", "licenses.uses"]
    assert all(specs[s.code] is s and s.unit == "count" for s in kpis.KPIS)
