"""Demo data of the catalog, the three lists, share requests and grants, for `jingchu demo`.

Idempotent: a resource is looked up by its code, a list entry by organization, list and name, a
request by consumer and resource; what exists is left alone. Everything is written through the
sharing actions, by demo data stewards created here through identity's own actions.

The population and legal-entity resources have exactly the columns the demo bases expose, and
武汉市市场监管局 and 武汉市公安局 hold active grants on both, so the gateway demo works.
"""

from __future__ import annotations

import datetime as dt
from importlib import import_module
from typing import Any

from django.utils import timezone

from jingchu.identity import actions as identity_actions
from jingchu.identity.choices import StaffRole
from jingchu.identity.models import Staff
from jingchu.sharing import actions
from jingchu.sharing.choices import ListKind, ResourceStatus
from jingchu.sharing.models import DataResource, ListEntry, ShareRequest

# (username, name, organization key); the province-level persona "steward" (省大数据中心) is
# identity's.
STEWARDS = [
    ("steward_gat", "高数", "hb-gat"), ("steward_scjg", "市数", "hb-scjg"),
    ("steward_mzt", "民数", "hb-mzt"), ("steward_rst", "人数", "hb-rst"),
    ("steward_jyt", "教数", "hb-jyt"), ("steward_wjw", "卫数", "hb-wjw"),
    ("steward_zrzy", "资数", "hb-zrzy"), ("steward_sw", "税数", "hb-sw"),
    ("steward_ybj", "医数", "hb-ybj"), ("steward_zjt", "建数", "hb-zjt"),
    ("steward_wh_scjg", "汉市数", "wh-scjg"), ("steward_wh_gaj", "汉公数", "wh-gaj"),
    ("steward_wh_rsj", "汉人数", "wh-rsj"), ("steward_wh_gjj", "汉积数", "wh-gjj"),
    ("steward_wh_zgj", "汉住数", "wh-zgj"), ("steward_wh_mzj", "汉民数", "wh-mzj"),
]

S, D, INT, N = "string", "date", "integer", "decimal"


def F(name: str, label: str, data_type: str = S, sensitivity: int = 2,
      mask: str = "") -> dict[str, Any]:
    return {"name": name, "label": label, "data_type": data_type, "sensitivity": sensitivity,
            "mask": mask}


BASIS_ID = "《中华人民共和国居民身份证法》；《政务信息资源共享管理暂行办法》（国发〔2016〕51号）"
BASIS_SHARE = "《政务信息资源共享管理暂行办法》（国发〔2016〕51号）第九条"

POPULATION = [
    F("id_number", "公民身份号码", S, 3, "id_number"), F("name", "姓名", S, 3),
    F("gender", "性别"), F("birth_date", "出生日期", D), F("ethnicity", "民族"),
    F("region_code", "户籍地行政区划代码", S, 1), F("address", "住址", S, 3, "address"),
    F("phone", "联系电话", S, 3, "phone"), F("marital_status", "婚姻状况", S, 3),
    F("education", "文化程度"),
]
LEGAL_ENTITIES = [
    F("uscc", "统一社会信用代码", S, 1), F("name", "名称", S, 1), F("kind", "市场主体类型", S, 1),
    F("legal_representative", "法定代表人", S, 2), F("registered_capital", "注册资本（万元）", N),
    F("established_on", "成立日期", D, 1), F("region_code", "住所行政区划代码", S, 1),
    F("address", "住所", S, 1, "address"), F("business_scope", "经营范围", S, 1),
    F("status", "登记状态", S, 1),
    F("authority", "登记机关", S, 1),
]

