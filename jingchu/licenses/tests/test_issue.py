"""Issuing licences under the issuer's seal, on approval of a case, and changing their status."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jingchu.cases import actions as case_actions
from jingchu.cases.choices import CaseStatus
from jingchu.cases.tests.workbench_helpers import make_case
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import AuditEvent
from jingchu.identity.choices import StaffRole
from jingchu.identity.models import LegalEntity, Person, User
from jingchu.licenses import actions, content, identifiers, statuslist
from jingchu.licenses.choices import LicenseStatus, StatusPurpose, UseKind
from jingchu.licenses.issuance import issue_for_case
from jingchu.licenses.models import License, LicenseType, LicenseUse, StatusList
from jingchu.licenses.tests.conftest import make_staff
from jingchu.seals import service as seals
from jingchu.seals.models import SealUse

pytestmark = pytest.mark.django_db
DRIVING_RENEWAL = "000105006000"  # 机动车驾驶证期满换证 at 武汉市公安局: yields DRIVING_LICENSE


def _person(username: str) -> Person:
    return Person.objects.get(user__username=username)


def _issue(world, key="DRIVING_LICENSE", org="wh-gaj", holder=None, data=None, actor=None):
    license_type = LicenseType.objects.get(key=key)
    return actions.do_issue_license(
        actor, license_type=license_type, issuer=world[org],
        holder=holder or _person("zhangsan"),
        data=data if data is not None else {"license_no": "420100123456", "class": "C1"},
        system=actor is None)


def _bits(lic: License, purpose: str) -> bytes:
    row = StatusList.objects.get(issuer=lic.issuer, purpose=purpose)
    return statuslist.decode(statuslist.encode(bytes(row.bits)))


def test_an_issued_licence_has_a_checked_identifier_and_a_seal_signature(licence_world):
    lic = _issue(licence_world)
    assert identifiers.parse_license_id(lic.identifier).issuer_uscc == lic.issuer.uscc
    assert lic.identifier.startswith("1.2.156.3005.2.11100000000000105.")
    assert lic.valid_until == dt.date(lic.valid_from.year + 10, lic.valid_from.month,
                                      lic.valid_from.day) - dt.timedelta(days=1)
    result = seals.verify(content.signed_bytes(lic), bytes(lic.signature))
    assert result.valid, result
    assert result.seal == lic.seal
    assert SealUse.objects.filter(seal=lic.seal).count() == 1
    assert AuditEvent.objects.filter(action="licenses.license.issue",
                                     object_id=str(lic.uid)).count() == 1
    second = _issue(licence_world)
    assert (second.serial, second.status_index) == (lic.serial + 1, lic.status_index + 1)


def test_the_signature_covers_the_holder_and_the_data(licence_world):
    lic = _issue(licence_world)
    lic.data = lic.data | {"class": "A1"}
    assert not seals.verify(content.signed_bytes(lic), bytes(lic.signature)).valid
    lic.refresh_from_db()
    lic.holder_name = "李四"
    assert not seals.verify(content.signed_bytes(lic), bytes(lic.signature)).valid


def _nothing_issued() -> None:
    assert not License.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="licenses.").exists()


def test_refusals_write_nothing(licence_world):
    outsider = make_staff("outsider", licence_world["wh-scjg"], StaffRole.APPROVER)
    with pytest.raises(NotPermitted):
        _issue(licence_world, actor=outsider)
    with pytest.raises(ActionError) as invalid:
        _issue(licence_world, data={"license_no": "", "class": "C1"})
    assert invalid.value.code == "data_invalid" and "license_no" in invalid.value.details["errors"]
    with pytest.raises(ActionError) as kind:
        _issue(licence_world, holder=LegalEntity.objects.first())
    assert kind.value.code == "holder_kind"
    with pytest.raises(ActionError) as issuer:
        _issue(licence_world, org="wh-rsj")
    assert issuer.value.code == "not_an_issuer" and issuer.value.status == 409
    _nothing_issued()


def test_an_approver_of_the_issuer_may_issue(licence_world):
    approver = make_staff("gaj_approver", licence_world["wh-gaj"], StaffRole.APPROVER)
    _issue(licence_world, actor=approver)
    assert AuditEvent.objects.get(action="licenses.license.issue").actor == approver


def test_suspend_reinstate_revoke_follow_the_rules_and_the_status_lists(licence_world):
    approver = make_staff("gaj_approver", licence_world["wh-gaj"], StaffRole.APPROVER)
    lic = _issue(licence_world)
    lic = actions.do_change_status(approver, lic, "suspend", reason="核查中")
    assert lic.status == LicenseStatus.SUSPENDED and not actions.is_usable(lic)
    assert statuslist.get_bit(_bits(lic, StatusPurpose.SUSPENSION), lic.status_index)
    lic = actions.do_change_status(approver, lic, "reinstate", reason="核查无误")
    assert not statuslist.get_bit(_bits(lic, StatusPurpose.SUSPENSION), lic.status_index)
    lic = actions.do_change_status(approver, lic, "revoke", reason="依法撤销")
    assert statuslist.get_bit(_bits(lic, StatusPurpose.REVOCATION), lic.status_index)
    licence_audit = AuditEvent.objects.filter(action__startswith="licenses.")
    before = licence_audit.count()
    with pytest.raises(ActionError) as final:
        actions.do_change_status(approver, lic, "reinstate", reason="x")
    assert final.value.status == 409
    with pytest.raises(ActionError) as blank:
        actions.do_change_status(approver, _issue(licence_world), "suspend", reason=" ")
    assert blank.value.code == "text_required"
    outsider = make_staff("other", licence_world["yc-gaj"], StaffRole.APPROVER)
    with pytest.raises(NotPermitted):
        actions.do_change_status(outsider, lic, "suspend", reason="x")
    assert licence_audit.count() == before + 1  # only the second licence's issue


def test_approving_a_case_issues_its_licence_once(licence_world,
                                                  django_capture_on_commit_callbacks):
    approver = make_staff("gaj_approver", licence_world["wh-gaj"], StaffRole.APPROVER)
    case = make_case(licence_world, CaseStatus.UNDER_REVIEW, code=DRIVING_RENEWAL,
                     org_key="wh-gaj")
    case.form_data |= {"license_no": "420100777777", "class": "C2"}
    case.save(update_fields=["form_data"])
    with django_capture_on_commit_callbacks(execute=True):
        case_actions.do_transition(approver, case, "approve")
    lic = License.objects.get(case=case)
    assert lic.holder_person == case.applicant and lic.issuer == licence_world["wh-gaj"]
    assert lic.data == {"license_no": "420100777777", "class": "C2"}
    case.refresh_from_db()
    assert issue_for_case(case) == [] and License.objects.filter(case=case).count() == 1


def test_a_denied_case_or_an_item_without_licence_issues_nothing(licence_world):
    case = make_case(licence_world, CaseStatus.DECIDED, code=DRIVING_RENEWAL, org_key="wh-gaj")
    case.decision = "denied"
    assert issue_for_case(case) == []


def test_the_holder_shares_and_sees_every_use(licence_world):
    lic = _issue(licence_world)
    holder = User.objects.get(username="zhangsan")
    today = timezone.localdate()
    share = actions.do_share_license(holder, lic, organization=licence_world["wh-rsj"],
                                     reason="办理就业登记", until=today + dt.timedelta(days=30))
    use = LicenseUse.objects.get(license=lic)
    assert use.kind == UseKind.SHARED and use.share == share and use.reason == "办理就业登记"
    with pytest.raises(NotPermitted):
        actions.do_share_license(User.objects.get(username="lisi"), lic,
                                 organization=licence_world["wh-rsj"], reason="x",
                                 until=today)
    with pytest.raises(ActionError) as period:
        actions.do_share_license(holder, lic, organization=licence_world["wh-rsj"], reason="x",
                                 until=today + dt.timedelta(days=400))
    assert period.value.code == "share_period"
    actions.do_withdraw_share(holder, share)
    share.refresh_from_db()
    assert share.withdrawn_at is not None
