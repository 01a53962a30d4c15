"""The rating API: rate my case, list my ratings."""

from __future__ import annotations

import json

import pytest

from jingchu.reviews import actions
from jingchu.reviews.models import Review

pytestmark = pytest.mark.django_db


def post(client, case, payload):
    return client.post(f"/api/v1/reviews/cases/{case.uid}/ratings", json.dumps(payload),
                       content_type="application/json")


def test_the_applicant_rates_and_lists(client, world, completed_case):
    client.force_login(world["users"]["wangwu"])
    response = post(client, completed_case, {"event": "completion", "level": 2,
                                             "scores": {"efficiency": 1}, "comment": "太慢"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["level"] == 2 and body["case_number"] == completed_case.number
    assert body["scores"] == {"efficiency": 1, "overall": 2}
    assert body["rectification"]["status"] == "open" and not body["rectification"]["overdue"]
    mine = client.get("/api/v1/reviews/mine").json()
    assert [r["uid"] for r in mine] == [body["uid"]]


def test_the_listed_rating_shows_the_outcome(client, world, bad_review):
    users = world["users"]
    rect = bad_review.rectification
    actions.do_record_callback(users["reviewer"], rect, called_at=None, note="回访")
    actions.do_resolve_rectification(users["reviewer"], rect, resolution="explained",
                                      text="依法说明")
    client.force_login(users["wangwu"])
    mine = client.get("/api/v1/reviews/mine").json()
    assert mine[0]["rectification"]["resolution"] == "explained"
    assert mine[0]["rectification"]["resolution_text"] == "依法说明"
    client.force_login(users["lisi"])
    assert client.get("/api/v1/reviews/mine").json() == []


def test_refusals_are_in_the_error_shape(client, world, completed_case):
    assert post(client, completed_case, {"event": "completion", "level": 5}).status_code == 401
    client.force_login(world["users"]["zhangsan"])
    outsider = post(client, completed_case, {"event": "completion", "level": 5})
    assert outsider.status_code == 403 and outsider.json()["code"] == "permission_denied"
    client.force_login(world["users"]["wangwu"])
    bad_level = post(client, completed_case, {"event": "completion", "level": 9})
    assert bad_level.status_code == 400 and bad_level.json()["code"] == "level_invalid"
    assert post(client, completed_case, {"event": "completion", "level": 5}).status_code == 201
    twice = post(client, completed_case, {"event": "completion", "level": 5})
    assert twice.status_code == 409 and twice.json()["code"] == "already_rated"
    assert Review.objects.count() == 1
    missing = client.post("/api/v1/reviews/cases/00000000-0000-0000-0000-000000000000/ratings",
                          json.dumps({"event": "completion", "level": 5}),
                          content_type="application/json")
    assert missing.status_code == 404


def test_my_ratings_needs_a_person(client, world):
    assert client.get("/api/v1/reviews/mine").status_code == 401
    client.force_login(world["users"]["reviewer"])
    assert client.get("/api/v1/reviews/mine").status_code == 403