# code, owner, name, share type, open type, frequency, fields, mount (kind, target, key,
# subject) or None, published
RESOURCES: list[tuple[Any, ...]] = [
    ("HB-GA-HJ-001", "hb-gat", "人口基础信息", "conditional", "not_open", "daily", POPULATION,
     ("table", "population", "id_number", "person"), True),
    ("HB-GA-WF-001", "hb-gat", "违法犯罪人员信息", "not_shared", "not_open", "realtime",
     [F("id_number", "公民身份号码", S, 4, "id_number"), F("name", "姓名", S, 4),
      F("case_kind", "案件类别", S, 4)], None, True),
    ("HB-SC-FR-001", "hb-scjg", "法人单位基础信息", "unconditional", "open", "daily",
     LEGAL_ENTITIES, ("table", "legal_entities", "uscc", "legal_entity"), True),
    ("HB-SC-SP-001", "hb-scjg", "食品经营许可信息", "unconditional", "open", "daily",
     [F("license_no", "许可证编号", S, 1), F("uscc", "统一社会信用代码", S, 1),
      F("name", "经营者名称", S, 1), F("premises", "经营场所", S, 1),
      F("valid_until", "有效期至", D, 1)], ("lake", "hb-scjg/food-licences", "uscc",
                                         "legal_entity"), True),
    ("HB-MZ-HY-001", "hb-mzt", "婚姻登记信息", "conditional", "not_open", "daily",
     [F("id_number", "公民身份号码", S, 3, "id_number"), F("name", "姓名", S, 3),
      F("spouse_id_number", "配偶公民身份号码", S, 3, "id_number"),
      F("spouse_name", "配偶姓名", S, 3), F("kind", "登记类别（结婚/离婚）", S, 3),
      F("registered_on", "登记日期", D, 3), F("authority", "登记机关", S, 1)],
     ("lake", "hb-mzt/marriages", "id_number", "person"), True),
    ("HB-MZ-ST-001", "hb-mzt", "社会组织登记信息", "unconditional", "open", "monthly",
     [F("uscc", "统一社会信用代码", S, 1), F("name", "名称", S, 1), F("kind", "类型", S, 1)],
     None, False),
    ("HB-RS-SB-001", "hb-rst", "社会保险参保信息", "conditional", "not_open", "daily",
     [F("id_number", "公民身份号码", S, 3, "id_number"), F("name", "姓名", S, 3),
      F("insurance_kind", "险种", S, 2), F("status", "参保状态", S, 2),
      F("employer_uscc", "参保单位统一社会信用代码", S, 2),
      F("months_paid", "累计缴费月数", INT, 3)], ("lake", "hb-rst/si-enrolment", "id_number",
                                          "person"), True),
    ("HB-JY-XL-001", "hb-jyt", "学历学籍信息", "conditional", "not_open", "yearly",
     [F("id_number", "公民身份号码", S, 3, "id_number"), F("name", "姓名", S, 3),
      F("school", "学校名称", S, 2), F("level", "学历层次", S, 2),
      F("graduated_on", "毕业日期", D, 2)], None, True),
    ("HB-WJ-CS-001", "hb-wjw", "出生医学证明信息", "conditional", "not_open", "daily",
     [F("certificate_no", "出生医学证明编号", S, 3), F("child_name", "新生儿姓名", S, 3),
      F("birth_date", "出生日期", D, 3), F("mother_id_number", "母亲公民身份号码", S, 3,
                                        "id_number"),
      F("father_id_number", "父亲公民身份号码", S, 3, "id_number"),
      F("hospital", "出生地点（医疗机构）", S, 2)], None, True),
    ("WH-GJJ-JC-001", "wh-gjj", "住房公积金缴存信息", "conditional", "not_open", "monthly",
     [F("id_number", "公民身份号码", S, 3, "id_number"), F("name", "姓名", S, 3),
      F("account_status", "账户状态", S, 2), F("monthly_amount", "月缴存额（元）", N, 3),
      F("employer_uscc", "缴存单位统一社会信用代码", S, 2)], None, True),
    ("HB-ZR-BDC-002", "hb-zrzy", "不动产登记信息", "conditional", "not_open", "daily",
     [F("certificate_no", "不动产权证书号", S, 2), F("owner_id_number", "权利人证件号码", S, 3,
                                               "id_number"),
      F("owner_name", "权利人", S, 3), F("location", "坐落", S, 2, "address"),
      F("area", "面积（平方米）", N, 2), F("use", "用途", S, 1)],
     ("lake", "hb-zrzy/real-estate", "certificate_no", ""), True),
    ("HB-SW-XY-001", "hb-sw", "纳税信用等级信息", "unconditional", "open", "yearly",
     [F("uscc", "纳税人识别号（统一社会信用代码）", S, 1), F("name", "纳税人名称", S, 1),
      F("grade", "纳税信用级别", S, 1), F("year", "评价年度", INT, 1)],
     ("lake", "hb-sw/tax-credit", "uscc", "legal_entity"), True),
    ("HB-YB-CB-001", "hb-ybj", "医疗保障参保信息", "conditional", "not_open", "daily",
     [F("id_number", "公民身份号码", S, 3, "id_number"), F("name", "姓名", S, 3),
      F("scheme", "参保险种", S, 2), F("status", "参保状态", S, 2)], None, True),
    ("HB-ZJ-ZZ-001", "hb-zjt", "建筑业企业资质信息", "unconditional", "open", "weekly",
     [F("certificate_no", "资质证书编号", S, 1), F("uscc", "统一社会信用代码", S, 1),
      F("name", "企业名称", S, 1), F("qualification", "资质类别及等级", S, 1),
      F("valid_until", "有效期至", D, 1)], None, True),
]

