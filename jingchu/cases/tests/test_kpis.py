"""The cases' KPI feeds (jingchu.cases.kpis): handling against promised working days, on-time
completion, submissions and the business start-up figures, on cases taken through the real
steps at set moments (and one written directly, deemed accepted), with every expected number
derived by hand from the calendar of March 2026 (no holidays: Monday 2 March to Friday 6 March,
Monday 9 and Tuesday 10 March are working days)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from jingchu.cases import actions as case_actions
from jingchu.cases import kpis
from jingchu.cases.choices import Channel
from jingchu.cases.models import Case, CaseMaterial
from jingchu.cases.tests.conftest import implementation
from jingchu.cases.tests.workbench_helpers import SOCIAL_CARD, make_case
from jingchu.core import kpi
from jingchu.identity.models import LegalEntity, User
from jingchu.services.choices import MaterialNecessity, MaterialSource
from jingchu.services.tests.sample_forms import posted_values

pytestmark = pytest.mark.django_db
LOCAL = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC
ENTERPRISE_START = "000172002000"  # 企业开办: starting_business, 1 promised day, 2 steps
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
Row = tuple[dt.date, int, int | None, float, float]


def local(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=LOCAL)


def start_application(world: dict[str, Any]) -> Case:
    """wangwu's 企业开办 draft for the demo enterprise, form filled and materials uploaded."""
    wangwu = world["wangwu"]
    entity = LegalEntity.objects.get()
    case = case_actions.do_create_draft(
        wangwu, implementation=implementation(ENTERPRISE_START, "wh-scjg", world["orgs"]),
        applicant=wangwu.person, on_behalf_of=entity, channel=Channel.ONLINE)
    case_actions.do_save_form(wangwu, case, posted_values(case.version.form_schema)
                              | {"uscc": entity.uscc})
    for req in case.version.materials.filter(necessity=MaterialNecessity.REQUIRED,
                                             source=MaterialSource.UPLOAD):
        CaseMaterial.objects.create(case=case, requirement=req, source="upload",
                                    file=SimpleUploadedFile("a.pdf", b"%PDF-1.4"),
                                    filename="a.pdf")
    return case


def run(monkeypatch: pytest.MonkeyPatch, world: dict[str, Any], case: Case,
        steps: list[tuple[dt.datetime, str]]) -> Case:
    """Take the case through `steps`, each at its moment, by whoever takes that step."""
    actors = {"submit": "wangwu", "supplement": "wangwu", "accept": "clerk_wuhan",
              "start_review": "reviewer", "request_review_correction": "reviewer",
              "approve": "approver", "complete": "reviewer"}
    for moment, step in steps:
        monkeypatch.setattr(timezone, "now", lambda moment=moment: moment)
        case = case_actions.do_transition(world[actors[step]], case, step, reason="请补充材料")
    return case


@pytest.fixture
def world(catalog: dict[str, Any], wuhan_amr_staff: dict[str, User]) -> dict[str, Any]:
    users = {name: User.objects.get(username=name)
             for name in ("wangwu", "zhangsan", "clerk_wuhan")}
    return {"orgs": catalog, **wuhan_amr_staff, **users}


