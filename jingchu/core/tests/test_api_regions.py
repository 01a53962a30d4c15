import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite_smoke]


def test_region_children_listed_and_paginated(client):
    response = client.get("/api/v1/core/regions", {"parent": "420000000000", "limit": 5})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 17
    assert len(body["items"]) == 5


def test_unknown_region_answers_404_in_the_error_shape(client):
    response = client.get("/api/v1/core/regions/999999999999")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert set(response.json()) == {"code", "message", "details"}


def test_me_requires_authentication(client):
    response = client.get("/api/v1/identity/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
