"""The pages: the payment block on the applicant's and the staff's case pages, its forms, the
order (notice and receipt), and the refusals."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jingchu.payments import actions
from jingchu.payments.choices import OrderStatus
from jingchu.payments.models import PaymentOrder
from jingchu.payments.tests.conftest import counts

pytestmark = pytest.mark.django_db


def detail(case):
    return reverse("cases:detail", kwargs={"uid": case.uid})


def workbench(case):
    return reverse("cases:workbench_case", kwargs={"uid": case.uid})


def test_staff_issue_from_the_workbench_and_the_applicant_pays(client, world, fee_case):
    users = world["users"]
    client.force_login(users["clerk_wuhan"])
    page = client.get(workbench(fee_case)).content.decode()
    assert 'id="payment"' in page and 'id="issue-order"' in page and "80.00" in page
    issued = client.post(reverse("payments:issue", kwargs={"uid": fee_case.uid}),
                         {"back": "workbench"})
    assert issued.status_code == 302 and issued["Location"] == workbench(fee_case)
    order = PaymentOrder.objects.get()
    page = client.get(workbench(fee_case)).content.decode()
    assert order.payment_code in page and 'id="issue-order"' not in page
    assert 'id="record-counter"' in page and 'id="cancel-order"' in page
    assert 'id="pay-online"' not in page

    client.force_login(users["zhangsan"])
    page = client.get(detail(fee_case)).content.decode()
    assert 'id="pay-online"' in page and order.payment_code in page
    assert 'id="issue-order"' not in page and 'id="cancel-order"' not in page
    paid = client.post(reverse("payments:pay", kwargs={"uid": order.uid}), {"back": "detail"})
    assert paid.status_code == 302 and paid["Location"] == detail(fee_case)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    page = client.get(detail(fee_case)).content.decode()
    assert order.receipt_number in page and 'id="pay-online"' not in page
    receipt = client.get(reverse("payments:order", kwargs={"uid": order.uid}))
    assert receipt.status_code == 200 and order.receipt_number in receipt.content.decode()


def test_counter_payment_and_cancel_forms(client, world, fee_case):
    users = world["users"]
    clerk = users["clerk_wuhan"]
    order = actions.do_issue_payment_order(clerk, fee_case)
    client.force_login(clerk)
    url = reverse("payments:record_counter", kwargs={"uid": order.uid})
    bad = client.post(url, {"receipt_number": "1", "back": "workbench"}, follow=True)
    assert bad.status_code == 200 and "msg error" in bad.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.ISSUED
    client.post(url, {"receipt_number": "HB2026-000007", "back": "workbench"})
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.receipt_number == "HB2026-000007"

    cancel = client.post(reverse("payments:cancel", kwargs={"uid": order.uid}),
                         {"reason": "x", "back": "workbench"}, follow=True)
    assert "msg error" in cancel.content.decode()  # a paid order is not cancelled
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_cancel_from_the_workbench(client, world, fee_case):
    order = actions.do_issue_payment_order(world["users"]["clerk_wuhan"], fee_case)
    client.force_login(world["users"]["hall_reviewer"])
    response = client.post(reverse("payments:cancel", kwargs={"uid": order.uid}),
                           {"reason": "金额有误", "back": "workbench"})
    assert response.status_code == 302 and response["Location"] == workbench(fee_case)
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.cancel_reason == "金额有误"
    page = client.get(workbench(fee_case)).content.decode()
    assert 'id="issue-order"' in page and "金额有误" in page


@pytest.mark.parametrize("who", ["lisi", "reviewer_wh_amr", "clerk_yichang"])
def test_outsiders_get_404_and_nothing_is_written(client, world, fee_case, who):
    order = actions.do_issue_payment_order(world["users"]["clerk_wuhan"], fee_case)
    client.force_login(world["users"][who])
    before = counts()
    urls = [reverse("payments:issue", kwargs={"uid": fee_case.uid}),
            reverse("payments:pay", kwargs={"uid": order.uid}),
            reverse("payments:record_counter", kwargs={"uid": order.uid}),
            reverse("payments:cancel", kwargs={"uid": order.uid})]
    for url in urls:
        assert client.post(url, {"receipt_number": "HB2026000001", "reason": "x"}
                           ).status_code == 404, url
    assert client.get(reverse("payments:order", kwargs={"uid": order.uid})).status_code == 404
    assert counts() == before
    order.refresh_from_db()
    assert order.status == OrderStatus.ISSUED


def test_viewers_who_may_not_take_a_step_get_403(client, world, fee_case):
    users = world["users"]
    order = actions.do_issue_payment_order(users["clerk_wuhan"], fee_case)
    before = counts()
    client.force_login(users["zhangsan"])
    for name, uid in (("issue", fee_case.uid), ("cancel", order.uid),
                      ("record_counter", order.uid)):
        response = client.post(reverse(f"payments:{name}", kwargs={"uid": uid}),
                               {"receipt_number": "HB2026000001", "reason": "x"})
        assert response.status_code == 403, name
    client.force_login(users["hall_reviewer"])
    assert client.post(reverse("payments:pay", kwargs={"uid": order.uid})).status_code == 403
    assert client.get(reverse("payments:pay", kwargs={"uid": order.uid})).status_code == 405
    assert counts() == before


def test_no_block_without_a_fee_and_sign_in_required(client, world, free_case, fee_case):
    client.force_login(world["users"]["wangwu"])
    assert 'id="payment"' not in client.get(detail(free_case)).content.decode()
    client.logout()
    response = client.post(reverse("payments:issue", kwargs={"uid": fee_case.uid}))
    assert response.status_code == 302 and "login" in response["Location"]
    assert not PaymentOrder.objects.exists()


def test_online_payment_unavailable_is_said_on_the_page(client, world, fee_case, settings):
    settings.PAYMENT_GATEWAY, settings.DEMO = "", False
    order = actions.do_issue_payment_order(world["users"]["clerk_wuhan"], fee_case)
    client.force_login(world["users"]["zhangsan"])
    page = client.get(detail(fee_case)).content.decode()
    assert 'id="pay-online"' not in page and order.payment_code in page
    response = client.post(reverse("payments:pay", kwargs={"uid": order.uid}), follow=True)
    assert "msg error" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.ISSUED
