"""Helpers of the staff-side tests: cases put straight into any status, and write counters."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from jingchu.cases.models import Case, CaseEvent, CaseMaterial
from jingchu.cases.tests.conftest import implementation
from jingchu.core.models import AuditEvent, Notification
from jingchu.identity.models import LegalEntity, User
from jingchu.services.choices import MaterialNecessity, MaterialSource
from jingchu.services.tests.sample_forms import typed_values

SOCIAL_CARD = "000113001000"  # 社会保障卡申领: 全省通办 at 武汉市人社局, 5 promised days
PENSION = "000113004000"  # 城镇职工基本养老保险待遇申领: 全市通办 at 武汉市人社局
INJURY = "000113006000"  # 工伤认定: 定点办理 at 武汉市人社局
UNEMPLOYMENT = "000113002000"  # 失业登记: on the spot, 全省通办 at 武汉市人社局
ENTERPRISE_START = "000172002000"  # 企业开办: 全省通办 at 武汉市市场监管局

_serial = itertools.count(1)


def user(username: str) -> User:
    return User.objects.get(username=username)


def valid_form(case: Case) -> dict[str, Any]:
    return typed_values(case.version.form_schema)


def make_case(orgs: dict[str, Any], status: str, *, code: str = SOCIAL_CARD,
              org_key: str = "wh-rsj", applicant: str = "zhangsan",
              entity: LegalEntity | None = None, accepted: bool | None = None,
              deadline: dt.date | None = None, accepting: str | None = "wh-smzj",
              complete: bool = True, paused_on: dt.date | None = None) -> Case:
    """A case in `status`, written directly (a fixture, not an action). `accepted` defaults to
    whether the status comes after acceptance."""
    impl = implementation(code, org_key, orgs)
    person = user(applicant).person
    if accepted is None:
        accepted = status in {"accepted", "under_review", "suspended", "decided", "completed",
                              "delivered"}
    now = timezone.now()
    version, creator = impl.item.current_version, person.user
    assert version is not None and creator is not None
    case = Case.objects.create(
        item=impl.item, version=version, implementation=impl,
        handling_org=impl.organization, applicant=person, on_behalf_of=entity,
        created_by=creator, channel="online", status=status,
        number=None if status == "draft" else f"420100-20-20260901-{next(_serial):06d}",
        accepting_org=orgs[accepting] if (accepting and accepted) else None,
        accepted_at=now if accepted else None,
        deadline=deadline or (dt.date(2026, 12, 31) if accepted else None),
        clock_paused_on=paused_on,
        completed_at=now if status in {"completed", "delivered"} else None,
    )
    if complete:
        case.form_data = valid_form(case)
        case.save(update_fields=["form_data"])
        for req in case.version.materials.filter(necessity=MaterialNecessity.REQUIRED,
                                                 source=MaterialSource.UPLOAD):
            CaseMaterial.objects.create(case=case, requirement=req, source="upload",
                                        file=f"cases/test/{req.pk}.pdf", filename="a.pdf")
    return case


def counts(case: Case | None = None) -> dict[str, Any]:
    """Everything a refused step must leave as it was."""
    figures: dict[str, Any] = {
        "events": CaseEvent.objects.count(), "audit": AuditEvent.objects.count(),
        "notifications": Notification.objects.count(),
    }
    if case is not None:
        fresh = Case.objects.get(pk=case.pk)
        figures["case"] = (fresh.status, fresh.deadline, fresh.accepted_at, fresh.accepting_org_id,
                           fresh.clock_paused_on, fresh.decision, fresh.claimed_by_id,
                           fresh.escalated_at, fresh.number)
    return figures
