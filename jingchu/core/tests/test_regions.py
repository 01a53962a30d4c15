import pytest

from jingchu.core.choices import RegionLevel
from jingchu.core.models import Region
from jingchu.core.regions import load_regions

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite_smoke]


def test_hubei_has_17_city_level_divisions():
    cities = Region.objects.cities()
    assert cities.count() == 17
    names = set(cities.values_list("name", flat=True))
    assert {"武汉市", "恩施土家族苗族自治州", "仙桃市", "潜江市", "天门市", "神农架林区"} <= names
    assert not Region.objects.filter(code="429000000000").exists()


def test_county_level_count_is_the_official_103():
    assert Region.objects.county_level().count() == 103
    dev_zone = Region.objects.get(code="421071000000")
    assert dev_zone.is_statistical and not dev_zone.is_county_level
    assert Region.objects.get(code="429004000000").is_county_level


def test_tree_ancestors_and_descendants():
    jiangan = Region.objects.get(code="420102000000")
    assert [r.name for r in jiangan.ancestors()] == ["湖北省", "武汉市"]
    wuhan = Region.objects.get(code="420100000000")
    descendants = wuhan.descendants()
    assert descendants.filter(level=RegionLevel.COUNTY).count() == 13
    assert descendants.filter(level=RegionLevel.TOWNSHIP).exists()
    assert not descendants.filter(code__startswith="4202").exists()
    xiantao = Region.objects.get(code="429004000000")
    assert xiantao.parent is not None
    assert xiantao.parent.code == "420000000000"
    assert xiantao.descendants().filter(level=RegionLevel.TOWNSHIP).count() > 0


def test_loading_twice_changes_nothing():
    before = Region.objects.count()
    load_regions()
    assert Region.objects.count() == before