DESCRIPTIONS = {
    "HB-GA-HJ-001": "全省户籍人口的基础信息，是人口综合库的权威来源。",
    "HB-SC-FR-001": "全省各类市场主体的登记信息（市场主体登记信息），是法人综合库的权威来源。",
    "HB-GA-WF-001": "依法不予共享，列入省公安厅负面清单。",
}

# organization key, list, name, resource code or "", extra
LISTS: list[tuple[str, str, str, str, dict[str, Any]]] = [
    ("hb-gat", "responsibility", "人口基础信息", "HB-GA-HJ-001", {}),
    ("hb-gat", "responsibility", "户籍迁移信息", "", {}),
    ("hb-gat", "negative", "违法犯罪人员信息", "HB-GA-WF-001",
     {"legal_basis": "《中华人民共和国刑事诉讼法》；《公安机关办理刑事案件程序规定》"}),
    ("hb-scjg", "responsibility", "法人单位基础信息", "HB-SC-FR-001", {}),
    ("hb-scjg", "responsibility", "食品经营许可信息", "HB-SC-SP-001", {}),
    ("hb-scjg", "responsibility", "行政处罚信息", "", {}),
    ("hb-mzt", "responsibility", "婚姻登记信息", "HB-MZ-HY-001", {}),
    ("hb-mzt", "responsibility", "社会组织登记信息", "HB-MZ-ST-001", {}),
    ("hb-mzt", "responsibility", "死亡登记信息", "", {}),
    ("hb-rst", "responsibility", "社会保险参保信息", "HB-RS-SB-001", {}),
    ("hb-zrzy", "responsibility", "不动产登记信息", "HB-ZR-BDC-002", {}),
    ("hb-jyt", "responsibility", "学历学籍信息", "HB-JY-XL-001", {}),
    ("wh-scjg", "demand", "法定代表人身份核验", "",
     {"provider": "hb-gat", "fields_wanted": ["id_number", "name"],
      "description": "企业开办时核验法定代表人身份"}),
    ("wh-rsj", "demand", "就业人员参保状态", "",
     {"provider": "hb-rst", "fields_wanted": ["id_number", "insurance_kind", "status"]}),
    ("wh-zgj", "demand", "住房不动产登记信息", "HB-ZR-BDC-002", {"provider": "hb-zrzy"}),
    ("wh-gjj", "demand", "婚姻状况核验", "",
     {"provider": "hb-mzt", "fields_wanted": ["id_number", "kind", "registered_on"],
      "description": "公积金贷款审核婚姻状况"}),
    ("hb-wjw", "demand", "死亡登记信息", "",
     {"provider": "hb-mzt", "fields_wanted": ["id_number", "death_date"],
      "description": "出生、死亡人口统计"}),
    ("wh-mzj", "demand", "残疾人证信息", "",
     {"fields_wanted": ["id_number", "disability_grade"], "description": "低保审核"}),
]

ALL_POPULATION = [f["name"] for f in POPULATION]
ALL_ENTITIES = [f["name"] for f in LEGAL_ENTITIES]

# consumer, resource, fields, purpose, outcome: auto | approve | partly | refuse | withdraw |
# pending
REQUESTS: list[tuple[str, str, list[str], str, str]] = [
    ("wh-scjg", "HB-SC-FR-001", ALL_ENTITIES, "企业开办、变更登记核验", "auto"),
    ("wh-gaj", "HB-SC-FR-001", ALL_ENTITIES, "治安管理中核验单位信息", "auto"),
    ("wh-scjg", "HB-GA-HJ-001", ALL_POPULATION, "企业开办时核验法定代表人和股东身份", "approve"),
    ("wh-gaj", "HB-GA-HJ-001", ALL_POPULATION, "户籍业务办理中核验人口信息", "approve"),
    ("wh-gjj", "HB-MZ-HY-001", ["id_number", "name", "spouse_id_number", "kind",
                               "registered_on"], "公积金贷款审核婚姻状况", "partly"),
    ("wh-zgj", "HB-ZR-BDC-002", ["certificate_no", "owner_id_number", "owner_name",
                                "location"], "保障性住房资格审核", "refuse"),
    ("hb-wjw", "HB-JY-XL-001", ["id_number", "name", "level"], "卫生专业技术人员资格审核",
     "withdraw"),
    ("wh-rsj", "HB-RS-SB-001", ["id_number", "insurance_kind", "status"],
     "就业补贴申领审核", "pending"),
    ("wh-scjg", "HB-SW-XY-001", ["uscc", "name", "grade"], "信用分级分类监管", "auto"),
]


