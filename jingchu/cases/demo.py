"""Demo cases for `jingchu demo`: a handful of applications in the states a visitor should find
on the workbench and in "My cases" (submitted, correction requested, under review and due soon,
suspended, completed), made through the case actions exactly as real ones, with small PDFs as
their materials.

Idempotent: a demo case is known by its applicant, item, implementing organization and the
enterprise it is made for; once such a case exists it is left alone, so a second run writes
nothing. Each case is made in one transaction, so a failure leaves no half-made case behind
that a later run would then skip.

The completed cases are rated by the reviews app's demo, which loads after this one and finds
them with `find_demo_case`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from jingchu.cases import actions
from jingchu.cases.models import Case
from jingchu.cases.precheck import ONLINE_FORM_MEDIA
from jingchu.core.models import Organization
from jingchu.identity.demo import ENTERPRISE
from jingchu.identity.models import LegalEntity, Person, User
from jingchu.services.choices import MaterialNecessity, MaterialSource
from jingchu.services.models import ItemImplementation

FormBuilder = Callable[[Person, LegalEntity | None, dt.date], dict[str, Any]]


# --- a small valid PDF ----------------------------------------------------------------------


def _pdf_text(text: str) -> str:
    """A PDF literal string: ASCII only (the standard Helvetica font has no CJK glyphs)."""
    ascii_text = text.encode("ascii", "replace").decode("ascii")
    return ascii_text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def sample_pdf(text: str = "Jingchu demo material") -> bytes:
    """A one-page A4 PDF showing `text`, with a correct cross-reference table, so that any
    viewer opens it; small enough (under 1 KB) for demo data and tests."""
    content = f"BT /F1 16 Tf 72 770 Td ({_pdf_text(text)}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


# --- the demo cases -------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One step by one demo user: a transition name from cases.workflow, or "claim"."""

    actor: str
    name: str
    reason: str = ""
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoCase:
    key: str
    applicant: str  # username of a demo citizen
    item: str  # basic code of a demo catalog item
    org: str  # key of the implementing organization
    form: FormBuilder
    steps: tuple[Step, ...] = ()  # after the applicant's submission
    for_enterprise: bool = False  # made for the demo enterprise


def _personal(person: Person) -> dict[str, Any]:
    return {"applicant_name": person.name, "id_number": person.id_number,
            "phone": person.phone, "pledge": True}


def _residence_permit(person: Person, _entity: LegalEntity | None,
                      today: dt.date) -> dict[str, Any]:
    return _personal(person) | {
        "gender": "male", "residence_address": "武汉市江岸区三阳路68号2栋1单元502室",
        "since": (today - dt.timedelta(days=240)).isoformat(), "basis": "work"}


def _social_security_card(person: Person, _entity: LegalEntity | None,
                          _today: dt.date) -> dict[str, Any]:
    # Delivery by post without an address: the clerk asks for it (补正 at intake).
    return _personal(person) | {"bank": "hbbank", "delivery": "post"}


def _company(person: Person, entity: LegalEntity | None) -> dict[str, Any]:
    assert entity is not None
    return {"entity_name": entity.name, "uscc": entity.uscc,
            "legal_representative": entity.legal_representative.name,
            "contact_name": person.name, "phone": person.phone, "pledge": True}


def _enterprise_start(person: Person, entity: LegalEntity | None,
                      _today: dt.date) -> dict[str, Any]:
    return _company(person, entity) | {
        "company_type": "llc", "registered_capital": 200,
        "premises": "武汉市江岸区中山大道1505号12层", "need_seal": True, "need_invoice": True,
        "scope": "软件开发；信息技术咨询服务；数据处理和存储支持服务", "staff_count": 12}


def _enterprise_change(person: Person, entity: LegalEntity | None,
                       today: dt.date) -> dict[str, Any]:
    return _company(person, entity) | {
        "changes": "经营场所变更为：武汉市东湖新技术开发区光谷大道77号3栋8层",
        "decision_date": (today - dt.timedelta(days=10)).isoformat()}


def _unemployment_benefit(person: Person, _entity: LegalEntity | None,
                          today: dt.date) -> dict[str, Any]:
    return _personal(person) | {"separation_date": (today - dt.timedelta(days=35)).isoformat(),
                                "bank_account": "6217 5510 0123 4567 890"}


def _work_injury(person: Person, _entity: LegalEntity | None, today: dt.date) -> dict[str, Any]:
    return _personal(person) | {
        "employer": "武汉江城物流有限公司",
        "accident_date": (today - dt.timedelta(days=50)).isoformat(),
        "accident": "在公司仓库搬运货物时被叉车擦伤右腿。",
        "diagnosis": "右胫骨骨折（武汉市第一医院诊断）"}


CLERK_WH, CLERK_YC = "clerk_wuhan", "clerk_yichang"
AMR = ("reviewer_wh_amr", "approver_wh_amr")  # 武汉市市场监管局
HRSS = ("reviewer_wh_hrss", "approver_wh_hrss")  # 武汉市人社局


