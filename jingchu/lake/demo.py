"""Demo datasets of the lake, for `jingchu demo`: one for each lake dataset the demo catalog mounts
(食品经营许可, 婚姻登记, 社保参保, 不动产登记, 纳税信用), with the columns of those resources, and
省公安厅's population extract (人口信息抽样) with realistic errors for the quality audits.

Deterministic: the persons and enterprises are the demo bases' own (jingchu.sharing.bases_gen,
same seed, same order), so an ID number or credit code found in one dataset is found in the
population and legal-entity bases too; everything else is drawn from generators seeded by name.
Each dataset is written to a CSV file (food licences in GBK, as a department would send them) and
loaded through the real loader. Idempotent: a dataset with a version is left alone.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import tempfile
import time
from collections.abc import Callable, Iterable
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from jingchu.lake.actions import datasets as actions
from jingchu.lake.models import Dataset

POPULATION_EXTRACT = 20_000
SAMPLE = 5_000  # persons the other personal datasets draw from
ENTITIES = 3_000
PROVINCE_STEWARD = "steward"  # identity's persona at 省大数据中心


def C(name: str, label: str, kind: str = "string", mask: str = "", required: bool = False
      ) -> dict[str, Any]:
    return {"name": name, "type": kind, "label": label, "required": required, "mask": mask}


POPULATION_COLUMNS = [
    C("id_number", "公民身份号码", mask="id_number", required=True), C("name", "姓名", mask="name"),
    C("gender", "性别"), C("birth_date", "出生日期", "date"),
    C("region_code", "户籍地行政区划代码"), C("phone", "联系电话", mask="phone"),
    C("address", "住址", mask="address"), C("registered_on", "户籍登记日期", "date"),
]
SPECS: list[tuple[str, str, str, str, list[dict[str, Any]], str, str]] = [
    # code, owner, name, key column, columns, row builder, encoding
    ("hb-scjg/food-licences", "hb-scjg", "食品经营许可信息", "uscc", [
        C("license_no", "许可证编号", required=True), C("uscc", "统一社会信用代码", required=True),
        C("name", "经营者名称"), C("premises", "经营场所"), C("valid_until", "有效期至", "date")],
     "food_licences", "gbk"),
    ("hb-mzt/marriages", "hb-mzt", "婚姻登记信息", "id_number", [
        C("id_number", "公民身份号码", mask="id_number", required=True),
        C("name", "姓名", mask="name"),
        C("spouse_id_number", "配偶公民身份号码", mask="id_number"),
        C("spouse_name", "配偶姓名", mask="name"), C("kind", "登记类别（结婚/离婚）"),
        C("registered_on", "登记日期", "date"), C("authority", "登记机关")],
     "marriages", "utf-8"),
    ("hb-rst/si-enrolment", "hb-rst", "社会保险参保信息", "id_number", [
        C("id_number", "公民身份号码", mask="id_number", required=True),
        C("name", "姓名", mask="name"), C("insurance_kind", "险种"), C("status", "参保状态"),
        C("employer_uscc", "参保单位统一社会信用代码"),
        C("months_paid", "累计缴费月数", "integer")], "si_enrolment", "utf-8"),
    ("hb-zrzy/real-estate", "hb-zrzy", "不动产登记信息", "certificate_no", [
        C("certificate_no", "不动产权证书号", required=True),
        C("owner_id_number", "权利人证件号码", mask="id_number"),
        C("owner_name", "权利人", mask="name"), C("location", "坐落", mask="address"),
        C("area", "面积（平方米）", "decimal"), C("use", "用途")], "real_estate", "utf-8"),
    ("hb-sw/tax-credit", "hb-sw", "纳税信用等级信息", "uscc", [
        C("uscc", "纳税人识别号（统一社会信用代码）", required=True), C("name", "纳税人名称"),
        C("grade", "纳税信用级别"), C("year", "评价年度", "integer")], "tax_credit", "utf-8"),
    ("hb-gat/population-extract", "hb-gat", "人口信息抽样", "id_number", POPULATION_COLUMNS,
     "population_extract", "utf-8"),
]
DESCRIPTIONS = {
    "hb-gat/population-extract": "省公安厅人口信息抽样，用于数据质量稽核演示；含真实常见的错误"
                                 "（校验码、性别与出生日期不符、电话号码、行政区划代码、缺姓名、重复号码）。",
}

Row = dict[str, Any]


def _option(name: str) -> int:
    from jingchu import config

    return max(int(config.get(name)), 0)


def persons(count: int) -> list[Any]:
    """The first `count` persons of the demo population base, exactly as it holds them."""
    from jingchu.sharing import bases
    from jingchu.sharing import bases_gen as gen

    out: list[Any] = []
    for seed, chunk, regions, counts, lo, hi in bases.person_tasks(bases.DEFAULT_SEED, 0, count):
        out.extend(gen.persons_of_chunk(seed, chunk, regions, list(counts))[lo:hi])
    return out


def entities(count: int) -> list[Any]:
    from jingchu.sharing import bases
    from jingchu.sharing import bases_gen as gen

    out: list[Any] = []
    for seed, chunk, lo, hi in bases.entity_tasks(bases.DEFAULT_SEED, 0, count):
        out.extend(gen.entities_of_chunk(seed, chunk)[lo:hi])
    return out


def _county(code: str) -> Any:
    from jingchu.sharing import bases_gen as gen

    return next((c for c in gen.counties() if c.code6 == code[:6]), gen.counties()[0])


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max((end - start).days, 1)))


def _male(person: Any) -> bool:
    return int(person.id_number[16]) % 2 == 1


# --- the population extract, with its errors -------------------------------------------------


def _bad_check(number: str) -> str:
    wrong = "0123456789X".replace(number[17], "")
    return number[:17] + wrong[int(number[14:17]) % len(wrong)]


def _population_row(rng: random.Random, p: Any, previous: Any) -> Row:
    from jingchu.sharing import bases_gen as gen

    male = _male(p)
    row: Row = {"id_number": p.id_number, "name": p.name, "gender": "男" if male else "女",
                "birth_date": p.birth_date, "region_code": p.region_code[:6],
                "phone": p.phone or None, "address": p.address,
                "registered_on": min(p.birth_date + dt.timedelta(days=rng.randrange(1, 90)),
                                     gen.AS_OF)}
    error = int(rng.random() * 100)  # 0..6: one kind of error each, ~1% of rows apiece
    if error == 0:
        row["id_number"] = _bad_check(p.id_number)
    elif error == 1:
        row["gender"] = "女" if male else "男"
    elif error == 2:
        row["birth_date"] = p.birth_date + dt.timedelta(days=rng.choice((-1, 1)) *
                                                        rng.randrange(1, 400))
    elif error == 3:
        row["phone"] = rng.choice(("1" + "2" * 10, (p.phone or "13800000000")[:9],
                                   "027-" + str(rng.randrange(1000000, 9999999))))
    elif error == 4:
        row["region_code"] = p.region_code[:4] + "97"  # no county of Hubei ends in 97
    elif error == 5:
        row["name"] = None
    elif error == 6 and previous is not None:
        row["id_number"] = previous.id_number
    return row


def population_extract(count: int) -> Iterable[Row]:
    rng = random.Random("lake-demo:population-extract")
    previous = None
    for p in persons(count):
        yield _population_row(rng, p, previous)
        previous = p


# --- the catalog's lake datasets -------------------------------------------------------------


def food_licences(count: int) -> Iterable[Row]:
    from jingchu.sharing import bases_gen as gen

    rng = random.Random("lake-demo:food-licences")
    serial = 0
    for e in entities(count):
        if not any(word in e.business_scope for word in ("食品", "餐饮", "茶", "酒")):
            continue
        serial += 1
        body = f"1{e.region_code[:6]}{serial:06d}"
        yield {"license_no": f"JY{body}{sum(map(int, body)) % 10}", "uscc": e.uscc,
               "name": e.name, "premises": e.address,
               "valid_until": _day(rng, gen.AS_OF, gen.AS_OF + dt.timedelta(days=1825))}


def marriages(count: int) -> Iterable[Row]:
    from jingchu.sharing import bases_gen as gen

    rng = random.Random("lake-demo:marriages")
    waiting: dict[tuple[str, bool], Any] = {}
    for p in persons(count):
        if p.marital_status not in ("20", "40") or gen.age_at(p.birth_date) < 22:
            continue
        other = waiting.pop((p.marital_status, not _male(p)), None)
        if other is None:
            waiting[(p.marital_status, _male(p))] = p
            continue
        younger = max(p.birth_date, other.birth_date)
        day = _day(rng, younger + dt.timedelta(days=8036), gen.AS_OF)  # from 22 years of age
        kind = "结婚" if p.marital_status == "20" else "离婚"
        authority = f"{_county(p.region_code).prefix}民政局"
        for a, b in ((p, other), (other, p)):
            yield {"id_number": a.id_number, "name": a.name, "spouse_id_number": b.id_number,
                   "spouse_name": b.name, "kind": kind, "registered_on": day,
                   "authority": authority}


def si_enrolment(count: int) -> Iterable[Row]:
    from jingchu.sharing import bases_gen as gen

    rng = random.Random("lake-demo:si-enrolment")
    employers = [e.uscc for e in entities(min(count, ENTITIES))]
    for p in persons(count):
        age = gen.age_at(p.birth_date)
        if not 18 <= age <= 70 or rng.random() > 0.75:
            continue
        employed = rng.random() < 0.6 and employers
        status = rng.choices(("参保缴费", "暂停缴费", "终止参保"), (85, 10, 5))[0]
        yield {"id_number": p.id_number, "name": p.name,
               "insurance_kind": "企业职工基本养老保险" if employed else "城乡居民基本养老保险",
               "status": status, "employer_uscc": rng.choice(employers) if employed else None,
               "months_paid": rng.randrange(1, max((age - 17) * 12, 2))}


def real_estate(count: int) -> Iterable[Row]:
    from jingchu.sharing import bases_gen as gen

    rng = random.Random("lake-demo:real-estate")
    for serial, p in enumerate(persons(count), start=1):
        if gen.age_at(p.birth_date) < 25 or rng.random() > 0.4:
            continue
        county = _county(p.region_code)
        year = rng.randrange(2016, 2025)
        yield {"certificate_no": f"鄂({year}){county.city_short}不动产权第{serial:07d}号",
               "owner_id_number": p.id_number, "owner_name": p.name,
               "location": gen.street_address(rng, county) if county.streets else p.address,
               "area": f"{rng.uniform(45, 220):.2f}",
               "use": rng.choices(("住宅", "商业", "办公"), (85, 10, 5))[0]}


def tax_credit(count: int) -> Iterable[Row]:
    rng = random.Random("lake-demo:tax-credit")
    for e in entities(count):
        if e.kind == "个体工商户":
            continue
        yield {"uscc": e.uscc, "name": e.name,
               "grade": rng.choices(("A", "B", "M", "C", "D"), (30, 50, 12, 5, 3))[0],
               "year": 2024}


BUILDERS: dict[str, Callable[[int], Iterable[Row]]] = {
    "population_extract": population_extract, "food_licences": food_licences,
    "marriages": marriages, "si_enrolment": si_enrolment, "real_estate": real_estate,
    "tax_credit": tax_credit,
}


# --- loading ----------------------------------------------------------------------------------


def write_csv(path: Path, columns: list[dict[str, Any]], rows: Iterable[Row],
              encoding: str) -> None:
    names = [c["name"] for c in columns]
    with path.open("w", encoding="gb18030" if encoding == "gbk" else encoding,
                   newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(names)
        for row in rows:
            writer.writerow(["" if row.get(n) is None else row[n] for n in names])


def _actor() -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username=PROVINCE_STEWARD).first()


def _sizes() -> dict[str, int]:
    people, firms = _option("JINGCHU_DEMO_PERSONS"), _option("JINGCHU_DEMO_ENTITIES")
    return {"population_extract": min(POPULATION_EXTRACT, people),
            "entities": min(ENTITIES, firms), "persons": min(SAMPLE, people)}


def _load_one(ctx: Any, actor: Any, spec: tuple[Any, ...], folder: Path) -> str:
    code, owner, name, key, columns, builder, encoding = spec
    dataset = Dataset.objects.filter(code=code).first()
    if dataset is not None and dataset.current_version_id:
        return ""
    if dataset is None:
        dataset = actions.do_register_dataset(actor, ctx.orgs[owner], {
            "code": code, "name": name, "description": DESCRIPTIONS.get(code, ""),
            "update_frequency": "daily", "columns": columns, "key_column": key})
    sizes = _sizes()
    count = sizes["entities"] if builder in ("food_licences", "tax_credit") else \
        sizes["population_extract"] if builder == "population_extract" else sizes["persons"]
    path = folder / f"{builder}.csv"
    write_csv(path, columns, BUILDERS[builder](count), encoding)
    job = actions.do_start_load(actor, dataset, path=path, encoding=encoding)
    version = actions.do_run_load(job)
    return f"{code} v{version.number} ({version.row_count} rows)"


def load_demo(ctx: Any) -> None:
    """The lake's part of `jingchu demo`, then the quality and linkage demos if installed."""
    started = time.monotonic()
    actor = _actor()
    with tempfile.TemporaryDirectory(prefix="jingchu-lake-demo-") as folder:
        loaded = [line for spec in SPECS if (line := _load_one(ctx, actor, spec, Path(folder)))]
    ctx.report.append(
        f"Lake datasets: {Dataset.objects.count()} ({len(loaded)} loaded now"
        f"{': ' + ', '.join(loaded) if loaded else ''}) in {time.monotonic() - started:.1f} s; "
        f"log in as '{PROVINCE_STEWARD}' (province level) or an owner's steward_* to load")
    for hook, function in (("jingchu.lake.demo_quality", "load_quality_demo"),
                           ("jingchu.lake.demo_linkage", "load_linkage_demo")):
        if find_spec(hook) is not None:
            getattr(import_module(hook), function)(ctx)
