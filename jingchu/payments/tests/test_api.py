"""The payments API: list, issue, pay, cancel, and the refusals in the error shape."""

from __future__ import annotations

import json

import pytest

from jingchu.payments.choices import OrderStatus
from jingchu.payments.models import PaymentOrder
from jingchu.payments.tests.conftest import counts

pytestmark = pytest.mark.django_db

BASE = "/api/v1/payments"


def post(client, url, payload=None):
    return client.post(url, json.dumps(payload or {}), content_type="application/json")


def test_issue_list_and_pay_online(client, world, fee_case):
    users = world["users"]
    client.force_login(users["clerk_wuhan"])
    issued = post(client, f"{BASE}/cases/{fee_case.uid}/orders")
    assert issued.status_code == 201, issued.content
    body = issued.json()
    assert body["status"] == "issued" and body["amount"] == "80.00"
    assert body["case_number"] == fee_case.number and len(body["payment_code"]) == 20
    assert body["paid_at"] is None and body["receipt_number"] == ""

    client.force_login(users["zhangsan"])
    listed = client.get(f"{BASE}/cases/{fee_case.uid}/orders")
    assert listed.status_code == 200 and [o["uid"] for o in listed.json()] == [body["uid"]]
    paid = post(client, f"{BASE}/orders/{body['uid']}/pay", {"channel": "online"})
    assert paid.status_code == 200, paid.content
    assert paid.json()["status"] == "paid"
    assert paid.json()["receipt_number"] == "DM" + body["payment_code"]
    assert client.get(f"{BASE}/orders/{body['uid']}").json()["paid_channel"] == "online"


def test_counter_payment_and_cancel(client, world, fee_case):
    users = world["users"]
    client.force_login(users["hall_reviewer"])
    first = post(client, f"{BASE}/cases/{fee_case.uid}/orders").json()
    cancelled = post(client, f"{BASE}/orders/{first['uid']}/cancel", {"reason": "金额有误"})
    assert cancelled.status_code == 200 and cancelled.json()["cancel_reason"] == "金额有误"
    second = post(client, f"{BASE}/cases/{fee_case.uid}/orders").json()
    client.force_login(users["clerk_wuhan"])
    bad = post(client, f"{BASE}/orders/{second['uid']}/pay",
               {"channel": "counter", "receipt_number": "12"})
    assert bad.status_code == 400 and bad.json()["code"] == "receipt_invalid"
    assert bad.json()["details"] == {"field": "receipt_number"}
    paid = post(client, f"{BASE}/orders/{second['uid']}/pay",
                {"channel": "counter", "receipt_number": "HB2026-0042"})
    assert paid.status_code == 200 and paid.json()["receipt_number"] == "HB2026-0042"
    statuses = [o["status"] for o in client.get(f"{BASE}/cases/{fee_case.uid}/orders").json()]
    assert statuses == ["paid", "cancelled"]


def test_outsiders_are_refused_and_nothing_is_written(client, world, fee_case):
    users = world["users"]
    url = f"{BASE}/cases/{fee_case.uid}/orders"
    assert client.get(url).status_code == 401
    assert post(client, url).status_code == 401
    client.force_login(users["lisi"])
    for response in (client.get(url), post(client, url)):
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    client.force_login(users["clerk_wuhan"])
    order = post(client, url).json()
    before = counts()
    for who in ("lisi", "reviewer_wh_amr"):
        client.force_login(users[who])
        for response in (client.get(f"{BASE}/orders/{order['uid']}"),
                         post(client, f"{BASE}/orders/{order['uid']}/pay", {"channel": "online"}),
                         post(client, f"{BASE}/orders/{order['uid']}/cancel", {"reason": "x"})):
            assert response.status_code == 403, (who, response.content)
    client.force_login(users["zhangsan"])
    cancel = post(client, f"{BASE}/orders/{order['uid']}/cancel", {"reason": "不想付"})
    assert cancel.status_code == 403
    counter = post(client, f"{BASE}/orders/{order['uid']}/pay",
                   {"channel": "counter", "receipt_number": "HB2026000009"})
    assert counter.status_code == 403
    assert counts() == before
    assert PaymentOrder.objects.get().status == OrderStatus.ISSUED


def test_state_refusals_are_409(client, world, fee_case, free_case):
    users = world["users"]
    client.force_login(users["reviewer"])
    free = post(client, f"{BASE}/cases/{free_case.uid}/orders")
    assert free.status_code == 409 and free.json()["code"] == "no_fee"
    client.force_login(users["clerk_wuhan"])
    order = post(client, f"{BASE}/cases/{fee_case.uid}/orders").json()
    again = post(client, f"{BASE}/cases/{fee_case.uid}/orders")
    assert again.status_code == 409 and again.json()["code"] == "order_open"
    assert again.json()["details"] == {"order": order["uid"]}
    post(client, f"{BASE}/orders/{order['uid']}/cancel", {"reason": "重开"})
    client.force_login(users["zhangsan"])
    late = post(client, f"{BASE}/orders/{order['uid']}/pay", {"channel": "online"})
    assert late.status_code == 409 and late.json()["code"] == "order_not_open"


def test_unknown_addresses_are_404(client, world):
    client.force_login(world["users"]["clerk_wuhan"])
    missing = "00000000-0000-0000-0000-000000000000"
    assert client.get(f"{BASE}/orders/{missing}").status_code == 404
    assert post(client, f"{BASE}/cases/{missing}/orders").json()["code"] == "not_found"
    assert client.get(f"{BASE}/orders/not-a-uid").status_code in {404, 422}
