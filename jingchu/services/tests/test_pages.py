import pytest
from django.urls import reverse

from jingchu.services import permissions
from jingchu.services.demo import load_service_items
from jingchu.services.models import ItemVersion, ServiceItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(demo_orgs):
    load_service_items(demo_orgs)
    return demo_orgs


def names(response):
    return [row.version.name for row in response.context["rows"]]


def test_catalog_is_public(client, catalog):
    assert permissions.can_view_catalog(None)
    response = client.get(reverse("services:catalog"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == ServiceItem.objects.count()
    assert len(names(response)) == 10
    assert b'hx-get="/services/"' in response.content


def test_search_by_name_and_keyword(client, catalog):
    assert names(client.get("/services/", {"q": "居住证"}))[0] == "居住证申领"
    by_keyword = names(client.get("/services/", {"q": "准生证"}))
    assert by_keyword == ["生育登记"]


def test_filters(client, catalog):
    org = catalog["wh-gjj"]
    found = names(client.get("/services/", {"organization": org.uid}))
    assert found and all("住房公积金" in n for n in found)
    marriage = names(client.get("/services/", {"topic": "marriage"}))
    assert "内地居民结婚登记" in marriage and "食品经营许可" not in marriage
    licences = client.get("/services/", {"item_type": "01"}).context["rows"]
    assert licences and all(r.version.item_type == "01" for r in licences)
    fixed = client.get("/services/", {"service_area": "fixed"}).context["rows"]
    assert fixed and all("fixed" in [a.value for a in r.areas] for r in fixed)
    assert client.get("/services/", {"organization": "not-a-uuid"}).context["rows"] == []


def test_region_filter_includes_descendants_and_province_wide_items(client, catalog):
    yichang = client.get("/services/", {"region": "420500000000", "q": ""})
    codes = {i.code for i in yichang.context["page"].paginator.object_list}
    # 食品生产许可 is done at Yichang's bureau; 公共租赁住房 only in Wuhan (not province-wide).
    by_name = {v.name: v.item.code for v in ItemVersion.objects.select_related("item")}
    assert by_name["食品生产许可"] in codes
    assert by_name["最低生活保障申请"] in codes  # at the Yiling district hall, a descendant
    assert by_name["社会保障卡申领"] in codes  # province-wide
    assert by_name["公共租赁住房申请"] not in codes


def test_htmx_request_gets_only_the_results(client, catalog):
    response = client.get("/services/", {"q": "许可", "page": 2}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b'id="result-count"' in response.content
    assert response.templates[0].name == "services/_results.html"


def test_item_page_shows_what_an_applicant_needs(client, catalog):
    item = ServiceItem.objects.get(current_version__name="住房公积金提取（购买自住住房）")
    response = client.get(reverse("services:detail", kwargs={"code": item.code}))
    assert response.status_code == 200
    html = response.content.decode()
    for part in ("住房公积金管理条例", 'id="materials"', 'id="reductions"', 'id="where"',
                 "武汉住房公积金管理中心", "商品房买卖合同网签备案信息", "收款银行账号",
                 "disabled"):
        assert part in html
    assert response.context["reductions"].materials_reused >= 2


def test_unknown_item_is_404(client, catalog):
    assert client.get("/services/999999999999/").status_code == 404
    item = ServiceItem.objects.get(current_version__name="生育登记")
    assert client.get(f"/services/{item.code}/", {"version": "9"}).status_code == 404
    assert client.get(f"/services/{item.code}/", {"version": "x"}).status_code == 404
