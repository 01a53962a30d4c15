"""Every 4xx under /api/v1/ answers {"code", "message", "details"}, whatever raised it."""

from __future__ import annotations

import pytest

from jingchu.core import permissions

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite_smoke]

SHAPE = {"code", "message", "details"}


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == SHAPE
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["details"], dict)
    return body


def test_401_when_authentication_is_required(client):
    assert_error(client.get("/api/v1/identity/me"), 401, "not_authenticated")


def test_403_when_a_permission_refuses(client, monkeypatch):
    monkeypatch.setattr(permissions, "can_view_regions", lambda user: False)
    assert_error(client.get("/api/v1/core/regions"), 403, "permission_denied")
    assert_error(client.get("/api/v1/core/regions/420000000000"), 403, "permission_denied")


def test_404_for_an_unknown_object(client):
    assert_error(client.get("/api/v1/core/regions/999999999999"), 404, "not_found")


@pytest.mark.parametrize("path", ["/api/v1/no-such-endpoint", "/api/v1/core/nothing/here",
                                  "/api/v1/"])
def test_404_for_an_unknown_address(client, path):
    assert_error(client.get(path), 404, "not_found")


def test_404_for_an_unknown_address_on_post_is_not_a_csrf_refusal(client):
    assert_error(client.post("/api/v1/no-such-endpoint", {}), 404, "not_found")


def test_405_for_a_method_the_address_does_not_take(client):
    response = client.delete("/api/v1/core/regions")
    body = assert_error(response, 405, "method_not_allowed")
    assert body["details"]["allowed"] == ["GET"]
    assert response["Allow"] == "GET"


def test_422_for_a_query_parameter_of_the_wrong_type(client):
    body = assert_error(client.get("/api/v1/core/regions", {"limit": "abc"}), 422,
                        "invalid_input")
    locations = [error["loc"] for error in body["details"]["errors"]]
    assert ["query", "limit"] in locations


def test_success_is_not_wrapped(client):
    response = client.get("/api/v1/core/regions", {"limit": 1})
    assert response.status_code == 200
    assert "items" in response.json()