@pytest.fixture
def cases(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """At 武汉市市场监管局 (企业开办, 1 promised working day, 2 steps):
    - one: submitted and accepted Mon 2 March, completed Wed 4 March 23:30 UTC = Thu 5 March
      07:30 local: 3 working days (3, 4, 5 March); deadline Tue 3 March: late;
    - two: submitted and accepted Mon 2 March, sent back for correction Tue 3 March, supplemented
      Thu 5 March (2 paused working days: 4, 5 March; deadline moved to Thu 5 March), completed
      Thu 5 March 15:00: 3 − 2 = 1 working day, on time;
    - three: submitted Mon 2 March 23:30 UTC = Tue 3 March 07:30 local, never accepted.
    At 武汉市人社局 (社会保障卡申领, 5 promised days), written directly: received Mon 2 March,
    accepted only on Tue 10 March, past the intake limit (Mon 9 March), so deemed accepted on
    2 March with deadline Mon 9 March; completed Tue 10 March: 6 working days, late."""
    begin = [(local(2, 9), "submit"), (local(2, 10), "accept"), (local(2, 11), "start_review")]
    run(monkeypatch, world, start_application(world), [
        *begin, (local(4, 16), "approve"),
        (dt.datetime(2026, 3, 4, 23, 30, tzinfo=UTC), "complete")])
    run(monkeypatch, world, start_application(world), [
        *begin, (local(3, 9), "request_review_correction"), (local(5, 9), "supplement"),
        (local(5, 14), "approve"), (local(5, 15), "complete")])
    run(monkeypatch, world, start_application(world),
        [(dt.datetime(2026, 3, 2, 23, 30, tzinfo=UTC), "submit")])
    deemed = make_case(world["orgs"], "completed", code=SOCIAL_CARD, complete=False)
    Case.objects.filter(pk=deemed.pk).update(
        submitted_at=local(2, 9), accepted_at=local(10, 9), completed_at=local(10, 16),
        deadline=dt.date(2026, 3, 9))
    return {"amr": world["orgs"]["wh-scjg"], "hrss": world["orgs"]["wh-rsj"]}


def parts(rows: list[kpi.KpiRow]) -> list[Row]:
    return [(r.day, r.organization_id or 0, r.region_id, r.numerator, r.denominator)
            for r in rows]


def test_handling_against_promised_days(cases: dict[str, Any]) -> None:
    amr, hrss = cases["amr"], cases["hrss"]
    march_5, march_10 = dt.date(2026, 3, 5), dt.date(2026, 3, 10)
    handling = kpis.handling_days_rows(*MARCH)
    # 市场监管局: one 3 + two 1 = 4 working days over 2 cases; 人社局: 6 over 1
    assert parts(handling) == [(march_5, amr.pk, amr.region_id, 4.0, 2.0),
                               (march_10, hrss.pk, hrss.region_id, 6.0, 1.0)]
    assert kpi.value(handling, "days") == pytest.approx(10 / 3)
    promised = kpis.promised_days_rows(*MARCH)
    # 1 + 1 promised days at 市场监管局; 5 at 人社局
    assert parts(promised) == [(march_5, amr.pk, amr.region_id, 2.0, 2.0),
                               (march_10, hrss.pk, hrss.region_id, 5.0, 1.0)]
    assert kpi.value(promised, "days") == pytest.approx(7 / 3)
    on_time = kpis.on_time_rows(*MARCH)
    # only two was completed by its deadline
    assert parts(on_time) == [(march_5, amr.pk, amr.region_id, 1.0, 2.0),
                              (march_10, hrss.pk, hrss.region_id, 0.0, 1.0)]
    assert kpi.value(on_time, "rate") == pytest.approx(1 / 3)


def test_business_start_up_figures(cases: dict[str, Any]) -> None:
    amr = cases["amr"]
    march_5 = dt.date(2026, 3, 5)
    # only the two completed 企业开办 cases: 4 working days, 2 + 2 steps
    days = kpis.startup_days_rows(*MARCH)
    assert parts(days) == [(march_5, amr.pk, amr.region_id, 4.0, 2.0)]
    assert kpi.value(days, "days") == 2.0
    steps = kpis.startup_steps_rows(*MARCH)
    assert parts(steps) == [(march_5, amr.pk, amr.region_id, 4.0, 2.0)]
    assert kpi.value(steps, "score") == 2.0


def test_rows_land_on_the_local_day(cases: dict[str, Any]) -> None:
    amr = cases["amr"]
    march_2, march_3, march_4 = dt.date(2026, 3, 2), dt.date(2026, 3, 3), dt.date(2026, 3, 4)
    # one and two submitted on 2 March; three at 23:30 UTC on 2 March: 3 March in Wuhan. The
    # case written directly has no submission on its timeline.
    submitted = kpis.submitted_rows(*MARCH)
    assert parts(submitted) == [(march_2, amr.pk, amr.region_id, 2.0, 1.0),
                                (march_3, amr.pk, amr.region_id, 1.0, 1.0)]
    assert kpi.value(submitted, "count") == 3.0
    # one was completed at 23:30 UTC on 4 March: 5 March in Wuhan
    assert kpis.handling_days_rows(march_4, march_4) == []
    assert kpi.value(kpis.on_time_rows(march_4, march_4), "rate") is None


def test_the_specs_are_registered(db: Any) -> None:
    specs = kpi.registry()
    assert {s.code for s in kpis.KPIS} <= set(specs)
    assert specs["cases.handling_days"].unit == "days"
    assert not specs["cases.handling_days"].higher_is_better
    assert specs["cases.submitted"].unit == "count"
    with translation.override("en"):
        assert "paused" in str(specs["cases.handling_days"].definition)


def test_clock_start_counts_from_receipt_when_deemed_accepted(db: Any) -> None:
    received = dt.date(2026, 3, 2)  # intake limit: Monday 9 March
    assert kpis.clock_start(received, dt.date(2026, 3, 9)) == dt.date(2026, 3, 9)
    assert kpis.clock_start(received, dt.date(2026, 3, 10)) == received
    assert kpis.clock_start(None, dt.date(2026, 3, 10)) == dt.date(2026, 3, 10)

