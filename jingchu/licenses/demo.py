"""Demo licence types, their issuers and seals, and licences for the demo personas, for
`jingchu demo`. Idempotent: what exists is left alone, so a second run writes nothing.

The type codes are made up for the demo in the shape of the national catalogue's codes; a real
deployment loads the catalogue of the national licence platform.
"""

from __future__ import annotations

from typing import Any

from jingchu.cases.choices import Decision
from jingchu.cases.models import Case
from jingchu.core.models import AuditEvent, Organization
from jingchu.identity.models import LegalEntity, Person
from jingchu.licenses import actions
from jingchu.licenses.choices import HolderKind
from jingchu.licenses.issuance import issue_for_case
from jingchu.licenses.models import License, LicenseIssuer, LicenseType
from jingchu.seals import actions as seal_actions
from jingchu.seals import service as seals
from jingchu.seals.choices import SealKind
from jingchu.services.models import ServiceItem


def _string(title: str, max_length: int = 100) -> dict[str, Any]:
    return {"type": "string", "title": title, "minLength": 1, "maxLength": max_length}


TYPES: list[dict[str, Any]] = [
    {"key": "ID_CARD", "type_code": "11100000000000001", "name": "居民身份证",
     "authority": "公安部", "holder_kind": HolderKind.PERSON, "validity_years": 20,
     "schema": {"type": "object", "required": ["gender", "ethnicity"], "properties": {
         "gender": {"type": "string", "title": "性别", "enum": ["男", "女"]},
         "ethnicity": _string("民族", 20)}},
     "items": [], "issuers": ["wh-gaj", "yc-gaj", "xy-gaj"]},
    {"key": "DRIVING_LICENSE", "type_code": "11100000000000105", "name": "机动车驾驶证",
     "authority": "公安部交通管理局", "holder_kind": HolderKind.PERSON, "validity_years": 10,
     "schema": {"type": "object", "required": ["license_no", "class"], "properties": {
         "license_no": _string("档案编号", 20), "class": _string("准驾车型", 10)}},
     "items": ["000105006000"], "issuers": ["wh-gaj", "yc-gaj", "xy-gaj"]},
    {"key": "BUSINESS_LICENSE", "type_code": "11100000000000172", "name": "营业执照",
     "authority": "国家市场监督管理总局", "holder_kind": HolderKind.LEGAL_ENTITY,
     "validity_years": None,
     "schema": {"type": "object", "required": ["entity_name", "legal_representative"],
                "properties": {
                    "entity_name": _string("名称", 200),
                    "legal_representative": _string("法定代表人", 50),
                    "company_type": {"type": "string", "title": "类型",
                                     "enum": ["llc", "sole", "partnership"],
                                     "enumNames": ["有限责任公司", "个人独资企业", "合伙企业"]},
                    "registered_capital": {"type": "number", "title": "注册资本（万元）",
                                           "minimum": 0},
                    "premises": _string("住所", 200), "scope": _string("经营范围", 2000)}},
     "items": ["000172002000"], "issuers": ["wh-scjg", "wh-ja-scjg", "yc-scjg", "xy-scjg"]},
    {"key": "FOOD_BUSINESS", "type_code": "11100000000000173", "name": "食品经营许可证",
     "authority": "国家市场监督管理总局", "holder_kind": HolderKind.LEGAL_ENTITY,
     "validity_years": 5,
     "schema": {"type": "object", "required": ["entity_name", "premises", "main_type"],
                "properties": {
                    "entity_name": _string("经营者名称", 200), "premises": _string("经营场所", 200),
                    "main_type": {"type": "string", "title": "主体业态",
                                  "enum": ["shop", "catering", "canteen"],
                                  "enumNames": ["食品销售经营者", "餐饮服务经营者", "单位食堂"]},
                    "items": _string("经营项目", 500)}},
     "items": ["000172003000"], "issuers": ["wh-ja-scjg", "yc-scjg", "xy-scjg"]},
]

# (licence type key, issuer key, holder username or "entity", data)
HELD: list[tuple[str, str, str, dict[str, Any]]] = [
    ("ID_CARD", "wh-gaj", "zhangsan", {"gender": "男", "ethnicity": "汉"}),
    ("ID_CARD", "wh-gaj", "lisi", {"gender": "女", "ethnicity": "汉"}),
    ("ID_CARD", "wh-gaj", "wangwu", {"gender": "男", "ethnicity": "土家"}),
    ("DRIVING_LICENSE", "wh-gaj", "zhangsan", {"license_no": "420100123456", "class": "C1"}),
    ("BUSINESS_LICENSE", "wh-scjg", "entity", {
        "entity_name": "武汉荆楚云数科技有限公司", "legal_representative": "王五",
        "company_type": "llc", "registered_capital": 500,
        "premises": "武汉市东湖新技术开发区光谷大道 77 号", "scope": "软件开发；信息技术咨询服务"}),
]


def _licence_seal(org: Organization) -> Any:
    found = seals.seal_for(org, SealKind.LICENSE)
    return found or seal_actions.do_create_seal(None, org, kind=SealKind.LICENSE)


def load_types(orgs: dict[str, Organization]) -> int:
    made = 0
    for spec in TYPES:
        license_type, created = LicenseType.objects.get_or_create(key=spec["key"], defaults={
            "type_code": spec["type_code"], "name": spec["name"],
            "authority": spec["authority"], "holder_kind": spec["holder_kind"],
            "data_schema": spec["schema"], "validity_years": spec["validity_years"]})
        made += created
        if created:
            license_type.yielded_by.set(ServiceItem.objects.filter(code__in=spec["items"]))
        for key in spec["issuers"]:
            org = orgs.get(key)
            if org is not None and not LicenseIssuer.objects.filter(
                    license_type=license_type, organization=org).exists():
                LicenseIssuer.objects.create(license_type=license_type, organization=org,
                                             seal=_licence_seal(org))
    return made


def _holder(who: str) -> Person | LegalEntity | None:
    if who == "entity":
        return LegalEntity.objects.order_by("pk").first()
    return Person.objects.filter(user__username=who).first()


def load_licences(orgs: dict[str, Organization]) -> int:
    made = 0
    for key, org_key, who, data in HELD:
        license_type, holder, org = LicenseType.objects.get(key=key), _holder(who), orgs[org_key]
        if holder is None:
            continue
        held = License.objects.filter(license_type=license_type, issuer=org)
        held = (held.filter(holder_person=holder) if isinstance(holder, Person)
                else held.filter(holder_entity=holder))
        if held.exists():
            continue
        actions.do_issue_license(None, license_type=license_type, issuer=org, holder=holder,
                                 data=data, system=True)
        made += 1
    # Demo cases approved before the licence types existed get their licences now. A case
    # whose licence already failed once (recorded as an audit event) is not tried again on the
    # next run: on a large database a second `jingchu demo` would re-audit every one of them.
    failed = set(AuditEvent.objects.filter(action="licenses.license.issue_failed",
                                           object_type="cases.case")
                 .values_list("object_id", flat=True))
    for case in Case.objects.filter(decision=Decision.APPROVED, licenses__isnull=True,
                                    item__license_types__isnull=False).distinct():
        if str(case.uid) not in failed:
            made += len(issue_for_case(case))
    return made


def load_demo(ctx: Any) -> None:
    types = load_types(ctx.orgs)
    made = load_licences(ctx.orgs)
    ctx.report.append(f"Electronic licences: {LicenseType.objects.count()} types ({types} new), "
                      f"{License.objects.count()} licences ({made} new)")
