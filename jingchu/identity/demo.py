"""Demo personas with valid generated identifiers. Idempotent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from jingchu.core.identifiers import make_id_number, make_uscc
from jingchu.core.models import Organization, Region
from jingchu.identity import actions
from jingchu.identity.choices import LegalEntityKind, StaffRole
from jingchu.identity.models import LegalEntity, Person, Staff

DEMO_PASSWORD = "Jingchu@2026"  # noqa: S105 - demo personas only, printed by `jingchu demo`


@dataclass(frozen=True)
class Persona:
    username: str
    name: str
    description: str
    org_key: str = ""
    role: str = ""


CITIZENS = [
    # username, name, region, birth, sequence, male, phone, address
    ("zhangsan", "张三", "420102", dt.date(1988, 3, 15), 21, True, "13871234567",
     "武汉市江岸区沿江大道188号"),
    ("lisi", "李四", "420106", dt.date(1995, 11, 2), 37, False, "13907151234",
     "武汉市武昌区中北路99号"),
    ("wangwu", "王五", "420111", dt.date(1979, 7, 28), 5, True, "18627001234",
     "武汉市洪山区珞喻路1037号"),
]

STAFF = [
    Persona("clerk_wuhan", "赵敏", "Window clerk, 武汉市民之家", "wh-smzj", StaffRole.WINDOW_CLERK),
    Persona("reviewer_amr", "钱进", "Reviewer, 省市场监管局", "hb-scjg", StaffRole.REVIEWER),
    Persona("approver_amr", "孙立", "Approver, 省市场监管局", "hb-scjg", StaffRole.APPROVER),
    Persona("steward", "周数", "Data steward, 省大数据中心", "hb-dsj", StaffRole.DATA_STEWARD),
    Persona("inspector_wh", "吴检", "Inspector, 武汉市市场监管局", "wh-scjg", StaffRole.INSPECTOR),
    Persona("auditor", "郑审", "Auditor, 省政务办", "hb-zwb", StaffRole.AUDITOR),
    Persona("admin", "冯管", "Administrator, 省政务办", "hb-zwb", StaffRole.ADMINISTRATOR),
    # Case handling in Wuhan (the demo path) and a clerk in Yichang to show 全省通办 intake.
    Persona("reviewer_wh_amr", "陈审", "Reviewer, 武汉市市场监管局", "wh-scjg", StaffRole.REVIEWER),
    Persona("approver_wh_amr", "林批", "Approver, 武汉市市场监管局", "wh-scjg", StaffRole.APPROVER),
    Persona("reviewer_wh_hrss", "何审", "Reviewer, 武汉市人社局", "wh-rsj", StaffRole.REVIEWER),
    Persona("approver_wh_hrss", "罗批", "Approver, 武汉市人社局", "wh-rsj", StaffRole.APPROVER),
    Persona("clerk_yichang", "黄窗", "Window clerk, 宜昌市民服务中心", "yc-zwzx",
            StaffRole.WINDOW_CLERK),
]

ENTERPRISE = {
    "name": "武汉荆楚云数科技有限公司",
    "uscc": make_uscc("9", "1", "420102", "MA4K7Q2B"),
    "region": "420102000000",
    "representative": "wangwu",
    "agent": "lisi",
}


def _citizen(actor: Any, row: tuple[Any, ...]) -> Person:
    username, name, region6, birth, seq, male, phone, address = row
    number = make_id_number(region6, birth, seq, male)
    existing = actions.find_person(number)
    if existing is not None:
        return existing
    return actions.do_register_person(
        actor, name=name, id_number=number, phone=phone, address=address,
        username=username, password=DEMO_PASSWORD,
    )


def _staff(actor: Any, persona: Persona, orgs: dict[str, Organization]) -> Staff:
    # Looked up as Staff: a citizen holding the username gets a clear 'username_taken' refusal
    # from the action instead of an AttributeError on `user.staff`.
    staff = Staff.objects.filter(user__username=persona.username).select_related("user").first()
    if staff is None:
        staff = actions.do_create_staff(
            actor, username=persona.username, password=DEMO_PASSWORD, name=persona.name
        )
    actions.do_assign_role(actor, staff=staff, organization=orgs[persona.org_key],
                           role=persona.role)
    if persona.role == StaffRole.ADMINISTRATOR and not staff.user.is_superuser:
        staff.user.is_superuser = True
        staff.user.save(update_fields=["is_superuser"])
    return staff


def load_personas(orgs: dict[str, Organization], actor: Any = None) -> list[Persona]:
    people = {row[0]: _citizen(actor, row) for row in CITIZENS}
    for persona in STAFF:
        _staff(actor, persona, orgs)
    if not LegalEntity.objects.filter(uscc=ENTERPRISE["uscc"]).exists():
        entity = actions.do_register_legal_entity(
            actor, uscc=ENTERPRISE["uscc"], name=ENTERPRISE["name"],
            kind=LegalEntityKind.ENTERPRISE,
            region=Region.objects.get(code=ENTERPRISE["region"]),
            legal_representative=people[ENTERPRISE["representative"]],
            address="武汉市江岸区中山大道1505号", established_on=dt.date(2021, 6, 18),
        )
        rep_user = people[ENTERPRISE["representative"]].user
        actions.do_authorize_agent(rep_user, legal_entity=entity,
                                   agent=people[ENTERPRISE["agent"]])
    citizens = [
        Persona("zhangsan", "张三", "Citizen (Wuhan, Jiang'an)"),
        Persona("lisi", "李四", "Citizen, authorized agent of the demo enterprise"),
        Persona("wangwu", "王五", "Citizen, legal representative of " + ENTERPRISE["name"]),
    ]
    return citizens + STAFF


def load_demo(ctx: Any) -> None:
    """The identity app's part of `jingchu demo`: personas, with their logins for the report."""
    ctx.password = DEMO_PASSWORD
    for persona in load_personas(ctx.orgs):
        ctx.logins.append((persona.username, persona.name, persona.description))
