"""Record builders for the demo base registers (人口库, 法人库): pure functions of a seed and a
position, no database. `jingchu.sharing.bases` plans the work, encrypts and writes.

Determinism: chunk k of a base holds positions k*CHUNK .. k*CHUNK+CHUNK-1 and draws everything
from random.Random(f"{seed}:<base>:{k}") (string seeds hash with SHA-512, stable across Python
versions), so a position always yields the same record and a top-up can start mid-chunk.

Unique ID numbers by construction: a person's county is drawn first; the k-th person of a county
takes slot perm(k) of that county's (birth date, order code) space, perm being a keyed Feistel
permutation. The space gives each birth date as many order codes as its birth year's weight in
the age pyramid, so the ages come out realistic and no two persons ever share a number.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from itertools import accumulate
from operator import mul
from pathlib import Path

from django.conf import settings

from jingchu.core.identifiers import USCC_CHARSET, make_uscc

CHUNK = 5000  # part of the determinism: changing it changes which record sits where
FIRST_BIRTH = dt.date(1925, 1, 1)
LAST_BIRTH = dt.date(2024, 12, 31)
AS_OF = dt.date(2025, 1, 1)  # ages, statuses and update times are computed at this date
AS_OF_TIME = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
STATISTICAL_AREAS = frozenset({"421071", "421171"})  # not legal divisions: nobody is registered

# City-level population, 2020 census (万人), spread evenly over each city's counties.
CITY_POPULATION = {
    "4201": 1232.7, "4202": 246.9, "4203": 320.9, "4205": 401.8, "4206": 526.1, "4207": 107.9,
    "4208": 259.7, "4209": 427.0, "4210": 523.1, "4211": 588.3, "4212": 265.8, "4213": 204.8,
    "4228": 345.6, "429004": 113.5, "429005": 88.6, "429006": 115.9, "429021": 6.6,
}
# Ethnicity codes of GB/T 3304: 01 汉, 03 回, 06 苗, 11 满, 12 侗, 14 白, 15 土家.
ETHNICITIES = {"01": "汉族", "03": "回族", "06": "苗族", "11": "满族", "12": "侗族",
               "14": "白族", "15": "土家族"}
_ETHNIC_MIX = {
    "enshi": (("15", 46), ("01", 42), ("06", 7), ("12", 4), ("14", 1)),
    "tujia_county": (("15", 62), ("01", 37), ("06", 1)),  # 长阳, 五峰 土家族自治县
    "default": (("01", 9940), ("03", 25), ("15", 20), ("11", 10), ("06", 5)),
}
TUJIA_COUNTIES = frozenset({"420528", "420529"})
# GB/T 2261.2 marital status codes.
MARITAL_STATUSES = {"10": "未婚", "20": "已婚", "30": "丧偶", "40": "离婚"}
# GB/T 4658-2006 education categories; 90 also covers no schooling and not yet at school.
EDUCATION_LEVELS = {"10": "研究生教育", "20": "大学本科教育", "30": "大学专科教育",
                    "40": "中等职业教育", "60": "普通高级中学教育", "70": "初级中学教育",
                    "80": "小学教育", "90": "其他"}

# Birth-year weights of the living population by five-year band from 1925 (an age pyramid).
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# The GB 11643 check character, indexed by sum(weight * ASCII code) mod 11: the ASCII codes add
# 48 * sum(weights) to sum(weight * digit), so the standard table is rotated by that much.
_ID_CHECK = "".join("10X98765432"[(r - 48 * sum(_ID_WEIGHTS)) % 11] for r in range(11))
_YEAR_BANDS = (5, 10, 20, 30, 45, 65, 65, 75, 95, 85, 65, 70, 85, 75, 55, 50, 55, 60, 60, 35)

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
            "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺"
            "顾毛郝龚邵万钱严覃武戴莫孔向汤喻涂聂鲁柯童舒")
SURNAME_WEIGHTS = (712, 700, 660, 540, 460, 310, 220, 200, 190, 190, 130, 130, 120, 110, 140,
                   110, 100, 100, 100, 90, 80, 80, 70, 60, 60, 60, 50, 50, 50, 50, 50, 50, 50,
                   50, 50, 40, 40, 40, 40, 40, 40, 40, 40, 40, 30, 30, 30, 30, 30, 30, 30, 30,
                   30, 30, 30, 30, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 30,
                   20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 15, 15, 15, 15, 15, 15, 15, 15,
                   20, 15, 15, 15, 15, 10, 10, 15, 10, 12, 12, 12, 12, 12, 10, 10, 10)
MALE_CHARS = ("伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林洋文建国志海峰亮成东阳晨博"
              "然轩睿子泽宏家振兴永德世新春金毅诚武立彬松汉楚江锋荣清昊天")
FEMALE_CHARS = ("芳娜敏静丽艳娟霞燕玲婷雪慧莹琳颖倩洁红梅兰萍琴云凤佳欣怡雨思诗涵梦晓月晶文丹悦蕾"
                "璐瑶秀英华玉桂珍淑嘉琪媛薇楠蓉")
ROADS = ("解放", "中山", "建设", "和平", "人民", "发展", "友谊", "胜利", "新华", "光明", "沿江",
         "青年", "工农", "民主", "长江", "汉江", "楚天", "东风", "文化", "健康", "学院", "幸福",
         "金桥", "振兴", "滨江", "朝阳", "育才", "花园", "创业", "体育")
ROAD_KINDS = ("路", "路", "路", "大道", "街")
VILLAGE_PARTS = ("王家", "李家", "张家", "刘家", "陈家", "新华", "红星", "长岭", "黄泥", "石桥",
                 "柳树", "桂花", "枫林", "白果", "龙泉", "清水", "杨湾", "大冲", "河口", "马鞍")
MOBILE_PREFIXES = ("130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "147",
                   "150", "151", "152", "153", "155", "156", "157", "158", "159", "166", "173",
                   "175", "176", "177", "178", "180", "181", "182", "183", "184", "185", "186",
                   "187", "188", "189", "191", "198", "199")


class Picker:
    """A weighted draw by bisection over precomputed cumulative weights: a fraction of the cost
    of random.choices, which rebuilds its tables on every call."""

    def __init__(self, values: Sequence[str], weights: Iterable[float]) -> None:
        self.values = tuple(values)
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random) -> str:
        return self.values[bisect.bisect_right(self.cum, rng.random() * self.total)]


def _ranked(chars: str) -> list[float]:
    """Cumulative weights favouring the first characters (name characters follow Zipf's law)."""
    return list(accumulate(1.0 / (rank + 4) for rank in range(len(chars))))


_SURNAME = Picker(SURNAMES, SURNAME_WEIGHTS)
_MALE = Picker(MALE_CHARS, _ranked(MALE_CHARS))
_FEMALE = Picker(FEMALE_CHARS, _ranked(FEMALE_CHARS))


@dataclass(frozen=True)
class County:
    """A county-level division where persons are registered and entities are established."""

    code12: str
    name: str
    city: str  # 武汉市; the county itself for the cities the province administers directly
    district: bool  # a 区 of a city: its authority's and businesses' names carry the city
    streets: tuple[str, ...]  # 街道: urban addresses
    towns: tuple[str, ...]  # 镇, 乡 and other township-level units: village addresses
    weight: float

    @property
    def code6(self) -> str:
        return self.code12[:6]

    @property
    def prefix(self) -> str:
        """The address and name prefix: 武汉市江岸区, 阳新县 (under 黄石市), 仙桃市."""
        return self.city + self.name if self.city != self.name else self.name

    @property
    def local(self) -> str:
        """How local businesses name their place: 武汉市江岸区, but 阳新县 and 仙桃市."""
        return self.prefix if self.district else self.name

    @property
    def city_short(self) -> str:
        """武汉, 恩施 (for 恩施土家族苗族自治州), 神农架 (for 神农架林区)."""
        if self.city.endswith("自治州"):
            return self.city[:2]
        return self.city.removesuffix("林区").removesuffix("市")


@lru_cache(maxsize=1)
def counties() -> tuple[County, ...]:
    """Hubei's county-level divisions from the shipped table (data/regions/hubei.csv)."""
    path = Path(settings.DATA_DIR) / "regions" / "hubei.csv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    names = {row["code"]: row["name"] for row in rows}
    towns: dict[str, list[str]] = {}
    for row in rows:
        if row["level"] == "township":
            towns.setdefault(row["parent_code"], []).append(row["name"])
    found = [row for row in rows
             if row["level"] == "county" and row["code"][:6] not in STATISTICAL_AREAS]
    per_city: dict[str, int] = {}
    for row in found:
        per_city[_city_key(row["code"])] = per_city.get(_city_key(row["code"]), 0) + 1
    result = []
    for row in found:
        code, key = row["code"], _city_key(row["code"])
        direct = code.startswith("4290")
        units = towns.get(code, [])
        result.append(County(
            code12=code, name=row["name"],
            city=row["name"] if direct else names[row["parent_code"]],
            district=row["name"].endswith("区") and not direct,
            streets=tuple(n for n in units if n.endswith("街道")),
            towns=tuple(n for n in units if n.endswith(("镇", "乡"))),
            weight=CITY_POPULATION[key] / per_city[key],
        ))
    return tuple(result)


def _city_key(code12: str) -> str:
    return code12[:6] if code12.startswith("4290") else code12[:4]


@lru_cache(maxsize=1)
def county_cum_weights() -> list[float]:
    return list(accumulate(c.weight for c in counties()))


# --- the (birth date, order code) space of a county ------------------------------------------

@lru_cache(maxsize=1)
def _date_caps() -> tuple[list[int], int]:
    """Cumulative order codes per birth date (each date gets 1..999 codes by its year's weight)
    and the total: the size of every county's slot space."""
    top = max(_YEAR_BANDS)
    cum, total = [], 0
    day = FIRST_BIRTH
    while day <= LAST_BIRTH:
        total += max(1, 999 * _YEAR_BANDS[(day.year - FIRST_BIRTH.year) // 5] // top)
        cum.append(total)
        day += dt.timedelta(days=1)
    return cum, total


class SlotPermutation:
    """A keyed permutation of range(size): a four-round Feistel network on the next even power
    of two, walked until it lands inside the range (format-preserving, as in FF1's cycle walk)."""

    def __init__(self, size: int, key: str) -> None:
        self.size = size
        self.half = (max(size - 1, 1).bit_length() + 1) // 2
        self.mask = (1 << self.half) - 1
        rng = random.Random(key)
        self.keys = tuple(rng.getrandbits(32) | 1 for _ in range(4))

    def __call__(self, value: int) -> int:
        if not 0 <= value < self.size:
            raise ValueError(f"slot {value} is outside the space of {self.size}")
        half, mask = self.half, self.mask
        while True:
            left, right = value >> half, value & mask
            for key in self.keys:
                mixed = ((right * key) ^ (right >> 3) ^ key) * 0x85EBCA77
                left, right = right, left ^ ((mixed ^ (mixed >> 13)) & mask)
            value = (left << half) | right
            if value < self.size:
                return value


@lru_cache(maxsize=256)
def county_permutation(seed: int, code6: str) -> SlotPermutation:
    return SlotPermutation(_date_caps()[1], f"{seed}:slots:{code6}")


def person_capacity() -> int:
    """How many persons one county can hold: with Wuhan's districts at ~1.7% of the draws,
    the base can grow to about a billion persons before a county runs out of numbers."""
    return _date_caps()[1]


def id_number_at(seed: int, county: County, nth: int) -> str:
    """The ID number of the nth person (from 0) registered in the county."""
    cum, _total = _date_caps()
    slot = county_permutation(seed, county.code6)(nth)
    day = bisect.bisect_right(cum, slot)
    order = slot - (cum[day - 1] if day else 0) + 1  # 1..999: odd for men, even for women
    birth = FIRST_BIRTH + dt.timedelta(days=day)
    body = f"{county.code6}{birth:%Y%m%d}{order:03d}"
    return body + _ID_CHECK[sum(map(mul, body.encode(), _ID_WEIGHTS)) % 11]


def region_draws(seed: int, chunk: int) -> list[int]:
    """The county (index into counties()) of each position of a chunk of the population base."""
    rng = random.Random(f"{seed}:persons-region:{chunk}")
    return rng.choices(range(len(counties())), cum_weights=county_cum_weights(), k=CHUNK)


# --- persons ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class PersonData:
    id_number: str
    name: str
    gender: str
    birth_date: dt.date
    ethnicity: str
    region_code: str
    address: str
    phone: str
    marital_status: str
    education: str
    updated_at: dt.datetime


def person_name(rng: random.Random, male: bool) -> str:
    pick = _MALE if male else _FEMALE
    if rng.random() < 0.25:
        return _SURNAME(rng) + pick(rng)
    return _SURNAME(rng) + pick(rng) + pick(rng)


_ETHNIC = {name: Picker([p[0] for p in pairs], [p[1] for p in pairs])
           for name, pairs in _ETHNIC_MIX.items()}


def ethnicity(rng: random.Random, county: County) -> str:
    if county.code6.startswith("4228"):
        return _ETHNIC["enshi"](rng)
    if county.code6 in TUJIA_COUNTIES:
        return _ETHNIC["tujia_county"](rng)
    return _ETHNIC["default"](rng)


_MARITAL_BY_AGE = (  # (up to age, weights of 10 未婚, 20 已婚, 30 丧偶, 40 离婚)
    (19, (1, 0, 0, 0)), (24, (75, 24, 0, 1)), (29, (40, 57, 0, 3)), (39, (10, 83, 1, 6)),
    (59, (4, 86, 4, 6)), (69, (2, 80, 14, 4)), (200, (1, 55, 42, 2)),
)
_EDUCATION_BY_COHORT = (  # (born from year, weights of 10 20 30 40 60 70 80 90)
    (1990, (6, 25, 22, 12, 13, 19, 3, 0)), (1970, (3, 12, 13, 10, 17, 35, 10, 0)),
    (1950, (1, 4, 5, 6, 17, 40, 25, 2)), (0, (0, 2, 2, 0, 8, 20, 45, 23)),
)
_EDUCATION_CODES = ("10", "20", "30", "40", "60", "70", "80", "90")
_MARITAL = tuple((limit, Picker(("10", "20", "30", "40"), w)) for limit, w in _MARITAL_BY_AGE)
_EDUCATION = tuple((year, Picker(_EDUCATION_CODES, w)) for year, w in _EDUCATION_BY_COHORT)


def marital_status(rng: random.Random, age: int) -> str:
    return next(pick for limit, pick in _MARITAL if age <= limit)(rng)


def education(rng: random.Random, age: int, birth_year: int) -> str:
    if age < 6:
        return "90"
    if age < 18:
        return "80" if age < 12 else "70" if age < 15 else ("60" if rng.random() < 0.7 else "40")
    code = next(pick for year, pick in _EDUCATION if birth_year >= year)(rng)
    return "60" if age < 23 and code in ("10", "20") else code


def street_address(rng: random.Random, county: County) -> str:
    road = rng.choice(ROADS) + rng.choice(ROAD_KINDS)
    street = rng.choice(county.streets) if county.streets else ""
    return (f"湖北省{county.prefix}{street}{road}{rng.randint(1, 399)}号"
            f"{rng.randint(1, 30)}栋{rng.randint(1, 6)}单元{rng.randint(1, 33)}"
            f"{rng.randint(1, 4):02d}室")


def village_address(rng: random.Random, county: County) -> str:
    return (f"湖北省{county.prefix}{rng.choice(county.towns)}{rng.choice(VILLAGE_PARTS)}村"
            f"{rng.randint(1, 12)}组{rng.randint(1, 120)}号")


def person_address(rng: random.Random, county: County) -> str:
    urban = 0.85 if county.district else 0.45
    if not county.towns or (county.streets and rng.random() < urban):
        return street_address(rng, county)
    return village_address(rng, county)


def mobile(rng: random.Random) -> str:
    return MOBILE_PREFIXES[int(rng.random() * len(MOBILE_PREFIXES))] + \
        f"{int(rng.random() * 100_000_000):08d}"


def age_at(birth: dt.date, day: dt.date = AS_OF) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def person(rng: random.Random, county: County, id_number: str) -> PersonData:
    birth = dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    male = int(id_number[16]) % 2 == 1
    age = age_at(birth)
    return PersonData(
        id_number=id_number, name=person_name(rng, male), gender="male" if male else "female",
        birth_date=birth, ethnicity=ethnicity(rng, county), region_code=county.code12,
        address=person_address(rng, county), phone=mobile(rng) if age >= 16 else "",
        marital_status=marital_status(rng, age), education=education(rng, age, birth.year),
        updated_at=AS_OF_TIME - dt.timedelta(seconds=int(rng.random() * 4 * 365 * 86400)),
    )


def persons_of_chunk(seed: int, chunk: int, regions: list[int],
                     start_counts: list[int]) -> list[PersonData]:
    """All CHUNK persons of a chunk; `start_counts[c]` persons of county c came before it."""
    rng = random.Random(f"{seed}:persons:{chunk}")
    table, counts, out = counties(), list(start_counts), []
    for region in regions:
        county = table[region]
        out.append(person(rng, county, id_number_at(seed, county, counts[region])))
        counts[region] += 1
    return out


# --- legal entities --------------------------------------------------------------------------

@dataclass(frozen=True)
class EntityData:
    uscc: str
    name: str
    kind: str
    legal_representative: str
    registered_capital: Decimal
    established_on: dt.date
    region_code: str
    address: str
    business_scope: str
    status: str
    authority: str
    updated_at: dt.datetime


TRADE_CHARS = ("鑫华瑞源盛恒泰达宏嘉博鸿金汇创新佳德信安顺兴永丰和美天益祥联中楚荆江汉光明远通晟"
               "宸润航力诺科凯锦程星辰卓越铭宇浩亿融智启")
INDUSTRIES = (  # (name part, business scope)
    ("科技", "技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广；软件开发；"
             "信息系统集成服务。"),
    ("商贸", "日用百货销售；五金产品批发；建筑材料销售；家用电器销售；服装服饰批发。"),
    ("建筑工程", "建设工程施工；房屋建筑和市政基础设施项目工程总承包；建筑劳务分包。"),
    ("物流", "道路货物运输（不含危险货物）；国内货物运输代理；普通货物仓储服务。"),
    ("餐饮管理", "餐饮服务；食品销售；餐饮管理。"),
    ("农业发展", "农作物种植；农产品的生产、销售、加工、运输、贮藏及其他相关服务；水产养殖。"),
    ("教育咨询", "教育咨询服务（不含涉许可审批的教育培训活动）；组织文化艺术交流活动。"),
    ("医药", "药品零售；医疗器械经营；保健食品销售。"),
    ("汽车零部件", "汽车零部件及配件制造；汽车零配件批发；机械零件、零部件加工。"),
    ("光电子", "光电子器件制造；光通信设备制造；电子元器件批发。"),
    ("装饰工程", "住宅室内装饰装修；建筑装饰材料销售。"),
    ("文化传媒", "广告设计、代理；广告制作；会议及展览服务；组织文化艺术交流活动。"),
    ("环保科技", "环境保护专用设备制造；污水处理及其再生利用；固体废物治理。"),
    ("食品", "食品生产；食品销售；农副产品销售。"),
    ("人力资源", "人力资源服务（不含职业中介活动、劳务派遣服务）；劳务服务（不含劳务派遣）。"),
)
SHOPS = (  # 个体工商户: (name part, business scope)
    ("餐饮店", "餐饮服务；食品销售。"), ("便利店", "食品销售；日用百货销售；烟草制品零售。"),
    ("理发店", "理发服务；美容服务。"), ("五金店", "五金产品零售；建筑材料销售。"),
    ("服装店", "服装服饰零售；鞋帽零售。"), ("小吃店", "小餐饮；食品销售。"),
    ("水果店", "新鲜水果零售；食用农产品零售。"), ("汽车修理部", "机动车修理和维护。"),
    ("建材经营部", "建筑材料销售；建筑装饰材料销售。"), ("手机店", "通讯设备销售；电子产品销售。"),
    ("茶庄", "茶具销售；食品销售。"), ("超市", "食品销售；日用百货销售；烟草制品零售。"),
)
PRODUCTS = ("柑橘种植", "茶叶种植", "水稻种植", "生猪养殖", "小龙虾养殖", "蔬菜种植", "中药材种植",
            "家禽养殖", "农机服务", "水产养殖")
# (kind, USCC organization type, weight): 1 企业, 2 个体工商户, 3 农民专业合作社.
KINDS = (("有限责任公司", "1", 300), ("股份有限公司", "1", 8), ("个人独资企业", "1", 25),
         ("合伙企业", "1", 7), ("个体工商户", "2", 620), ("农民专业合作社", "3", 40))
_KIND_CUM = list(accumulate(k[2] for k in KINDS))
ACTIVE = "存续"  # 存续 (在营、开业、在册) for enterprises, 在业 for the others, as SAMR shows them
STATUSES = ("存续", "在业", "注销", "吊销，未注销", "迁出")
_MA_SPACE = len(USCC_CHARSET) ** 6


@lru_cache(maxsize=16)
def _org_permutation(seed: int, space: int) -> SlotPermutation:
    return SlotPermutation(space, f"{seed}:org-codes:{space}")


def org_body(seed: int, position: int, established: dt.date) -> str:
    """The 8-character organization-code body: 'MA' and six characters for codes issued since
    the credit-code reform (2015), digits before; each a permutation of the position, so unique
    (the two shapes never meet) and the base holds up to 10^8 entities."""
    if established.year >= 2015:
        value, chars = _org_permutation(seed, _MA_SPACE)(position), []
        for _ in range(6):
            value, digit = divmod(value, len(USCC_CHARSET))
            chars.append(USCC_CHARSET[digit])
        return "MA" + "".join(chars)
    return f"{_org_permutation(seed, 10 ** 8)(position):08d}"


def authority(county: County, city_level: bool = False) -> str:
    if city_level or county.district:
        return f"{county.city}{'' if city_level else county.name}市场监督管理局"
    return f"{county.name}市场监督管理局"


_YEARS = Picker([str(y) for y in range(1990, 2025)], [1 + (y - 1990) ** 1.6
                                                      for y in range(1990, 2025)])


def _established(rng: random.Random) -> dt.date:
    return dt.date(int(_YEARS(rng)), 1, 1) + dt.timedelta(days=int(rng.random() * 365))


def _status(rng: random.Random, kind: str, established: dt.date) -> str:
    years = AS_OF.year - established.year
    draw = rng.random()
    if draw < 0.004 * years:
        return "注销"
    if draw < 0.0065 * years:
        return "吊销，未注销"
    if draw < 0.0065 * years + 0.01:
        return "迁出"
    return ACTIVE if kind not in ("个体工商户", "农民专业合作社") else "在业"


def _name_and_scope(rng: random.Random, kind: str, county: County) -> tuple[str, str]:
    trade = "".join(rng.choices(TRADE_CHARS, k=2))
    if kind == "个体工商户":
        shop, scope = rng.choice(SHOPS)
        return f"{county.local}{trade}{shop}", scope
    if kind == "农民专业合作社":
        product = rng.choice(PRODUCTS)
        return (f"{county.local}{trade}{product}专业合作社",
                f"组织收购、销售成员{product[:2]}产品；提供{product[-2:]}技术培训和信息服务。")
    industry, scope = rng.choice(INDUSTRIES)
    if kind == "股份有限公司":
        return f"湖北{trade}{industry}股份有限公司", scope
    if kind == "个人独资企业":
        return f"{county.local}{trade}{industry}经营部", scope
    if kind == "合伙企业":
        return f"{county.city_short}{trade}{industry}合伙企业（有限合伙）", scope
    place = rng.choice((county.city_short, county.city_short, "湖北", county.city))
    return f"{place}{trade}{industry}有限公司", scope


def _capital(rng: random.Random, kind: str) -> Decimal:
    low, high = {"个体工商户": (0.5, 50), "农民专业合作社": (5, 500), "股份有限公司": (1000, 50000),
                 "个人独资企业": (1, 100)}.get(kind, (10, 5000))
    value = low * (high / low) ** rng.random()  # log-uniform: many small, few large
    return Decimal(f"{value:.0f}" if value >= 10 else f"{value:.2f}").quantize(Decimal("0.01"))


def entity(rng: random.Random, seed: int, position: int, county: County) -> EntityData:
    kind, org_type, _weight = KINDS[bisect.bisect_right(_KIND_CUM, rng.random() * _KIND_CUM[-1])]
    established = _established(rng)
    city_level = kind == "股份有限公司"
    region6 = county.code6[:4] + "00" if city_level and not county.code6.startswith("4290") \
        else county.code6
    name, scope = _name_and_scope(rng, kind, county)
    if kind in ("个体工商户", "农民专业合作社"):
        address = person_address(rng, county).rsplit("号", 1)[0] + "号"
    else:
        address = (f"湖北省{county.prefix}{rng.choice(ROADS)}{rng.choice(ROAD_KINDS)}"
                   f"{rng.randint(1, 999)}号{rng.randint(1, 28)}层{rng.randint(1, 30):02d}室")
    return EntityData(
        uscc=make_uscc("9", org_type, region6, org_body(seed, position, established)),
        name=name, kind=kind, legal_representative=person_name(rng, rng.random() < 0.68),
        registered_capital=_capital(rng, kind), established_on=established,
        region_code=county.code12, address=address, business_scope=scope,
        status=_status(rng, kind, established), authority=authority(county, city_level),
        updated_at=AS_OF_TIME - dt.timedelta(seconds=rng.randrange(3 * 365 * 86400)),
    )


def entities_of_chunk(seed: int, chunk: int) -> list[EntityData]:
    rng = random.Random(f"{seed}:entities:{chunk}")
    table = counties()
    regions = rng.choices(range(len(table)), cum_weights=county_cum_weights(), k=CHUNK)
    return [entity(rng, seed, chunk * CHUNK + offset, table[region])
            for offset, region in enumerate(regions)]
