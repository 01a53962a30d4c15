"""Public statistics on a small known dataset, by organization, region and item."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jingchu.core.models import Region
from jingchu.reviews import actions, stats
from jingchu.reviews.models import Rectification
from jingchu.reviews.tests.conftest import make_staff, open_device, rate_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def dataset(world):
    """A 武汉市市场监管局 (420100): 5, 4, 2 — the 2 rectified on time.
    B 江岸区市场监管局 (420102, under Wuhan): 3, 1 — the 1 overdue.
    C 宜昌市市场监管局 (420500): 5."""
    orgs, users = world["orgs"], world["users"]
    a, b, c = orgs["wh-scjg"], orgs["wh-ja-scjg"], orgs["yc-scjg"]
    clerks = {a: users["clerk_at_amr"], b: make_staff("ja_clerk", b, "window_clerk"),
              c: make_staff("yc_clerk", c, "window_clerk")}
    tokens = {org: open_device(clerk, org) for org, clerk in clerks.items()}

    def rate(org, level, **scores):
        return rate_at(org, clerks[org], tokens[org], level, scores=scores)

    rate(a, 5, attitude=5)
    rate(a, 4, attitude=3)
    a_bad = rate(a, 2)
    rate(b, 3)
    b_bad = rate(b, 1)
    rate(c, 5)
    rect = a_bad.rectification
    actions.do_resolve_rectification(users["reviewer"], rect, resolution="fixed", text="已整改")
    actions.do_close_rectification(users["approver"], rect)
    Rectification.objects.filter(review=b_bad).update(
        deadline=timezone.localdate() - dt.timedelta(days=1))
    return {"a": a, "b": b, "c": c}


def by_key(rows):
    return {row.key: row for row in rows}


def test_per_organization(dataset):
    rows = by_key(stats.rows(stats.StatsFilter(by="organization")))
    a, b, c = (rows[str(dataset[k].uid)] for k in "abc")
    assert (a.count, a.good, a.bad, a.rectified_on_time, a.rectification_due) == (3, 2, 1, 1, 1)
    assert a.good_rate == pytest.approx(0.6667) and a.on_time_rate == 1.0
    assert a.averages == {"attitude": 4.0, "efficiency": None, "convenience": None,
                          "disclosure": None, "overall": pytest.approx(3.67)}
    assert (b.count, b.good, b.bad, b.rectified_on_time, b.rectification_due) == (2, 1, 1, 0, 1)
    assert b.on_time_rate == 0.0
    assert (c.count, c.good, c.bad) == (1, 1, 0) and c.on_time_rate is None
    assert a.label == dataset["a"].name


def test_the_total(dataset):
    total = stats.total(stats.StatsFilter())
    assert (total.count, total.good, total.bad) == (6, 4, 2)
    assert total.on_time_rate == 0.5
    assert total.averages["overall"] == pytest.approx(3.33)


def test_per_region_includes_descendants(dataset):
    rows = by_key(stats.rows(stats.StatsFilter(by="region")))
    assert set(rows) == {"420100000000", "420500000000"}
    wuhan = rows["420100000000"]
    assert (wuhan.count, wuhan.good, wuhan.bad, wuhan.label) == (5, 3, 2, "武汉市")
    assert rows["420500000000"].count == 1
    inside = by_key(stats.rows(stats.StatsFilter(
        by="region", region=Region.objects.get(code="420100000000"))))
    assert {k: r.count for k, r in inside.items()} == {"420100000000": 3, "420102000000": 2}
    jiangan = stats.total(stats.StatsFilter(region=Region.objects.get(code="420102000000")))
    assert jiangan.count == 2


def test_per_item_and_dates(world, dataset, completed_case):
    actions.do_rate_case(world["users"]["wangwu"], completed_case, event="completion", level=5)
    rows = stats.rows(stats.StatsFilter(by="item"))
    assert [(r.key, r.count) for r in rows] == [(completed_case.item.code, 1)]
    today = timezone.localdate()
    assert stats.total(stats.StatsFilter(date_from=today, date_to=today)).count == 7
    assert stats.total(stats.StatsFilter(date_to=today - dt.timedelta(days=1))).count == 0


def test_the_api_answers_without_sign_in(client, dataset):
    response = client.get("/api/v1/reviews/stats", {"by": "region"})
    assert response.status_code == 200
    body = response.json()
    assert body["by"] == "region" and body["total"]["count"] == 6
    wuhan = next(r for r in body["rows"] if r["key"] == "420100000000")
    assert wuhan["count"] == 5 and wuhan["good_rate"] == 0.6
    org = client.get("/api/v1/reviews/stats", {"organization": str(dataset["a"].uid)}).json()
    assert org["total"]["count"] == 3 and org["total"]["averages"]["attitude"] == 4.0


@pytest.mark.parametrize("params", [{"region": "999999999999"}, {"by": "weather"},
                                    {"organization": "not-a-uid"}, {"date_from": "yesterday"}])
def test_the_api_refuses_bad_filters(client, db, params):
    response = client.get("/api/v1/reviews/stats", params)
    assert response.status_code == 400 and response.json()["code"] == "filter_invalid"


def test_the_page_is_public(client, dataset):
    response = client.get("/reviews/stats/", {"by": "organization"})
    assert response.status_code == 200
    html = response.content.decode()
    assert dataset["a"].name in html and "67%" in html
    assert client.get("/reviews/stats/", {"region": "x"}).status_code == 400
