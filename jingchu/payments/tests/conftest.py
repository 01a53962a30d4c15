"""Fixtures for payment tests: cases taken through the real case actions, staff, the gateway.

The fee case is zhangsan's 不动产转移登记 (fee 80 yuan in its item version), 全市通办 at
武汉市民之家 (wh-smzj), where the demo clerk clerk_wuhan accepts it; the handling organization
is the hall itself, so its clerk and a reviewer made there may issue the order. The free case is
wangwu's 企业开办 for the demo enterprise (no fee), handled by 武汉市市场监管局.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jingchu.cases import actions as case_actions
from jingchu.cases.choices import Channel
from jingchu.cases.demo import sample_pdf
from jingchu.cases.models import Case
from jingchu.cases.precheck import ONLINE_FORM_MEDIA
from jingchu.cases.tests.conftest import (  # noqa: F401 - fixtures re-exported for pytest
    catalog,
    implementation,
    make_staff,
    wuhan_amr_staff,
)
from jingchu.core.models import AuditEvent, Notification
from jingchu.identity.choices import StaffRole
from jingchu.identity.models import LegalEntity, User
from jingchu.payments.models import PaymentOrder
from jingchu.services import actions as service_actions
from jingchu.services.choices import MaterialNecessity, MaterialSource
from jingchu.services.tests.sample_forms import posted_values

TRANSFER = "000110002000"  # 不动产转移登记, fee 80, 全市通办 at 武汉市民之家
ENTERPRISE_START = "000172002000"  # 企业开办, free, 全省通办 at 武汉市市场监管局


@pytest.fixture(autouse=True)
def _demo_gateway(settings: Any) -> None:
    settings.PAYMENT_GATEWAY = "demo"


def submitted(user: User, impl: Any, entity: LegalEntity | None = None,
              extra: dict[str, str] | None = None) -> Case:
    case = case_actions.do_create_draft(user, implementation=impl, applicant=user.person,
                                        on_behalf_of=entity, channel=Channel.ONLINE)
    case_actions.do_save_form(user, case, posted_values(case.version.form_schema)
                              | (extra or {}))
    for requirement in case.version.materials.filter(
            necessity=MaterialNecessity.REQUIRED, source=MaterialSource.UPLOAD).exclude(
            media=ONLINE_FORM_MEDIA):
        upload = SimpleUploadedFile("m.pdf", sample_pdf(), content_type="application/pdf")
        case_actions.do_attach_material(user, case, requirement, upload)
    return case_actions.do_transition(user, case, "submit")


@pytest.fixture
def world(catalog: dict[str, Any], wuhan_amr_staff: dict[str, User]) -> dict[str, Any]:  # noqa: F811
    hall = catalog["wh-smzj"]
    users = {name: User.objects.get(username=name) for name in (
        "zhangsan", "lisi", "wangwu", "clerk_wuhan", "clerk_yichang", "reviewer_wh_amr")}
    users["hall_reviewer"] = make_staff("hall_reviewer", hall, StaffRole.REVIEWER)
    users["hall_approver"] = make_staff("hall_approver", hall, StaffRole.APPROVER)
    users["hall_steward"] = make_staff("hall_steward", hall, StaffRole.DATA_STEWARD)
    users.update(wuhan_amr_staff)
    return {"orgs": catalog, "users": users}


@pytest.fixture
def fee_case(world: dict[str, Any]) -> Case:
    """zhangsan's 不动产转移登记, submitted and accepted at 武汉市民之家."""
    users = world["users"]
    case = submitted(users["zhangsan"], implementation(TRANSFER, "wh-smzj", world["orgs"]))
    return case_actions.do_transition(users["clerk_wuhan"], case, "accept")


@pytest.fixture
def submitted_fee_case(world: dict[str, Any]) -> Case:
    """lisi's 不动产转移登记, submitted but not accepted yet."""
    return submitted(world["users"]["lisi"], implementation(TRANSFER, "wh-smzj", world["orgs"]))


def enterprise_case(world: dict[str, Any]) -> Case:
    """wangwu's 企业开办 for the demo enterprise, accepted at 武汉市民之家 (全省通办)."""
    users = world["users"]
    entity = LegalEntity.objects.get()
    case = submitted(users["wangwu"], implementation(ENTERPRISE_START, "wh-scjg", world["orgs"]),
                     entity, {"uscc": entity.uscc})
    return case_actions.do_transition(users["clerk_wuhan"], case, "accept")


@pytest.fixture
def free_case(world: dict[str, Any]) -> Case:
    return enterprise_case(world)


@pytest.fixture
def charged_enterprise_case(world: dict[str, Any]) -> Case:
    """The same service, where 武汉市市场监管局's implementation sets a fee of 30 yuan."""
    impl = implementation(ENTERPRISE_START, "wh-scjg", world["orgs"])
    service_actions.do_upsert_implementation(
        None, item=impl.item, organization=impl.organization, code=impl.code,
        service_area=impl.service_area, address=impl.address, hours=impl.hours,
        phone=impl.phone, promised_days=impl.promised_days, fee=Decimal("30.00"))
    return enterprise_case(world)


def counts() -> tuple[int, int, int]:
    """Rows a refused action must not have written."""
    return (PaymentOrder.objects.count(), AuditEvent.objects.count(),
            Notification.objects.count())


def snapshot(order: PaymentOrder) -> tuple[Any, ...]:
    order.refresh_from_db()
    return (order.status, order.receipt_number, order.paid_at, order.cancel_reason)
