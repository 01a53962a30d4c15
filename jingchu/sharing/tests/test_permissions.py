"""Who may do what: the named checks alone, and an outsider refused with 403 by every endpoint
family of the API (catalog, lists, requests, grants, error reports, reports)."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import AnonymousUser

from jingchu.sharing import actions, permissions
from jingchu.sharing.tests.conftest import request_data, row_counts

pytestmark = pytest.mark.django_db

BASE = "/api/v1/sharing"


@pytest.fixture
def granted(sharing_world):
    w = sharing_world
    request = actions.do_submit_request(w["users"]["wh"], w["orgs"]["wh-scjg"], w["population"],
                                        request_data(["id_number", "name"]))
    grant = actions.do_approve_request(w["users"]["gat"], request)
    pending = actions.do_submit_request(w["users"]["whgaj"], w["orgs"]["wh-gaj"],
                                        w["population"], request_data(["name"]))
    report = actions.do_report_error(w["users"]["wh"], w["orgs"]["wh-scjg"], w["population"],
                                     {"description": "姓名有误"})
    entry = actions.do_create_list_entry(w["users"]["gat"], w["orgs"]["hb-gat"], "demand",
                                         {"name": "x"})
    return w | {"grant": grant, "pending": pending, "report": report, "entry": entry}


def test_province_level_is_the_platform_body(sharing_world):
    u = sharing_world["users"]
    assert permissions.is_province_steward(u["dsj"]) and permissions.is_province_steward(u["admin"])
    for who in ("gat", "scjg", "wh", "outsider", "citizen"):
        assert not permissions.is_province_steward(u[who])
    assert not permissions.is_province_steward(AnonymousUser())
    assert permissions.visible_org_ids(u["dsj"]) is None
    assert permissions.visible_org_ids(u["wh"]) == {sharing_world["orgs"]["wh-scjg"].pk}


def test_the_checks(granted):
    w, u = granted, granted["users"]
    grant, pending, report = w["grant"], w["pending"], w["report"]
    assert permissions.can_review_request(u["gat"], pending)
    assert not permissions.can_review_request(u["dsj"], pending)  # the owner reviews
    assert permissions.can_view_request(u["dsj"], pending)
    assert not permissions.can_view_request(u["wh"], pending)  # another consumer's request
    assert permissions.can_withdraw_request(u["whgaj"], pending)
    assert permissions.can_view_grant(u["wh"], grant) and not permissions.can_change_grant(
        u["wh"], grant)
    assert permissions.can_change_grant(u["dsj"], grant)
    assert permissions.can_view_error_report(u["gat"], report)
    assert not permissions.can_view_error_report(u["whgaj"], report)
    assert permissions.can_answer_error(u["gat"], report)
    for who in ("outsider", "citizen"):
        user = u[who]
        assert not permissions.can_register_any(user)
        assert not permissions.can_view_lists(user, w["orgs"]["hb-gat"])
        assert not permissions.can_request_any(user)
        assert not permissions.can_list_grants(user)
        assert not permissions.can_view_reports(user)
        assert not permissions.can_view_grant(user, grant)
    assert permissions.can_browse_catalog(u["outsider"])  # staff browse the catalog
    assert not permissions.can_browse_catalog(u["citizen"])
    anonymous = AnonymousUser()
    assert not permissions.can_browse_catalog(anonymous)
    assert not permissions.can_manage_resource(anonymous, w["population"])


def calls(w):
    """(method, url, body) of one call per endpoint family that an outsider may not make."""
    gat = w["orgs"]["hb-gat"]
    return [
        ("post", f"{BASE}/resources", {"owner": str(gat.uid), "code": "HB-GAT-0777",
                                       "name": "x", "share_type": "unconditional",
                                       "fields": [{"name": "a"}]}),
        ("patch", f"{BASE}/resources/HB-GAT-0001", {"name": "x"}),
        ("post", f"{BASE}/resources/HB-GAT-0001/retire", {}),
        ("post", f"{BASE}/resources/HB-GAT-0001/mount",
         {"kind": "lake", "target": "x", "key_field": "id_number"}),
        ("get", f"{BASE}/organizations/{gat.uid}/lists", None),
        ("post", f"{BASE}/organizations/{gat.uid}/lists", {"kind": "demand", "name": "x"}),
        ("delete", f"{BASE}/lists/{w['entry'].uid}", None),
        ("get", f"{BASE}/requests", None),
        ("post", f"{BASE}/requests", {"consumer": str(w["orgs"]["wh-scjg"].uid),
                                      "resource": "HB-GAT-0001", "fields": ["name"],
                                      "purpose": "x", "legal_basis": "x",
                                      "valid_from": "2030-01-01",
                                      "valid_until": "2030-12-31"}),
        ("get", f"{BASE}/requests/{w['pending'].uid}", None),
        ("post", f"{BASE}/requests/{w['pending'].uid}/approve", {}),
        ("post", f"{BASE}/requests/{w['pending'].uid}/refuse", {"reason": "x"}),
        ("post", f"{BASE}/requests/{w['pending'].uid}/withdraw", {}),
        ("get", f"{BASE}/grants", None),
        ("get", f"{BASE}/grants/{w['grant'].uid}", None),
        ("post", f"{BASE}/grants/{w['grant'].uid}/suspend", {"reason": "x"}),
        ("get", f"{BASE}/error-reports", None),
        ("post", f"{BASE}/error-reports", {"reporter": str(w["orgs"]["wh-scjg"].uid),
                                           "resource": "HB-GAT-0001", "description": "x"}),
        ("post", f"{BASE}/error-reports/{w['report'].uid}/answer", {"answer": "x"}),
        ("get", f"{BASE}/reports/responsibility", None),
    ]


def send(client, method, url, body):
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("who", ["outsider", "citizen"])
def test_outsiders_are_refused_by_every_endpoint_family(client, granted, who):
    client.force_login(granted["users"][who])
    before = row_counts()
    for method, url, body in calls(granted):
        response = send(client, method, url, body)
        assert response.status_code == 403, (method, url, response.content)
        assert response.json()["code"] == "permission_denied"
    assert row_counts() == before


def test_a_steward_of_another_organization_is_refused(client, granted):
    """武汉市市场监管局's steward: not the owner, not the consumer of the pending request."""
    client.force_login(granted["users"]["wh"])
    before = row_counts()
    for method, url, body in calls(granted):
        if url.endswith(("/requests", "/grants", "/error-reports", "/lists", "/responsibility",
                         f"/grants/{granted['grant'].uid}")) and method == "get":
            continue  # their own lists and objects
        if method == "post" and url.endswith(("/requests", "/error-reports")):
            continue  # as consumer, for their own organization
        response = send(client, method, url, body)
        assert response.status_code == 403, (method, url, response.content)
    assert row_counts() == before


def test_anonymous_is_asked_to_sign_in(client, granted):
    response = client.get(f"{BASE}/resources")
    assert response.status_code == 401
