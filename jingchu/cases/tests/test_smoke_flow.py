"""The whole path on the actions: apply, submit, accept in another city, review, decide."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jingchu.cases import actions
from jingchu.cases.choices import CaseStatus, Channel
from jingchu.cases.models import CaseMaterial
from jingchu.cases.tests.conftest import implementation
from jingchu.core import calendar
from jingchu.core.errors import ActionError
from jingchu.identity.models import LegalEntity, User
from jingchu.services.choices import MaterialNecessity, MaterialSource
from jingchu.services.tests.sample_forms import posted_values

pytestmark = pytest.mark.django_db

ENTERPRISE_START = "000172002000"  # 企业开办, 全省通办 at 武汉市市场监管局


def _fill(case):
    return posted_values(case.version.form_schema)


def test_whole_path_with_a_clerk_in_another_city(catalog, wuhan_amr_staff):
    impl = implementation(ENTERPRISE_START, "wh-scjg", catalog)
    wangwu = User.objects.get(username="wangwu")
    entity = LegalEntity.objects.get()
    case = actions.do_create_draft(wangwu, implementation=impl, applicant=wangwu.person,
                                   on_behalf_of=entity, channel=Channel.ONLINE)
    with pytest.raises(ActionError) as refused:
        actions.do_transition(wangwu, case, "submit")
    assert refused.value.code == "precheck_failed"
    values = _fill(case) | {"uscc": entity.uscc}
    actions.do_save_form(wangwu, case, values)
    for req in case.version.materials.filter(necessity=MaterialNecessity.REQUIRED,
                                             source=MaterialSource.UPLOAD):
        CaseMaterial.objects.create(case=case, requirement=req, source="upload",
                                    file=SimpleUploadedFile("a.pdf", b"%PDF-1.4"),
                                    filename="a.pdf")
    case = actions.do_transition(wangwu, case, "submit")
    assert case.status == CaseStatus.SUBMITTED and case.number
    clerk = User.objects.get(username="clerk_wuhan")
    case = actions.do_transition(clerk, case, "accept")
    assert case.accepted_at is not None
    accepted_on = timezone.localdate(case.accepted_at)
    assert case.deadline == calendar.add_working_days(accepted_on, 1)
    reviewer, approver = wuhan_amr_staff["reviewer"], wuhan_amr_staff["approver"]
    with pytest.raises(ActionError):
        actions.do_transition(reviewer, case, "approve")
    case = actions.do_transition(reviewer, case, "start_review")
    case = actions.do_transition(approver, case, "approve")
    case = actions.do_transition(reviewer, case, "complete")
    assert case.status == CaseStatus.COMPLETED
    assert [e.action for e in case.events.all()] == [
        "create", "submit", "accept", "start_review", "approve", "complete"]
