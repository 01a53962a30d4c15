"""Resources mounted on lake datasets through the real gateway: a lookup answers from the
dataset's current version, masked as granted, recorded with the subject's blind index; an
unknown key is a 404. The catalog mounts only an active lake dataset looked up by the same key."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from jingchu.core.crypto import blind_index
from jingchu.core.errors import ActionError
from jingchu.core.identifiers import make_id_number
from jingchu.identity import actions as identity_actions
from jingchu.identity.choices import StaffRole
from jingchu.lake.actions import datasets as lake_actions
from jingchu.lake.links import links_for
from jingchu.sharing import actions
from jingchu.sharing.actions.exchange import do_register_gateway_client
from jingchu.sharing.choices import CallResult, MountKind
from jingchu.sharing.demo_exchange import token_for
from jingchu.sharing.models import ExchangeCall, Grant

pytestmark = pytest.mark.django_db
PASSWORD = "Gateway@2026-lake"
LOOKUP = "/gateway/v1/resources/{code}/lookup"
COLUMNS = [
    {"name": "id_number", "type": "string", "label": "公民身份号码", "required": True,
     "mask": "id_number"},
    {"name": "name", "type": "string", "label": "姓名", "mask": "name"},
    {"name": "insurance_kind", "type": "string", "label": "险种"},
    {"name": "months_paid", "type": "integer", "label": "累计缴费月数"},
    {"name": "phone", "type": "string", "label": "电话", "mask": "phone"},
    {"name": "enrolled_on", "type": "date", "label": "参保日期"},
]
FIELDS = [
    {"name": "id_number", "label": "公民身份号码", "sensitivity": 3, "mask": "id_number"},
    {"name": "name", "label": "姓名", "sensitivity": 3},
    {"name": "insurance_kind", "label": "险种"},
    {"name": "months_paid", "label": "累计缴费月数", "data_type": "integer"},
    {"name": "phone", "label": "电话", "sensitivity": 3, "mask": "phone"},
    {"name": "enrolled_on", "label": "参保日期", "data_type": "date"},
]


def _staff(username: str, org: Any, role: str) -> Any:
    staff = identity_actions.do_create_staff(None, username=username, password=PASSWORD,
                                             name=username)
    identity_actions.do_assign_role(None, staff=staff, organization=org, role=role)
    return staff.user


@pytest.fixture
def lake_gw(demo_orgs: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    cache.clear()
    orgs = demo_orgs
    steward = _staff("lg_rst", orgs["hb-rst"], StaffRole.DATA_STEWARD)
    admin = _staff("lg_admin", orgs["hb-zwb"], StaffRole.ADMINISTRATOR)
    _staff("lg_officer", orgs["wh-rsj"], StaffRole.REVIEWER)
    number = make_id_number("420102", dt.date(1990, 1, 2), 11, True)
    dataset = lake_actions.do_register_dataset(steward, orgs["hb-rst"], {
        "code": "hb-rst/si-test", "name": "参保", "columns": COLUMNS, "key_column": "id_number"})
    source = tmp_path / "si.csv"
    source.write_text("id_number,name,insurance_kind,months_paid,phone,enrolled_on\n"
                      f"{number},李明,企业职工基本养老保险,120,13912345678,2010-03-01\n",
                      encoding="utf-8")
    lake_actions.do_run_load(lake_actions.do_start_load(steward, dataset, path=source))
    resource = actions.do_register_resource(steward, orgs["hb-rst"], {
        "code": "HB-RS-TEST-01", "name": "社会保险参保信息", "share_type": "conditional",
        "legal_basis": "《社会保险法》", "fields": FIELDS})
    resource = actions.do_mount_resource(steward, resource, kind="lake",
                                         target="hb-rst/si-test", key_field="id_number",
                                         subject_kind="person")
    actions.do_publish_resource(steward, resource)
    today = timezone.localdate()
    Grant.objects.create(consumer=orgs["wh-rsj"], resource=resource,
                         fields=["id_number", "name", "insurance_kind", "months_paid", "phone",
                                 "enrolled_on"],
                         masked_fields=["phone"], valid_from=today - dt.timedelta(days=1),
                         valid_until=today + dt.timedelta(days=30), rate_limit=100,
                         purpose="就业补贴审核")
    client, secret = do_register_gateway_client(admin, code="WH-RSJ-JYBT", name="就业补贴系统",
                                                organization=orgs["wh-rsj"])
    token = token_for(Client(), client.application.client_id, secret)
    return {"steward": steward, "number": number, "token": token, "resource": resource,
            "dataset": dataset, "orgs": orgs}


def _lookup(w: dict[str, Any], key: str, fields: list[str] | None = None) -> Any:
    body: dict[str, Any] = {"key": key}
    if fields:
        body["fields"] = fields
    return Client().post(LOOKUP.format(code="HB-RS-TEST-01"), body,
                         content_type="application/json",
                         HTTP_AUTHORIZATION=f"Bearer {w['token']}",
                         HTTP_X_JINGCHU_CLIENT="WH-RSJ-JYBT",
                         HTTP_X_JINGCHU_REQUEST_ID=uuid.uuid4().hex,
                         HTTP_X_JINGCHU_USER="lg_officer", HTTP_X_JINGCHU_PURPOSE="就业补贴审核")


def test_a_lake_mounted_resource_answers_through_the_gateway(lake_gw):
    w = lake_gw
    answer = _lookup(w, w["number"])
    assert answer.status_code == 200, answer.content
    record = answer.json()["record"]
    assert record == {"id_number": w["number"], "name": "李明",
                      "insurance_kind": "企业职工基本养老保险", "months_paid": 120,
                      "phone": "139****5678", "enrolled_on": "2010-03-01"}
    call = ExchangeCall.objects.get(request_id=answer["X-Jingchu-Request-Id"])
    assert call.result == CallResult.OK and call.subject_index == blind_index(w["number"])
    only = _lookup(w, w["number"], ["months_paid"])
    assert only.json()["record"] == {"months_paid": 120}


def test_an_unknown_key_is_404_and_a_bad_one_400(lake_gw):
    w = lake_gw
    other = make_id_number("420502", dt.date(1985, 6, 1), 22, False)
    missing = _lookup(w, other)
    assert missing.status_code == 404 and missing.json()["code"] == CallResult.NOT_FOUND
    bad = _lookup(w, "420102199001020000")
    assert bad.status_code == 400


def test_the_dataset_page_links_the_mounted_resource(lake_gw):
    links = links_for("hb-rst/si-test")
    assert [code for code, _name, _url in links] == ["HB-RS-TEST-01"]
    assert links[0][2] == "/sharing/resources/HB-RS-TEST-01/" or "HB-RS-TEST-01" in links[0][2]


def test_mounting_on_the_lake_needs_an_active_dataset_with_the_same_key(lake_gw):
    w = lake_gw
    resource = actions.do_register_resource(w["steward"], w["orgs"]["hb-rst"], {
        "code": "HB-RS-TEST-02", "name": "x", "share_type": "unconditional",
        "fields": FIELDS})
    for target, key, code in [("hb-rst/nothing", "id_number", "lake_dataset_unknown"),
                              ("hb-rst/si-test", "name", "lake_key_mismatch")]:
        with pytest.raises(ActionError) as exc:
            actions.do_mount_resource(w["steward"], resource, kind="lake", target=target,
                                      key_field=key)
        assert exc.value.code == code
    lake_actions.do_retire_dataset(w["steward"], w["dataset"])
    with pytest.raises(ActionError) as exc:
        actions.do_mount_resource(w["steward"], resource, kind="lake", target="hb-rst/si-test",
                                  key_field="id_number")
    assert exc.value.code == "lake_dataset_unknown"
    resource.refresh_from_db()
    assert resource.mount_kind == MountKind.NONE
    retired = _lookup(w, w["number"])  # the mounted resource's dataset is retired: no version
    assert retired.status_code == 409
