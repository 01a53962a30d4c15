"""The root of trust, seals and their status: who may, what is refused, what is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import AuditEvent
from jingchu.seals import actions, authority, esid, ses, x509
from jingchu.seals.choices import SealKind, SealStatus
from jingchu.seals.models import Seal, SealKey, TrustRoot

pytestmark = pytest.mark.django_db


def test_the_root_is_created_once(root):
    assert actions.do_create_root(None) == root
    assert TrustRoot.objects.count() == 1
    assert AuditEvent.objects.filter(action="seals.root.create").count() == 1
    cert = x509.load(bytes(root.certificate))
    assert cert.ca and x509.signed_by(cert, cert)
    assert cert.subject.native["common_name"] == authority.ROOT_NAME


def test_only_the_platform_administrator_creates_the_root(db, demo_orgs):
    from jingchu.cases.tests.conftest import make_staff
    from jingchu.identity.choices import StaffRole

    admin = make_staff("org_admin", demo_orgs["wh-scjg"], StaffRole.ADMINISTRATOR)
    with pytest.raises(NotPermitted):
        actions.do_create_root(admin)
    assert not TrustRoot.objects.exists()
    admin.is_superuser = True
    admin.save()
    assert actions.do_create_root(admin).name == authority.ROOT_NAME


def test_creating_a_seal(world, amr_seal):
    seal, org = amr_seal, world["orgs"]["wh-scjg"]
    assert seal.name == org.name + "证照专用章" and seal.status == SealStatus.ACTIVE
    assert esid.is_valid(seal.es_id) and seal.es_id.startswith(org.region.code[:6] + "02")
    assert timezone.localdate(seal.valid_from) == timezone.localdate()
    cert = x509.load(bytes(seal.certificate))
    assert x509.signed_by(cert, x509.load(bytes(world["root"].certificate)))
    assert cert.subject.native["organization_identifier"] == org.uscc
    assert not cert.ca
    parsed = ses.load_seal(bytes(seal.seal_data))
    info = parsed["e_seal_info"]
    assert info["header"].native == {"id": "ES", "version": 4, "vid": "JINGCHU"}
    assert info["es_id"].native == seal.es_id
    assert info["property"]["cert_list"].native == [bytes(seal.certificate)]
    assert info["picture"]["type"].native == "SVG"
    assert info["picture"]["data"].native.decode() == seal.image_svg
    assert authority.seal_signed_by_maker(parsed)
    event = AuditEvent.objects.get(action="seals.seal.create")
    assert event.object_id == str(seal.uid) and event.details["es_id"] == seal.es_id
    assert event.actor == world["users"]["admin_amr"]


def test_seal_codes_count_up_within_a_region(world, amr_seal):
    official = actions.do_create_seal(None, world["orgs"]["wh-scjg"], kind=SealKind.OFFICIAL)
    assert esid.serial_of(official.es_id) == esid.serial_of(amr_seal.es_id) + 1
    assert official.es_id[6:8] == "01"


def test_who_may_create_seals(world):
    users, orgs = world["users"], world["orgs"]
    for who in ("approver_amr", "clerk_amr", "admin_hrss"):
        with pytest.raises(NotPermitted):
            actions.do_create_seal(users[who], orgs["wh-scjg"], kind=SealKind.OFFICIAL)
    assert not Seal.objects.exists() and SealKey.objects.count() == 1  # the root's key
    seal = actions.do_create_seal(users["platform"], orgs["wh-scjg"], kind=SealKind.OFFICIAL)
    assert seal.organization == orgs["wh-scjg"]


def test_bad_input_is_refused_before_anything_is_written(world, amr_seal):
    admin, org = world["users"]["admin_amr"], world["orgs"]["wh-scjg"]
    today = timezone.localdate()
    cases: list[tuple[dict[str, Any], str]] = [
        ({"kind": "stamp"}, "kind_invalid"),
        ({"kind": SealKind.LICENSE}, "seal_exists"),
        ({"kind": SealKind.OFFICIAL, "valid_from": today - dt.timedelta(days=1)},
         "valid_from_past"),
        ({"kind": SealKind.OFFICIAL, "valid_to": today}, "validity_invalid"),
        ({"kind": SealKind.OFFICIAL, "valid_to": today.replace(year=today.year + 40)},
         "validity_beyond_root"),
        ({"kind": SealKind.OFFICIAL, "name": "名" * 101}, "text_too_long"),
    ]
    keys = SealKey.objects.count()
    for kwargs, code in cases:
        with pytest.raises(ActionError) as err:
            actions.do_create_seal(admin, org, **kwargs)
        assert err.value.code == code, kwargs
    assert Seal.objects.count() == 1 and SealKey.objects.count() == keys


def test_no_seal_without_a_root(db, demo_orgs):
    with pytest.raises(ActionError) as err:
        actions.do_create_seal(None, demo_orgs["wh-scjg"], kind=SealKind.OFFICIAL)
    assert err.value.code == "no_root" and err.value.status == 409


def test_suspend_resume_revoke_with_reasons(world, amr_seal):
    admin = world["users"]["admin_amr"]
    with pytest.raises(ActionError) as err:
        actions.do_suspend_seal(admin, amr_seal, reason="  ")
    assert err.value.code == "text_required"
    with pytest.raises(ActionError) as err:
        actions.do_resume_seal(admin, amr_seal, reason="not suspended")
    assert err.value.code == "status_conflict" and err.value.status == 409
    seal = actions.do_suspend_seal(admin, amr_seal, reason="印章保管人变更")
    assert seal.status == SealStatus.SUSPENDED and seal.status_reason == "印章保管人变更"
    seal = actions.do_resume_seal(admin, seal, reason="交接完成")
    assert seal.status == SealStatus.ACTIVE
    seal = actions.do_revoke_seal(admin, seal, reason="机构撤并")
    assert seal.status == SealStatus.REVOKED
    with pytest.raises(ActionError):
        actions.do_resume_seal(admin, seal, reason="undo")
    actions_done = list(AuditEvent.objects.filter(object_id=str(seal.uid))
                        .order_by("id").values_list("action", flat=True))
    assert actions_done == ["seals.seal.create", "seals.seal.suspend", "seals.seal.resume",
                            "seals.seal.revoke"]
    assert AuditEvent.objects.get(action="seals.seal.revoke").details["reason"] == "机构撤并"
    # A revoked seal frees its kind for a new one.
    again = actions.do_create_seal(admin, world["orgs"]["wh-scjg"], kind=SealKind.LICENSE)
    assert again.es_id != seal.es_id


def test_others_may_not_change_the_status(world, amr_seal):
    for who in ("approver_amr", "admin_hrss"):
        with pytest.raises(NotPermitted):
            actions.do_revoke_seal(world["users"][who], amr_seal, reason="x")
    amr_seal.refresh_from_db()
    assert amr_seal.status == SealStatus.ACTIVE
    assert actions.do_suspend_seal(world["users"]["platform"], amr_seal,
                                   reason="platform check").status == SealStatus.SUSPENDED


def test_default_validity_from_a_leap_day():
    assert actions._years_on(dt.date(2028, 2, 29), 5) == dt.date(2033, 2, 28)
    assert actions._years_on(dt.date(2027, 3, 1), 5) == dt.date(2032, 3, 1)