def _handled_to_completion(clerk: str, staff: tuple[str, str]) -> tuple[Step, ...]:
    reviewer, approver = staff
    return (Step(clerk, "accept"), Step(reviewer, "claim"), Step(reviewer, "start_review"),
            Step(approver, "approve"), Step(reviewer, "complete"))


DEMO_CASES = [
    # Waits for a clerk at 武汉市民之家 (全市通办 at the city's public security bureau).
    DemoCase("residence-permit", "zhangsan", "000105001000", "wh-gaj", _residence_permit),
    DemoCase("social-security-card", "lisi", "000113001000", "wh-rsj", _social_security_card,
             (Step(CLERK_WH, "request_correction",
                   problems=("选择邮寄到家时请填写邮寄地址，或改为网点领取。",)),)),
    # 全省通办: accepted in Yichang, handled in Wuhan; promised in 1 working day, so due soon.
    DemoCase("enterprise-start", "lisi", "000172002000", "wh-scjg", _enterprise_start,
             (Step(CLERK_YC, "accept"), Step(AMR[0], "claim"), Step(AMR[0], "start_review")),
             for_enterprise=True),
    DemoCase("enterprise-change", "wangwu", "000172005000", "wh-scjg", _enterprise_change,
             _handled_to_completion(CLERK_WH, AMR), for_enterprise=True),
    DemoCase("unemployment-benefit", "zhangsan", "000113003000", "wh-rsj",
             _unemployment_benefit, _handled_to_completion(CLERK_WH, HRSS)),
    # 定点办理 at 武汉市人社局, accepted at the city's hall; suspended, so its clock stands.
    DemoCase("work-injury", "zhangsan", "000113006000", "wh-rsj", _work_injury,
             (Step(CLERK_WH, "accept"), Step(HRSS[0], "start_review"),
              Step(HRSS[0], "suspend", reason="等待劳动能力鉴定委员会出具鉴定结论。"))),
]
BY_KEY = {spec.key: spec for spec in DEMO_CASES}


def _enterprise() -> LegalEntity | None:
    return LegalEntity.objects.filter(uscc=ENTERPRISE["uscc"]).first()


def _existing(spec: DemoCase, orgs: dict[str, Organization]) -> Case | None:
    org = orgs.get(spec.org)
    if org is None:
        return None
    return Case.objects.filter(
        applicant__user__username=spec.applicant, item__code=spec.item,
        implementation__organization=org,
        on_behalf_of=_enterprise() if spec.for_enterprise else None,
    ).order_by("created_at").first()


def find_demo_case(key: str, orgs: dict[str, Organization]) -> Case | None:
    """The demo case made for `key` (see DEMO_CASES), if it has been made."""
    return _existing(BY_KEY[key], orgs)


def _attach_materials(user: User, case: Case) -> None:
    """A PDF for every required upload the pre-check asks for."""
    for requirement in case.version.materials.filter(
            necessity=MaterialNecessity.REQUIRED, source=MaterialSource.UPLOAD).exclude(
            media=ONLINE_FORM_MEDIA):
        upload = SimpleUploadedFile(f"{requirement.name}.pdf",
                                    sample_pdf(f"Demo material {requirement.pk}"),
                                    content_type="application/pdf")
        actions.do_attach_material(user, case, requirement, upload)


def _take(step: Step, case: Case) -> Case:
    actor = User.objects.get(username=step.actor)
    if step.name == "claim":
        return actions.do_claim(actor, case)
    return actions.do_transition(actor, case, step.name, reason=step.reason,
                                 problems=step.problems)


@transaction.atomic
def make_demo_case(spec: DemoCase, orgs: dict[str, Organization]) -> Case:
    """Apply online as the demo applicant, submit, then take the spec's steps."""
    implementation = ItemImplementation.objects.select_related("item__current_version").get(
        item__code=spec.item, organization=orgs[spec.org])
    user = User.objects.select_related("person").get(username=spec.applicant)
    entity = _enterprise() if spec.for_enterprise else None
    case = actions.do_create_draft(user, implementation=implementation, applicant=user.person,
                                   on_behalf_of=entity)
    actions.do_save_form(user, case, spec.form(user.person, entity, timezone.localdate()))
    _attach_materials(user, case)
    case = actions.do_transition(user, case, "submit")
    for step in spec.steps:
        case = _take(step, case)
    return case


def _ready(orgs: dict[str, Organization]) -> bool:
    """The personas and the catalog this loader stands on are there."""
    users = {s.applicant for s in DEMO_CASES} | {st.actor for s in DEMO_CASES for st in s.steps}
    return (all(spec.org in orgs for spec in DEMO_CASES) and _enterprise() is not None
            and User.objects.filter(username__in=users).count() == len(users))


def load_demo_cases(orgs: dict[str, Organization]) -> int:
    """Make the demo cases that do not exist yet; returns how many were made."""
    if not _ready(orgs):
        return 0
    made = 0
    for spec in DEMO_CASES:
        if _existing(spec, orgs) is None:
            make_demo_case(spec, orgs)
            made += 1
    return made


def load_demo(ctx: Any) -> None:
    """The cases app's part of `jingchu demo`."""
    made = load_demo_cases(ctx.orgs)
    ctx.report.append(f"Demo cases: {len(DEMO_CASES)} ({made} made now)")
