"""减材料: a licence the applicant holds stands in for an upload, with their consent; the clerk
sees the licence checked again."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jingchu.cases import actions as case_actions
from jingchu.cases.choices import CaseStatus
from jingchu.cases.models import CaseMaterial
from jingchu.cases.tests.applicant_helpers import upload
from jingchu.cases.tests.workbench_helpers import make_case
from jingchu.cases.views import presenting
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import AuditEvent
from jingchu.identity.choices import StaffRole
from jingchu.identity.models import User
from jingchu.licenses import actions
from jingchu.licenses.choices import UseKind
from jingchu.licenses.models import License, LicenseUse
from jingchu.licenses.provider import LicenseProvider
from jingchu.licenses.tests.conftest import make_staff

pytestmark = pytest.mark.django_db
CERT_RENEWAL = "000116002000"  # 道路运输从业人员从业资格证换证: asks for the driving licence


@pytest.fixture
def draft(held_licences):
    return make_case(held_licences, CaseStatus.DRAFT, code=CERT_RENEWAL, org_key="wh-smzj",
                     complete=False)


def _driving(case):
    return case.version.materials.get(license_type_code="DRIVING_LICENSE")


def _licence():
    return License.objects.get(license_type__key="DRIVING_LICENSE",
                               holder_person__user__username="zhangsan")


def test_the_application_offers_the_held_licence_and_records_the_consent(draft):
    row = next(r for r in presenting.material_rows(draft, offer=True)
               if r.requirement == _driving(draft))
    lic = _licence()
    assert [h.reference for h in row.held] == [lic.identifier] and not row.may_upload
    zhangsan = User.objects.get(username="zhangsan")
    material = case_actions.do_use_held_material(zhangsan, draft, _driving(draft),
                                                 lic.identifier)
    assert material.reference == lic.identifier and not material.file
    use = LicenseUse.objects.get(license=lic)
    assert use.kind == UseKind.CASE_MATERIAL and use.case == draft and use.user == zhangsan
    assert use.organization == draft.handling_org
    assert AuditEvent.objects.filter(action="cases.material.use_held").count() == 1
    again = case_actions.do_use_held_material(zhangsan, draft, _driving(draft), lic.identifier)
    assert again == material and LicenseUse.objects.count() == 1
    row = next(r for r in presenting.material_rows(draft) if r.requirement == _driving(draft))
    assert not row.missing and row.used[0][1] is not None and row.used[0][1].valid


def test_an_upload_is_refused_while_the_licence_is_held(draft):
    zhangsan = User.objects.get(username="zhangsan")
    with pytest.raises(ActionError) as refused:
        case_actions.do_attach_material(zhangsan, draft, _driving(draft), upload())
    assert refused.value.code == "upload_not_needed"


def test_only_the_holder_and_only_their_licence(draft, held_licences):
    lisi = User.objects.get(username="lisi")
    with pytest.raises(NotPermitted):
        case_actions.do_use_held_material(lisi, draft, _driving(draft), _licence().identifier)
    zhangsan = User.objects.get(username="zhangsan")
    with pytest.raises(ActionError) as unknown:
        case_actions.do_use_held_material(zhangsan, draft, _driving(draft), "1.2.156.3005.2.X")
    assert unknown.value.code == "license_not_held"
    # A licence the applicant holds, but of another type than the material asks for.
    id_card = License.objects.get(license_type__key="ID_CARD",
                                  holder_person__user__username="zhangsan")
    with pytest.raises(ActionError) as other_type:
        case_actions.do_use_held_material(zhangsan, draft, _driving(draft), id_card.identifier)
    assert other_type.value.code == "license_not_held"
    approver = make_staff("gaj_approver", held_licences["wh-gaj"], StaffRole.APPROVER)
    actions.do_change_status(approver, _licence(), "revoke", reason="依法撤销")
    with pytest.raises(ActionError):
        case_actions.do_use_held_material(zhangsan, draft, _driving(draft),
                                          _licence().identifier)
    assert not CaseMaterial.objects.exists() and not LicenseUse.objects.exists()


def test_the_clerk_sees_a_revoked_licence_as_not_valid(draft, held_licences):
    zhangsan = User.objects.get(username="zhangsan")
    material = case_actions.do_use_held_material(zhangsan, draft, _driving(draft),
                                                 _licence().identifier)
    approver = make_staff("gaj_approver", held_licences["wh-gaj"], StaffRole.APPROVER)
    actions.do_change_status(approver, _licence(), "revoke", reason="依法撤销")
    seen = LicenseProvider().describe(material)
    assert seen is not None and not seen.valid


def test_the_page_offers_and_uses_the_licence(client, draft):
    client.force_login(User.objects.get(username="zhangsan"))
    page = client.get(reverse("cases:edit", kwargs={"uid": draft.uid}))
    assert page.status_code == 200 and _licence().identifier in page.content.decode()
    answer = client.post(reverse("cases:use_held", kwargs={"uid": draft.uid}),
                         {"requirement": str(_driving(draft).uid),
                          "reference": _licence().identifier})
    assert answer.status_code == 302 and CaseMaterial.objects.filter(case=draft).count() == 1
    client.force_login(User.objects.get(username="lisi"))
    outsider = client.post(reverse("cases:use_held", kwargs={"uid": draft.uid}),
                           {"requirement": str(_driving(draft).uid),
                            "reference": _licence().identifier})
    assert outsider.status_code == 404
