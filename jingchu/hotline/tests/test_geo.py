"""The gazetteer: addresses to Hubei regions (jingchu.hotline.geo)."""

from __future__ import annotations

import pytest

from jingchu.core.models import Region
from jingchu.hotline import geo

pytestmark = pytest.mark.django_db


def code_of(address: str, within: Region | None = None) -> str | None:
    found = geo.match_region(address, within)
    return found.code if found is not None else None


@pytest.mark.parametrize(("address", "code"), [
    ("湖北省武汉市洪山区关山街道珞喻路1号", "420111002000"),  # the deepest of a full chain
    ("洪山区珞喻路129号", "420111000000"),
    ("洪山珞喻路", "420111000000"),  # a district without 区
    ("武汉", "420100000000"),
    ("江夏区纸坊街道兴新街", "420115001000"),
    ("宜昌西陵区解放路", "420502000000"),
    ("十堰市竹山县城关镇", "420323100000"),  # one of 11 城关镇, settled by its county
    ("荆州", "421000000000"),  # the city, not 荆州区 inside it
    ("荆州沙市区北京路", "421002000000"),
    ("恩施", "422800000000"),
    ("恩施州利川市", "422802000000"),
])
def test_names_full_and_short(address: str, code: str) -> None:
    assert code_of(address) == code


def test_an_ambiguous_street_is_settled_by_the_city_named() -> None:
    assert code_of("武汉市江汉区新华街") == "420103007000"
    assert code_of("武汉新华街") == "420103007000"
    assert code_of("孝感市新华街10号") == "420902002000"
    assert code_of("孝南区新华街") == "420902002000"


def test_an_ambiguous_name_alone_matches_nothing_deeper() -> None:
    assert code_of("新华街菜市场") is None
    assert code_of("城关镇") is None
    # … but the unambiguous part of an address still counts
    assert code_of("湖北省城关镇") == "420000000000"


def test_within_restricts_to_the_subtree() -> None:
    wuhan = Region.objects.get(code="420100000000")
    yichang = Region.objects.get(code="420500000000")
    assert code_of("新华街", within=wuhan) == "420103007000"
    assert code_of("关山街道", within=wuhan) == "420111002000"
    assert code_of("洪山区关山街道", within=yichang) is None
    assert code_of("武汉市洪山区，宜昌市西陵区", within=yichang) == "420502000000"


@pytest.mark.parametrize("address", ["", "   ", "北京市朝阳区建国路", "公安局门口", "小区3栋2单元"])
def test_no_match_is_none(address: str) -> None:
    assert geo.match_region(address) is None


def test_the_index_follows_the_regions() -> None:
    hongshan = Region.objects.get(code="420111000000")
    assert code_of("光谷东街道") is None
    Region.objects.create(code="420111999000", name="光谷东街道", level="township",
                          parent=hongshan, path=f"{hongshan.path}/420111999000")
    assert code_of("光谷东街道") == "420111999000"