def _stewards(ctx: Any, password: str) -> dict[str, Any]:
    users: dict[str, Any] = {}
    for username, name, org_key in STEWARDS:
        staff = Staff.objects.filter(user__username=username).select_related("user").first()
        if staff is None:
            staff = identity_actions.do_create_staff(None, username=username, password=password,
                                                     name=name)
        identity_actions.do_assign_role(None, staff=staff, organization=ctx.orgs[org_key],
                                        role=StaffRole.DATA_STEWARD)
        users[org_key] = staff.user
        ctx.logins.append((username, name, f"Data steward, {ctx.orgs[org_key].short_name}"))
    return users


def _mountable(kind: str, target: str) -> bool:
    # A lake mount needs its dataset: the lake's demo loads them first (INSTALLED_APPS order);
    # alone (the sharing tests) the resource stays unmounted.
    if kind == "lake":
        from jingchu.lake.models import Dataset

        return Dataset.objects.filter(code=target, status="active").exists()
    # The demo bases' tables are declared by sharing.mounts (the gateway's side).
    if kind != "table":
        return True
    try:
        import_module("jingchu.sharing.mounts")
    except ImportError:
        return False
    return True


def _resource(users: dict[str, Any], ctx: Any, spec: tuple[Any, ...]) -> DataResource:
    code, owner, name, share, open_type, frequency, fields, mount, published = spec
    existing = DataResource.objects.filter(code=code).first()
    if existing is not None:
        return existing
    steward = users[owner]
    basis = BASIS_ID if code == "HB-GA-HJ-001" else BASIS_SHARE
    resource = actions.do_register_resource(steward, ctx.orgs[owner], {
        "code": code, "name": name, "description": DESCRIPTIONS.get(code, ""),
        "share_type": share, "open_type": open_type, "update_frequency": frequency,
        "legal_basis": basis if share != "unconditional" else "",
        "share_conditions": "限于法定职责范围内使用" if share == "conditional" else "",
        "fields": fields})
    if mount is not None and _mountable(mount[0], mount[1]):
        kind, target, key, subject = mount
        resource = actions.do_mount_resource(steward, resource, kind=kind, target=target,
                                             key_field=key, subject_kind=subject)
    if published:
        resource = actions.do_publish_resource(steward, resource)
    return resource


def _list_entries(users: dict[str, Any], ctx: Any) -> None:
    for org_key, kind, name, code, extra in LISTS:
        org = ctx.orgs[org_key]
        if ListEntry.objects.filter(organization=org, kind=kind, name=name).exists():
            continue
        data: dict[str, Any] = {"name": name} | extra
        if code:
            data["resource"] = DataResource.objects.get(code=code)
        if extra.get("provider"):
            data["provider"] = ctx.orgs[extra["provider"]]
        actions.do_create_list_entry(users[org_key], org, ListKind(kind), data)


def _request(users: dict[str, Any], ctx: Any, spec: tuple[Any, ...]) -> None:
    consumer_key, code, fields, purpose, outcome = spec
    consumer, resource = ctx.orgs[consumer_key], DataResource.objects.get(code=code)
    if ShareRequest.objects.filter(consumer=consumer, resource=resource).exists():
        return
    if resource.status != ResourceStatus.PUBLISHED:
        return
    today = timezone.localdate()
    request = actions.do_submit_request(users[consumer_key], consumer, resource, {
        "fields": fields, "purpose": purpose, "legal_basis": BASIS_SHARE,
        "valid_from": today, "valid_until": today + dt.timedelta(days=730),
        "expected_daily_calls": 2000})
    owner = users[next(s[2] for s in STEWARDS if ctx.orgs[s[2]].pk == resource.owner_id)]
    if outcome == "approve":
        actions.do_approve_request(owner, request, rate_limit=1200)
    elif outcome == "partly":
        actions.do_approve_request(owner, request, fields=fields[:2] + fields[3:],
                                   reason="配偶公民身份号码不在申请用途所需范围内")
    elif outcome == "refuse":
        actions.do_refuse_request(owner, request, "申请用途所需信息项已通过住房保障系统共享，"
                                                  "请通过该系统获取。")
    elif outcome == "withdraw":
        actions.do_withdraw_request(users[consumer_key], request)


def load_catalog_demo(ctx: Any) -> None:
    """The catalog, three lists, requests and grants of the demo."""
    from jingchu.identity.demo import DEMO_PASSWORD

    users = _stewards(ctx, DEMO_PASSWORD)
    for spec in RESOURCES:
        _resource(users, ctx, spec)
    _list_entries(users, ctx)
    for spec in REQUESTS:
        _request(users, ctx, spec)
    ctx.report.append(f"Data resources: {DataResource.objects.count()}, list entries: "
                      f"{ListEntry.objects.count()}, share requests: "
                      f"{ShareRequest.objects.count()}")
